// The one message per incident, rebuilt from the incident on every change and edited in place: the state
// line and the buttons follow the lifecycle (open → acknowledged/snoozed → resolved/recovered/exhausted).
import type { ActionsBlockElement, KnownBlock, Overflow } from '@slack/types';
import type { Action } from '../jobs/finding.js';
import type { Presentation } from '../jobs/presentation.js';
import type { Incident } from '../store/incidents.js';
import {
  ACTION_LABELS,
  type ActionPayload,
  actionId,
  encodeActionValue,
  MAX_OPTION_VALUE_CHARS,
  payloadOfAction,
} from './action-ids.js';
import { finalPresentation } from './alert-facts.js';
import {
  actionsBlocks,
  button,
  confirmDialog,
  context,
  fieldSections,
  header,
  plain,
  section,
} from './blocks.js';
import { fieldText } from './fields.js';
import {
  escapeEntities,
  escapeMrkdwn,
  formatCount,
  formatDuration,
  formatNumber,
  formatWhen,
  mention,
  plural,
  severityChar,
  severityEmoji,
  severityLabel,
  truncate,
} from './format.js';
import { nextStepText, type RecoveryRate, type RunbookSteps } from './next-step.js';
import { SNOOZE_DURATIONS, SNOOZES } from './snooze.js';
import type { MessageView, RetryQueueRow, ViewContext } from './types.js';

export type AlertState =
  | 'open'
  | 'acknowledged'
  | 'snoozed'
  | 'resolved'
  | 'recovered'
  | 'exhausted'
  /** Closed because its subject is now listed in a grouped alert (not fixed). */
  | 'grouped';

export interface AlertInput extends ViewContext {
  readonly incident: Incident;
  /** The incident's retry item, when a retry runs or ran. */
  readonly retry?: RetryQueueRow;
  /** What the retry counts, for "6/9 games" (default "records"). */
  readonly unit?: string;
  /** An auto-heal policy covers this incident: offer "Pause auto-heal" (unless already paused). */
  readonly autoHealPolicy?: string;
  /** Permalink to the previous incident's message of the same key. */
  readonly previousPermalink?: string;
  /** The root-cause incident this one is threaded under. */
  readonly root?: { readonly title: string };
  /** How the check's findings read (src/jobs/presentation.ts); absent: the title and the first facts. */
  readonly presentation?: Presentation;
  /** The check's runbook steps (docs/runbooks/<check>.md), for the Next step line. */
  readonly runbook?: RunbookSteps;
  /** How retries of this incident's scraper or processor fared lately, for the Next step line. */
  readonly recoveryRate?: RecoveryRate;
}

/** Recovery buttons beyond this are left out (and said so): a message is for a person, not a list. */
const MAX_RECOVERY_BUTTONS = 15;

export function alertState(incident: Incident, now: Date, retry?: RetryQueueRow): AlertState {
  if (incident.status === 'resolved') {
    if (incident.grouped_into) return 'grouped';
    return retry?.status === 'recovered' ? 'recovered' : 'resolved';
  }
  if (retry?.status === 'exhausted') return 'exhausted';
  if (incident.snooze_until && incident.snooze_until > now) return 'snoozed';
  if (incident.ack) return 'acknowledged';
  return 'open';
}

export function buildAlert(input: AlertInput): MessageView {
  const { incident, now, retry } = input;
  const state = alertState(incident, now, retry);
  const finding = incident.finding;
  const title = finding.title;
  const closed = isClosed(state);

  const blocks: KnownBlock[] = [header(`${headerPrefix(input, state)} · ${title}`)];
  const { summary, fields, note } = finalPresentation(input, state);
  blocks.push(section(escapeMrkdwn(summary)));
  blocks.push(section(stateLines(input, state).join('\n')));
  if (fields.length > 0) blocks.push(...fieldSections(fields.map((f) => fieldText(f, input.fmt))));
  if (note) blocks.push(context([note]));

  blocks.push(section(`*Next step:* ${nextStepText({ ...input, state })}`));
  blocks.push(context(contextParts(input)));
  // A closed alert keeps only Details: its history and final facts stay one click away.
  blocks.push(
    ...(closed
      ? actionsBlocks([detailsButton(input.incident.id)], 'v1.alert_actions')
      : actionBlocks(input, state)),
  );

  return { text: fallbackText(input, state), blocks };
}

function headerPrefix(input: AlertInput, state: AlertState): string {
  const sev = `${severityChar(input.incident.severity)} ${severityLabel(input.incident.severity)}`;
  switch (state) {
    case 'resolved':
      return '✅ Resolved';
    case 'recovered':
      return '✅ Recovered';
    case 'grouped':
      return '↪️ Grouped';
    case 'exhausted':
      return `🆘 ${severityLabel(input.incident.severity)} · Retries exhausted`;
    default:
      return sev;
  }
}

