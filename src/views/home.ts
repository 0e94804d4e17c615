// The App Home dashboard: open incidents first (what needs a person), then scrapers, breakers, the retry
// queue and what healed itself. Every section has a block budget so the tab stays within Slack's 100.
import type { HomeView, KnownBlock } from '@slack/types';
import type { Severity } from '../jobs/finding.js';
import { actionsBlocks, button, capBlocks, context, divider, header, packLines, section } from './blocks.js';
import { breakerLines, retryLine, scraperLine, sortScrapers } from './commands.js';
import {
  escapeMrkdwn,
  formatDuration,
  formatNumber,
  formatPercent,
  formatWhen,
  mention,
  plural,
  severityEmoji,
  truncate,
} from './format.js';
import type {
  AutoHealCount,
  BreakerRow,
  HealedRow,
  IncidentRow,
  RecoveryByAttempt,
  RetryQueueRow,
  ScraperStatusRow,
  ViewContext,
} from './types.js';

export const MAX_HOME_BLOCKS = 100;

export interface HomeInput extends ViewContext {
  readonly openIncidents: readonly IncidentRow[];
  readonly scrapers: readonly ScraperStatusRow[];
  readonly breakers: readonly BreakerRow[];
  readonly retryItems: readonly RetryQueueRow[];
  readonly healed24h: readonly HealedRow[];
  readonly recoveryByAttempt?: RecoveryByAttempt;
  /** Auto-heal per policy in the last 24 h. */
  readonly autoHeal24h?: readonly AutoHealCount[];
  /** When the checks last ran (shown so a stale dashboard is visible). */
  readonly lastRunAt?: Date | null;
  /**
   * The instant the scrapers and breakers were read from the warehouse: a shared reading, often the last
   * check run's (src/dashboard/snapshot.ts), so it can be older than `now` and Home says so.
   */
  readonly warehouseAsOf?: Date;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/** Most severe first, then oldest first: the order a person should look at them. */
export function sortIncidents<T extends IncidentRow>(rows: readonly T[]): T[] {
  return [...rows].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.opened_at.getTime() - b.opened_at.getTime(),
  );
}

export function incidentLine(row: IncidentRow, ctx: ViewContext): string {
  const title = escapeMrkdwn(truncate(row.finding.title, 300));
  const shown = row.permalink ? `<${row.permalink}|${title}>` : title;
  const state: string[] = [];
  if (row.ack) state.push(`ack ${mention(row.ack.user)}`);
  if (row.snooze_until && row.snooze_until > ctx.now) {
    state.push(`snoozed until ${formatWhen(ctx.fmt, row.snooze_until, ctx.now)}`);
  }
  const extra = state.length ? ` · ${state.join(' · ')}` : '';
  return `${severityEmoji(row.severity)} *${shown}* · \`${escapeMrkdwn(row.check)}\` · open ${formatDuration(ctx.now.getTime() - row.opened_at.getTime())}${extra}`;
}

export function healedLine(row: HealedRow, ctx: ViewContext): string {
  const by = row.policy ? `by shotclock (policy ${escapeMrkdwn(row.policy)})` : 'by a person';
  const after = row.durationMs !== undefined ? ` after ${formatDuration(row.durationMs)}` : '';
  const attempts = row.attempts !== undefined ? ` (${plural(row.attempts, 'attempt')})` : '';
  return `:white_check_mark: ${escapeMrkdwn(truncate(row.title, 300))} · ${escapeMrkdwn(row.action)} ${by} at ${formatWhen(ctx.fmt, row.at, ctx.now)}${after}${attempts}`;
}

/** "Auto-heal, last 24 h: retry-discrepancy 2 actions, 1 healed · backfill-boxscores 1 action" */
export function autoHealLine(counts: readonly AutoHealCount[]): string {
  if (counts.length === 0) return 'Auto-heal, last 24 h: no automatic actions.';
  const parts = [...counts]
    .sort((a, b) => b.actions - a.actions || a.policy.localeCompare(b.policy))
    .map(
      (c) =>
        `${escapeMrkdwn(c.policy)} ${plural(c.actions, 'action')}${c.healed ? `, ${formatNumber(c.healed)} healed` : ''}`,
    );
  return `:robot_face: Auto-heal, last 24 h: ${parts.join(' · ')}`;
}

/** "recovered at attempt 1: 60% (6) · 2: 20% (2) · 3: 10% (1) · exhausted: 10% (1)" */
export function recoveryByAttemptLine(r: RecoveryByAttempt): string {
  const total = r.byAttempt.reduce((a, b) => a + b, 0) + r.exhausted;
  if (total === 0) return 'No retries finished yet.';
  const share = (n: number) => `${formatPercent(n / total, 0)} (${formatNumber(n)})`;
  const parts = r.byAttempt.map((n, i) => `${i === 0 ? 'attempt ' : ''}${i + 1}: ${share(n)}`);
  return `Retries recovered at ${parts.join(' · ')} · exhausted: ${share(r.exhausted)}`;
}

