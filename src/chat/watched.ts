import type { ConfigOf, Services } from '../services.js';
import { isSlackFailing, type SlackHealth } from './health.js';
import {
  type ChatPort,
  type ImageUpload,
  type OutgoingMessage,
  type PostedMessage,
  PostNotSentError,
  type UploadedImage,
} from './port.js';

/**
 * The Chat port, counting its failed calls for the self-health watchdog. A failure is an error thrown to the
 * caller: a 429 the Slack adapter waited out and then got through is a success. Since Slack itself may be
 * what is down (and the alert about it can't get out), an outage is also logged as an error, once, when it
 * passes the thresholds, and a recovery line when a call gets through again.
 */
export class WatchedChat implements ChatPort {
  private failures = 0;
  private since: Date | undefined;
  private lastError: string | undefined;
  private lastCall: string | undefined;
  private reported = false;

  constructor(
    private readonly inner: ChatPort,
    private readonly deps: Pick<Services, 'clock' | 'log'> & ConfigOf<'selfHealth'>,
  ) {}

  health(): SlackHealth {
    return {
      consecutiveFailures: this.failures,
      failingSince: this.since,
      lastError: this.lastError,
      lastFailedCall: this.lastCall,
    };
  }

  post(message: OutgoingMessage, intentId: string, signal?: AbortSignal): Promise<PostedMessage> {
    return this.watch('chat.postMessage', () => this.inner.post(message, intentId, signal));
  }

  update(
    message: PostedMessage & { readonly text: string; readonly blocks?: readonly unknown[] },
  ): Promise<void> {
    return this.watch('chat.update', () => this.inner.update(message));
  }

  /** The image is made first: a failed query or rendering says nothing about Slack. */
  async uploadImage(image: ImageUpload): Promise<UploadedImage> {
    const rendered = await image.render();
    if (!rendered) return { shared: false };
    return this.watch('files.uploadV2', () =>
      this.inner.uploadImage({ ...image, render: async () => rendered }),
    );
  }

  findByIntent(channel: string, intentId: string, since: Date, threadTs?: string) {
    return this.watch(threadTs ? 'conversations.replies' : 'conversations.history', () =>
      this.inner.findByIntent(channel, intentId, since, threadTs),
    );
  }

  private async watch<T>(call: string, fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      // A post given up unsent (the process is stopping) says nothing about Slack.
      if (!(error instanceof PostNotSentError)) this.failed(call, error);
      throw error;
    }
    this.succeeded();
    return result;
  }

  private failed(call: string, error: unknown): void {
    const now = this.deps.clock.now();
    this.failures++;
    this.since ??= now;
    this.lastCall = call;
    this.lastError = error instanceof Error ? error.message : String(error);
    if (this.reported || !isSlackFailing(this.health(), now, this.deps.config.selfHealth)) return;
    this.reported = true;
    this.deps.log.error(
      `Slack unreachable: ${this.failures} calls in a row failing since ${this.since.toISOString()} (last: ${call}: ${this.lastError})`,
      { failures: this.failures, since: this.since.toISOString(), call, error: this.lastError },
    );
  }

  private succeeded(): void {
    if (this.reported && this.since) {
      const now = this.deps.clock.now();
      this.deps.log.info(
        `Slack reachable again after ${this.failures} failed calls since ${this.since.toISOString()}`,
        {
          failures: this.failures,
          since: this.since.toISOString(),
          downMs: now.getTime() - this.since.getTime(),
        },
      );
    }
    this.failures = 0;
    this.since = undefined;
    this.lastError = undefined;
    this.lastCall = undefined;
    this.reported = false;
  }
}
