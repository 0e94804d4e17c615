// A stop in the middle of an alert burst loses nothing and stops in time (README, "Deploying to Cloud Run":
// on SIGTERM the bot finishes what is running, releases its leases and exits within 8 s). Several jobs find
// fresh problems in the same cron slot; the local Slack sandbox paces posts at Slack's ~1 message/s; the bot
// is stopped 5 s into delivery, then a second instance starts on the same embedded database. Every finding
// must be posted exactly once across both, the first stop must finish in time, and no slot lease or ledger
// claim may be left held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type Config, readConfig } from '../../src/config.js';
import { etInstant } from '../../src/jobs/time.js';
import { createLogger } from '../../src/log.js';
import { type Embedded, openEmbedded } from '../../src/runtime/embedded.js';
import { type RunningBot, startShotclock } from '../../src/runtime/start.js';
import { defaultUi } from '../../src/runtime/ui.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import type { SandboxMessage } from '../../src/sandbox/state.js';
import { loadSimulation } from '../../src/sim/load.js';
import { DEFAULT_SCENARIO_FILE, loadScenario } from '../../src/sim/scenario.js';
import * as incidents from '../../src/store/incidents.js';
import { LEASES, leaseSchema } from '../../src/store/leases.js';
import { claimSchema, MESSAGE_LEDGER } from '../../src/store/message-ledger.js';
import { verifyLocalTaskCaller } from '../../src/tasks/verify.js';

const SECRET = 'stop-test-signing-secret';
const TOKEN = 'xoxb-stop-test';
const ALERTS = 'C01ALERTS';
const TASKS_SECRET = 'stop-test-tasks-secret';
/** The CLI's shutdown deadline (src/cli/start.ts); Cloud Run kills 10 s after SIGTERM. */
const DEADLINE_MS = 8_000;

