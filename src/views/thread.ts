// Thread replies under an incident's message and ephemeral answers to clicks: one short line each, so
// the thread reads as the incident's history ("Retry 1/3 … scheduled", "Attempt 1: 6/9 games", …).
import type { KnownBlock } from '@slack/types';
import type { AuditEntry } from '../store/audit.js';
import type { Incident } from '../store/incidents.js';
import { ACTION_LABELS, type ActionParseError, isActionKind } from './action-ids.js';
import { context, section } from './blocks.js';
import {
  backoffText,
  escapeMrkdwn,
  formatCount,
  formatDuration,
  formatNumber,
  formatWhen,
  mention,
  plural,
  severityEmoji,
  severityLabel,
  summarizeList,
  truncate,
} from './format.js';
import type { MessageView, ViewContext } from './types.js';

/** A one-line reply: the mrkdwn line is the fallback text too (notifications render mentions). */
function line(text: string, note?: string): MessageView {
  const blocks: KnownBlock[] = [section(text)];
  if (note) blocks.push(context([note]));
  return { text: truncate(text, 3000), blocks };
}

/** Who did it: a person, or shotclock under a named auto-heal policy. */
export type Actor = { readonly user: string } | { readonly policy: string };

export function byActor(actor: Actor): string {
  return 'policy' in actor
    ? `by shotclock (policy ${escapeMrkdwn(actor.policy)})`
    : `by ${mention(actor.user)}`;
}

/** What a scraper or processor retry is about: `bdl_box_scores 2026-01-19`. */
export interface RetrySubject {
  readonly name: string;
  readonly date: string;
}

const subject = (s: RetrySubject) => `${escapeMrkdwn(s.name)} ${s.date}`;

export function resolvedReply(incident: Incident, ctx: ViewContext): MessageView {
  const end = incident.resolved_at ?? ctx.now;
  const after = formatDuration(end.getTime() - incident.opened_at.getTime());
  return line(
    `:white_check_mark: Resolved after ${after}: no longer seen at ${formatWhen(ctx.fmt, end, ctx.now)}.`,
  );
}

/** Posted in the root's thread when a downstream incident is explained by it. */
export function downstreamReply(incident: Incident, ctx: ViewContext): MessageView {
  const f = incident.finding;
  return line(
    `${severityEmoji(incident.severity)} Downstream: *${escapeMrkdwn(truncate(f.title, 500))}* (${severityLabel(incident.severity)}, \`${escapeMrkdwn(incident.check)}\`)`,
    `threaded here because this incident explains it · since ${formatWhen(ctx.fmt, incident.opened_at, ctx.now)}`,
  );
}

export interface RetryScheduledInput extends ViewContext {
  readonly subject: RetrySubject;
  readonly attempt: number;
  readonly maxRetries: number;
  readonly at: Date;
  readonly by: Actor;
  /** The schedule the attempts follow (scrapers' hours, processors' minutes): shown so nobody mistakes one for the other. */
  readonly backoff?: { readonly kind: 'scraper' | 'processor'; readonly minutes: readonly number[] };
}

/** "Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 04:00 ET by <@U1>" + "scraper backoff 4 h / 12 h / 24 h" */
export function retryScheduledReply(input: RetryScheduledInput): MessageView {
  return line(
    `:repeat: Retry ${input.attempt}/${input.maxRetries} for ${subject(input.subject)} scheduled ${formatWhen(input.fmt, input.at, input.now)} ${byActor(input.by)}`,
    input.backoff ? backoffText(input.backoff.kind, input.backoff.minutes, input.maxRetries) : undefined,
  );
}

export interface AttemptOutcomeInput extends ViewContext {
  readonly attempt: number;
  readonly received: number | null;
  readonly expected: number | null;
  /** `games`, `records`, `players`. */
  readonly unit: string;
  readonly error?: string | null;
  readonly nextAt: Date | null;
}

