// Slash command answers (ephemeral messages): parsing of the command text, the four status views, usage
// help and an error view. The listener acks first, parses here, queries, then renders here.
import type { KnownBlock } from '@slack/types';
import { addDays, isIsoDate } from '../jobs/time.js';
import { context, divider, fieldSections, header, packLines, section } from './blocks.js';
import {
  backoffText,
  escapeEntities,
  escapeMrkdwn,
  formatCount,
  formatNumber,
  formatWhen,
  type Light,
  lightEmoji,
  plural,
  summarizeList,
  truncate,
} from './format.js';
import type {
  BreakerRow,
  MessageView,
  PipelineHealthInput,
  RetryQueueRow,
  ScraperStatusRow,
  ViewContext,
} from './types.js';

export const COMMANDS = ['/scrape-status', '/pipeline-health', '/breakers', '/retry-queue'] as const;
export type Command = (typeof COMMANDS)[number];

/** Ephemeral messages are messages: 50 blocks; keep room for a header and a closing line. */
const MAX_BLOCKS = 45;

const HELP: Record<Command, { usage: string; what: string; examples: string[] }> = {
  '/scrape-status': {
    usage: '/scrape-status [scraper]',
    what: 'Every scraper with a green/yellow/red state, gap count, last success and most recent error; or one scraper in detail.',
    examples: ['/scrape-status', '/scrape-status bdl_box_scores'],
  },
  '/pipeline-health': {
    usage: '/pipeline-health [date]',
    what: 'Phases 2–5 (raw, analytics, precompute, predictions) for a pipeline date (ET). Defaults to yesterday.',
    examples: ['/pipeline-health', '/pipeline-health 2026-01-19', '/pipeline-health today'],
  },
  '/breakers': {
    usage: '/breakers',
    what: 'Active entity circuit breakers (by processor) and proxy breakers.',
    examples: ['/breakers'],
  },
  '/retry-queue': {
    usage: '/retry-queue [pending|retrying|recovered|exhausted]',
    what: 'Retry-queue items by status: what is waiting, running, recovered and exhausted.',
    examples: ['/retry-queue', '/retry-queue exhausted'],
  },
};

export type CommandRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'scrape-status'; readonly scraper?: string }
  | { readonly kind: 'pipeline-health'; readonly date: string }
  | { readonly kind: 'breakers' }
  | { readonly kind: 'retry-queue'; readonly status?: RetryQueueRow['status'] };

const RETRY_STATUSES = ['pending', 'retrying', 'recovered', 'exhausted'] as const;

/** Read a command's text. `today` is the ET date (the caller's clock); no date means yesterday's games. */
export function parseCommand(command: Command, text: string, today: string): CommandRequest {
  const args = text.trim().split(/\s+/).filter(Boolean);
  if (args[0]?.toLowerCase() === 'help') return { kind: 'help' };
  switch (command) {
    case '/scrape-status': {
      if (args.length > 1) return { kind: 'error', message: 'Give at most one scraper name.' };
      const scraper = args[0];
      if (scraper === undefined) return { kind: 'scrape-status' };
      if (!/^[a-z0-9_]{1,100}$/.test(scraper)) {
        return {
          kind: 'error',
          message: `\`${escapeMrkdwn(truncate(scraper, 100))}\` is not a scraper name.`,
        };
      }
      return { kind: 'scrape-status', scraper };
    }
    case '/pipeline-health': {
      if (args.length > 1) return { kind: 'error', message: 'Give at most one date.' };
      const arg = args[0]?.toLowerCase();
      if (arg === undefined || arg === 'yesterday')
        return { kind: 'pipeline-health', date: addDays(today, -1) };
      if (arg === 'today') return { kind: 'pipeline-health', date: today };
      if (!isIsoDate(arg)) {
        return {
          kind: 'error',
          message: `\`${escapeMrkdwn(truncate(arg, 100))}\` is not a date: use YYYY-MM-DD, today or yesterday.`,
        };
      }
      if (arg > today) return { kind: 'error', message: `${arg} is in the future.` };
      return { kind: 'pipeline-health', date: arg };
    }
    case '/breakers':
      return args.length ? { kind: 'error', message: '/breakers takes no arguments.' } : { kind: 'breakers' };
    case '/retry-queue': {
      if (args.length > 1) return { kind: 'error', message: 'Give at most one status.' };
      const status = args[0]?.toLowerCase();
      if (status === undefined) return { kind: 'retry-queue' };
      const known = RETRY_STATUSES.find((s) => s === status);
      if (!known) {
        return {
          kind: 'error',
          message: `\`${escapeMrkdwn(truncate(status, 100))}\` is not a status: use ${RETRY_STATUSES.join(', ')}.`,
        };
      }
      return { kind: 'retry-queue', status: known };
    }
  }
}

