import type {
  ChatPort,
  ImageUpload,
  OutgoingMessage,
  PostedMessage,
  UploadedImage,
} from '../../src/chat/port.js';

export interface FakeMessage extends OutgoingMessage {
  readonly ts: string;
  readonly intentId: string;
  updates: number;
}

/** An in-memory Slack for lifecycle tests, with faults: fail the next post before or after it lands. */
export class FakeChat implements ChatPort {
  readonly messages: FakeMessage[] = [];
  private seq = 0;
  /** 'before': Slack refuses (nothing posted). 'lost': Slack posts but the response never arrives. */
  nextPostFault: 'before' | 'lost' | undefined;
  /** When set, posts wait for this promise before landing (a slow, paced or rate-limited post). */
  holdPosts: Promise<void> | undefined;
  /** Calls to post so far, landed or not (a test waits for a post to be in flight by it). */
  postsStarted = 0;

  async post(message: OutgoingMessage, intentId: string): Promise<PostedMessage> {
    this.postsStarted++;
    const fault = this.nextPostFault;
    this.nextPostFault = undefined;
    if (fault === 'before') throw new Error('slack: internal_error');
    if (this.holdPosts) await this.holdPosts;
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.messages.push({ ...message, ts, intentId, updates: 0 });
    if (fault === 'lost') throw new Error('socket hang up');
    return { channel: message.channel, ts };
  }

  async update(message: PostedMessage & { text: string; blocks?: readonly unknown[] }): Promise<void> {
    const found = this.messages.find((m) => m.channel === message.channel && m.ts === message.ts);
    if (!found) throw new Error('slack: message_not_found');
    Object.assign(found, { text: message.text, blocks: message.blocks, updates: found.updates + 1 });
  }

  /** Images shared, as asked (each is rendered only when a test calls its `render()`). */
  readonly uploads: ImageUpload[] = [];
  /** When set, the next upload fails (Slack refused it). */
  nextUploadFault = false;

  async uploadImage(image: ImageUpload): Promise<UploadedImage> {
    const fault = this.nextUploadFault;
    this.nextUploadFault = false;
    if (fault) throw new Error('slack: upload failed');
    this.uploads.push(image);
    return { shared: true, fileId: `F${String(this.uploads.length).padStart(6, '0')}` };
  }

  async findByIntent(channel: string, intentId: string): Promise<PostedMessage | undefined> {
    const found = this.messages.find((m) => m.channel === channel && m.intentId === intentId);
    return found ? { channel: found.channel, ts: found.ts } : undefined;
  }

  topLevel(): FakeMessage[] {
    return this.messages.filter((m) => !m.threadTs);
  }

  replies(ts: string): FakeMessage[] {
    return this.messages.filter((m) => m.threadTs === ts);
  }
}
