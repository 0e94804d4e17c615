// The Chat port on the local Slack's in-memory state (src/sandbox/state.ts), without HTTP: the replay's
// posts land in a sandbox workspace as they would through its Web API, stamped with the replay's clock, and
// every post is recorded with its intent, thread and whether it was also sent to the channel.
import type { ChatPort, ImageUpload, OutgoingMessage, PostedMessage, UploadedImage } from '../chat/port.js';
import { INTENT_EVENT_TYPE } from '../chat/slack.js';
import type { Clock } from '../clock.js';
import {
  channelMessages,
  createWorkspace,
  findMessage,
  postMessage,
  updateMessage,
  type Workspace,
} from '../sandbox/state.js';

export interface RecordedPost {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  readonly intentId: string;
  /** Posted in a thread and shown in the channel too (Slack's reply_broadcast). */
  readonly broadcast: boolean;
  readonly at: Date;
  readonly text: string;
}

/** An image the bot shared, recorded without its bytes: the replay renders no pictures. */
export interface RecordedUpload {
  readonly channel: string;
  readonly threadTs?: string;
  readonly filename: string;
  readonly title: string;
  readonly at: Date;
}

export class SandboxChat implements ChatPort {
  readonly workspace: Workspace;
  readonly posts: RecordedPost[] = [];
  readonly uploads: RecordedUpload[] = [];
  updates = 0;

  constructor(private readonly clock: Clock) {
    // The replay runs months in seconds: keep a short event log (nobody follows it live).
    this.workspace = createWorkspace({ now: () => clock.now().getTime(), logLimit: 50 });
  }

  async post(message: OutgoingMessage, intentId: string): Promise<PostedMessage> {
    const broadcast = Boolean((message as { broadcast?: boolean }).broadcast) && !!message.threadTs;
    const posted = postMessage(this.workspace, {
      channel: message.channel,
      user: this.workspace.bot.userId,
      botId: this.workspace.bot.botId,
      text: message.text,
      ...(message.blocks ? { blocks: [...message.blocks] } : {}),
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      metadata: { event_type: INTENT_EVENT_TYPE, event_payload: { intent_id: intentId } },
    });
    this.posts.push({
      channel: message.channel,
      ts: posted.ts,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      intentId,
      broadcast,
      at: this.clock.now(),
      text: message.text,
    });
    return { channel: message.channel, ts: posted.ts };
  }

  async update(message: PostedMessage & { text: string; blocks?: readonly unknown[] }): Promise<void> {
    if (!findMessage(this.workspace, message.channel, message.ts)) throw new Error('message_not_found');
    updateMessage(
      this.workspace,
      message.channel,
      message.ts,
      {
        text: message.text,
        ...(message.blocks ? { blocks: [...message.blocks] } : {}),
      },
      this.workspace.bot.userId,
    );
    this.updates++;
  }

  async uploadImage(image: ImageUpload): Promise<UploadedImage> {
    this.uploads.push({
      channel: image.channel,
      ...(image.threadTs ? { threadTs: image.threadTs } : {}),
      filename: image.filename,
      title: image.title,
      at: this.clock.now(),
    });
    return { shared: true };
  }

  async findByIntent(
    channel: string,
    intentId: string,
    since: Date,
    threadTs?: string,
  ): Promise<PostedMessage | undefined> {
    const found = channelMessages(this.workspace, channel).find(
      (m) =>
        (m.metadata?.event_payload as { intent_id?: string } | undefined)?.intent_id === intentId &&
        Number(m.ts) * 1000 >= since.getTime() &&
        (threadTs === undefined || m.threadTs === threadTs || m.ts === threadTs),
    );
    return found ? { channel, ts: found.ts } : undefined;
  }
}