export function helpView(command: Command): MessageView {
  const h = HELP[command];
  const text = `Usage: ${h.usage}. ${h.what}`;
  return {
    text,
    blocks: [
      section(`*Usage:* \`${h.usage}\`\n${h.what}`),
      context([`Examples: ${h.examples.map((e) => `\`${e}\``).join('  ·  ')}  ·  \`${command} help\``]),
    ],
  };
}

/** Bad input: what was wrong, then the usage. */
export function commandErrorView(command: Command, message: string): MessageView {
  const help = helpView(command);
  return {
    text: `${message} ${help.text}`,
    blocks: [section(`:warning: ${message}`), ...help.blocks],
  };
}

const LIGHT_ORDER: Record<Light, number> = { red: 0, yellow: 1, green: 2 };

function lightCounts(states: readonly Light[]): string {
  const n = (l: Light) => states.filter((s) => s === l).length;
  return `${n('red')} red · ${n('yellow')} yellow · ${n('green')} green`;
}

export function scraperLine(row: ScraperStatusRow, ctx: ViewContext): string {
  const last = row.lastSuccessAt ? formatWhen(ctx.fmt, row.lastSuccessAt, ctx.now) : 'never';
  const gaps = row.gapCount ? plural(row.gapCount, 'gap') : 'no gaps';
  const error = row.recentError
    ? ` · last error ${formatWhen(ctx.fmt, row.recentError.at, ctx.now)}: ${escapeMrkdwn(truncate(row.recentError.message, 140))}`
    : '';
  return `${lightEmoji(row.state)} *${escapeMrkdwn(row.scraper)}* · ${gaps} · last success ${last}${error}`;
}

export function sortScrapers(rows: readonly ScraperStatusRow[]): ScraperStatusRow[] {
  return [...rows].sort(
    (a, b) =>
      LIGHT_ORDER[a.state] - LIGHT_ORDER[b.state] ||
      b.gapCount - a.gapCount ||
      a.scraper.localeCompare(b.scraper),
  );
}

/**
 * `/scrape-status [scraper]`: all scrapers worst first, or one in detail. `known` are the scrapers the bot
 * knows besides the window's rows (the pipeline's list): one of them without a row has no runs or gap days in
 * the window, which is said as such; a name neither knows is an error view listing both.
 */
export function scrapeStatusView(
  rows: readonly ScraperStatusRow[],
  ctx: ViewContext,
  scraper?: string,
  known: readonly string[] = [],
): MessageView {
  if (scraper !== undefined) {
    const row = rows.find((r) => r.scraper === scraper);
    if (row) return scraperDetail(row, ctx);
    if (known.includes(scraper)) {
      const text = `\`${escapeMrkdwn(scraper)}\` is a scraper of the pipeline with no runs or gap days in the window /scrape-status reads.`;
      return { text, blocks: [section(text)] };
    }
    const names = [...new Set([...rows.map((r) => r.scraper), ...known])].sort();
    const list = summarizeList(
      names.map((n) => `\`${escapeMrkdwn(n)}\``),
      1500,
    );
    return commandErrorView(
      '/scrape-status',
      `No scraper named \`${escapeMrkdwn(scraper)}\`. Known: ${list}`,
    );
  }
  if (rows.length === 0) {
    return {
      text: 'No scraper runs recorded.',
      blocks: [section('No scraper runs recorded in the window.')],
    };
  }
  const sorted = sortScrapers(rows);
  const summary = lightCounts(sorted.map((r) => r.state));
  const blocks: KnownBlock[] = [
    header('Scrapers'),
    section(`${plural(rows.length, 'scraper')}: ${summary}`),
    ...packLines(
      sorted.map((r) => scraperLine(r, ctx)),
      MAX_BLOCKS - 2,
      (n) =>
        `${plural(n, 'more scraper')} (all green or fewer gaps): ask for one with \`/scrape-status NAME\``,
    ),
  ];
  return { text: `Scrapers: ${summary}`, blocks };
}