function stateLines(input: AlertInput, state: AlertState): string[] {
  const { incident, now, fmt, retry } = input;
  const when = (d: Date) => formatWhen(fmt, d, now);
  const openFor = formatDuration((incident.resolved_at ?? now).getTime() - incident.opened_at.getTime());
  const lines: string[] = [];
  const counts = retry ? retryCounts(retry, input.unit) : undefined;
  switch (state) {
    case 'resolved':
      lines.push(`:white_check_mark: *Resolved after ${openFor}* (${when(incident.resolved_at ?? now)})`);
      break;
    case 'recovered':
      lines.push(
        // Timed like the thread's recovery reply: from the retry's start to its recovery.
        `:white_check_mark: *Recovered after ${plural(retry?.retry_attempts ?? 0, 'attempt')} (${retry?.recovered_at ? formatDuration(retry.recovered_at.getTime() - retry.created_at.getTime()) : openFor})*${counts ? `: ${counts}` : ''}`,
      );
      break;
    case 'grouped':
      lines.push(
        `:arrow_right_hook: *Grouped* (${when(incident.resolved_at ?? now)}): not fixed, now listed in one alert with the other subjects of the same cause, \`${escapeMrkdwn(truncate(incident.grouped_into ?? '', 200))}\``,
      );
      break;
    case 'exhausted':
      lines.push(
        `:sos: *Exhausted after ${plural(retry?.retry_attempts ?? 0, 'attempt')}*${counts ? `: ${counts}` : ''}, needs a person`,
      );
      break;
    default:
      lines.push(
        `${severityEmoji(incident.severity)} *Open* for ${openFor}, since ${when(incident.opened_at)}`,
      );
  }
  if (!isClosed(state)) {
    if (incident.ack)
      lines.push(`:eyes: Acknowledged by ${mention(incident.ack.user)} at ${when(incident.ack.at)}`);
    if (incident.snooze_until && incident.snooze_until > now) {
      lines.push(`:zzz: Snoozed until ${when(incident.snooze_until)}: no re-notifications, still resolves`);
    }
    if (retry && (retry.status === 'pending' || retry.status === 'retrying')) {
      const next =
        retry.status === 'retrying'
          ? `attempt ${retry.retry_attempts}/${retry.max_retries} running`
          : `attempt ${retry.retry_attempts + 1}/${retry.max_retries} at ${retry.next_retry_at ? when(retry.next_retry_at) : 'the next sweep'}`;
      lines.push(`:repeat: Retry ${next}${counts ? ` (last: ${counts})` : ''}`);
    }
    if (incident.auto_heal_paused) lines.push(':double_vertical_bar: Auto-heal paused for this incident');
  }
  return lines;
}

const isClosed = (s: AlertState) => s === 'resolved' || s === 'recovered' || s === 'grouped';

/** `6/9 games` from the latest attempt with a count; undefined when no attempt counted anything. */
export function retryCounts(retry: RetryQueueRow, unit = 'records'): string | undefined {
  const last = [...retry.retry_history].reverse().find((a) => a.records_received !== null);
  if (!last || last.records_received === null) return undefined;
  const u = escapeMrkdwn(unit);
  return retry.expected_records !== null
    ? `${formatCount(last.records_received, retry.expected_records)} ${u}`
    : `${formatNumber(last.records_received)} ${u}`;
}

function contextParts(input: AlertInput): string[] {
  const { incident, now, fmt } = input;
  const when = (d: Date) => formatWhen(fmt, d, now);
  const parts = [
    `check \`${escapeMrkdwn(incident.check)}\``,
    `first seen ${when(incident.first_seen)}`,
    `last seen ${when(incident.last_seen)}`,
    `seen ${formatNumber(incident.seen_count)}×`,
    `key \`${escapeMrkdwn(truncate(incident.key, 200))}\``,
  ];
  if (incident.previous_incident_id) {
    const id = escapeMrkdwn(incident.previous_incident_id);
    parts.push(
      input.previousPermalink
        ? `previous: <${input.previousPermalink}|${id}>`
        : `previous incident \`${id}\``,
    );
  }
  if (input.root) parts.push(`root cause: ${escapeMrkdwn(truncate(input.root.title, 200))}`);
  return [parts.join('  ·  ')];
}

