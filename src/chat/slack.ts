import type { webApi } from '@slack/bolt';
import {
  type ChatPort,
  type ImageUpload,
  type OutgoingMessage,
  type PostedMessage,
  PostNotSentError,
  type UploadedImage,
} from './port.js';

/** Slack message metadata type carrying the ledger's intent id, so a post whose response was lost is found. */
export const INTENT_EVENT_TYPE = 'shotclock_intent';

/**
 * WebClient options for every client the bot builds. chat.postMessage has no idempotency key and the
 * client's default retries (≈30 min) can post twice after a timeout or 5xx, so the client never retries;
 * a 429 is rejected to us, and since a rate-limited call was not posted, `SlackChat` waits Retry-After
 * and tries again itself.
 */
export const SAFE_CLIENT_OPTIONS = { retryConfig: { retries: 0 }, rejectRateLimitedCalls: true } as const;

export interface SlackChatOptions {
  /** Minimum spacing of posts in one channel (Slack allows about one message per second per channel). */
  readonly minPostIntervalMs?: number;
  /** How many 429s in a row to wait out before giving up on one call. */
  readonly maxRateLimitWaits?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRateLimited?: (method: string, retryAfterSec: number) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RateLimitedError {
  code: string;
  retryAfter: number;
}
const isRateLimited = (error: unknown): error is RateLimitedError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'slack_webapi_rate_limited_error';

/** The Chat port on Slack's WebClient (real Slack, or the local sandbox in demo mode). */
export class SlackChat implements ChatPort {
  private readonly nextSlot = new Map<string, number>();
  /** Per message: the edits in flight, chained, and the newest one asked for (the only one worth sending). */
  private readonly editChain = new Map<string, Promise<void>>();
  private readonly newestEdit = new Map<string, number>();
  private editSeq = 0;
  private readonly minInterval: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly options: SlackChatOptions = {},
  ) {
    this.minInterval = options.minPostIntervalMs ?? 1000;
    this.sleep = options.sleep ?? realSleep;
  }

  async post(message: OutgoingMessage, intentId: string, signal?: AbortSignal): Promise<PostedMessage> {
    const unsent = () => {
      if (signal?.aborted) throw new PostNotSentError(intentId);
    };
    await this.pace(message.channel, signal);
    // A reply, shown in the channel too when broadcast (a critical alert threaded under its root).
    const threading = !message.threadTs
      ? {}
      : message.broadcast
        ? { thread_ts: message.threadTs, reply_broadcast: true }
        : { thread_ts: message.threadTs };
    const result = await this.rateLimited(
      'chat.postMessage',
      () => {
        unsent();
        return this.client.chat.postMessage({
          channel: message.channel,
          text: message.text,
          // biome-ignore lint/suspicious/noExplicitAny: Block Kit arrays are built and validated by src/views.
          blocks: message.blocks as any,
          ...threading,
          metadata: { event_type: INTENT_EVENT_TYPE, event_payload: { intent_id: intentId } },
          unfurl_links: false,
        });
      },
      signal,
    );
    if (!result.ts || !result.channel) throw new Error('chat.postMessage returned no ts');
    return { channel: result.channel, ts: result.ts };
  }

  /**
   * Edit a message. Edits of one message go out one at a time, in the order asked, and an edit still
   * waiting when a newer one arrives is dropped: a check run's edit held up by a 429 must not land after,
   * and overwrite, the newer state a task callback rendered meanwhile.
   */
  async update(message: PostedMessage & { text: string; blocks?: readonly unknown[] }): Promise<void> {
    const key = `${message.channel}:${message.ts}`;
    const seq = ++this.editSeq;
    this.newestEdit.set(key, seq);
    const send = async () => {
      if (this.newestEdit.get(key) !== seq) return;
      await this.rateLimited('chat.update', () =>
        this.client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          // biome-ignore lint/suspicious/noExplicitAny: see post()
          blocks: (message.blocks ?? []) as any,
        }),
      );
    };
    const chained = (this.editChain.get(key) ?? Promise.resolve()).then(send, send);
    this.editChain.set(key, chained);
    try {
      await chained;
    } finally {
      if (this.editChain.get(key) === chained) {
        this.editChain.delete(key);
        this.newestEdit.delete(key);
      }
    }
  }

  /**
   * The Web API client's filesUploadV2 runs the three steps. A 429 answers before anything was shared, so
   * waiting it out and calling again is safe (at worst an unshared file is left behind, never a second share).
   */
  async uploadImage(image: ImageUpload): Promise<UploadedImage> {
    const rendered = await image.render();
    if (!rendered) return { shared: false };
    const file = Buffer.from(rendered.bytes);
    const threading = image.threadTs ? { thread_ts: image.threadTs } : {};
    const result = await this.rateLimited('files.uploadV2', () =>
      this.client.filesUploadV2({
        channel_id: image.channel,
        ...threading,
        file,
        filename: image.filename,
        title: image.title,
        alt_text: rendered.altText,
      }),
    );
    const completed = (result.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0];
    return { shared: true, ...(completed?.id ? { fileId: completed.id } : {}) };
  }

  async findByIntent(
    channel: string,
    intentId: string,
    since: Date,
    threadTs?: string,
  ): Promise<PostedMessage | undefined> {
    const oldest = String(Math.floor(since.getTime() / 1000) - 60);
    const page = threadTs
      ? await this.rateLimited('conversations.replies', () =>
          this.client.conversations.replies({
            channel,
            ts: threadTs,
            oldest,
            include_all_metadata: true,
            limit: 200,
          }),
        )
      : await this.rateLimited('conversations.history', () =>
          this.client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 }),
        );
    const found = page.messages?.find(
      (m) =>
        m.metadata?.event_type === INTENT_EVENT_TYPE &&
        (m.metadata.event_payload as { intent_id?: string } | undefined)?.intent_id === intentId,
    );
    return found?.ts ? { channel, ts: found.ts } : undefined;
  }

  /** Keep posts in one channel at least `minInterval` apart, so a burst of alerts stays under Slack's limit. */
  private async pace(channel: string, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(channel) ?? 0);
    this.nextSlot.set(channel, slot + this.minInterval);
    if (slot > now) await this.wait(slot - now, signal);
  }

  /** Sleep, or less once `signal` is aborted (the caller then gives up before sending anything). */
  private wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (!signal) return this.sleep(ms);
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void this.sleep(ms).then(done, done);
    });
  }

  private async rateLimited<T>(method: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const maxWaits = this.options.maxRateLimitWaits ?? 5;
    for (let waits = 0; ; waits++) {
      try {
        return await call();
      } catch (error) {
        if (!isRateLimited(error) || waits >= maxWaits) throw error;
        this.options.onRateLimited?.(method, error.retryAfter);
        await this.wait(error.retryAfter * 1000, signal);
      }
    }
  }
}
