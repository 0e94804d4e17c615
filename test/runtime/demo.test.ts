// The demo end to end, in-process: seeded warehouse, sandbox, bot, local queue, accelerated clock. A person's
// path through it: the first alerts appear, the BDL discrepancy's retry is "scheduled" in the thread by its
// auto-heal policy (no click), then "Recovered" as simulated time passes; Home and /scrape-status answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { type RunningDemo, startDemo } from '../../src/runtime/demo.js';
import { defaultUi } from '../../src/runtime/ui.js';
import type { SandboxMessage } from '../../src/sandbox/state.js';
import { ACTION_IDS } from '../../src/views/action-ids.js';

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('demo mode end to end', () => {
  let demo: RunningDemo;
  let dir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotclock-demo-'));
    // 1 s per simulated hour: the 4 h + 12 h retry backoffs play out in about 16 s.
    const config = readConfig({
      SHOTCLOCK_DB_PATH: join(dir, 'demo.duckdb'),
      DEMO_SECONDS_PER_SIM_HOUR: '1',
    });
    demo = await startDemo(config, defaultUi, {
      reset: false,
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'info', format: 'pretty', secrets: [], write: (l) => lines.push(l) }),
      say: (l) => lines.push(l),
    });
  }, 60_000);

  afterAll(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const channel = () => demo.sandbox.state.messages.get('C01ALERTS') ?? [];
  const topLevel = () => channel().filter((m) => !m.threadTs);
  const replies = (ts: string) => channel().filter((m) => m.threadTs === ts);

  it('posts the first alerts, one message per incident', async () => {
    await waitFor('a source_discrepancy alert', () =>
      topLevel().some((m) => JSON.stringify(m.blocks ?? []).includes('source_discrepancy')),
    );
    // Every alert is posted once: no two top-level messages carry the same dedup key.
    const keys = topLevel().map((m) => JSON.stringify(m.blocks ?? []).match(/key `([^`]+)`/)?.[1]);
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lines.join('\n')).toContain('open http://127.0.0.1:');
  }, 40_000);

  it('the BDL discrepancy is retried by its auto-heal policy without a click, then recovers', async () => {
    const alert = await waitFor(
      'a BDL discrepancy alert',
      () =>
        topLevel().find((m: SandboxMessage) => {
          const blocks = JSON.stringify(m.blocks ?? []);
          return blocks.includes('source_discrepancy') && blocks.includes('2026-01-19');
        }),
      60_000,
    );
    // Nobody clicks: the default policy retry-discrepancy schedules the retry after the gaps run.
    const scheduled = await waitFor('"scheduled" in the thread', () =>
      replies(alert.ts).find((m) => /scheduled/i.test(m.text)),
    );
    expect(scheduled.text).toMatch(
      /^:repeat: Retry 1\/3 for bdl_box_scores 2026-01-19 scheduled .* by shotclock \(policy retry-discrepancy\)$/,
    );
    // A policy covers the alert, so it offers Pause auto-heal.
    const current = () => JSON.stringify(channel().find((m) => m.ts === alert.ts)?.blocks ?? []);
    expect(current()).toContain(ACTION_IDS.pause_autoheal);
    const recovered = await waitFor(
      '"Recovered" in the thread',
      () => replies(alert.ts).find((m) => /Recovered after/.test(m.text)),
      60_000,
    );
    expect(recovered.text).toMatch(/Recovered after 2 attempts/);
    // The alert itself is edited to recovered, with the same duration and unit as the thread says.
    const duration = /\(([^)]+)\)/.exec(recovered.text)?.[1] ?? 'no duration';
    const edited = await waitFor('the alert edited to recovered', () =>
      current().includes('Recovered after') ? current() : undefined,
    );
    expect(edited).toContain(`(${duration})`);
    expect(edited).toMatch(/9(\/9)? games/);
    // One item, one cycle: exactly one "scheduled" reply however often the gaps job ran meanwhile.
    expect(replies(alert.ts).filter((m) => /Retry 1\/3/.test(m.text))).toHaveLength(1);
  }, 90_000);

  it('App Home and /scrape-status answer', async () => {
    await demo.sandbox.drivers.openHome('U01ALICE');
    const first = await waitFor('App Home published', () => demo.sandbox.state.homes.get('U01ALICE'));
    // A check run refreshes the Home of whoever opened it.
    await demo.bot.runJob('health');
    await waitFor('App Home refreshed after a run', () => demo.sandbox.state.homes.get('U01ALICE') !== first);
    const before = demo.sandbox.state.ephemerals.length;
    await demo.sandbox.drivers.sendSlashCommand({ command: '/scrape-status', text: '', user: 'U01ALICE' });
    const answer = await waitFor('/scrape-status answer', () =>
      demo.sandbox.state.ephemerals.slice(before).find((e) => e.user === 'U01ALICE'),
    );
    expect(JSON.stringify(answer)).toContain('bp_player_props');
  }, 30_000);
});
