import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotLeaseName } from '../../src/runtime/slot-lease.js';
import { createFirestoreStore } from '../../src/store/firestore.js';
import * as leases from '../../src/store/leases.js';
import type { DocumentStore } from '../../src/store/port.js';
import { type FirestoreEmulator, startFirestoreEmulator } from '../support/firestore-emulator.js';

/**
 * Each (job, cron slot) runs exactly once however many instances are up. Three real OS processes
 * (test/runtime/lease-worker.ts) walk the same simulated day through the production scheduler and slot
 * leases against one Firestore emulator; their runs are counted in the emulator afterwards.
 */
const WORKER = fileURLToPath(new URL('./lease-worker.ts', import.meta.url));
// `--import tsx` resolves from the working directory: the repo root, wherever vitest was started.
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 'runs'; // as in lease-worker.ts
const CRASH_EXIT = 3; // as in lease-worker.ts

// 23:59 ET the evening before, so the walk covers one whole ET day (January: ET = UTC-5).
const START = '2026-01-19T04:59:00Z';
const at = (utc: string) => new Date(`2026-01-${utc}Z`).toISOString();
// '0 */4 * * *' and '0 9 * * *' in ET, written in UTC.
const GAPS_SLOTS = ['19T05:00', '19T09:00', '19T13:00', '19T17:00', '19T21:00', '20T01:00'].map(at);
const HEALTH_SLOTS = ['19T14:00'].map(at);
const EXPECTED = [...GAPS_SLOTS.map((s) => `gaps@${s}`), ...HEALTH_SLOTS.map((s) => `health@${s}`)].sort();

interface WorkerExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

let emulator: FirestoreEmulator;
let client: Firestore;
let store: DocumentStore;

interface Worker {
  readonly instance: string;
  /** Called on each `ready` line (LOCKSTEP=1): the worker waits for `go()` before its next tick. */
  onReady(listener: () => void): void;
  go(): void;
  readonly exit: Promise<WorkerExit>;
}