const countText = (received: number | null, expected: number | null, rawUnit: string) => {
  const unit = escapeMrkdwn(rawUnit);
  return received === null
    ? 'no count'
    : expected === null
      ? `${formatNumber(received)} ${unit}`
      : `${formatCount(received, expected)} ${unit}`;
};

/** "Attempt 1: 6/9 games, next try 16:00 ET" */
export function attemptOutcomeReply(input: AttemptOutcomeInput): MessageView {
  const error = input.error ? ` (${escapeMrkdwn(truncate(input.error, 300))})` : '';
  const next = input.nextAt ? `, next try ${formatWhen(input.fmt, input.nextAt, input.now)}` : '';
  return line(
    `Attempt ${input.attempt}: ${countText(input.received, input.expected, input.unit)}${error}${next}`,
  );
}

export interface RecoveredInput {
  readonly attempts: number;
  readonly durationMs: number;
  readonly received: number | null;
  readonly expected: number | null;
  readonly unit: string;
}

/** "Recovered after 2 attempts (16 h 05 m): 9/9 games" */
export function recoveredReply(input: RecoveredInput): MessageView {
  return line(
    `:white_check_mark: Recovered after ${plural(input.attempts, 'attempt')} (${formatDuration(input.durationMs)}): ${countText(input.received, input.expected, input.unit)}`,
  );
}

export interface ExhaustedInput {
  readonly attempts: number;
  readonly received: number | null;
  readonly expected: number | null;
  readonly unit: string;
  /** Mentions of the operators (`<@U1>`, `<!subteam^S1>`), already formatted. */
  readonly operators: readonly string[];
  readonly lastError?: string | null;
}

/** "Exhausted after 3 attempts: 6/9 games, needs a person" + operator mentions */
export function exhaustedReply(input: ExhaustedInput): MessageView {
  const who = input.operators.length ? ` ${input.operators.slice(0, 20).join(' ')}` : '';
  const error = input.lastError ? `last error: ${escapeMrkdwn(truncate(input.lastError, 500))}` : undefined;
  return line(
    `:sos: Exhausted after ${plural(input.attempts, 'attempt')}: ${countText(input.received, input.expected, input.unit)}, needs a person${who}`,
    error,
  );
}

export interface BackfillProgressInput {
  readonly scraper: string;
  readonly done: number;
  readonly total: number;
  readonly failed?: number;
}

/** "Backfill bdl_box_scores: 3/7 dates done" (edited in place as dates finish). */
export function backfillProgressReply(input: BackfillProgressInput): MessageView {
  const failed = input.failed ? `, ${formatNumber(input.failed)} failed` : '';
  return line(
    `:hourglass_flowing_sand: Backfill ${escapeMrkdwn(input.scraper)}: ${formatCount(input.done, input.total)} dates done${failed}`,
  );
}

export interface BackfillSummaryInput {
  readonly scraper: string;
  readonly from: string;
  readonly until: string;
  readonly results: readonly { readonly date: string; readonly ok: boolean; readonly detail?: string }[];
  readonly by: Actor;
}

export function backfillSummaryReply(input: BackfillSummaryInput): MessageView {
  const ok = input.results.filter((r) => r.ok).length;
  const failed = input.results.filter((r) => !r.ok);
  const icon = failed.length === 0 ? ':white_check_mark:' : ':warning:';
  const text = `${icon} Backfill ${escapeMrkdwn(input.scraper)} ${input.from} → ${input.until} finished ${byActor(input.by)}: ${formatCount(ok, input.results.length)} dates recovered`;
  const failures = failed.map((r) =>
    escapeMrkdwn(r.detail ? `${r.date} (${truncate(r.detail, 80)})` : r.date),
  );
  return line(text, failed.length ? `failed: ${summarizeList(failures, 2000)}` : undefined);
}