function actionBlocks(input: AlertInput, state: AlertState): KnownBlock[] {
  const { incident, retry } = input;
  const elements: ActionsBlockElement[] = [];
  const retryRunning = retry?.status === 'pending' || retry?.status === 'retrying';
  const actions = incident.finding.actions.filter((a) => !(a.kind === 'retry' && retryRunning));
  const shown = actions.slice(0, MAX_RECOVERY_BUTTONS);
  const seen = new Map<string, number>();
  const notes: string[] = [];
  for (const action of shown) {
    const n = seen.get(action.kind) ?? 0;
    seen.set(action.kind, n + 1);
    const many = actions.filter((a) => a.kind === action.kind).length > 1;
    const encoded = tryEncode(incident.id, action);
    if (!encoded) {
      // A finding whose action cannot travel (e.g. a retry naming neither scraper nor processor) must not
      // stop the alert from posting: leave the button out and say so.
      notes.push(
        `A ${action.kind.replace('_', ' ')} action of this finding could not be offered as a button.`,
      );
      continue;
    }
    const { value, omitted } = encoded;
    if (omitted > 0 && action.kind === 'reset_breaker') {
      notes.push(
        `Reset Breaker carries ${formatNumber((action.entities?.length ?? 0) - omitted)} of ${formatNumber(action.entities?.length ?? 0)} entities; reset the rest after this one.`,
      );
    }
    elements.push(
      button({
        text: buttonLabel(action, many),
        actionId: actionId(action.kind, n),
        value,
        ...(action.kind === 'reset_breaker' && {
          style: 'danger' as const,
          confirm: confirmDialog('Reset breaker?', resetConfirmText(action, omitted), 'Continue'),
        }),
      }),
    );
  }
  if (actions.length > shown.length)
    notes.push(`${plural(actions.length - shown.length, 'more action')} not shown.`);
  if (!incident.ack) {
    elements.push(
      button({
        text: ACTION_LABELS.ack,
        actionId: actionId('ack'),
        value: encodeActionValue({ a: 'ack', incidentId: incident.id }).value,
        style: 'primary',
      }),
    );
  }
  elements.push(...snoozeElements(incident.id));
  if (input.autoHealPolicy && !incident.auto_heal_paused && state !== 'exhausted') {
    elements.push(
      button({
        text: ACTION_LABELS.pause_autoheal,
        actionId: actionId('pause_autoheal'),
        value: encodeActionValue({ a: 'pause_autoheal', incidentId: incident.id }).value,
      }),
    );
  }
  elements.push(detailsButton(incident.id));
  const blocks: KnownBlock[] = [...actionsBlocks(elements, 'v1.alert_actions')];
  if (notes.length) blocks.push(context(notes));
  return blocks;
}

/** Every fact, the key, the query, this key's history and the runbook, in a modal (src/views/details.ts). */
const detailsButton = (incidentId: string) =>
  button({
    text: ACTION_LABELS.details,
    actionId: actionId('details'),
    value: encodeActionValue({ a: 'details', incidentId }).value,
  });

/** Snooze as an overflow menu; as buttons when an incident id is too long for an option value (150). */
function snoozeElements(incidentId: string): ActionsBlockElement[] {
  const values = SNOOZE_DURATIONS.map((duration) => ({
    duration,
    value: encodeActionValue({ a: 'snooze', incidentId, duration } satisfies ActionPayload).value,
  }));
  if (values.every((v) => v.value.length <= MAX_OPTION_VALUE_CHARS)) {
    const overflow: Overflow = {
      type: 'overflow',
      action_id: actionId('snooze'),
      options: values.map((v) => ({ text: plain(SNOOZES[v.duration].label, 75), value: v.value })),
    };
    return [overflow];
  }
  return values.map((v, i) =>
    button({
      text: SNOOZES[v.duration].label,
      actionId: actionId('snooze', i === 0 ? undefined : v.duration),
      value: v.value,
    }),
  );
}

function tryEncode(incidentId: string, action: Action): ReturnType<typeof encodeActionValue> | undefined {
  try {
    return encodeActionValue(payloadOfAction(incidentId, action));
  } catch {
    return undefined;
  }
}

/** The kind's label, with what it acts on when a message carries several of that kind. */
function buttonLabel(action: Action, many: boolean): string {
  const label = ACTION_LABELS[action.kind];
  if (!many) return label;
  switch (action.kind) {
    case 'retry':
      return `${label} ${action.scraper ?? action.processor} ${action.date}`;
    case 'backfill':
      return `${label} ${action.scraper}`;
    case 'reset_breaker':
      return `${label} ${action.processor ?? action.provider ?? action.breaker}`;
  }
}

function resetConfirmText(action: Extract<Action, { kind: 'reset_breaker' }>, omitted: number): string {
  if (action.breaker === 'proxy') {
    return `Set the proxy breaker ${escapeMrkdwn(action.provider ?? '?')} → ${escapeMrkdwn(action.target ?? '?')} to HALF_OPEN? You will be asked for a reason.`;
  }
  const n = action.entities?.length ?? 0;
  const what = n > 0 ? `${plural(n, 'entity', 'entities')}` : 'all entities';
  const cut = omitted > 0 ? ` (this button carries ${formatNumber(n - omitted)} of them)` : '';
  return `Clear the entity breakers of ${escapeMrkdwn(action.processor ?? 'this processor')} for ${what}${cut}? You will be asked for a reason.`;
}

function fallbackText(input: AlertInput, state: AlertState): string {
  const { incident, now } = input;
  // The notification text is parsed too: a title from data must not mention <!channel>.
  const title = escapeEntities(truncate(incident.finding.title, 500));
  const duration = formatDuration((incident.resolved_at ?? now).getTime() - incident.opened_at.getTime());
  switch (state) {
    case 'resolved':
      return `Resolved after ${duration}: ${title}`;
    case 'recovered':
      return `Recovered after ${duration}: ${title}`;
    case 'grouped':
      return `Grouped into one alert with the same cause: ${title}`;
    case 'exhausted':
      return `Retries exhausted, needs a person: ${title}`;
    default:
      return `[${severityLabel(incident.severity)}] ${title} (${incident.check}, open ${duration})`;
  }
}
