import type { OutgoingMessage, PostedMessage } from '../chat/port.js';
import type { Services } from '../services.js';
import * as ledger from '../store/message-ledger.js';
import type { DocData } from '../store/port.js';

/** What posting once uses: the Store's ledger, Slack and time. */
type Messenger = Pick<Services, 'store' | 'chat' | 'clock'>;

/**
 * A claim older than this (in the clock's time) without a ts is treated as a crash between claim and
 * record, not a post in flight.
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
  };
}

function fromPayload(payload: Readonly<Record<string, unknown>>): OutgoingMessage {
  const blocks = typeof payload.blocks_json === 'string' ? JSON.parse(payload.blocks_json) : undefined;
  const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
  return { channel: String(payload.channel), text: String(payload.text), blocks, threadTs };
}

/**
 * Post a message at most once per `intentId`, across retries, restarts and instances: claim the intent in
 * the Store, call Slack, record where it landed. Only the caller whose claim is new calls Slack; a caller
 * that finds the intent already posted gets its location; one that finds it claimed but unfinished gets
 * `undefined` (another instance is posting it, or `finishUnfinished` will).
 */
export async function postOnce(
  deps: Messenger,
  intentId: string,
  message: OutgoingMessage,
): Promise<{ message: PostedMessage | undefined; postedNow: boolean }> {
  const { claim, created } = await ledger.claim(deps.store, intentId, toPayload(message), deps.clock.now());
  if (!created) {
    const done = claim.status === 'posted' && claim.channel && claim.ts;
    return {
      message: done ? { channel: claim.channel ?? '', ts: claim.ts ?? '' } : undefined,
      postedNow: false,
    };
  }
  postingNow.add(intentId);
  try {
    const posted = await deps.chat.post(message, intentId);
    await ledger.recordPosted(deps.store, intentId, posted, deps.clock.now());
    return { message: posted, postedNow: true };
  } finally {
    postingNow.delete(intentId);
  }
}

/**
 * Finish intents a crash left claimed without a ts: if Slack has the message (its response was lost),
 * record it; otherwise post it now. Returns the intents finished, so callers can attach them to incidents.
 */
export async function finishUnfinished(
  deps: Messenger,
): Promise<{ intentId: string; posted: PostedMessage; found: boolean }[]> {
  const now = deps.clock.now();
  const window = UNFINISHED_AFTER_MS;
  const stale = await ledger.listUnfinished(deps.store, new Date(now.getTime() - window));
  const done: { intentId: string; posted: PostedMessage; found: boolean }[] = [];
  for (const claim of stale) {
    if (postingNow.has(claim.intent_id)) continue;
    const message = fromPayload(claim.payload);
    const existing = await deps.chat.findByIntent(
      message.channel,
      claim.intent_id,
      claim.claimed_at,
      message.threadTs,
    );
    const posted = existing ?? (await deps.chat.post(message, claim.intent_id));
    const recorded = await ledger.recordPosted(deps.store, claim.intent_id, posted, deps.clock.now());
    if (recorded.channel && recorded.ts)
      done.push({
        intentId: claim.intent_id,
        posted: { channel: recorded.channel, ts: recorded.ts },
        found: !!existing,
      });
  }
  return done;
}
