// What every button handler shares: the click as handlers see it, the answer to the clicker, the audit of
// each click (shown in the incident's thread), the operator check of the destructive kinds, and the
// incident changes Acknowledge / Snooze / Pause make.
import type {
  AllMiddlewareArgs,
  RespondFn,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import type { Action } from '../../jobs/finding.js';
import { replyAfterStored } from '../../recovery/thread.js';
import type { Services } from '../../services.js';
import * as audit from '../../store/audit.js';
import * as incidents from '../../store/incidents.js';
import {
  type ActionKind,
  type ActionValue,
  isFindingActionKind,
  offeredAction,
} from '../../views/action-ids.js';
import type { SubmissionResult } from '../../views/modals.js';
import { auditReply, noLongerMatchesEphemeral, notAllowedEphemeral } from '../../views/thread.js';

/** One click as the handlers need it, whatever element (button, overflow) it came from. */
export interface Click {
  readonly user: string;
  readonly actionId: string;
  readonly value: string | undefined;
  readonly actionTs: string;
  readonly triggerId: string;
  /** The message the element sits on (absent for a click in a view). */
  readonly message?: { readonly channel: string; readonly ts: string };
}

export interface Answer {
  readonly text: string;
  readonly blocks?: readonly unknown[];
}

/** `incident` is the one the click's value names, as findOffered read it (handlers need not read it again). */
export type Handler<K extends ActionKind> = (
  deps: Services,
  click: Click,
  value: Extract<ActionValue, { a: K }>,
  io: { client: webApi.WebClient; incident: incidents.Incident },
) => Promise<Answer | undefined>;

export type ModalSubmission = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export type SubmitModal = (deps: Services, submission: ModalSubmission) => Promise<void>;

/** Audit a click once (Slack may redeliver it: the id is the click's own) and show it in the thread. */
export async function auditClick(
  deps: Services,
  click: Click,
  entry: Omit<audit.AuditEntry, 'who' | 'at'>,
  inThread: boolean,
): Promise<void> {
  const id = clickAuditId(click);
  const stored = await audit.append(deps.store, { ...entry, who: click.user, at: deps.clock.now() }, id);
  if (!inThread || !entry.incident_id) return;
  const view = auditReply(stored, { now: deps.clock.now(), fmt: deps.fmt });
  // Stored and audited already: a failed reply is logged and posted by the next delivery run.
  await replyAfterStored(deps, entry.incident_id, `audit:${stored.id}`, view);
}

/** Re-render an incident's alert; false when that failed (logged: the next run re-renders it anyway). */
export async function refresh(deps: Services, incidentId: string): Promise<boolean> {
  try {
    await deps.incidentMessages.refresh(incidentId);
    return true;
  } catch (error) {
    // The change is stored; the next run re-renders the alert anyway.
    deps.log.warn('alert refresh failed', { incidentId, error: String(error) });
    return false;
  }
}

/** The `incidentId` a value or modal metadata of any version names, if it is readable at all. */
function incidentIdIn(value: string | undefined): string | undefined {
  if (!value || value.length > 4000) return undefined;
  try {
    const json: unknown = JSON.parse(value);
    const id = (json as { incidentId?: unknown } | null)?.incidentId;
    return typeof id === 'string' && id.length > 0 && id.length <= 1500 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The incident an element of another version belongs to: the one its value names (every version so far
 * carries `incidentId`), else the open incident whose alert message it sits on.
 */
export async function incidentOfOldElement(
  deps: Pick<Services, 'store'>,
  value: string | undefined,
  message: Click['message'],
): Promise<incidents.Incident | undefined> {
  const named = incidentIdIn(value);
  if (named) {
    // A forged id may not even be a valid document id: that is no incident.
    const incident = await incidents.get(deps.store, named).catch(() => undefined);
    if (incident) return incident;
  }
  if (!message) return undefined;
  return (await incidents.listOpen(deps.store)).find(
    (i) => i.message?.channel === message.channel && i.message.ts === message.ts,
  );
}

/** A click's value checked against its incident: the incident, and the finding action the value stands for. */
export type Offered =
  | { readonly ok: true; readonly incident: incidents.Incident; readonly action: Action | undefined }
  | { readonly ok: false; readonly incident: incidents.Incident | undefined };

/**
 * A click acts only on what its incident offers: the incident its value names must exist, and a Retry,
 * Backfill or Reset Breaker must be one of the actions the incident's finding offers (`action`, with the
 * incident's own targets). The value is signed by nobody: Slack signs the request, not what the bot put in
 * the button.
 */
export async function findOffered(deps: Pick<Services, 'store'>, value: ActionValue): Promise<Offered> {
  // A forged id may not even be a valid document id: that is no incident.
  const incident = await incidents.get(deps.store, value.incidentId).catch(() => undefined);
  if (!incident) return { ok: false, incident: undefined };
  if (!isFindingActionKind(value.a)) return { ok: true, incident, action: undefined };
  const action = offeredAction(incident.id, incident.finding.actions, value);
  return action ? { ok: true, incident, action } : { ok: false, incident };
}

/** What a value asks to act on, for the audit: `bdl_box_scores 2026-01-19`, a range, a breaker. */
function valueTarget(value: ActionValue): string | null {
  switch (value.a) {
    case 'retry':
      return `${value.scraper ?? value.processor} ${value.date}`;
    case 'backfill':
      return `${value.scraper} ${value.from}..${value.until}`;
    case 'reset_breaker':
      return value.processor ?? (value.provider ? `${value.provider}→${value.target ?? '?'}` : null);
    default:
      return null;
  }
}

/**
 * Refuse a click or submission its incident does not offer: nothing is done, the refusal is audited (not
 * threaded: nothing happened to the incident), and an open incident's alert is re-rendered, so an alert
 * showing an older finding's buttons gets its current ones.
 */
export async function refuseNotOffered(
  deps: Services,
  by: { readonly user: string; readonly auditId: string; readonly step: 'click' | 'submit' },
  value: ActionValue,
  incident: incidents.Incident | undefined,
): Promise<Answer> {
  const refreshed = incident?.status === 'open' && (await refresh(deps, incident.id));
  await audit.append(
    deps.store,
    {
      who: by.user,
      action: value.a,
      target: valueTarget(value)?.slice(0, 200) ?? null,
      incident_id: incident?.id ?? null,
      at: deps.clock.now(),
      outcome: 'refused',
      details: { step: by.step, named_incident: value.incidentId.slice(0, 200) },
    },
    by.auditId,
  );
  deps.log.info('click refused: not what its incident offers', {
    user: by.user,
    action: value.a,
    incidentId: value.incidentId.slice(0, 200),
    incidentKnown: incident !== undefined,
  });
  return noLongerMatchesEphemeral({ refreshed });
}

export const clickAuditId = (click: Click) => `click:${click.user}:${click.actionTs}:${click.actionId}`;

/** Answer the clicker through the click's response_url; a click in a view (no response_url) in the alert channel. */
export async function answerClick(
  deps: Services,
  io: { respond: RespondFn | undefined; client: webApi.WebClient },
  user: string,
  answer: Answer,
): Promise<void> {
  if (!io.respond) {
    await postEphemeral(deps, io.client, deps.routing.defaultChannel, user, answer);
    return;
  }
  await io.respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: answer.text,
    // biome-ignore lint/suspicious/noExplicitAny: Block Kit built and validated by src/views.
    ...(answer.blocks ? { blocks: answer.blocks as any } : {}),
  });
}

export async function postEphemeral(
  deps: Services,
  client: webApi.WebClient,
  channel: string,
  user: string,
  answer: Answer,
): Promise<void> {
  try {
    await client.chat.postEphemeral({
      channel,
      user,
      text: answer.text,
      // biome-ignore lint/suspicious/noExplicitAny: see answerClick()
      ...(answer.blocks ? { blocks: answer.blocks as any } : {}),
    });
  } catch (error) {
    deps.log.warn('ephemeral answer failed', { user, channel, error: String(error) });
  }
}

/** An answer to someone who submitted a modal (no response_url): ephemeral in the incident's channel. */
export async function tellUser(
  deps: Services,
  client: webApi.WebClient,
  incidentId: string,
  user: string,
  answer: Answer,
): Promise<void> {
  const incident = await incidents.get(deps.store, incidentId).catch(() => undefined);
  await postEphemeral(deps, client, incident?.message?.channel ?? deps.routing.defaultChannel, user, answer);
}

/** Backfill and Reset Breaker: operators only; a refused click is audited and changes nothing else. */
export async function refuseNonOperator(
  deps: Services,
  click: Click,
  kind: 'backfill' | 'reset_breaker',
  incidentId: string,
): Promise<Answer | undefined> {
  if (await deps.operators.isOperator(click.user)) return undefined;
  await auditClick(
    deps,
    click,
    { action: kind, target: null, incident_id: incidentId, outcome: 'denied', details: { step: 'click' } },
    true,
  );
  deps.log.info('operator-only action refused', { user: click.user, action: kind, incidentId });
  return notAllowedEphemeral({
    action: kind,
    ...(deps.operators.mentions.length ? { operators: deps.operators.mentions.join(' ') } : {}),
  });
}

/** ack / snooze / pause: one incident change, audited and threaded, then the alert is re-rendered. */
export async function changeIncident(
  deps: Services,
  click: Click,
  kind: 'ack' | 'snooze' | 'pause_autoheal',
  incident: incidents.Incident,
  change: (incident: incidents.Incident) => incidents.IncidentPatch | undefined,
  details: audit.AuditEntry['details'],
  done: string,
): Promise<Answer> {
  const incidentId = incident.id;
  const base = { action: kind, target: incidentId, incident_id: incidentId, details };
  if (incident.status !== 'open') {
    await auditClick(deps, click, { ...base, outcome: 'ignored' }, false);
    return { text: 'This incident is no longer open. Nothing was changed.' };
  }
  const patch = change(incident);
  if (!patch) {
    await auditClick(deps, click, { ...base, outcome: 'ignored' }, true);
    return { text: 'Already done. Nothing was changed.' };
  }
  await incidents.update(deps.store, incidentId, patch);
  await auditClick(deps, click, { ...base, outcome: 'ok' }, true);
  await refresh(deps, incidentId);
  return { text: done };
}

/**
 * Refuse an unreadable submission in its ack, so the modal stays open: the form's own field errors, or one
 * error on `blockId` when its hidden state (private_metadata) cannot be read. Nothing is changed either way.
 */
export function refuseSubmission(
  ack: ModalSubmission['ack'],
  read: Extract<SubmissionResult<unknown>, { ok: false }>,
  blockId: string,
): Promise<void> {
  const errors =
    'errors' in read ? read.errors : { [blockId]: 'This form could not be read. Nothing was changed.' };
  return ack({ response_action: 'errors', errors });
}
