// Clicks on an alert's buttons and the two modals behind the destructive ones. Every listener acks first
// (Slack gives 3 s), reads the element with parseAction (a forged or stale value changes nothing), checks
// the operator for Backfill / Reset Breaker, acts through src/recovery or the incident store, audits the
// click (who, what, when, outcome), shows it in the incident's thread and answers the clicker ephemerally.
import type {
  AllMiddlewareArgs,
  App,
  RespondFn,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import { addDays, etDate, etInstant } from '../jobs/time.js';
import { startBackfill } from '../recovery/backfill.js';
import { requestRetry } from '../recovery/request-retry.js';
import { resetBreaker } from '../recovery/reset-breaker.js';
import { replyInThread } from '../recovery/thread.js';
import type { Services } from '../services.js';
import * as audit from '../store/audit.js';
import * as incidents from '../store/incidents.js';
import {
  ACTION_ID_PATTERNS,
  ACTION_KINDS,
  type ActionKind,
  type ActionValue,
  MODAL_CALLBACK_PATTERN,
  MODALS,
  type ModalKind,
  modalKindOf,
  parseAction,
  type SnoozeDuration,
} from '../views/action-ids.js';
import {
  backfillModal,
  readBackfillSubmission,
  readResetBreakerSubmission,
  resetBreakerModal,
  type SubmissionResult,
  type ViewStateValues,
} from '../views/modals.js';
import { auditReply, notAllowedEphemeral, unreadableActionEphemeral } from '../views/thread.js';
import { afterAck } from './after-ack.js';
import type { Surface } from './app.js';

const HOUR_MS = 3_600_000;

/** One click as the handlers need it, whatever element (button, overflow) it came from. */
interface Click {
  readonly user: string;
  readonly actionId: string;
  readonly value: string | undefined;
  readonly actionTs: string;
  readonly triggerId: string;
}

interface Answer {
  readonly text: string;
  readonly blocks?: readonly unknown[];
}

/** When a snooze ends: 1 h, 4 h, or tomorrow 06:00 ET (pure). */
export function snoozeUntil(duration: SnoozeDuration, now: Date): Date {
  switch (duration) {
    case '1h':
      return new Date(now.getTime() + HOUR_MS);
    case '4h':
      return new Date(now.getTime() + 4 * HOUR_MS);
    case 'tomorrow':
      return etInstant(addDays(etDate(now), 1), '06:00');
  }
}

/** A number the finding gives as the records that mean "recovered", when it names one. */
function expectedOf(facts: Readonly<Record<string, unknown>>): number | null {
  for (const name of ['expected_records', 'expected_games', 'expected']) {
    const v = facts[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** Audit a click once (Slack may redeliver it: the id is the click's own) and show it in the thread. */
async function auditClick(
  deps: Services,
  click: Click,
  entry: Omit<audit.AuditEntry, 'who' | 'at'>,
  inThread: boolean,
): Promise<void> {
  const id = `click:${click.user}:${click.actionTs}:${click.actionId}`;
  const stored = await audit.append(deps.store, { ...entry, who: click.user, at: deps.clock.now() }, id);
  if (!inThread || !entry.incident_id) return;
  const view = auditReply(stored, { now: deps.clock.now(), fmt: deps.fmt });
  await replyInThread(deps, entry.incident_id, `audit:${stored.id}`, view);
}

async function refresh(deps: Services, incidentId: string): Promise<void> {
  try {
    await deps.incidentMessages.refresh(incidentId);
  } catch (error) {
    // The change is stored; the next run re-renders the alert anyway.
    deps.log.warn('alert refresh failed', { incidentId, error: String(error) });
  }
}

/** Answer the clicker through the click's response_url; a click in a view (no response_url) in the alert channel. */
async function answerClick(
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

async function postEphemeral(
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
async function tellUser(
  deps: Services,
  client: webApi.WebClient,
  incidentId: string,
  user: string,
  answer: Answer,
): Promise<void> {
  const incident = await incidents.get(deps.store, incidentId);
  await postEphemeral(deps, client, incident?.message?.channel ?? deps.routing.defaultChannel, user, answer);
}

type Handler<K extends ActionKind> = (
  deps: Services,
  click: Click,
  value: Extract<ActionValue, { a: K }>,
  io: { client: webApi.WebClient },
) => Promise<Answer | undefined>;

const onRetry: Handler<'retry'> = async (deps, click, value) => {
  const incident = await incidents.get(deps.store, value.incidentId);
  const name = value.scraper ?? value.processor ?? '';
  const result = await requestRetry(deps, {
    incidentId: value.incidentId,
    kind: value.scraper !== undefined ? 'scraper' : 'processor',
    name,
    date: value.date,
    requestedBy: { user: click.user },
    reason: incident?.finding.title ?? `Retry of ${name} ${value.date} from Slack`,
    expected: incident ? expectedOf(incident.finding.facts) : null,
    auditId: `click:${click.user}:${click.actionTs}:${click.actionId}`,
  });
  await refresh(deps, value.incidentId);
  return result.ephemeral;
};

/** Backfill and Reset Breaker: operators only; a refused click is audited and changes nothing else. */
async function refuseNonOperator(
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

const onBackfill: Handler<'backfill'> = async (deps, click, value, { client }) => {
  const refused = await refuseNonOperator(deps, click, 'backfill', value.incidentId);
  if (refused) return refused;
  await client.views.open({
    trigger_id: click.triggerId,
    view: backfillModal({ action: value, maxRangeDays: deps.config.recovery.backfillMaxDays }),
  });
  await auditClick(
    deps,
    click,
    {
      action: 'backfill',
      target: `${value.scraper} ${value.from}..${value.until}`,
      incident_id: value.incidentId,
      outcome: 'ok',
      details: { step: 'modal_opened' },
    },
    false,
  );
  return undefined;
};

const onResetBreaker: Handler<'reset_breaker'> = async (deps, click, value, { client }) => {
  const refused = await refuseNonOperator(deps, click, 'reset_breaker', value.incidentId);
  if (refused) return refused;
  await client.views.open({ trigger_id: click.triggerId, view: resetBreakerModal({ action: value }) });
  await auditClick(
    deps,
    click,
    {
      action: 'reset_breaker',
      target: value.processor ?? (value.provider ? `${value.provider}→${value.target ?? '?'}` : null),
      incident_id: value.incidentId,
      outcome: 'ok',
      details: { step: 'modal_opened' },
    },
    false,
  );
  return undefined;
};

/** ack / snooze / pause: one incident change, audited and threaded, then the alert is re-rendered. */
async function changeIncident(
  deps: Services,
  click: Click,
  kind: 'ack' | 'snooze' | 'pause_autoheal',
  incidentId: string,
  change: (incident: incidents.Incident) => incidents.IncidentPatch | undefined,
  details: audit.AuditEntry['details'],
  done: string,
): Promise<Answer> {
  const incident = await incidents.get(deps.store, incidentId);
  const base = { action: kind, target: incidentId, incident_id: incident ? incidentId : null, details };
  if (incident?.status !== 'open') {
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

const onAck: Handler<'ack'> = (deps, click, value) =>
  changeIncident(
    deps,
    click,
    'ack',
    value.incidentId,
    (i) => (i.ack ? undefined : { ack: { user: click.user, at: deps.clock.now() } }),
    {},
    'Acknowledged.',
  );

const onSnooze: Handler<'snooze'> = (deps, click, value) => {
  const until = snoozeUntil(value.duration, deps.clock.now());
  return changeIncident(
    deps,
    click,
    'snooze',
    value.incidentId,
    () => ({ snooze_until: until }),
    { until, duration: value.duration },
    `Snoozed until ${deps.fmt.dateTime(until)}: no re-notifications, it still resolves.`,
  );
};

const onPause: Handler<'pause_autoheal'> = (deps, click, value) =>
  changeIncident(
    deps,
    click,
    'pause_autoheal',
    value.incidentId,
    (i) => (i.auto_heal_paused ? undefined : { auto_heal_paused: true }),
    {},
    'Auto-heal paused for this incident.',
  );

const HANDLERS: { [K in ActionKind]: Handler<K> } = {
  retry: onRetry,
  backfill: onBackfill,
  reset_breaker: onResetBreaker,
  ack: onAck,
  snooze: onSnooze,
  pause_autoheal: onPause,
};

function dispatch<K extends ActionKind>(
  deps: Services,
  kind: K,
  click: Click,
  value: ActionValue,
  io: { client: webApi.WebClient },
) {
  return (HANDLERS[kind] as Handler<K>)(deps, click, value as Extract<ActionValue, { a: K }>, io);
}

/** The element's value: a button's value, or the chosen option of an overflow / select. */
function elementValue(action: unknown): string | undefined {
  const a = action as { value?: unknown; selected_option?: { value?: unknown } };
  if (typeof a.value === 'string') return a.value;
  return typeof a.selected_option?.value === 'string' ? a.selected_option.value : undefined;
}

/** Which kind of button an action id belongs to (every version-1 id of the bot matches one). */
const kindOf = (actionId: string) => ACTION_KINDS.find((k) => ACTION_ID_PATTERNS[k].test(actionId));
const ANY_KIND = new RegExp(ACTION_KINDS.map((k) => ACTION_ID_PATTERNS[k].source).join('|'));

function registerActions(app: App, deps: Services) {
  // One listener for every button, not one per kind: Bolt runs every listener's middleware for every
  // request, and under load that work sits in front of the acks. The work itself runs after the ack.
  app.action(ANY_KIND, async ({ ack, body, action, respond, client }) => {
    await ack();
    const kind = kindOf((action as { action_id: string }).action_id);
    if (!kind) return;
    // Only the click's few fields wait for the work to start, not Bolt's whole payload.
    const click = clickOf(deps, body, action);
    await afterAck.run(
      () => onClick(deps, kind, click, { respond, client }),
      (error) => deps.log.error('action failed after its ack', { kind, error: String(error) }),
    );
  });
}

function clickOf(deps: Services, body: unknown, action: unknown): Click {
  const a = action as { action_id: string; action_ts?: string };
  const b = body as { user: { id: string }; trigger_id?: string };
  return {
    user: b.user.id,
    actionId: a.action_id,
    value: elementValue(action),
    actionTs: a.action_ts ?? String(deps.clock.now().getTime() / 1000),
    triggerId: b.trigger_id ?? '',
  };
}

async function onClick(
  deps: Services,
  kind: ActionKind,
  click: Click,
  { respond, client }: { respond: RespondFn; client: webApi.WebClient },
): Promise<void> {
  const parsed = parseAction(click.actionId, click.value);
  if (!parsed.ok) {
    deps.log.warn('unreadable action', { user: click.user, actionId: click.actionId, ...parsed.error });
    await auditClick(
      deps,
      click,
      {
        action: kind,
        target: null,
        incident_id: null,
        outcome: 'ignored',
        details: { error: parsed.error.code },
      },
      false,
    );
    await answerClick(deps, { respond, client }, click.user, unreadableActionEphemeral(parsed.error));
    return;
  }
  let answer: Answer | undefined;
  try {
    answer = await dispatch(deps, kind, click, parsed.value, { client });
  } catch (error) {
    deps.log.error('action failed', { kind, user: click.user, error: String(error) });
    answer = { text: `:warning: ${kind} failed: ${String(error).slice(0, 300)}` };
  }
  if (answer) await answerClick(deps, { respond, client }, click.user, answer);
}

type ModalSubmission = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type SubmitModal = (deps: Services, submission: ModalSubmission) => Promise<void>;

/**
 * Refuse an unreadable submission in its ack, so the modal stays open: the form's own field errors, or one
 * error on `blockId` when its hidden state (private_metadata) cannot be read. Nothing is changed either way.
 */
function refuseSubmission(
  ack: ModalSubmission['ack'],
  read: Extract<SubmissionResult<unknown>, { ok: false }>,
  blockId: string,
): Promise<void> {
  const errors =
    'errors' in read ? read.errors : { [blockId]: 'This form could not be read. Nothing was changed.' };
  return ack({ response_action: 'errors', errors });
}

const submitBackfill: SubmitModal = async (deps, { ack, body, view, client }) => {
  const read = readBackfillSubmission(
    view.state.values as ViewStateValues,
    view.private_metadata,
    deps.config.recovery.backfillMaxDays,
  );
  if (!read.ok) {
    await refuseSubmission(ack, read, MODALS.backfill.from.blockId);
    if ('metadataError' in read) deps.log.warn('unreadable backfill modal', { ...read.metadataError });
    return;
  }
  await ack();
  const r = read.value;
  const result = await startBackfill(deps, {
    incidentId: r.incidentId,
    scraper: r.scraper,
    from: r.from,
    until: r.until,
    requestedBy: { user: body.user.id },
    requestId: view.id,
  });
  await refresh(deps, r.incidentId);
  await tellUser(deps, client, r.incidentId, body.user.id, result.ephemeral);
};

const submitResetBreaker: SubmitModal = async (deps, { ack, body, view, client }) => {
  const read = readResetBreakerSubmission(view.state.values as ViewStateValues, view.private_metadata);
  if (!read.ok) {
    await refuseSubmission(ack, read, MODALS.reset_breaker.reason.blockId);
    return;
  }
  await ack();
  const { action, reason } = read.value;
  const result = await resetBreaker(deps, {
    incidentId: action.incidentId,
    requestedBy: { user: body.user.id },
    reason,
    breaker: {
      kind: 'reset_breaker',
      breaker: action.breaker,
      ...(action.processor !== undefined && { processor: action.processor }),
      ...(action.entities !== undefined && { entities: action.entities }),
      ...(action.provider !== undefined && { provider: action.provider }),
      ...(action.target !== undefined && { target: action.target }),
    },
    requestId: view.id,
  });
  if (result.outcome === 'reset') await refresh(deps, action.incidentId);
  await tellUser(
    deps,
    client,
    action.incidentId,
    body.user.id,
    result.ephemeral ?? { text: 'Breaker reset; the thread has the details.' },
  );
};

const SUBMIT_MODAL: { [K in ModalKind]: SubmitModal } = {
  backfill: submitBackfill,
  reset_breaker: submitResetBreaker,
};

function registerModals(app: App, deps: Services) {
  // One listener for every modal, as for the buttons: Bolt runs every listener's middleware per request.
  app.view<ViewSubmitAction>(MODAL_CALLBACK_PATTERN, async (submission) => {
    const kind = modalKindOf(submission.view.callback_id);
    if (kind) await SUBMIT_MODAL[kind](deps, submission);
  });
}

export function actionsSurface(deps: Services): Surface {
  return (app: App) => {
    registerActions(app, deps);
    registerModals(app, deps);
  };
}