function startWorker(instance: string, env: Record<string, string> = {}): Worker {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: REPO,
    env: {
      ...process.env,
      FIRESTORE_EMULATOR_HOST: `${emulator.host}:${emulator.port}`,
      METADATA_SERVER_DETECTION: 'none',
      PROJECT_ID: emulator.projectId,
      INSTANCE_ID: instance,
      START,
      HOURS: '24',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += `${line}\n`;
    if (line === 'ready') for (const l of listeners) l();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdin.on('error', () => {}); // a worker that died is reported through its exit
  const exit = new Promise<WorkerExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
  return { instance, onReady: (l) => listeners.push(l), go: () => child.stdin.write('go\n'), exit };
}

const runWorker = (instance: string, env: Record<string, string> = {}) => startWorker(instance, env).exit;

/** Releases the workers' ticks together: each tick starts once every live worker has finished the one before. */
function inLockstep(workers: readonly Worker[]): void {
  const live = new Set(workers);
  const waiting = new Set<Worker>();
  const release = () => {
    if (waiting.size < live.size) return;
    for (const w of waiting) w.go();
    waiting.clear();
  };
  for (const w of workers) {
    w.onReady(() => {
      waiting.add(w);
      release();
    });
    void w.exit.then(() => {
      live.delete(w);
      waiting.delete(w);
      release();
    });
  }
}

/** The worker's summary line, failing with its stderr if it did not exit cleanly. */
function summary(exit: WorkerExit): {
  instance: string;
  ran: string[];
  refused: number;
  bootMs: number;
  walkMs: number;
} {
  expect(exit.code, exit.stderr).toBe(0);
  return JSON.parse(exit.stdout.trim().split('\n').at(-1) ?? '');
}

async function runsBySlot(): Promise<Map<string, string[]>> {
  const bySlot = new Map<string, string[]>();
  for (const { data } of await store.query(RUNS, {})) {
    const key = `${String(data.job)}@${(data.slot as Date).toISOString()}`;
    bySlot.set(key, [...(bySlot.get(key) ?? []), String(data.instance)]);
  }
  return bySlot;
}

const lease = (key: string) => {
  const [job = '', slot = ''] = key.split('@');
  return leases.get(store, slotLeaseName(job, new Date(slot)));
};

describe('scheduled slots across instances (Firestore emulator, separate processes)', () => {
  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    client = emulator.client();
    store = createFirestoreStore({ projectId: emulator.projectId, firestore: client });
  });
  afterAll(async () => {
    await client?.terminate();
    await emulator?.stop();
  });

  it('runs each (job, slot) of a day exactly once across 3 processes racing for the same slots', async () => {
    await emulator.reset();
    const started = ['i1', 'i2', 'i3'].map((id) => startWorker(id, { LOCKSTEP: '1' }));
    inLockstep(started);
    const exits = await Promise.all(started.map((w) => w.exit));
    const workers = exits.map(summary);
    console.info(
      `3 racing workers: ${workers.map((w, i) => `${w.instance} boot ${w.bootMs} ms, walk ${w.walkMs} ms, ran ${w.ran.length}, process ${exits[i]?.ms} ms`).join('; ')}`,
    );

    const bySlot = await runsBySlot();
    expect([...bySlot.keys()].sort()).toEqual(EXPECTED);
    for (const [key, by] of bySlot) expect(by, key).toHaveLength(1);
    // What the workers say they ran is what the Store holds, and every other attempt was refused by a lease.
    expect(workers.flatMap((w) => w.ran).sort()).toEqual(EXPECTED);
    expect(workers.reduce((n, w) => n + w.refused, 0)).toBe(EXPECTED.length * 2);
    for (const [key, [by]] of bySlot) {
      expect(await lease(key), key).toMatchObject({ holder: by, finished_at: expect.any(Date) });
    }
  }, 90_000); // the emulator settles each of the 7 contended slots in ~3 s, plus 3 process boots

  it('lets a later instance take over the slot of a holder that crashed, only once its lease has expired', async () => {
    await emulator.reset();
    const crashed = GAPS_SLOTS[2] as string; // 08:00 ET: two slots run and finished before the crash
    const a = await runWorker('a', { TTL_MS: String(30 * 60_000), CRASH_JOB: 'gaps', CRASH_SLOT: crashed });
    expect(a.code, a.stderr).toBe(CRASH_EXIT);
    expect(await lease(`gaps@${crashed}`)).toMatchObject({ holder: 'a', finished_at: null });

    // Same clock as a: it asks for 08:00 at 08:59 ET, while a's lease (to 09:29 ET) still stands.
    const cExit = await runWorker('c');
    const c = summary(cExit);
    expect(c.ran).not.toContain(`gaps@${crashed}`);
    expect(c.refused).toBe(3); // a's two finished slots and the one it still holds
    expect(await lease(`gaps@${crashed}`)).toMatchObject({ holder: 'a', finished_at: null });

    // One catch-up tick at the end of the day: long past a's lease.
    const bExit = await runWorker('b', { STEP_MINUTES: String(24 * 60) });
    const b = summary(bExit);
    expect(b.ran).toEqual([`gaps@${crashed}`]);
    expect(b.refused).toBe(EXPECTED.length - 1); // every finished slot stays done

    const bySlot = await runsBySlot();
    expect([...bySlot.keys()].sort()).toEqual(EXPECTED);
    // a ran the two slots before its crash, b only the one it took over, c everything after.
    const owner = (key: string) => (key === `gaps@${crashed}` ? 'b' : key < `gaps@${crashed}` ? 'a' : 'c');
    for (const [key, by] of bySlot) expect(by, key).toEqual([owner(key)]);
    expect(await lease(`gaps@${crashed}`)).toMatchObject({ holder: 'b', finished_at: expect.any(Date) });
    console.info(`crash case processes: a ${a.ms} ms, c ${cExit.ms} ms, b ${bExit.ms} ms`);
  });
});
