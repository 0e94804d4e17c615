import { createTask, type ScheduledTask, schedule } from 'node-cron';
import type { Clock } from '../clock.js';
import { PIPELINE_TIME_ZONE } from './time.js';

/** A scheduled job: cron expressions in ET, and a run function that receives its slot time. */
export interface Job {
  readonly name: string;
  readonly cron: readonly string[];
  run(slot: Date): Promise<unknown>;
}

/** Runs a job for a slot exactly once across instances (a Store lease in production; always true alone). */
export type SlotGate = (job: string, slot: Date) => Promise<boolean>;

export interface SchedulerHooks {
  readonly gate?: SlotGate;
  readonly onResult?: (job: string, slot: Date, result: unknown, error?: unknown) => void;
  /** Runs around each slot (gate, run, report): the runtime gives every run its own log context. */
  readonly around?: (job: string, slot: Date, work: () => Promise<void>) => Promise<void>;
  /**
   * Past slots to run now (slots another instance's shutdown handed back): asked when the scheduler
   * starts and every `resumeEveryMs` (real time) after; each goes through the gate like any slot (and may
   * run beside the job's current slot: the gate and the Store's claims keep the work from being done twice).
   */
  readonly resumable?: () => Promise<readonly { job: string; slot: Date }[]>;
  /** How often to ask `resumable`; default one minute. */
  readonly resumeEveryMs?: number;
  /** When asking `resumable` fails (the scheduler goes on). */
  readonly onResumeError?: (error: unknown) => void;
}

export interface Scheduler {
  start(): void;
  /** Stop taking new slots and wait for running jobs to finish. */
  stop(): Promise<void>;
}

const MINUTE = 60_000;

function floorToMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE) * MINUTE);
}

/** Shared by both drivers: gate the slot, run the job, report; never lets a job's error escape. */
function slotRunner(hooks: SchedulerHooks, inFlight: Set<Promise<unknown>>) {
  return (job: Job, slot: Date): Promise<void> => {
    const slotWork = async () => {
      if (hooks.gate && !(await hooks.gate(job.name, slot))) return;
      try {
        // Run first: an optional call `onResult?.(…, await job.run())` would skip the job when no hook is set.
        const result = await job.run(slot);
        hooks.onResult?.(job.name, slot, result);
      } catch (error) {
        hooks.onResult?.(job.name, slot, undefined, error);
      }
    };
    const run = hooks.around ? hooks.around(job.name, slot, slotWork) : slotWork();
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  };
}

/**
 * Shared by both drivers: asks `hooks.resumable` now and then and runs what it lists (one pass at a time),
 * until stopped. Slots of jobs this scheduler does not know are left alone.
 */
function resumer(
  jobs: readonly Job[],
  hooks: SchedulerHooks,
  runSlot: (job: Job, slot: Date) => Promise<void>,
) {
  let timer: NodeJS.Timeout | undefined;
  let passing: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    if (!hooks.resumable || stopped || passing) return;
    passing = (async () => {
      try {
        for (const { job: name, slot } of await (hooks.resumable?.() ?? [])) {
          const job = jobs.find((j) => j.name === name);
          if (stopped) return;
          if (job) await runSlot(job, slot);
        }
      } catch (error) {
        hooks.onResumeError?.(error);
      }
    })().finally(() => {
      passing = undefined;
    });
    await passing;
  };
  return {
    start() {
      if (!hooks.resumable) return;
      void pass();
      timer = setInterval(() => void pass(), hooks.resumeEveryMs ?? MINUTE);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await passing;
    },
  };
}

/** Real time: node-cron fires the slots in ET, one task per expression, no overlap. */
export function createCronScheduler(jobs: readonly Job[], hooks: SchedulerHooks = {}): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const runSlot = slotRunner(hooks, inFlight);
  const resume = resumer(jobs, hooks, runSlot);
  const tasks: ScheduledTask[] = [];
  return {
    start() {
      resume.start();
      for (const job of jobs) {
        job.cron.forEach((expr, i) => {
          tasks.push(
            schedule(expr, (ctx) => runSlot(job, floorToMinute(ctx.date ?? ctx.triggeredAt)), {
              timezone: PIPELINE_TIME_ZONE,
              noOverlap: true,
              name: `${job.name}#${i}`,
            }),
          );
        });
      }
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      tasks.length = 0;
      await resume.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * Injected time (demo, tests): node-cron's timers run on real time, so this driver walks the Clock
 * minute by minute and fires every slot whose ET time matches the same cron expressions.
 * Slots of one job run in order; a job never overlaps itself.
 */
export function createClockScheduler(
  jobs: readonly Job[],
  clock: Clock,
  hooks: SchedulerHooks & { pollMs?: number } = {},
): Scheduler & { tick(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const runSlot = slotRunner(hooks, inFlight);
  const resume = resumer(jobs, hooks, runSlot);
  const matchers = jobs.map((job) => ({
    job,
    tasks: job.cron.map((expr) => createTask(expr, () => {}, { timezone: PIPELINE_TIME_ZONE })),
  }));
  let cursor = floorToMinute(clock.now()).getTime();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let stopping = false;

  async function tick(): Promise<void> {
    // One tick at a time: slots are fired in clock order even if a tick takes longer than the poll.
    if (ticking) return ticking;
    ticking = (async () => {
      const until = floorToMinute(clock.now()).getTime();
      // A stop ends a catch-up at the running slot: slots left behind (a lagging accelerated clock) are not run.
      while (cursor < until && !stopping) {
        cursor += MINUTE;
        const slot = new Date(cursor);
        const due = matchers.filter((m) => m.tasks.some((t) => t.match(slot)));
        await Promise.all(due.map((m) => runSlot(m.job, slot)));
      }
    })().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  return {
    tick,
    start() {
      resume.start();
      timer = setInterval(() => void tick(), hooks.pollMs ?? 250);
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await resume.stop();
      await ticking;
      await Promise.allSettled([...inFlight]);
      await Promise.all(matchers.flatMap((m) => m.tasks.map((t) => t.destroy())));
    },
  };
}
