import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotLeaseName } from '../../src/runtime/slot-lease.js';
import { createFirestoreStore } from '../../src/store/firestore.js';
import * as leases from '../../src/store/leases.js';
import type { DocumentStore } from '../../src/store/port.js';
import { type FirestoreEmulator, startFirestoreEmulator } from '../support/firestore-emulator.js';

/**
 * Issue 8: each (job, cron slot) runs exactly once however many instances are up. Three real OS processes
 * (test/runtime/lease-worker.ts) walk the same simulated day through the production scheduler and slot
 * leases against one Firestore emulator; their runs are counted in the emulator afterwards.
 */
const WORKER = fileURLToPath(new URL('./lease-worker.ts', import.meta.url));
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

function runWorker(instance: string, env: Record<string, string> = {}): Promise<WorkerExit> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
}

/** The worker's summary line, failing with its stderr if it did not exit cleanly. */
function summary(exit: WorkerExit): { instance: string; ran: string[]; refused: number; ms: number } {
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
    const exits = await Promise.all(['i1', 'i2', 'i3'].map((id) => runWorker(id)));
    const workers = exits.map(summary);
    console.info(
      `3 workers: ${exits.map((e) => `${e.ms} ms`).join(', ')}; runs per instance ` +
        workers.map((w) => `${w.instance}=${w.ran.length}`).join(' '),
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
  });

  it('lets a later instance take over the slot of a holder that crashed, only once its lease has expired', async () => {
    await emulator.reset();
    const crashed = GAPS_SLOTS[2] as string; // 08:00 ET: two slots run and finished before the crash
    const a = await runWorker('a', { TTL_MS: String(30 * 60_000), CRASH_JOB: 'gaps', CRASH_SLOT: crashed });
    expect(a.code, a.stderr).toBe(CRASH_EXIT);
    expect(await lease(`gaps@${crashed}`)).toMatchObject({ holder: 'a', finished_at: null });

    // Same clock as a: it asks for 08:00 at 08:59 ET, while a's lease (to 09:29 ET) still stands.
    const c = summary(await runWorker('c'));
    expect(c.ran).not.toContain(`gaps@${crashed}`);

    // One catch-up tick at the end of the day: long past a's lease.
    const b = summary(await runWorker('b', { STEP_MINUTES: String(24 * 60) }));
    expect(b.ran).toEqual([`gaps@${crashed}`]);

    const bySlot = await runsBySlot();
    expect([...bySlot.keys()].sort()).toEqual(EXPECTED);
    // a ran the two slots before its crash, b only the one it took over, c everything after.
    const owner = (key: string) => (key === `gaps@${crashed}` ? 'b' : key < `gaps@${crashed}` ? 'a' : 'c');
    for (const [key, by] of bySlot) expect(by, key).toEqual([owner(key)]);
    expect(await lease(`gaps@${crashed}`)).toMatchObject({ holder: 'b', finished_at: expect.any(Date) });
    console.info(`crash case: a ${a.ms} ms, c ${c.ms} ms, b ${b.ms} ms`);
  });
});
