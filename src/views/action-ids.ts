// Action ids and button values are a wire format that outlives deploys: a message posted last week still
// carries them. Every id is defined here once, carries its version, and every value is parsed with zod;
// a forged, garbled or stale value comes back as a typed error for an ephemeral explanation, never a throw.
//
// A kind of button is declared once: its value schema in `actionValueSchema` and its label in
// ACTION_LABELS (the compiler asks for one per kind); its handler goes in src/bot/actions/ (the compiler
// asks for one per kind there too). Ids and patterns are derived from the kinds.
import { z } from 'zod';
import { type Action, actionSchema } from '../jobs/finding.js';
import { SNOOZE_DURATIONS } from './snooze.js';

export const WIRE_VERSION = 1;
const PREFIX = `v${WIRE_VERSION}`;

/** Any action id this bot ever emitted, of any version (an older version is answered as stale). */
const ANY_ACTION_ID = /^v(\d+)\.([a-z_]+)(?:\.([a-z0-9]+))?$/;

/** Modal callback ids and the ids of their inputs, read back from `view.state.values[blockId][actionId]`. */
export const MODALS = {
  backfill: {
    callbackId: `${PREFIX}.backfill_modal`,
    from: { blockId: `${PREFIX}.backfill_modal.from`, actionId: `${PREFIX}.backfill_modal.from_date` },
    until: { blockId: `${PREFIX}.backfill_modal.until`, actionId: `${PREFIX}.backfill_modal.until_date` },
    confirm: { blockId: `${PREFIX}.backfill_modal.confirm`, actionId: `${PREFIX}.backfill_modal.confirmed` },
  },
  reset_breaker: {
    callbackId: `${PREFIX}.reset_breaker_modal`,
    reason: {
      blockId: `${PREFIX}.reset_breaker_modal.reason`,
      actionId: `${PREFIX}.reset_breaker_modal.text`,
    },
  },
} as const;

export type ModalKind = keyof typeof MODALS;
const MODAL_KINDS = Object.keys(MODALS) as ModalKind[];

/**
 * Which modal a submission's callback id belongs to (one `app.view` listener takes every submission; an id
 * of no modal here is answered as another version's form).
 */
export const modalKindOf = (callbackId: string): ModalKind | undefined =>
  MODAL_KINDS.find((k) => MODALS[k].callbackId === callbackId);

/** Slack's limit on a button value (and the one we hold every encoded value to). */
export const MAX_VALUE_CHARS = 2000;
/** Slack's limit on an option value (overflow / static select). */
export const MAX_OPTION_VALUE_CHARS = 150;

const isoDate = z.iso.date();
/**
 * A scraper, processor, proxy provider or host: letters, digits, `_`, `-`, `.` and `:`, never a path (`/`, `\`,
 * `..`). Names become task names and service calls; which names a click may act on is its incident's to say.
 */
const name = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/, 'not a name')
  .refine((n) => !n.includes('..'), 'not a name');
// Firestore document ids go up to 1500 bytes; incident ids derive from dedup keys, which have no tighter bound.
const incidentId = z.string().min(1).max(1500);

const v = z.literal(WIRE_VERSION);
export const actionValueSchema = z.discriminatedUnion('a', [
  z
    .object({
      v,
      a: z.literal('retry'),
      incidentId,
      scraper: name.optional(),
      processor: name.optional(),
      date: isoDate,
    })
    .strict()
    .refine((x) => (x.scraper === undefined) !== (x.processor === undefined), {
      message: 'retry names exactly one of scraper or processor',
    }),
  z
    .object({ v, a: z.literal('backfill'), incidentId, scraper: name, from: isoDate, until: isoDate })
    .strict()
    .refine((x) => x.from <= x.until, { message: 'backfill range runs backwards' }),
  z
    .object({
      v,
      a: z.literal('reset_breaker'),
      incidentId,
      breaker: z.enum(['entity', 'proxy']),
      processor: name.optional(),
      entities: z.array(z.string().min(1).max(200)).optional(),
      /** How many entities did not fit in the value: the handler must not treat the list as complete. */
      entitiesOmitted: z.number().int().min(1).optional(),
      provider: name.optional(),
      target: name.optional(),
    })
    .strict(),
  z.object({ v, a: z.literal('ack'), incidentId }).strict(),
  z.object({ v, a: z.literal('snooze'), incidentId, duration: z.enum(SNOOZE_DURATIONS) }).strict(),
  z.object({ v, a: z.literal('pause_autoheal'), incidentId }).strict(),
  z.object({ v, a: z.literal('details'), incidentId }).strict(),
]);
export type ActionValue = z.infer<typeof actionValueSchema>;