function scraperDetail(row: ScraperStatusRow, ctx: ViewContext): MessageView {
  const fields = [
    `*State*\n${lightEmoji(row.state)} ${row.state}`,
    `*Gaps*\n${formatNumber(row.gapCount)}`,
    `*Last success*\n${row.lastSuccessAt ? formatWhen(ctx.fmt, row.lastSuccessAt, ctx.now) : 'never'}`,
  ];
  if (row.runs24h !== undefined) {
    const failures = row.failures24h ?? 0;
    fields.push(`*Runs (24 h)*\n${formatNumber(row.runs24h)}, ${plural(failures, 'failure')}`);
  }
  const blocks: KnownBlock[] = [header(`Scraper ${row.scraper}`), ...fieldSections(fields)];
  if (row.recentError) {
    blocks.push(
      section(
        `*Most recent error* (${formatWhen(ctx.fmt, row.recentError.at, ctx.now)})\n\`\`\`${escapeMrkdwn(truncate(row.recentError.message, 2500))}\`\`\``,
      ),
    );
  }
  return { text: `${escapeEntities(row.scraper)}: ${row.state}, ${plural(row.gapCount, 'gap')}`, blocks };
}

/** `/pipeline-health [date]`: phases 2–5 for one date. */
export function pipelineHealthView(input: PipelineHealthInput): MessageView {
  const phases = [...input.phases].sort((a, b) => a.phase - b.phase);
  const worst = phases.reduce<Light>(
    (w, p) => (LIGHT_ORDER[p.state] < LIGHT_ORDER[w] ? p.state : w),
    'green',
  );
  const games =
    input.gamesScheduled === 0
      ? 'no games scheduled (an off-day: empty phases are expected)'
      : plural(input.gamesScheduled, 'game');
  const blocks: KnownBlock[] = [
    header(`Pipeline health ${input.date}`),
    context([`${lightEmoji(worst)} ${games}`]),
  ];
  if (phases.length === 0) blocks.push(section('No pipeline data recorded for this date yet.'));
  for (const p of phases) {
    if (blocks.length >= MAX_BLOCKS - 3) break;
    blocks.push(divider(), section(`${lightEmoji(p.state)} *Phase ${p.phase} · ${escapeMrkdwn(p.name)}*`));
    const metrics = p.metrics.slice(0, 10).map((m) => {
      const value =
        m.expected !== undefined && typeof m.value === 'number'
          ? formatCount(m.value, m.expected, true)
          : typeof m.value === 'number'
            ? formatNumber(m.value)
            : escapeMrkdwn(truncate(m.value, 300));
      return `*${escapeMrkdwn(truncate(m.label, 100))}*\n${value}`;
    });
    if (metrics.length) blocks.push(...fieldSections(metrics));
    if (p.note) blocks.push(context([escapeMrkdwn(truncate(p.note, 2000))]));
  }
  const text = `Pipeline health ${input.date}: ${phases.map((p) => `phase ${p.phase} ${p.state}`).join(', ') || 'no data'}`;
  return { text, blocks: blocks.slice(0, MAX_BLOCKS) };
}

type EntityBreaker = Extract<BreakerRow, { kind: 'entity' }>;
type ProxyBreaker = Extract<BreakerRow, { kind: 'proxy' }>;

/** Entity breakers grouped by processor (one line each), then proxy breakers, within the block budget. */
export function breakerLines(
  rows: readonly BreakerRow[],
  ctx: ViewContext,
): { entity: string[]; proxy: string[] } {
  const byProcessor = new Map<string, EntityBreaker[]>();
  for (const r of rows) {
    if (r.kind !== 'entity') continue;
    byProcessor.set(r.processor, [...(byProcessor.get(r.processor) ?? []), r]);
  }
  const entity = [...byProcessor.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([processor, list]) => {
      const arrived = list.filter((e) => e.dataArrived).length;
      const until = list
        .map((e) => e.trippedUntil)
        .filter((d): d is Date => d !== null)
        .sort((a, b) => b.getTime() - a.getTime())[0];
      const names = summarizeList(
        list.map((e) => escapeMrkdwn(e.entity)),
        600,
      );
      return `:no_entry: *${escapeMrkdwn(processor)}*: ${plural(list.length, 'entity', 'entities')} tripped${until ? ` until ${formatWhen(ctx.fmt, until, ctx.now)}` : ''}${arrived ? `, ${formatNumber(arrived)} with data arrived (auto-reset candidates)` : ''}\n${names}`;
    });
  const proxy = rows
    .filter((r): r is ProxyBreaker => r.kind === 'proxy')
    .map((r) => {
      const since = r.openedAt ? ` since ${formatWhen(ctx.fmt, r.openedAt, ctx.now)}` : '';
      const error = r.lastError ? ` · last error: ${escapeMrkdwn(truncate(r.lastError, 140))}` : '';
      const icon = r.state === 'OPEN' ? ':red_circle:' : ':large_yellow_circle:';
      return `${icon} *${escapeMrkdwn(r.provider)} → ${escapeMrkdwn(r.target)}* ${r.state}${since} · ${plural(r.failures, 'failure')}${error}`;
    });
  return { entity, proxy };
}

