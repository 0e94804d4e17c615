// Slack's external upload flow in the sandbox, driven by the bot's own Chat adapter (SlackChat on the real
// WebClient, whose filesUploadV2 calls files.getUploadURLExternal, POSTs the bytes to the upload URL, then
// files.completeUploadExternal): the file lands in the thread, is listed by files.info and the message's
// files, served at its URL, and shown as an image in the page's thread pane.
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAFE_CLIENT_OPTIONS, SlackChat } from '../../src/chat/slack.js';
import { renderUi } from '../../src/sandbox/page.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { replies } from '../../src/sandbox/state.js';

let sandbox: Sandbox;
let client: webApi.WebClient;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    botEventsUrl: 'http://127.0.0.1:9/',
    signingSecret: 's',
    botToken: 'xoxb-t',
  });
  client = new webApi.WebClient('xoxb-t', {
    ...SAFE_CLIENT_OPTIONS,
    slackApiUrl: sandbox.apiUrl,
    timeout: 2000,
  });
});
afterAll(() => sandbox.close());

/** A 1×1 PNG is enough: the sandbox keeps bytes as they came. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('file upload flow', () => {
  it('uploads an image into a thread: listed, served and shown under the thread', async () => {
    const chat = new SlackChat(client, { minPostIntervalMs: 0 });
    const parent = await chat.post({ channel: 'C01ALERTS', text: 'grading alert' }, 'upload-parent');
    const before = new Map(sandbox.webApi.stats.byMethod);

    const { fileId } = await chat.uploadImage({
      channel: 'C01ALERTS',
      threadTs: parent.ts,
      filename: 'hit-rate.png',
      title: 'Hit rate by system',
      render: async () => ({
        bytes: new Uint8Array(PNG),
        altText: 'Line chart: catboost_v8 fell to 31 % <on> "Jan 19"',
      }),
    });

    const delta = (m: string) => (sandbox.webApi.stats.byMethod.get(m) ?? 0) - (before.get(m) ?? 0);
    expect([
      delta('files.getUploadURLExternal'),
      delta('upload'),
      delta('files.completeUploadExternal'),
    ]).toEqual([1, 1, 1]);
    expect(fileId).toMatch(/^F/);

    const thread = replies(sandbox.state, 'C01ALERTS', parent.ts);
    expect(thread).toHaveLength(2);
    expect(thread[1]?.files).toEqual([fileId]);

    const info = await client.files.info({ file: fileId as string });
    expect(info.file).toMatchObject({
      name: 'hit-rate.png',
      title: 'Hit rate by system',
      mimetype: 'image/png',
      size: PNG.length,
    });
    const history = await client.conversations.replies({ channel: 'C01ALERTS', ts: parent.ts });
    expect(history.messages?.[1]?.files?.[0]?.id).toBe(fileId);

    const served = await fetch(`${sandbox.url}${new URL(info.file?.url_private ?? '').pathname}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const ui = renderUi(sandbox.state, { user: 'U01ALICE', channel: 'C01ALERTS', thread: parent.ts });
    expect(ui.thread).toContain(`<img class="file-img" src="/files/${fileId}/hit-rate.png"`);
    // Alt text is escaped into the attribute.
    expect(ui.thread).toContain('alt="Line chart: catboost_v8 fell to 31 % &lt;on&gt; &quot;Jan 19&quot;"');
    expect(ui.thread).toContain('Hit rate by system');
  });

  it('refuses a share before the bytes came, a second share, and bytes of another length', async () => {
    const reserve = await client.files.getUploadURLExternal({ filename: 'a.png', length: PNG.length });
    const fileId = reserve.file_id as string;
    const share = () =>
      client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: 'C01ALERTS' });
    await expect(share()).rejects.toThrow(/file_not_found/);

    const short = await fetch(reserve.upload_url as string, { method: 'POST', body: PNG.subarray(1) });
    expect(short.status).toBe(400);
    const raw = await fetch(reserve.upload_url as string, { method: 'POST', body: PNG });
    expect([raw.status, await raw.text()]).toEqual([200, `OK - ${PNG.length}`]);

    await share();
    await expect(share()).rejects.toThrow(/file_already_shared/);
    expect(sandbox.state.files.get(fileId)?.shares).toHaveLength(1);
  });

  it('refuses an upload URL request without a length or with alt text over 1000 characters', async () => {
    await expect(client.files.getUploadURLExternal({ filename: 'a.png', length: 0 })).rejects.toThrow(
      /missing_argument/,
    );
    await expect(
      client.files.getUploadURLExternal({ filename: 'a.png', length: 10, alt_text: 'x'.repeat(1001) }),
    ).rejects.toThrow(/alt_txt_too_large/);
  });
});
