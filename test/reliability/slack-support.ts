// What the hostile-request tests share: the harness with every Slack surface, signed clicks and forged
// submissions as Slack shapes them, and what they read back (ephemerals, the thread, the audit, the log).
import { expect } from 'vitest';
import { actionsSurface } from '../../src/bot/actions/index.js';
import { commandsSurface } from '../../src/bot/commands.js';
import { homeSurface } from '../../src/bot/home.js';
import { ephemeralsFor, replies } from '../../src/sandbox/state.js';
import { AUDIT_LOG } from '../../src/store/audit.js';
import { MODALS } from '../../src/views/action-ids.js';
import { ALERTS, eventually, type Harness, SECRET, startHarness } from '../bot/surface-harness.js';
import { postSigned } from '../support/slack-request.js';

export const startAll = () =>
  startHarness((deps) => [commandsSurface(deps), actionsSurface(deps), homeSurface(deps)]);

export const ephemerals = (h: Harness, user: string) => ephemeralsFor(h.sandbox.state, user, ALERTS);
export const lastEphemeral = (h: Harness, user: string) => ephemerals(h, user).at(-1)?.text ?? '';

/** The replies under a message, without the message itself. */
export const threadTexts = (h: Harness, ts: string) =>
  replies(h.sandbox.state, ALERTS, ts)
    .filter((m) => m.ts !== ts)
    .map((m) => m.text);

export const channelMessage = (h: Harness, ts: string) =>
  h.sandbox.state.messages.get(ALERTS)?.find((m) => m.ts === ts);

/** `action outcome` of every audit entry, sorted. */
export const auditOutcomes = async (h: Harness) =>
  (await h.store.query(AUDIT_LOG, {})).map((d) => `${d.data.action} ${d.data.outcome}`).sort();

const parsedLogs = (h: Harness) => h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
export const errorLines = (h: Harness) => parsedLogs(h).filter((l) => l.severity === 'ERROR');
export const logLine = (h: Harness, message: string) => parsedLogs(h).find((l) => l.message === message);

/** A button value of the current wire version, fields as given (forged or not). */
export const wireValue = (payload: Record<string, unknown>) => JSON.stringify({ v: 1, ...payload });

/** Post a message carrying buttons with the given ids and values (old, forged or current). */
export async function postButtons(
  h: Harness,
  buttons: readonly { readonly id: string; readonly value: string }[],
  threadTs?: string,
): Promise<string> {
  const posted = await h.deps.chat.post(
    {
      channel: ALERTS,
      text: 'buttons',
      blocks: [
        {
          type: 'actions',
          elements: buttons.map((b, i) => ({
            type: 'button',
            text: { type: 'plain_text', text: `b${i}` },
            action_id: b.id,
            value: b.value,
          })),
        },
      ],
      ...(threadTs ? { threadTs } : {}),
    },
    `test-buttons-${buttons.map((b) => b.id).join(',')}-${threadTs ?? ''}-${Math.random()}`,
  );
  return posted.ts;
}

/**
 * Click as `user` (a signed block_actions from the sandbox), check it was acked at once (not after Bolt's 3 s
 * unhandled-request timeout) and wait for the ephemeral answer.
 */
export async function click(h: Harness, ts: string, id: string, user: string): Promise<string> {
  const before = ephemerals(h, user).length;
  const started = Date.now();
  const result = await h.sandbox.drivers.clickButton(ts, id, { user });
  expect(result.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(1500);
  return eventually(() => {
    expect(ephemerals(h, user).length).toBe(before + 1);
    return lastEphemeral(h, user);
  });
}

/** A signed view_submission of a modal the bot never opened: its callback id and hidden state are forged. */
export function submitForged(
  h: Harness,
  callbackId: string,
  metadata: string,
  values: Record<string, unknown>,
  user: string,
): Promise<Response> {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    user: { id: user, username: user, name: user, team_id: 'T0SANDBOX' },
    api_app_id: 'A0SHOTCLOCK',
    trigger_id: '1.2.3',
    view: {
      id: `VFORGED${Math.floor(Math.random() * 1e9)}`,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: metadata,
      state: { values },
    },
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(h.eventsUrl, body, { secret: SECRET });
}

/** The reset modal's state with a reason typed in. */
export const resetValues = (reason: string) => ({
  [MODALS.reset_breaker.reason.blockId]: {
    [MODALS.reset_breaker.reason.actionId]: { type: 'plain_text_input', value: reason },
  },
});

/** The backfill modal's state with a range picked and the box ticked. */
export function backfillValues(from: string, until: string) {
  const ids = MODALS.backfill;
  return {
    [ids.from.blockId]: { [ids.from.actionId]: { type: 'datepicker', selected_date: from } },
    [ids.until.blockId]: { [ids.until.actionId]: { type: 'datepicker', selected_date: until } },
    [ids.confirm.blockId]: {
      [ids.confirm.actionId]: { type: 'checkboxes', selected_options: [{ value: 'confirmed' }] },
    },
  };
}
