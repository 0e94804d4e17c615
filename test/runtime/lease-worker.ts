/**
 * One bot instance for test/runtime/multi-instance.test.ts, run as its own OS process
 * (`node --import tsx test/runtime/lease-worker.ts`). It walks an injected clock through simulated hours and
 * fires the cron slots through the production scheduler and slot leases against the shared Firestore emulator;
 * each run it gets to do is recorded in `runs`, so the test can count runs per (job, slot) across processes.
 *
 * Settings come from the environment (test code may read it; src/ may not):
 *   FIRESTORE_EMULATOR_HOST  host:port of the emulator     PROJECT_ID   emulator project
 *   INSTANCE_ID              lease holder and run author   START        ISO time the walk starts from
 *   HOURS                    simulated hours (24)          STEP_MINUTES clock advance per tick (60)
 *   TTL_MS                   slot lease TTL                CRASH_JOB + CRASH_SLOT  exit(CRASH_EXIT) inside that run
 *   LOCKSTEP=1               before each tick print `ready` and wait for a line on stdin: the test releases
 *                            all workers together, so every slot is asked for by all of them at about the same
 *                            moment (as node-cron fires it on every instance), not won by whichever runs ahead
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Firestore } from '@google-cloud/firestore';
import { ManualClock } from '../../src/clock.js';
import { createClockScheduler, type Job } from '../../src/jobs/scheduler.js';
import { createSlotLeases } from '../../src/runtime/slot-lease.js';
import { createFirestoreStore } from '../../src/store/firestore.js';

// Both mirrored in multi-instance.test.ts: importing this file would start a worker.
const RUNS = 'runs';
/** The exit code of a worker that "crashed" inside a run (distinct from a failure, which exits 1). */
const CRASH_EXIT = 3;

function setting(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`lease-worker: ${name} is not set`);
  return value;
}

/** Says `ready` and waits for the test's next line on stdin. */
function lockstep(): () => Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  return async () => {
    process.stdout.write('ready\n');
    if ((await lines.next()).done) throw new Error('lease-worker: stdin closed while waiting in lockstep');
  };
}

async function main(): Promise<void> {
  const host = setting('FIRESTORE_EMULATOR_HOST');
  const projectId = setting('PROJECT_ID');
  const instance = setting('INSTANCE_ID');
  const start = new Date(setting('START'));
  const hours = Number(setting('HOURS', '24'));
  const stepMs = Number(setting('STEP_MINUTES', '60')) * 60_000;
  const ttlMs = Number(setting('TTL_MS', String(15 * 60_000)));
  const crashJob = process.env.CRASH_JOB;
  const crashSlot = process.env.CRASH_SLOT ? new Date(process.env.CRASH_SLOT).getTime() : undefined;

  const client = new Firestore({ projectId, host, ssl: false, ignoreUndefinedProperties: true });
  const store = createFirestoreStore({ projectId, firestore: client });
  const clock = new ManualClock(start);
  const leases = createSlotLeases(store, instance, clock, ttlMs);
  await store.ping(); // connected before the walk, so the first slot is not won by connection setup
  // performance.now() counts from process start: boot is node + tsx + the Firestore client + one round trip.
  const bootMs = Math.round(performance.now());
  const barrier = process.env.LOCKSTEP === '1' ? lockstep() : async () => {};
  const walking = performance.now();

  const ran: string[] = [];
  let refused = 0;
  const record = (job: string) => async (slot: Date) => {
    if (job === crashJob && slot.getTime() === crashSlot) process.exit(CRASH_EXIT); // holds the lease, never finishes
    await store.runTransaction(async (tx) => tx.create(RUNS, randomUUID(), { job, slot, instance }));
    ran.push(`${job}@${slot.toISOString()}`);
  };
  const jobs: Job[] = [
    { name: 'gaps', cron: ['0 */4 * * *'], run: record('gaps') },
    { name: 'health', cron: ['0 9 * * *'], run: record('health') },
  ];

  // onResult is synchronous in the scheduler; the finish writes are collected and awaited before exit.
  const finishing: Promise<void>[] = [];
  const errors: unknown[] = [];
  const scheduler = createClockScheduler(jobs, clock, {
    gate: async (job, slot) => {
      const ok = await leases.gate(job, slot);
      if (!ok) refused++;
      return ok;
    },
    onResult: (job, slot, _result, error) => {
      if (error) errors.push(error);
      else finishing.push(leases.finished(job, slot));
    },
  });

  const end = start.getTime() + hours * 3_600_000;
  while (clock.now().getTime() < end) {
    await barrier();
    clock.set(new Date(Math.min(clock.now().getTime() + stepMs, end)));
    await scheduler.tick();
  }
  await Promise.all(finishing);
  await scheduler.stop();
  await client.terminate();
  if (errors.length > 0) throw new AggregateError(errors, `${instance}: ${errors.length} run(s) failed`);
  const walkMs = Math.round(performance.now() - walking);
  process.stdout.write(`${JSON.stringify({ instance, ran, refused, bootMs, walkMs })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
