// Clicks on an alert's buttons and the two modals behind the destructive ones. Every listener acks first
// (Slack gives 3 s), reads the element with parseAction (a forged or stale value changes nothing), checks
// the operator for Backfill / Reset Breaker, acts through src/recovery or the incident store, audits the
// click (who, what, when, outcome), shows it in the incident's thread and answers the clicker ephemerally.
// Adding a kind of button: its value schema and label in src/views/action-ids.ts, its handler in a file
// here and one entry in HANDLERS (the compiler asks for it).
import type { App, RespondFn, ViewSubmitAction, webApi } from '@slack/bolt';
import type { Services } from '../../services.js';
import {
  ACTION_ID_PATTERNS,
  ACTION_KINDS,
  type ActionKind,
  type ActionValue,
  MODAL_CALLBACK_PATTERN,
  type ModalKind,
  modalKindOf,
  parseAction,
} from '../../views/action-ids.js';
import { unreadableActionEphemeral } from '../../views/thread.js';
import { afterAck } from '../after-ack.js';
import type { Surface } from '../app.js';
import { onAck } from './ack.js';
import { onBackfill, submitBackfill } from './backfill.js';
import { type Answer, answerClick, auditClick, type Click, type Handler, type SubmitModal } from './click.js';
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
    deps.log.warn('unreadable action', { user: click.user, actionId: click.actionId, error: parsed.error });
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