/** Every kind of interactive element the alerts carry: the values' discriminator. */
export type ActionKind = ActionValue['a'];

/** What people see for each kind (buttons, audit lines, refusals). */
export const ACTION_LABELS: { readonly [K in ActionKind]: string } = {
  retry: 'Retry',
  backfill: 'Backfill',
  reset_breaker: 'Reset Breaker',
  ack: 'Acknowledge',
  snooze: 'Snooze',
  pause_autoheal: 'Pause auto-heal',
  details: 'Details',
};

export const ACTION_KINDS = Object.keys(ACTION_LABELS) as ActionKind[];

export const isActionKind = (kind: string): kind is ActionKind => Object.hasOwn(ACTION_LABELS, kind);

/** Base action id of each interactive element; a message with several of one kind suffixes `.1`, `.2`… */
export const ACTION_IDS = Object.fromEntries(ACTION_KINDS.map((k) => [k, `${PREFIX}.${k}`])) as {
  readonly [K in ActionKind]: string;
};

/**
 * Each kind's action ids, any suffix. One `app.action` listener (src/bot/actions/index.ts) takes every kind:
 * it joins these patterns into one, then tells a click's kind by them.
 */
export const ACTION_ID_PATTERNS = Object.fromEntries(
  ACTION_KINDS.map((k) => [k, new RegExp(`^${escapeRegExp(ACTION_IDS[k])}(\\.[a-z0-9]+)?$`)]),
) as { readonly [K in ActionKind]: RegExp };

/** An action value before encoding: the version is added by `encodeActionValue`. */
export type ActionPayload = ActionValue extends infer T ? (T extends unknown ? Omit<T, 'v'> : never) : never;

export type ActionParseErrorCode =
  | 'malformed' // not JSON, not an object, too long
  | 'unknown_action' // an action id this bot never emitted
  | 'stale_version' // emitted by another wire version (an old message)
  | 'invalid' // right shape of wire, wrong fields
  | 'mismatch'; // the value belongs to another kind of element than the action id says

export interface ActionParseError {
  readonly code: ActionParseErrorCode;
  readonly message: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ActionParseError };

const fail = (code: ActionParseErrorCode, message: string): { ok: false; error: ActionParseError } => ({
  ok: false,
  error: { code, message },
});

/** The action id of the `index`-th element of a kind in one message (ids must differ within a message). */
export function actionId(kind: ActionKind, suffix?: number | string): string {
  return suffix === undefined || suffix === 0 ? ACTION_IDS[kind] : `${ACTION_IDS[kind]}.${suffix}`;
}

/**
 * The wire version an action id or callback id of this bot carries (`v0.retry` → 0), whatever its kind;
 * undefined for an id no version of the bot makes.
 */
