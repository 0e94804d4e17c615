import type { OutgoingMessage, PostedMessage } from '../chat/port.js';
import type { Services } from '../services.js';
import * as ledger from '../store/message-ledger.js';
import type { DocData } from '../store/port.js';

/** What posting once uses: the Store's ledger, Slack and time. */
type Messenger = Pick<Services, 'store' | 'chat' | 'clock'>;

/**
 * A claim older than this (in the clock's time) without a ts, and not released by its claimant, is treated
 * as a crash between claim and record, not a post in flight. A released claim is finished at once.
 */
export const UNFINISHED_AFTER_MS = 10 * 60_000;

/**
 * Intents this process is posting right now. A slow post (paced, or waiting out a 429) must not be taken
 * for a crashed one by a concurrent run in the same process; other instances rely on the time window.
 */
const postingNow = new Set<string>();

function toPayload(message: OutgoingMessage): DocData {
  return {
    channel: message.channel,
    text: message.text,
    // Blocks are kept as JSON text: Firestore forbids arrays of arrays, which Block Kit can contain.
    blocks_json: message.blocks ? JSON.stringify(message.blocks) : null,
    thread_ts: message.threadTs ?? null,
    broadcast: message.broadcast === true,
  };
}

function fromPayload(payload: Readonly<Record<string, unknown>>): OutgoingMessage {
  const blocks = typeof payload.blocks_json === 'string' ? JSON.parse(payload.blocks_json) : undefined;
  const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
  return {
    channel: String(payload.channel),
    text: String(payload.text),
    blocks,
    threadTs,
    ...(payload.broadcast === true ? { broadcast: true } : {}),
  };
}

/**
 * Post a message at most once per `intentId`, across retries, restarts and instances: claim the intent in
 * the Store, call Slack, record where it landed. Only the caller whose claim is new calls Slack; a caller
 * that finds the intent already posted gets its location; one that finds it claimed but unfinished gets
 * `undefined` (another instance is posting it, or `finishUnfinished` will). Given `signal` (the process's
 * stop), a post not sent yet when it is aborted is not sent: PostNotSentError, and the claim is released.
 */
export async function postOnce(
  deps: Messenger,
  intentId: string,
  message: OutgoingMessage,
  signal?: AbortSignal,
): Promise<{ message: PostedMessage | undefined; postedNow: boolean }> {
  const { claim, created } = await ledger.claim(deps.store, intentId, toPayload(message), deps.clock.now());
  if (!created) {
    const done = claim.status === 'posted' && claim.channel && claim.ts;
    return {
      message: done ? { channel: claim.channel ?? '', ts: claim.ts ?? '' } : undefined,
      postedNow: false,
    };
  }
  return { message: await postClaimed(deps, intentId, message, signal), postedNow: true };
}

/**
 * Post an intent this caller holds and record where it landed. If the post fails, the claim is released
 * (whether Slack has the message is unknown: a lost response), so the next run checks Slack and finishes it
 * at once instead of taking it for another instance's post in flight. A post given up unsent (`signal`) is
 * released the same way: a thread reply has no other record, so its claim must stay for the next run.
 */
async function postClaimed(
  deps: Messenger,
  intentId: string,
  message: OutgoingMessage,
  signal?: AbortSignal,
): Promise<PostedMessage> {
  postingNow.add(intentId);
  try {
    let posted: PostedMessage;
    try {
      posted = await deps.chat.post(message, intentId, signal);
    } catch (error) {
      await ledger.release(deps.store, intentId, deps.clock.now()).catch(() => undefined);
      throw error;
    }
    return await record(deps, intentId, posted);
  } finally {
    postingNow.delete(intentId);
  }
}

/** Record where an intent's message landed; the first recorded location wins and is returned. */
async function record(deps: Messenger, intentId: string, posted: PostedMessage): Promise<PostedMessage> {
  const recorded = await ledger.recordPosted(deps.store, intentId, posted, deps.clock.now());
  return recorded.channel && recorded.ts ? { channel: recorded.channel, ts: recorded.ts } : posted;
}

export interface Finished {
  /** Intents finished now, with where their message is: callers attach them to incidents. */
  readonly done: { intentId: string; posted: PostedMessage; found: boolean }[];
  /** Intents that failed again (released again: the next run tries them). */
  readonly failed: { intentId: string; error: string }[];
}

/**
 * Finish intents left claimed without a ts: released by a claimant whose post failed, or left by a crash
 * (claimed more than UNFINISHED_AFTER_MS ago). Each is taken over first (one run finishes it), then: if
 * Slack has the message (its response was lost), it is recorded; otherwise it is posted now. Stops between
 * intents once `signal` is aborted (the rest stay for the next run).
 */
export async function finishUnfinished(deps: Messenger, signal?: AbortSignal): Promise<Finished> {
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - UNFINISHED_AFTER_MS);
  const unfinished = await ledger.listUnfinished(deps.store, staleBefore, now);
  const finished: Finished = { done: [], failed: [] };
  for (const candidate of unfinished) {
    if (signal?.aborted) break;
    if (postingNow.has(candidate.intent_id)) continue;
    const claim = await ledger.takeOver(deps.store, candidate.intent_id, deps.clock.now(), staleBefore);
    if (!claim) continue; // finished or taken over elsewhere meanwhile
    const message = fromPayload(claim.payload);
    try {
      const existing = await findPosted(deps, claim, message);
      const posted = existing
        ? await record(deps, claim.intent_id, existing)
        : await postClaimed(deps, claim.intent_id, message, signal);
      finished.done.push({ intentId: claim.intent_id, posted, found: !!existing });
    } catch (error) {
      finished.failed.push({
        intentId: claim.intent_id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return finished;
}

/** The message Slack already has for a taken-over intent (its response was lost), if any. */
async function findPosted(
  deps: Messenger,
  claim: ledger.Claim,
  message: OutgoingMessage,
): Promise<PostedMessage | undefined> {
  try {
    return await deps.chat.findByIntent(message.channel, claim.intent_id, claim.claimed_at, message.threadTs);
  } catch (error) {
    await ledger.release(deps.store, claim.intent_id, deps.clock.now()).catch(() => undefined);
    throw error;
  }
}
