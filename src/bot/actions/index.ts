// Clicks on an alert's buttons and the two modals behind the destructive ones. Every listener acks first
// (Slack gives 3 s), every click and submission, even of another version (answered as such, its open alert
// re-rendered with current buttons); reads the element with parseAction (a forged value changes nothing), checks
// the operator for Backfill / Reset Breaker, acts through src/recovery or the incident store, audits the
// click (who, what, when, outcome), shows it in the incident's thread and answers the clicker ephemerally.
// Details only reads: it opens its modal and is neither audited nor threaded. App Home's Refresh, the one
// button outside an alert, republishes the clicker's Home read afresh.
// Adding a kind of button: its value schema and label in src/views/action-ids.ts, its handler in a file
// here and one entry in HANDLERS (the compiler asks for it).
import type { App, BlockAction, RespondFn, ViewSubmitAction, webApi } from '@slack/bolt';
import type { Services } from '../../services.js';
import * as audit from '../../store/audit.js';
import type { Incident } from '../../store/incidents.js';
import {
  ACTION_ID_PATTERNS,
  ACTION_KINDS,
  type ActionKind,
  type ActionParseError,
  type ActionValue,
  isActionKind,
  type ModalKind,
  modalKindOf,
  parseAction,
  WIRE_VERSION,
  wireVersionOf,
} from '../../views/action-ids.js';
import { HOME_REFRESH_ACTION } from '../../views/home.js';
import { otherVersionEphemeral, unreadableActionEphemeral } from '../../views/thread.js';
import { afterAck } from '../after-ack.js';
import type { Surface } from '../app.js';
import { publishHome } from '../home.js';
import { onAck } from './ack.js';
import { onBackfill, submitBackfill } from './backfill.js';
import {
  type Answer,
  answerClick,
  auditClick,
  type Click,
  clickAuditId,
  findOffered,
  type Handler,
  incidentOfOldElement,
  type ModalSubmission,
  postEphemeral,
  refresh,
  refuseNotOffered,
  type SubmitModal,
} from './click.js';
import { onDetails } from './details.js';
import { onPause } from './pause-autoheal.js';
import { onResetBreaker, submitResetBreaker } from './reset-breaker.js';
import { onRetry } from './retry.js';
import { onSnooze } from './snooze.js';

const HANDLERS: { [K in ActionKind]: Handler<K> } = {
  retry: onRetry,
  backfill: onBackfill,
  reset_breaker: onResetBreaker,
  ack: onAck,
  snooze: onSnooze,
  pause_autoheal: onPause,
  details: onDetails,
};

