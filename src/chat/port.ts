/**
 * The Chat port: the few Slack Web API calls the alert lifecycle and recovery make. The Bolt adapter
 * (src/chat/slack.ts) implements it on Slack's WebClient (the real Slack, or the local sandbox in demo mode).
 */
export interface OutgoingMessage {
  readonly channel: string;
  readonly text: string;
  readonly blocks?: readonly unknown[];
  /** Post as a reply in this message's thread. */
  readonly threadTs?: string;
  /**
   * A reply shown in the channel too (Slack's `reply_broadcast`, "Also send to channel"): a critical alert
   * is never visible only inside a thread (docs/pipeline.md#how-problems-cascade). Ignored without threadTs.
   */
  readonly broadcast?: boolean;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

/** An image to share in a channel or thread (a chart under an alert or the digest). */
export interface ImageUpload {
  readonly channel: string;
  /** Share it as a reply in this message's thread. */
  readonly threadTs?: string;
  readonly filename: string;
  readonly title: string;
  /** What the image shows, in words, for who can't see it (at most 1000 characters). */
  readonly altText: string;
  /**
   * The image's bytes (PNG), made when the chat needs them: a chat that does not show images (the replay's)
   * records the upload without paying for the query and the rendering behind it.
   */
  readonly bytes: () => Promise<Uint8Array>;
}

export interface ChatPort {
  /**
   * Post one message. Must never post twice for one call: no automatic retry after a request that may have
   * reached Slack (a rate-limited 429 was not posted, and waiting for Retry-After is the one safe retry).
   * `intentId` is attached as message metadata so a post whose response was lost can be found again.
   * Once `signal` is aborted, a post not sent yet (waiting for its turn in the channel's pacing, or out a
   * 429) is not sent: it rejects with PostNotSentError. A request already on its way runs to its end.
   */
  post(message: OutgoingMessage, intentId: string, signal?: AbortSignal): Promise<PostedMessage>;
  update(
    message: PostedMessage & { readonly text: string; readonly blocks?: readonly unknown[] },
  ): Promise<void>;
  /**
   * Upload an image and share it (Slack's external upload flow: files.getUploadURLExternal, POST the bytes,
   * files.completeUploadExternal). Like a post, not retried after a request that may have reached Slack;
   * the caller makes sure it asks once.
   */
  uploadImage(image: ImageUpload): Promise<{ readonly fileId: string | undefined }>;
  /** Find a message this bot posted with `intentId` in the channel (or thread) since `since`. */
  findByIntent(
    channel: string,
    intentId: string,
    since: Date,
    threadTs?: string,
  ): Promise<PostedMessage | undefined>;
}

/** A post given up before anything was sent to Slack (its signal was aborted): Slack has no such message. */
export class PostNotSentError extends Error {
  constructor(readonly intentId: string) {
    super(`post ${intentId} not sent: stopping`);
    this.name = 'PostNotSentError';
  }
}
