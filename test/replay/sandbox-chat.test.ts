// The replay's chat records an image upload with the replay's clock and never renders it: a season's
// charts would cost the replay its time budget, and nobody looks at them.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SandboxChat } from '../../src/replay/chat.js';

describe('SandboxChat uploads', () => {
  it('records the upload in its thread without rendering it', async () => {
    const clock = new ManualClock('2026-01-20T12:00:00Z');
    const chat = new SandboxChat(clock);
    const digest = await chat.post({ channel: 'C01ALERTS', text: 'digest' }, 'digest:2026-01-19');
    let rendered = 0;
    const result = await chat.uploadImage({
      channel: 'C01ALERTS',
      threadTs: digest.ts,
      filename: 'scraper-failures-2026-01-19.png',
      title: 'Scraper failures and gaps, Jan 6 – Jan 19',
      render: async () => {
        rendered++;
        return { bytes: new Uint8Array([1]), altText: 'a' };
      },
    });
    expect(result).toEqual({ shared: true });
    expect(rendered).toBe(0);
    expect(chat.uploads).toEqual([
      {
        channel: 'C01ALERTS',
        threadTs: digest.ts,
        filename: 'scraper-failures-2026-01-19.png',
        title: 'Scraper failures and gaps, Jan 6 – Jan 19',
        at: clock.now(),
      },
    ]);
  });
});