export function wireVersionOf(id: string): number | undefined {
  const m = /^v(\d+)\.[a-z_]+/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function parseActionId(id: string): ParseResult<{ kind: ActionKind; suffix: string | undefined }> {
  const m = ANY_ACTION_ID.exec(id);
  if (!m) return fail('unknown_action', `unknown action id ${JSON.stringify(id.slice(0, 80))}`);
  if (Number(m[1]) !== WIRE_VERSION) return fail('stale_version', `action id of version v${m[1]}`);
  const kind = m[2];
  if (!kind || !isActionKind(kind)) return fail('unknown_action', `unknown action ${JSON.stringify(m[2])}`);
  return { ok: true, value: { kind, suffix: m[3] } };
}

export interface EncodedValue {
  readonly value: string;
  /** Entities left out so the value fits in MAX_VALUE_CHARS (0 when nothing was cut). */
  readonly omitted: number;
}

/**
 * Encode a payload as a button value. Only a reset_breaker's entity list can be long: it is cut to fit and
 * the count of left-out entities travels in the value, so the handler (and the message) can say so.
 * Throws on a payload that does not satisfy the schema: that is a bug in the caller, not user input.
 */
export function encodeActionValue(payload: ActionPayload, limit = MAX_VALUE_CHARS): EncodedValue {
  const full = actionValueSchema.parse({ v: WIRE_VERSION, ...payload });
  let value = JSON.stringify(full);
  if (value.length <= limit) return { value, omitted: 0 };
  if (full.a !== 'reset_breaker' || !full.entities?.length) {
    throw new Error(`action value of ${full.a} is ${value.length} chars, over ${limit}`);
  }
  const all = full.entities;
  // Largest prefix that fits: binary search, since the lengths of entity ids vary.
  let lo = 0;
  let hi = all.length - 1;
  const render = (n: number) =>
    JSON.stringify({ ...full, entities: all.slice(0, n), entitiesOmitted: all.length - n });
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  value = render(lo);
  if (value.length > limit) throw new Error(`reset_breaker value does not fit in ${limit} chars`);
  return { value, omitted: all.length - lo };
}

/** Parse a value from an interaction payload; `expected` is the kind its action id named. */
export function parseActionValue(value: unknown, expected?: ActionKind): ParseResult<ActionValue> {
  if (typeof value !== 'string' || value.length === 0) return fail('malformed', 'missing value');
  if (value.length > MAX_VALUE_CHARS) return fail('malformed', `value of ${value.length} chars`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return fail('malformed', 'value is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('malformed', 'value is not an object');
  }
  const version = (json as { v?: unknown }).v;
  if (version !== WIRE_VERSION) return fail('stale_version', `value of version ${String(version)}`);
  const parsed = actionValueSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail('invalid', first ? `${first.path.join('.') || 'value'}: ${first.message}` : 'invalid value');
  }
  if (expected && parsed.data.a !== expected) {
    return fail('mismatch', `a ${parsed.data.a} value on a ${expected} element`);
  }
  return { ok: true, value: parsed.data };
}

/** Parse an element's action id and value together (what a Bolt action listener receives). */
export function parseAction(id: string, value: unknown): ParseResult<ActionValue> {
  const parsedId = parseActionId(id);
  if (!parsedId.ok) return parsedId;
  return parseActionValue(value, parsedId.value.kind);
}

/** The payload of a finding's recovery action on a given incident. */
export function payloadOfAction(incidentId: string, action: Action): ActionPayload {
  switch (action.kind) {
    case 'retry':
      return {
        a: 'retry',
        incidentId,
        date: action.date,
        ...(action.scraper !== undefined ? { scraper: action.scraper } : { processor: action.processor }),
      };
    case 'backfill':
      return { a: 'backfill', incidentId, scraper: action.scraper, from: action.from, until: action.until };
    case 'reset_breaker':
      return {
        a: 'reset_breaker',
        incidentId,
        breaker: action.breaker,
        ...(action.processor !== undefined && { processor: action.processor }),
        ...(action.entities !== undefined && { entities: action.entities }),
        ...(action.provider !== undefined && { provider: action.provider }),
        ...(action.target !== undefined && { target: action.target }),
      };
  }
}

/** Kinds of button that stand for one of a finding's recovery actions (Retry, Backfill, Reset Breaker). */
const FINDING_ACTION_KINDS: readonly string[] = actionSchema.options.map((o) => o.shape.kind.value);

/**
 * The finding action a button value stands for, among the actions its incident offers: the one whose
 * button value this is (every field equal; a Reset Breaker's entity list may be the prefix that fit in the
 * value, with the count it left out). Undefined when the value asks for anything the incident does not offer.
 * Acting on the returned action, not the value, acts on the incident's own targets (its whole entity list).
 */
export function offeredAction(
  incidentId: string,
  actions: readonly Action[],
  value: ActionValue,
): Action | undefined {
  return actions.find((a) => a.kind === value.a && standsFor(payloadOfAction(incidentId, a), value));
}

/** True when a kind of button is one of a finding's recovery actions (its value must be offered). */
export const isFindingActionKind = (kind: ActionKind): boolean => FINDING_ACTION_KINDS.includes(kind);

function standsFor(payload: ActionPayload, value: ActionValue): boolean {
  const {
    v: _v,
    entities,
    entitiesOmitted,
    ...fields
  } = value as ActionValue & {
    entities?: readonly string[];
    entitiesOmitted?: number;
  };
  const { entities: all = [], ...offered } = payload as ActionPayload & { entities?: readonly string[] };
  const a = fields as Record<string, unknown>;
  const b = offered as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[key] !== b[key]) return false;
  const shown = entities ?? [];
  return shown.length + (entitiesOmitted ?? 0) === all.length && shown.every((e, i) => e === all[i]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
