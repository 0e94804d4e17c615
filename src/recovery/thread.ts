// Where recovery replies go: the thread of the incident's alert (its root's thread when it is threaded).

import { threadOf } from '../alerts/deliver.js';
import { postOnce } from '../alerts/messenger.js';
import type { PostedMessage } from '../chat/port.js';
import type { Services } from '../services.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';

export interface ThreadTarget {
  readonly channel: string;
  readonly threadTs: string;
}

/** undefined when the incident is unknown or its alert is not posted yet (nothing to reply under). */
export async function threadTarget(
  store: DocumentStore,
  incidentId: string | null,
): Promise<ThreadTarget | undefined> {
  if (!incidentId) return undefined;
  const incident = await incidents.get(store, incidentId);
  if (!incident?.message) return undefined;
  return { channel: incident.message.channel, threadTs: await threadOf(store, incident, incident.message) };
}

/**
 * 'pending': claimed by another delivery or left by a crash; the messenger's finishUnfinished posts it.
 * 'failed': Slack failed (replyAfterStored): the released claim is posted by the next delivery run.
 */
export type ReplyResult = 'posted' | 'already_posted' | 'pending' | 'no_thread' | 'failed';

/** Reply once per intent under the incident's alert (claim → post → record: never twice). */
export async function replyInThread(
  deps: Pick<Services, 'store' | 'chat' | 'clock'>,
  incidentId: string | null,
  intentId: string,
  view: { readonly text: string; readonly blocks?: readonly unknown[] },
): Promise<{ result: ReplyResult; message?: PostedMessage }> {
  const target = await threadTarget(deps.store, incidentId);
  if (!target) return { result: 'no_thread' };
  const { message, postedNow } = await postOnce(deps, intentId, { ...view, ...target });
  if (!message) return { result: 'pending' };
  return { result: postedNow ? 'posted' : 'already_posted', message };
}

/**
 * A reply about something already stored (a click's change, a scheduled retry, a reset): a failed post must
 * not make it look undone. The failure is logged and 'failed' returned; a post Slack failed released its
 * claim, which the messenger's finishUnfinished posts on the next delivery run (README: crash-safe delivery).
 */
export async function replyAfterStored(
  deps: Pick<Services, 'store' | 'chat' | 'clock' | 'log'>,
  incidentId: string | null,
  intentId: string,
  view: { readonly text: string; readonly blocks?: readonly unknown[] },
): Promise<{ result: ReplyResult; message?: PostedMessage }> {
  try {
    return await replyInThread(deps, incidentId, intentId, view);
  } catch (error) {
    deps.log.warn('thread reply failed; the next delivery run posts it', {
      incidentId,
      intent: intentId,
      error: error instanceof Error ? error.message : String(error),
    });
    return { result: 'failed' };
  }
}