/** `/breakers`: active entity and proxy breakers. */
export function breakersView(rows: readonly BreakerRow[], ctx: ViewContext): MessageView {
  const active = rows.filter((r) => r.kind === 'entity' || r.state !== 'CLOSED');
  if (active.length === 0) {
    return { text: 'No active breakers.', blocks: [section(':white_check_mark: No active breakers.')] };
  }
  const { entity, proxy } = breakerLines(active, ctx);
  const entityCount = active.filter((r) => r.kind === 'entity').length;
  const blocks: KnownBlock[] = [header('Circuit breakers')];
  blocks.push(section(`*Entity breakers* (${formatNumber(entityCount)})`));
  blocks.push(...packLines(entity.length ? entity : ['none'], 20, (n) => `${plural(n, 'more processor')}`));
  blocks.push(section(`*Proxy breakers* (${formatNumber(proxy.length)})`));
  blocks.push(
    ...packLines(
      proxy.length ? proxy : ['none'],
      MAX_BLOCKS - blocks.length,
      (n) => `${plural(n, 'more proxy breaker')}`,
    ),
  );
  return {
    text: `Breakers: ${plural(entityCount, 'entity breaker')}, ${plural(proxy.length, 'proxy breaker')}`,
    blocks,
  };
}

export function retryLine(row: RetryQueueRow, ctx: ViewContext): string {
  const what = `*${escapeMrkdwn(row.scraper_name)}* ${row.target_date}${row.kind === 'processor' ? ' (processor)' : ''}`;
  const last = [...row.retry_history].reverse().find((a) => a.records_received !== null);
  const counts =
    last?.records_received != null
      ? ` · ${row.expected_records !== null ? formatCount(last.records_received, row.expected_records) : formatNumber(last.records_received)}`
      : '';
  const when = (d: Date) => formatWhen(ctx.fmt, d, ctx.now);
  // Scrapers wait hours between attempts and processors minutes: an active item says which clock it is on.
  const backoff = row.backoff_minutes
    ? ` · ${backoffText(row.kind, row.backoff_minutes, row.max_retries)}`
    : '';
  switch (row.status) {
    case 'pending':
      return `${what} · attempt ${row.retry_attempts + 1}/${row.max_retries}${row.next_retry_at ? ` at ${when(row.next_retry_at)}` : ''}${counts}${backoff} · ${escapeMrkdwn(truncate(row.reason, 100))}`;
    case 'retrying':
      return `${what} · attempt ${row.retry_attempts}/${row.max_retries} running${counts}${backoff}`;
    case 'recovered':
      return `${what} · recovered at attempt ${row.retry_attempts}${row.recovered_at ? ` (${when(row.recovered_at)})` : ''}${counts}`;
    case 'exhausted':
      return `${what} · exhausted after ${plural(row.retry_attempts, 'attempt')}${row.exhausted_at ? ` (${when(row.exhausted_at)})` : ''}${counts} · needs a person`;
  }
}

const STATUS_TITLE: Record<RetryQueueRow['status'], string> = {
  pending: ':hourglass_flowing_sand: Pending',
  retrying: ':repeat: Retrying',
  recovered: ':white_check_mark: Recovered',
  exhausted: ':sos: Exhausted',
};

/** `/retry-queue [status]`: items grouped by status, each group capped so every group shows. */
export function retryQueueView(
  rows: readonly RetryQueueRow[],
  ctx: ViewContext,
  status?: RetryQueueRow['status'],
): MessageView {
  const statuses = status ? [status] : RETRY_STATUSES;
  const counts = statuses.map((s) => `${rows.filter((r) => r.status === s).length} ${s}`).join(' · ');
  const blocks: KnownBlock[] = [header('Retry queue'), context([counts])];
  const perGroup = Math.floor((MAX_BLOCKS - 2) / statuses.length) - 1;
  for (const s of statuses) {
    const items = rows.filter((r) => r.status === s);
    if (items.length === 0) continue;
    blocks.push(section(`*${STATUS_TITLE[s]}* (${formatNumber(items.length)})`));
    blocks.push(
      ...packLines(
        items.map((r) => retryLine(r, ctx)),
        perGroup,
        (n) => `${plural(n, `more ${s} item`)}`,
      ),
    );
  }
  if (blocks.length === 2) blocks.push(section(status ? `No ${status} items.` : 'The retry queue is empty.'));
  return { text: `Retry queue: ${counts}`, blocks };
}