export type BreakerResetInput =
  | {
      readonly breaker: 'entity';
      readonly processor: string;
      readonly entities: readonly string[];
      /** Entities reset beyond the listed ones (a list cut to fit a button value). */
      readonly more?: number;
      readonly by: Actor;
      readonly reason: string;
      /** Rows the reset changed, when the warehouse says. */
      readonly rows?: number | null;
    }
  | {
      readonly breaker: 'proxy';
      readonly provider: string;
      readonly target: string;
      readonly by: Actor;
      readonly reason: string;
      readonly rows?: number | null;
    };

/** What a breaker reset is about, as the thread names it. */
function breakerWhat(input: BreakerResetInput): string {
  if (input.breaker === 'proxy')
    return `Proxy breaker ${escapeMrkdwn(input.provider)} → ${escapeMrkdwn(input.target)}`;
  const total = input.entities.length + (input.more ?? 0);
  const list = summarizeList(input.entities.map(escapeMrkdwn), 1500);
  const what = total > 0 ? `${plural(total, 'entity', 'entities')}: ${list}` : 'all entities';
  return `Entity breakers of ${escapeMrkdwn(input.processor)} (${what})`;
}

/** The reset that did change the breakers, as the audit recorded it. */
export interface PreviousReset {
  readonly by: Actor;
  readonly at: Date;
}

const previousText = (previous: PreviousReset | undefined, ctx: ViewContext) =>
  previous ? ` ${byActor(previous.by)} at ${formatWhen(ctx.fmt, previous.at, ctx.now)}` : '';

/**
 * A reset that changed no row: the breakers were reset before (by whom and when, when the audit says).
 * "Entity breakers of X (2 entities: a, b) were already reset by … at 09:00 ET; the reset by <@U> changed nothing"
 */
export function breakerAlreadyResetReply(
  input: BreakerResetInput & { readonly previous?: PreviousReset },
  ctx: ViewContext,
): MessageView {
  const state = input.breaker === 'proxy' ? 'was already reset (not OPEN)' : 'were already reset';
  return line(
    `:electric_plug: ${breakerWhat(input)} ${state}${previousText(input.previous, ctx)}; the reset ${byActor(input.by)} changed nothing`,
    `reason: ${escapeMrkdwn(truncate(input.reason, 1000))}`,
  );
}

/** The operator's answer when their reset changed nothing. */
export function alreadyResetEphemeral(previous: PreviousReset | undefined, ctx: ViewContext): MessageView {
  return line(
    `Nothing to reset: these breakers were already reset${previousText(previous, ctx)}. Nothing was changed.`,
  );
}

export function breakerResetReply(input: BreakerResetInput): MessageView {
  const rows =
    input.rows === undefined || input.rows === null ? '' : ` · ${plural(input.rows, 'breaker row')} changed`;
  const reason = `reason: ${escapeMrkdwn(truncate(input.reason, 1000))}${rows}`;
  if (input.breaker === 'proxy') {
    return line(
      `:electric_plug: Proxy breaker ${escapeMrkdwn(input.provider)} → ${escapeMrkdwn(input.target)} set to HALF_OPEN ${byActor(input.by)}`,
      reason,
    );
  }
  const total = input.entities.length + (input.more ?? 0);
  const list = summarizeList(input.entities.map(escapeMrkdwn), 1500);
  const what = total > 0 ? `${plural(total, 'entity', 'entities')}: ${list}` : 'all entities';
  return line(
    `:electric_plug: Entity breakers of ${escapeMrkdwn(input.processor)} reset ${byActor(input.by)} (${what})`,
    reason,
  );
}

/** An auto-heal action done by a policy: "Backfill bdl_box_scores … started by shotclock (policy NAME)". */
export function autoHealReply(input: { readonly policy: string; readonly what: string }): MessageView {
  return line(
    `:robot_face: ${escapeMrkdwn(input.what)} ${byActor({ policy: input.policy })}`,
    'Use “Pause auto-heal” on the alert to stop automatic actions for this incident.',
  );
}

