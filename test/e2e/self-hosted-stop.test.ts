// SIGTERM in the middle of an alert burst, to the real process: `shotclock start` in self-hosted mode (the
// embedded database, Slack at the local sandbox with Slack's post rate limit), its clock shifted to just
// before 08:00 ET on a simulated morning so three jobs fire together. SIGTERM 5 s into their posts must end
// the process with exit 0 well within the CLI's 8 s deadline (Cloud Run kills after 10 s), leaving no slot
// lease held; a second process on the same database posts the rest at start; every alert posted once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etInstant } from '../../src/jobs/time.js';
import { openEmbedded } from '../../src/runtime/embedded.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import type { SandboxMessage } from '../../src/sandbox/state.js';
import { loadSimulation } from '../../src/sim/load.js';
import { DEFAULT_SCENARIO_FILE, loadScenario } from '../../src/sim/scenario.js';
import * as incidents from '../../src/store/incidents.js';
import { LEASES, leaseSchema } from '../../src/store/leases.js';
import { MESSAGE_LEDGER } from '../../src/store/message-ledger.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SHIFT = new URL('../support/shifted-clock.ts', import.meta.url).pathname;
const TOKEN = 'xoxb-self-hosted-stop';
const ALERTS = 'C01ALERTS';
const DEADLINE_MS = 8_000; // src/cli/start.ts
const SLOT = etInstant('2026-01-20', '08:00');

interface Bot {
  readonly child: ChildProcess;
  readonly messages: string[];
  readonly exit: Promise<{ code: number | null; ms: number; stderr: string }>;
  /** Send SIGTERM; resolves with the exit and how long it took from the signal. */
  terminate(): Promise<{ code: number | null; ms: number; stderr: string }>;
}

function startBot(dir: string, apiUrl: string, clockAt: Date, inMs: number): Bot {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', SHIFT, 'src/cli/index.ts', 'start', '--port', '0'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        SHIFTED_CLOCK_AT: clockAt.toISOString(),
        SHIFTED_CLOCK_IN_MS: String(inMs),
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: 'self-hosted-stop-secret',
        SLACK_ALERT_CHANNEL: ALERTS,
        SLACK_API_URL: apiUrl,
        SHOTCLOCK_DB_PATH: join(dir, 'pipeline.duckdb'),
        HOST: '127.0.0.1',
        SCHEDULE_GAPS: '0 8 * * *',
        SCHEDULE_COMPLETENESS: '0 8 * * *',
        SCHEDULE_HEALTH: '0 8 * * *',
        SCHEDULE_GRADING: '30 3 * * *',
        SCHEDULE_DIGEST: '30 3 * * *',
        SCHEDULE_SELF_HEALTH: '30 3 * * *',
        AUTOHEAL_POLICIES: '[]',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const messages: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      messages.push(String((JSON.parse(line) as { message?: unknown }).message));
    } catch {
      messages.push(line);
    }
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  let signalled = 0;
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = new Promise<{ code: number | null; ms: number; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, ms: Math.round(performance.now() - signalled), stderr });
    }),
  );
  return {
    child,
    messages,
    exit,
    terminate() {
      signalled = performance.now();
      child.kill('SIGTERM');
      return exit;
    },
  };
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, ms = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('self-hosted shotclock stopped by SIGTERM during an alert burst', () => {
  let dir: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotclock-sigterm-'));
    const embedded = await openEmbedded(join(dir, 'pipeline.duckdb'));
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
      botEventsUrl: 'http://127.0.0.1:9/slack/events', // no events in this test
      signingSecret: 'self-hosted-stop-secret',
      botToken: TOKEN,
    });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const posts = (): SandboxMessage[] => sandbox.state.messages.get(ALERTS) ?? [];
  const intentOf = (m: SandboxMessage) =>
    String((m.metadata as { event_payload?: { intent_id?: string } } | undefined)?.event_payload?.intent_id);

  it('exits 0 within the deadline with no lease held, and the next process posts the rest exactly once', async () => {
    // The 08:00 ET slot comes 4 s after the process loads: time to boot and listen first.
    const first = startBot(dir, sandbox.apiUrl, SLOT, 4_000);
    await waitFor('the first alert', () => posts().length > 0 || first.child.exitCode !== null, 30_000);
    expect(first.child.exitCode, first.messages.join('\n')).toBeNull();
    await new Promise((r) => setTimeout(r, 5_000));
    const stopped = await first.terminate();
    const postedBefore = posts().length;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.ms).toBeLessThan(DEADLINE_MS);

    const afterFirst = await openEmbedded(join(dir, 'pipeline.duckdb'));
    const leases = (await afterFirst.store.query(LEASES, {})).map((d) => leaseSchema.parse(d.data));
    await afterFirst.close();
    const now = new Date(SLOT.getTime() + 60_000);
    expect(leases.filter((l) => l.finished_at === null && l.expires_at > now)).toEqual([]);
    const handedBack = leases.filter((l) => l.handed_back_at !== null).map((l) => l.name.split(':')[1]);
    expect(handedBack.length).toBeGreaterThan(0);

    // A minute later (as a replacement instance would come up): the handed-back slots run at start.
    const second = startBot(dir, sandbox.apiUrl, now, 0);
    await waitFor(
      'the handed-back slots to finish',
      () =>
        handedBack.every((job) =>
          second.messages.some((m) => m.startsWith(`job ${job} for`) && !m.includes('handed back')),
        ) || second.child.exitCode !== null,
      60_000,
    );
    const done = await second.terminate();
    expect(done.code, done.stderr).toBe(0);

    const afterSecond = await openEmbedded(join(dir, 'pipeline.duckdb'));
    const open = await incidents.listOpen(afterSecond.store);
    const finalLeases = (await afterSecond.store.query(LEASES, {})).map((d) => leaseSchema.parse(d.data));
    const unfinished = await afterSecond.store.query(MESSAGE_LEDGER, {
      where: [['status', '==', 'claimed']],
    });
    await afterSecond.close();
    const byIntent = new Map<string, number>();
    for (const m of posts()) byIntent.set(intentOf(m), (byIntent.get(intentOf(m)) ?? 0) + 1);
    console.info(
      `SIGTERM during delivery (process): exit ${stopped.code} ${stopped.ms} ms after SIGTERM; ${postedBefore} posted before it, ${posts().length - postedBefore} by the next process (${handedBack.join(', ')} handed back); ${open.length} incidents`,
    );
    expect([...byIntent.keys()].sort()).toEqual(open.map((i) => `post:${i.id}`).sort());
    expect([...byIntent.values()].every((n) => n === 1)).toBe(true);
    expect(postedBefore).toBeLessThan(open.length);
    expect(finalLeases.every((l) => l.finished_at !== null)).toBe(true);
    expect(unfinished).toEqual([]);
  }, 120_000);
});