/**
 * "as of 09:00 ET (1 h 05 m ago)" for a shared warehouse reading older than now (src/dashboard/snapshot.ts),
 * undefined for one taken now: what Home and the commands show beside what they read.
 */
/** App Home's Refresh button: the dashboard read afresh for the one who clicks (src/bot/home.ts). */
export const HOME_REFRESH_ACTION = 'home_refresh';

export function readingAge(asOf: Date, ctx: ViewContext): string | undefined {
  const age = ctx.now.getTime() - asOf.getTime();
  if (age <= 0) return undefined;
  return `as of ${formatWhen(ctx.fmt, asOf, ctx.now)} (${formatDuration(age)} ago)`;
}

export function buildHome(input: HomeInput): HomeView {
  const ctx: ViewContext = { now: input.now, fmt: input.fmt };
  const asOf = input.warehouseAsOf ? readingAge(input.warehouseAsOf, ctx) : undefined;
  const updated = `Updated ${formatWhen(input.fmt, input.now, input.now)}${
    asOf ? ` · scrapers and breakers ${asOf}` : ''
  }${input.lastRunAt ? ` · checks last ran ${formatWhen(input.fmt, input.lastRunAt, input.now)}` : ''}`;
  const blocks: KnownBlock[] = [
    header('shotclock · pipeline health'),
    context([updated]),
    // The tab stays as published, and its warehouse parts are a shared reading up to
    // DASHBOARD_CACHE_SECONDS old: a current one on request.
    ...actionsBlocks([button({ text: 'Refresh', actionId: HOME_REFRESH_ACTION })]),
  ];

  // Open incidents get the largest budget: they are why a person opens the tab.
  const incidents = sortIncidents(input.openIncidents);
  blocks.push(section(`*Open incidents* (${formatNumber(incidents.length)})`));
  blocks.push(
    ...(incidents.length
      ? packLines(
          incidents.map((i) => incidentLine(i, ctx)),
          40,
          (n) => `${plural(n, 'more open incident')}`,
        )
      : [section(':white_check_mark: Nothing open.')]),
  );

  const scrapers = sortScrapers(input.scrapers);
  const notGreen = scrapers.filter((s) => s.state !== 'green');
  const green = scrapers.length - notGreen.length;
  blocks.push(
    divider(),
    section(`*Scrapers* · ${formatNumber(green)}/${formatNumber(scrapers.length)} green`),
  );
  if (notGreen.length) {
    blocks.push(
      ...packLines(
        notGreen.map((s) => scraperLine(s, ctx)),
        12,
        (n) => `${plural(n, 'more scraper')} not green`,
      ),
    );
  }

  const { entity, proxy } = breakerLines(
    input.breakers.filter((b) => b.kind === 'entity' || b.state !== 'CLOSED'),
    ctx,
  );
  blocks.push(
    divider(),
    section(
      `*Breakers* · ${plural(entity.length, 'processor')} with entity breakers · ${plural(proxy.length, 'proxy breaker')}`,
    ),
  );
  if (entity.length + proxy.length) {
    blocks.push(...packLines([...entity, ...proxy], 10, (n) => `${plural(n, 'more breaker line')}`));
  }

  const active = input.retryItems.filter((r) => r.status !== 'recovered');
  const count = (s: RetryQueueRow['status']) => input.retryItems.filter((r) => r.status === s).length;
  blocks.push(
    divider(),
    section(
      `*Retry queue* · ${count('pending')} pending · ${count('retrying')} retrying · ${count('exhausted')} exhausted · ${count('recovered')} recovered`,
    ),
  );
  if (active.length) {
    const order = { exhausted: 0, retrying: 1, pending: 2, recovered: 3 } as const;
    const sorted = [...active].sort((a, b) => order[a.status] - order[b.status]);
    blocks.push(
      ...packLines(
        sorted.map((r) => `${r.status} · ${retryLine(r, ctx)}`),
        10,
        (n) => `${plural(n, 'more item')}`,
      ),
    );
  }

  blocks.push(divider(), section(`*Healed in the last 24 h* (${formatNumber(input.healed24h.length)})`));
  if (input.healed24h.length) {
    const recent = [...input.healed24h].sort((a, b) => b.at.getTime() - a.at.getTime());
    blocks.push(
      ...packLines(
        recent.map((h) => healedLine(h, ctx)),
        10,
        (n) => `${plural(n, 'more')} healed`,
      ),
    );
  }
  const tail = [
    ...(input.autoHeal24h ? [autoHealLine(input.autoHeal24h)] : []),
    ...(input.recoveryByAttempt ? [recoveryByAttemptLine(input.recoveryByAttempt)] : []),
  ];
  if (tail.length) blocks.push(context(tail));

  return {
    type: 'home',
    blocks: capBlocks(
      blocks,
      MAX_HOME_BLOCKS,
      'Dashboard cut to fit Slack: use the slash commands for the rest.',
    ),
  };
}
