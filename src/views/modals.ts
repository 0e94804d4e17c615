// The two modals behind the destructive buttons, and the pure reading of their submissions. The clicked
// action travels in private_metadata (encoded like a button value), so the submission needs no lookup to
// know what it is about, and a forged metadata is rejected like a forged button.
import type { ModalView } from '@slack/types';
import { dateRange, daysBetween, isIsoDate } from '../jobs/time.js';
import {
  type ActionParseError,
  type ActionValue,
  encodeActionValue,
  MODALS,
  parseActionValue,
} from './action-ids.js';
import { context, plain, section } from './blocks.js';
import { escapeMrkdwn, formatNumber, plural, summarizeList } from './format.js';

type BackfillValue = Extract<ActionValue, { a: 'backfill' }>;
type ResetValue = Extract<ActionValue, { a: 'reset_breaker' }>;

const days = (from: string, until: string) => daysBetween(from, until) + 1;

export interface BackfillModalInput {
  readonly action: BackfillValue;
  /** Most dates one backfill may cover (config). */
  readonly maxRangeDays: number;
}

export function backfillModal(input: BackfillModalInput): ModalView {
  const { action, maxRangeDays } = input;
  const ids = MODALS.backfill;
  const n = days(action.from, action.until);
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    private_metadata: encodeActionValue(action).value,
    title: plain('Backfill', 24),
    submit: plain('Backfill', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Re-scrape *${escapeMrkdwn(action.scraper)}* for a date range: one task per date, progress in the alert's thread.`,
      ),
      context([
        `The finding suggests ${action.from} → ${action.until} (${plural(n, 'date')}). At most ${plural(maxRangeDays, 'date')} per backfill.`,
      ]),
      {
        type: 'input',
        block_id: ids.from.blockId,
        label: plain('From', 2000),
        element: { type: 'datepicker', action_id: ids.from.actionId, initial_date: action.from },
      },
      {
        type: 'input',
        block_id: ids.until.blockId,
        label: plain('Until (inclusive)', 2000),
        element: { type: 'datepicker', action_id: ids.until.actionId, initial_date: action.until },
      },
      {
        type: 'input',
        block_id: ids.confirm.blockId,
        label: plain('Confirm', 2000),
        element: {
          type: 'checkboxes',
          action_id: ids.confirm.actionId,
          options: [
            {
              text: plain('Re-scrape every date in this range', 75),
              description: plain('Existing raw files for these dates are fetched again.', 75),
              value: 'confirmed',
            },
          ],
        },
      },
    ],
  };
}

export interface ResetBreakerModalInput {
  readonly action: ResetValue;
}

export function resetBreakerModal(input: ResetBreakerModalInput): ModalView {
  const { action } = input;
  const ids = MODALS.reset_breaker;
  const encoded = encodeActionValue(action);
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    private_metadata: encoded.value,
    title: plain('Reset breaker', 24),
    submit: plain('Reset', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(describeReset(action)),
      {
        type: 'input',
        block_id: ids.reason.blockId,
        label: plain('Reason (kept in the audit log and the thread)', 2000),
        element: {
          type: 'plain_text_input',
          action_id: ids.reason.actionId,
          multiline: true,
          min_length: 3,
          max_length: 500,
          placeholder: plain('e.g. the boxscores for these players arrived at 10:40 ET', 150),
        },
      },
    ],
  };
}

function describeReset(action: ResetValue): string {
  if (action.breaker === 'proxy') {
    return `Set the proxy breaker *${escapeMrkdwn(action.provider ?? '?')} → ${escapeMrkdwn(action.target ?? '?')}* to HALF_OPEN: the next requests test the proxy again.`;
  }
  const listed = action.entities ?? [];
  const total = listed.length + (action.entitiesOmitted ?? 0);
  const who =
    total === 0
      ? 'all its tripped entities'
      : `${plural(total, 'entity', 'entities')}: ${summarizeList(listed.map(escapeMrkdwn), 1500)}`;
  const cut = action.entitiesOmitted
    ? `\n_Only the ${formatNumber(listed.length)} listed are reset now; the alert stays open for the rest._`
    : '';
  return `Clear the entity breakers of *${escapeMrkdwn(action.processor ?? '?')}* for ${who}. They are reprocessed on the next run.${cut}`;
}

/** `view.state.values` as Slack sends it. */
export type ViewStateValues = Record<
  string,
  Record<
    string,
    {
      readonly type?: string;
      readonly value?: string | null;
      readonly selected_date?: string | null;
      readonly selected_options?: readonly { readonly value: string }[];
    }
  >
>;

/** A submission that is not accepted: errors per input block (Slack's `response_action: 'errors'`), or a bad metadata. */
export type SubmissionResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: Record<string, string> }
  | { readonly ok: false; readonly metadataError: ActionParseError };

export interface BackfillRequest {
  readonly incidentId: string;
  readonly scraper: string;
  readonly from: string;
  readonly until: string;
  /** Every date from `from` to `until`, one task each. */
  readonly dates: readonly string[];
}

export function readBackfillSubmission(
  values: ViewStateValues,
  privateMetadata: string,
  maxRangeDays: number,
): SubmissionResult<BackfillRequest> {
  const meta = parseActionValue(privateMetadata, 'backfill');
  if (!meta.ok) return { ok: false, metadataError: meta.error };
  if (meta.value.a !== 'backfill')
    return { ok: false, metadataError: { code: 'mismatch', message: meta.value.a } };
  const ids = MODALS.backfill;
  const from = values[ids.from.blockId]?.[ids.from.actionId]?.selected_date ?? '';
  const until = values[ids.until.blockId]?.[ids.until.actionId]?.selected_date ?? '';
  const confirmed = values[ids.confirm.blockId]?.[ids.confirm.actionId]?.selected_options?.some(
    (o) => o.value === 'confirmed',
  );
  const errors: Record<string, string> = {};
  if (!isIsoDate(from)) errors[ids.from.blockId] = 'Pick a start date.';
  if (!isIsoDate(until)) errors[ids.until.blockId] = 'Pick an end date.';
  if (isIsoDate(from) && isIsoDate(until)) {
    const n = days(from, until);
    if (n < 1) errors[ids.until.blockId] = 'The end date is before the start date.';
    else if (n > maxRangeDays) {
      errors[ids.until.blockId] =
        `At most ${plural(maxRangeDays, 'date')} per backfill (this range has ${n}).`;
    }
  }
  if (!confirmed) errors[ids.confirm.blockId] = 'Tick the box to confirm.';
  if (Object.keys(errors).length) return { ok: false, errors };
  const dates = dateRange(from, until);
  return {
    ok: true,
    value: { incidentId: meta.value.incidentId, scraper: meta.value.scraper, from, until, dates },
  };
}

export interface ResetBreakerRequest {
  readonly action: ResetValue;
  readonly reason: string;
}

export function readResetBreakerSubmission(
  values: ViewStateValues,
  privateMetadata: string,
): SubmissionResult<ResetBreakerRequest> {
  const meta = parseActionValue(privateMetadata, 'reset_breaker');
  if (!meta.ok) return { ok: false, metadataError: meta.error };
  if (meta.value.a !== 'reset_breaker') {
    return { ok: false, metadataError: { code: 'mismatch', message: meta.value.a } };
  }
  const ids = MODALS.reset_breaker;
  const reason = (values[ids.reason.blockId]?.[ids.reason.actionId]?.value ?? '').trim();
  if (reason.length < 3) return { ok: false, errors: { [ids.reason.blockId]: 'Say why (a few words).' } };
  return { ok: true, value: { action: meta.value, reason: reason.slice(0, 500) } };
}