// Three jobs share the 08:00 ET slot; self-health and the digest stay out of the way.
const ENV = {
  SCHEDULE_GAPS: '0 8 * * *',
  SCHEDULE_COMPLETENESS: '0 8 * * *',
  SCHEDULE_HEALTH: '0 8 * * *',
  SCHEDULE_GRADING: '30 3 * * *',
  SCHEDULE_DIGEST: '30 3 * * *',
  SCHEDULE_SELF_HEALTH: '30 3 * * *',
  AUTOHEAL_POLICIES: '[]',
};
const SLOT = etInstant('2026-01-20', '08:00');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 60_000) {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a stop during an alert burst', () => {
  let dir: string;
  let config: Config;
  let sandbox: Sandbox;
  let botUrl = '';
  const lines: string[] = [];
  const clock = new ManualClock(new Date(SLOT.getTime() - 30_000));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotclock-stop-'));
    config = readConfig({ ...ENV, SHOTCLOCK_DB_PATH: join(dir, 'pipeline.duckdb') });
    const embedded = await openEmbedded(config.embedded.dbPath);
    await loadSimulation(
      {
        from: '2026-01-12',
        until: '2026-01-19',
        now: etInstant('2026-01-20', '12:00'),
        scenario: loadScenario(DEFAULT_SCENARIO_FILE),
        seed: 42,
      },
      embedded.warehouse,
    );
    await embedded.close();
    sandbox = await startSandbox({
      port: 0,
      host: '127.0.0.1',
      botEventsUrl: () => `${botUrl}/slack/events`,
      signingSecret: SECRET,
      botToken: TOKEN,
    });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startInstance(instanceId: string): Promise<{ bot: RunningBot; embedded: Embedded }> {
    const embedded = await openEmbedded(config.embedded.dbPath);
    const log = createLogger({
      level: 'info',
      format: 'pretty',
      secrets: [],
      write: (l) => lines.push(`${instanceId} ${l}`),
    });
    const unconfigured = async (): Promise<never> => {
      throw new Error('no scraper service in this test');
    };
    const bot = await startShotclock(
      config,
      {
        warehouse: embedded.warehouse,
        store: embedded.store,
        clock,
        scraper: { scrape: unconfigured },
        processor: { run: unconfigured },
        makeTasks: (url) => embedded.makeTasks(url, clock, TASKS_SECRET, log),
        verifyTaskCaller: (headers) => verifyLocalTaskCaller(headers, TASKS_SECRET),
        slack: {
          transport: 'http',
          botToken: TOKEN,
          signingSecret: SECRET,
          slackApiUrl: sandbox.apiUrl,
          botId: 'B0BOT',
          botUserId: 'U0BOT',
        },
        alertChannel: ALERTS,
        scheduler: 'clock',
        inFlightMs: 180_000,
        instanceId,
        close: () => embedded.close(),
      },
      defaultUi,
      log,
      { port: 0, host: '127.0.0.1' },
    );
    botUrl = bot.url;
    return { bot, embedded };
  }

  const posts = (): SandboxMessage[] =>
    [...sandbox.state.messages.values()].flat().filter((m) => m.botId !== undefined || m.user === 'U0BOT');
  const intentOf = (m: SandboxMessage) =>
    String((m.metadata as { event_payload?: { intent_id?: string } } | undefined)?.event_payload?.intent_id);

  it('finishes the post in flight, stops within the deadline, and a second instance posts the rest once', async () => {
    // Instance a takes the 08:00 slot of every job and starts posting.
    const a = await startInstance('a');
    clock.set(new Date(SLOT.getTime() + 10_000));
    await waitFor('the first alert', () => posts().length > 0, 30_000);
    await sleep(5_000);
    const stopping = performance.now();
    await a.bot.stop();
    const stopMs = Math.round(performance.now() - stopping);
    const beforeRestart = posts().length;
    await sleep(1_500); // nothing still in flight lands after the stop
    expect(posts().length).toBe(beforeRestart);

    // What a left in the Store: no lease held, no claim without its post.
    const leftBehind = await openEmbedded(config.embedded.dbPath);
    const leaseDocs = await leftBehind.store.query(LEASES, {});
    const leases = leaseDocs.map((d) => leaseSchema.parse(d.data));
    const held = leases.filter((l) => l.finished_at === null && l.expires_at > clock.now());
    // A post still waiting for its turn in the channel's pacing is given up unsent: its claim is released
    // (marked for the next run to finish at once), never left looking like a post in flight.
    const unfinished = (
      await leftBehind.store.query(MESSAGE_LEDGER, { where: [['status', '==', 'claimed']] })
    ).map((d) => claimSchema.parse(d.data));
    const handedBack = leases.filter((l) => l.handed_back_at !== null).length;
    await leftBehind.close();
    expect(held).toEqual([]);
    expect(handedBack).toBeGreaterThan(0);
    expect(unfinished.filter((c) => c.released_at === null)).toEqual([]);

    // Instance b starts a minute later on the same database: the slots a handed back run at once.
    clock.set(new Date(SLOT.getTime() + 70_000));
    const b = await startInstance('b');
    const open = await waitFor(
      'every open incident posted',
      async () => {
        const all = await incidents.listOpen(b.embedded.store);
        const finished = (await b.embedded.store.query(LEASES, {}))
          .map((d) => leaseSchema.parse(d.data))
          .every((l) => l.finished_at !== null);
        return finished && all.length > 0 && all.every((i) => i.message !== null) ? all : undefined;
      },
      90_000,
    );
    await sleep(1_500);
    const afterLeases = (await b.embedded.store.query(LEASES, {})).map((d) => leaseSchema.parse(d.data));
    const stillClaimed = await b.embedded.store.query(MESSAGE_LEDGER, {
      where: [['status', '==', 'claimed']],
    });
    await b.bot.stop();

    const byIntent = new Map<string, number>();
    for (const m of posts()) byIntent.set(intentOf(m), (byIntent.get(intentOf(m)) ?? 0) + 1);
    const expected = open.map((i) => `post:${i.id}`).sort();
    console.info(
      `stop during delivery: ${expected.length} incidents from ${leases.length} job slots; ${beforeRestart} posted before the stop, which took ${stopMs} ms; ${handedBack} slots handed back, ${unfinished.length} claims released unsent, 0 leases held; ${posts().length - beforeRestart} posted by the second instance`,
    );
    expect(stopMs).toBeLessThan(DEADLINE_MS);
    expect(beforeRestart).toBeGreaterThanOrEqual(3);
    expect(beforeRestart).toBeLessThan(expected.length);
    expect([...byIntent.keys()].sort()).toEqual(expected);
    expect([...byIntent.values()].every((n) => n === 1)).toBe(true);
    expect(afterLeases.every((l) => l.finished_at !== null)).toBe(true);
    expect(stillClaimed).toEqual([]);
  }, 180_000);
});