/** One audit entry as a thread line: who did what, when, and how it went. */
export function auditReply(entry: AuditEntry, ctx: ViewContext): MessageView {
  const who = entry.who === 'system' ? 'shotclock' : mention(entry.who);
  const at = formatWhen(ctx.fmt, entry.at, ctx.now);
  const details = entry.details as Record<string, unknown>;
  if (entry.outcome === 'denied') {
    return line(
      `:no_entry: ${who} tried ${describeAction(entry.action)}: not allowed, nothing changed (${at})`,
    );
  }
  if (entry.outcome === 'refused') {
    return line(
      `:no_entry_sign: ${who} pressed ${describeAction(entry.action)}: it no longer matches its alert, nothing changed (${at})`,
    );
  }
  if (entry.outcome === 'ignored') {
    return line(
      `${who} pressed ${describeAction(entry.action)} again: already done, nothing changed (${at})`,
    );
  }
  const failed = entry.outcome === 'failed' ? ' — failed' : '';
  switch (entry.action) {
    case 'ack':
      return line(`:eyes: Acknowledged by ${who} at ${at}${failed}`);
    case 'snooze': {
      const until = details.until instanceof Date ? formatWhen(ctx.fmt, details.until, ctx.now) : undefined;
      return line(`:zzz: Snoozed${until ? ` until ${until}` : ''} by ${who} at ${at}${failed}`);
    }
    case 'pause_autoheal':
      return line(`:double_vertical_bar: Auto-heal paused for this incident by ${who} at ${at}${failed}`);
    default: {
      const target = entry.target ? ` ${escapeMrkdwn(truncate(entry.target, 200))}` : '';
      return line(`${describeAction(entry.action)}${target} by ${who} at ${at}${failed}`);
    }
  }
}

/** An audited action's label; an action no button has (stored by another version) shows as stored. */
const describeAction = (action: string) =>
  isActionKind(action) ? ACTION_LABELS[action] : escapeMrkdwn(action);

/** Ephemeral answer to a non-operator pressing an operator-only button. */
export function notAllowedEphemeral(input: {
  readonly action: string;
  readonly operators?: string;
}): MessageView {
  const ask = input.operators ? ` Ask ${input.operators}.` : '';
  return line(
    `:no_entry: Only operators can use ${describeAction(input.action)}. Nothing was changed.${ask}`,
  );
}

/**
 * Ephemeral answer to a button or form of another wire version (`version`), or one no version of shotclock
 * makes (no version): nothing was changed; `refreshed` when its alert was just re-rendered with current buttons.
 */
export function otherVersionEphemeral(input: {
  readonly what: 'button' | 'form';
  readonly version: number | undefined;
  readonly current: number;
  readonly refreshed: boolean;
}): MessageView {
  const { what, version, current } = input;
  const which =
    version === undefined
      ? `shotclock does not know this ${what}.`
      : version < current
        ? `This ${what} is from an older version of the alert.`
        : `This ${what} is from a newer version of the alert than this shotclock runs.`;
  const next = input.refreshed
    ? ' The alert now shows the current buttons.'
    : ' Use `/scrape-status` or the App Home for the current state.';
  return line(`:warning: ${which} Nothing was changed.${next}`);
}

/**
 * Ephemeral answer to a click or submission whose value asks for something its incident does not offer (a
 * made-up incident, another scraper or date, another breaker); `refreshed` when the alert was re-rendered.
 */
export function noLongerMatchesEphemeral(input: { readonly refreshed: boolean }): MessageView {
  const next = input.refreshed ? ' The alert now shows its current buttons.' : '';
  return line(`:warning: This button no longer matches its alert. Nothing was changed.${next}`);
}

/** Ephemeral answer to a button whose id or value could not be read (an old message, or a forged one). */
export function unreadableActionEphemeral(error: ActionParseError): MessageView {
  const why =
    error.code === 'stale_version'
      ? 'This button comes from an older version of shotclock and no longer works.'
      : 'shotclock could not read this button.';
  return line(
    `:warning: ${why} Nothing was changed. Use \`/scrape-status\` or the App Home for the current state.`,
  );
}
