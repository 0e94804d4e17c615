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

/** An image's bytes and what it shows in words. */
export interface RenderedImage {
  /** PNG bytes. */
  readonly bytes: Uint8Array;
  /** What the image shows, for who can't see it (Slack takes at most 1000 characters). */
  readonly altText: string;
}

/** An image to share in a channel or thread (a chart under an alert or the digest). */
export interface ImageUpload {
  readonly channel: string;
  /** Share it as a reply in this message's thread. */
  readonly threadTs?: string;
  readonly filename: string;
  readonly title: string;
  /**
   * The image, made when the chat needs it, or undefined when there is nothing to show (no data): then
   * nothing is uploaded. A chat that shows no images (the replay's) records the upload without paying for
   * the query and the rendering behind it.
   */
  readonly render: () => Promise<RenderedImage | undefined>;
}

/** What came of an upload: shared (with Slack's file id when it gave one), or nothing to show. */
export interface UploadedImage {
  readonly shared: boolean;
  readonly fileId?: string;
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
  uploadImage(image: ImageUpload): Promise<UploadedImage>;
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
