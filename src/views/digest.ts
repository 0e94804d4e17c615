// The daily digest (07:00 ET): yesterday's collection in numbers, what is missing, what is open, what
// recovered (and how fast), and the 14-day gap trend, in one message within Slack's 50 blocks.
import type { KnownBlock } from '@slack/types';
import { context, divider, fieldSections, header, packLines, section } from './blocks.js';
import { breakerLines } from './commands.js';
import { escapeMrkdwn, formatCount, formatNumber, plural, sparkline, summarizeList } from './format.js';
import { autoHealLine, healedLine, incidentLine, recoveryByAttemptLine, sortIncidents } from './home.js';
import { recoveryTimeBlocks } from './recovery-times.js';
import type {
  AutoHealCount,
  BreakerRow,
  HealedRow,
  IncidentRow,
  MessageView,
  RecoveryByAttempt,
  RecoveryTimes,
  ViewContext,
} from './types.js';

const MAX_BLOCKS = 50;

export interface Coverage {
  readonly got: number;
  readonly expected: number;
}

export interface MissingRow {
  readonly date: string;
  /** `box scores`, `gamebook`, `props`. */
  readonly what: string;
  /** Team abbreviations (or game ids) missing; empty when the whole date is missing. */
  readonly teams: readonly string[];
}

export interface DigestInput extends ViewContext {
  /** The games' date the digest reports on (yesterday, ET). */
  readonly date: string;
  readonly games: Coverage;
  readonly boxscores: Coverage;
  readonly gamebooks: Coverage;
  readonly missing: readonly MissingRow[];
  readonly breakers: readonly BreakerRow[];
  readonly openIncidents: readonly IncidentRow[];
  /** Recoveries in the last 24 h, by a person or by an auto-heal policy (`policy` set). */
  readonly recoveries24h: readonly HealedRow[];
  /** Gaps per date, oldest first (14 days). */
  readonly gapTrend: readonly { readonly date: string; readonly gaps: number }[];
  readonly recoveryByAttempt: RecoveryByAttempt;
  /** Auto-heal per policy in the last 24 h (every automatic action counts, healed or not). */
  readonly autoHeal24h?: readonly AutoHealCount[];
  /** Time to recovery of failed scrapes by scraper and error type, over 30 days. */
  readonly recoveryTimes?: RecoveryTimes;
}

const pct = (c: Coverage) => formatCount(c.got, c.expected, true);

export function buildDigest(input: DigestInput): MessageView {
  const ctx: ViewContext = { now: input.now, fmt: input.fmt };
  const auto = input.recoveries24h.filter((r) => r.policy !== undefined).length;
  const activeBreakers = input.breakers.filter((b) => b.kind === 'entity' || b.state !== 'CLOSED');
  const blocks: KnownBlock[] = [
    header(`Daily digest · games of ${input.date}`),
    ...fieldSections([
      `*Games collected*\n${formatCount(input.games.got, input.games.expected)}`,
      `*Box score coverage*\n${pct(input.boxscores)}`,
      `*Gamebook coverage*\n${pct(input.gamebooks)}`,
      `*Open incidents*\n${formatNumber(input.openIncidents.length)}`,
      `*Active breakers*\n${formatNumber(activeBreakers.length)}`,
      `*Recoveries (24 h)*\n${formatNumber(input.recoveries24h.length)}${auto ? ` (${formatNumber(auto)} by auto-heal)` : ''}`,
    ]),
  ];

  const trend = input.gapTrend;
  if (trend.length) {
    const first = trend[0];
    const last = trend[trend.length - 1];
    const max = Math.max(...trend.map((t) => t.gaps));
    blocks.push(
      section(
        `*Gaps, last ${plural(trend.length, 'day')}* \`${sparkline(trend.map((t) => t.gaps))}\` ${first?.date} → ${last?.date}: latest ${formatNumber(last?.gaps ?? 0)}, peak ${formatNumber(max)}`,
      ),
    );
  }

  blocks.push(divider(), section(`*Missing* (${plural(input.missing.length, 'item')})`));
  if (input.missing.length) {
    const lines = [...input.missing]
      .sort((a, b) => b.date.localeCompare(a.date) || a.what.localeCompare(b.what))
      .map(
        (m) =>
          `• ${m.date} ${escapeMrkdwn(m.what)}: ${m.teams.length ? summarizeList(m.teams.map(escapeMrkdwn), 400) : 'whole date'}`,
      );
    blocks.push(...packLines(lines, 6, (n) => `${plural(n, 'more missing item')}`));
  } else {
    blocks.push(context([':white_check_mark: Nothing missing.']));
  }

  blocks.push(
    divider(),
    section(`*Recoveries in the last 24 h* (${formatNumber(input.recoveries24h.length)})`),
  );
  if (input.recoveries24h.length) {
    const sorted = [...input.recoveries24h].sort((a, b) => a.at.getTime() - b.at.getTime());
    blocks.push(
      ...packLines(
        sorted.map((r) => healedLine(r, ctx)),
        6,
        (n) => `${plural(n, 'more recovery', 'more recoveries')}`,
      ),
    );
  }
  blocks.push(
    context([
      ...(input.autoHeal24h ? [autoHealLine(input.autoHeal24h)] : []),
      recoveryByAttemptLine(input.recoveryByAttempt),
    ]),
  );

  if (input.recoveryTimes) blocks.push(...recoveryTimeBlocks(input.recoveryTimes));

  blocks.push(divider(), section(`*Open incidents* (${formatNumber(input.openIncidents.length)})`));
  if (input.openIncidents.length) {
    blocks.push(
      ...packLines(
        sortIncidents(input.openIncidents).map((i) => incidentLine(i, ctx)),
        8,
        (n) => `${plural(n, 'more open incident')}: see the App Home`,
      ),
    );
  }

  const { entity, proxy } = breakerLines(activeBreakers, ctx);
  blocks.push(divider(), section(`*Active breakers* (${formatNumber(activeBreakers.length)})`));
  if (entity.length + proxy.length) {
    blocks.push(
      ...packLines([...entity, ...proxy], 6, (n) => `${plural(n, 'more breaker line')}: see \`/breakers\``),
    );
  }

  const text = [
    `Daily digest ${input.date}: games ${formatCount(input.games.got, input.games.expected)}`,
    `box scores ${pct(input.boxscores)}`,
    `gamebooks ${pct(input.gamebooks)}`,
    plural(input.openIncidents.length, 'open incident'),
    plural(input.recoveries24h.length, 'recovery', 'recoveries'),
  ].join(', ');
  return { text, blocks: blocks.slice(0, MAX_BLOCKS) };
}