function dispatch<K extends ActionKind>(
  deps: Services,
  kind: K,
  click: Click,
  value: ActionValue,
  io: { client: webApi.WebClient; incident: Incident },
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

function registerActions(app: App, deps: Services) {
  // One listener for every click, not one per kind: Bolt runs every listener's middleware for every
  // request, and under load that work sits in front of the acks. It takes every block_actions, so a button
  // of another version or one the bot never made is acked too (Slack would show the person an error). The
  // work itself runs after the ack.
  app.action<BlockAction>({ type: 'block_actions' }, async ({ ack, body, action, respond, client }) => {
    await ack();
    // Only the click's few fields wait for the work to start, not Bolt's whole payload.
    const click = clickOf(deps, body, action);
    await afterAck.run(
      () => onClick(deps, click, { respond, client }),
      (error) =>
        deps.log.error('action failed after its ack', { actionId: click.actionId, error: String(error) }),
    );
  });
}

function clickOf(deps: Services, body: unknown, action: unknown): Click {
  const a = action as { action_id: string; action_ts?: string };
  const b = body as {
    user: { id: string };
    trigger_id?: string;
    container?: { message_ts?: string; channel_id?: string };
    channel?: { id?: string };
  };
  const channel = b.container?.channel_id ?? b.channel?.id;
  return {
    user: b.user.id,
    actionId: a.action_id,
    value: elementValue(action),
    actionTs: a.action_ts ?? String(deps.clock.now().getTime() / 1000),
    triggerId: b.trigger_id ?? '',
    ...(b.container?.message_ts && channel ? { message: { channel, ts: b.container.message_ts } } : {}),
  };
}

async function onClick(
  deps: Services,
  click: Click,
  { respond, client }: { respond: RespondFn; client: webApi.WebClient },
): Promise<void> {
  if (click.actionId === HOME_REFRESH_ACTION) {
    await publishHome(deps, client, click.user, { fresh: true, surface: 'home' });
    return;
  }
  const parsed = parseAction(click.actionId, click.value);
  if (!parsed.ok) {
    const answer =
      parsed.error.code === 'stale_version' || parsed.error.code === 'unknown_action'
        ? await otherVersionClick(deps, click, parsed.error)
        : await unreadableClick(deps, click, parsed.error);
    await answerClick(deps, { respond, client }, click.user, answer);
    return;
  }
  const kind = parsed.value.a;
  let answer: Answer | undefined;
  try {
    const offered = await findOffered(deps, parsed.value);
    answer = offered.ok
      ? await dispatch(deps, kind, click, parsed.value, { client, incident: offered.incident })
      : await refuseNotOffered(
          deps,
          { user: click.user, auditId: clickAuditId(click), step: 'click' },
          parsed.value,
          offered.incident,
        );
  } catch (error) {
    deps.log.error('action failed', { kind, user: click.user, error: String(error) });
    answer = { text: `:warning: ${kind} failed: ${String(error).slice(0, 300)}` };
  }
  if (answer) await answerClick(deps, { respond, client }, click.user, answer);
}

/** A garbled or forged value: explained, audited, nothing else. */
async function unreadableClick(deps: Services, click: Click, error: ActionParseError): Promise<Answer> {
  deps.log.warn('unreadable action', { user: click.user, actionId: click.actionId, error });
  await auditClick(
    deps,
    click,
    {
      action: kindOf(click.actionId) ?? 'unknown',
      target: null,
      incident_id: null,
      outcome: 'ignored',
      details: { error: error.code },
    },
    false,
  );
  return unreadableActionEphemeral(error);
}

/**
 * A button of another wire version, or one no version makes: nothing is done, the person is told, and when
 * it belongs to an open incident (its value names one, or it sits on the incident's alert) the alert is
 * re-rendered, so it carries this version's buttons.
 */
async function otherVersionClick(deps: Services, click: Click, error: ActionParseError): Promise<Answer> {
  const incident = await incidentOfOldElement(deps, click.value, click.message);
  const refreshed = incident?.status === 'open' && (await refresh(deps, incident.id));
  deps.log.warn('button of another version clicked', {
    user: click.user,
    actionId: click.actionId,
    error,
    incidentId: incident?.id ?? null,
    refreshed,
  });
  await auditClick(
    deps,
    click,
    {
      action: kindOf(click.actionId) ?? oldKindOf(click.actionId) ?? 'unknown',
      target: click.actionId.slice(0, 200),
      incident_id: incident?.id ?? null,
      outcome: 'ignored',
      details: { error: error.code },
    },
    false,
  );
  return otherVersionEphemeral({
    what: 'button',
    version: otherVersionOf(click),
    current: WIRE_VERSION,
    refreshed,
  });
}

/** The other wire version a click's id (or, on a current id, its value) carries; undefined when none is known. */
function otherVersionOf(click: Click): number | undefined {
  const idVersion = wireVersionOf(click.actionId);
  if (idVersion !== WIRE_VERSION) return idVersion;
  try {
    const v = (JSON.parse(click.value ?? '') as { v?: unknown } | null)?.v;
    return typeof v === 'number' && Number.isInteger(v) && v !== WIRE_VERSION ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The kind an action id of another version names (`v0.retry` → retry), when this version has it. */
function oldKindOf(actionId: string): string | undefined {
  const kind = /^v\d+\.([a-z_]+)/.exec(actionId)?.[1];
  return kind && isActionKind(kind) ? kind : undefined;
}

const SUBMIT_MODAL: { [K in ModalKind]: SubmitModal } = {
  backfill: submitBackfill,
  reset_breaker: submitResetBreaker,
};

function registerModals(app: App, deps: Services) {
  // One listener for every modal submission, as for the buttons: Bolt runs every listener's middleware per
  // request. A form of another version (or an unknown callback id) is acked too, which closes it.
  app.view<ViewSubmitAction>({ type: 'view_submission' }, async (submission) => {
    const kind = modalKindOf(submission.view.callback_id);
    if (kind) {
      await SUBMIT_MODAL[kind](deps, submission);
      return;
    }
    await submission.ack();
    await afterAck.run(
      () => onOtherForm(deps, submission),
      (error) => deps.log.error('form of another version failed after its ack', { error: String(error) }),
    );
  });
}

/** A form of another version: closed by the ack, explained, and its open incident's alert re-rendered. */
async function onOtherForm(deps: Services, { body, view, client }: ModalSubmission): Promise<void> {
  const user = body.user.id;
  const incident = await incidentOfOldElement(deps, view.private_metadata, undefined);
  const refreshed = incident?.status === 'open' && (await refresh(deps, incident.id));
  const version = wireVersionOf(view.callback_id);
  deps.log.warn('form of another version submitted', {
    user,
    callbackId: view.callback_id,
    incidentId: incident?.id ?? null,
    refreshed,
  });
  await audit.append(
    deps.store,
    {
      who: user,
      action: 'form',
      target: view.callback_id.slice(0, 200),
      incident_id: incident?.id ?? null,
      at: deps.clock.now(),
      outcome: 'ignored',
      details: { error: version === undefined ? 'unknown_action' : 'stale_version' },
    },
    `form:${user}:${view.id}`,
  );
  const answer = otherVersionEphemeral({
    what: 'form',
    version: version === WIRE_VERSION ? undefined : version,
    current: WIRE_VERSION,
    refreshed,
  });
  await postEphemeral(deps, client, incident?.message?.channel ?? deps.routing.defaultChannel, user, answer);
}

export function actionsSurface(deps: Services): Surface {
  return (app: App) => {
    registerActions(app, deps);
    registerModals(app, deps);
  };
}
