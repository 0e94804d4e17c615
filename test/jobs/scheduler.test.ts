import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createClockScheduler, type Job } from '../../src/jobs/scheduler.js';

function recordingJob(name: string, cron: string[], log: string[]): Job {
  return {
    name,
    cron,
    run: async (slot) => {
      log.push(`${name}@${slot.toISOString()}`);
      return name;
    },
  };
}

describe('clock scheduler (injected time)', () => {
  it('fires every ET slot of the cron expressions as the clock passes them, in order', async () => {
    // 2026-01-19 00:00 ET = 05:00Z (EST, UTC-5).
    const clock = new ManualClock('2026-01-19T05:00:00Z');
    const log: string[] = [];
    const scheduler = createClockScheduler(
      [recordingJob('gaps', ['0 */4 * * *'], log), recordingJob('health', ['0 9 * * *', '15 14 * * *'], log)],
      clock,
    );
    clock.advance(24 * 3_600_000);
    await scheduler.tick();
    await scheduler.stop();
    expect(log).toEqual([
      'gaps@2026-01-19T09:00:00.000Z',
      'gaps@2026-01-19T13:00:00.000Z',
      'health@2026-01-19T14:00:00.000Z',
      'gaps@2026-01-19T17:00:00.000Z',
      'health@2026-01-19T19:15:00.000Z',
      'gaps@2026-01-19T21:00:00.000Z',
      'gaps@2026-01-20T01:00:00.000Z',
      'gaps@2026-01-20T05:00:00.000Z',
    ]);
  });

  it('a stop during a catch-up finishes the running slot and fires no later one', async () => {
    const clock = new ManualClock('2026-01-19T05:00:00Z');
    const log: string[] = [];
    let release: () => void = () => {};
    const slow: Job = {
      name: 'gaps',
      cron: ['0 */4 * * *'],
      run: async (slot) => {
        log.push(`gaps@${slot.toISOString()}`);
        await new Promise<void>((r) => {
          release = r;
        });
      },
    };
    const scheduler = createClockScheduler([slow], clock);
    clock.advance(24 * 3_600_000);
    const ticking = scheduler.tick();
    await new Promise((r) => setTimeout(r, 10));
    const stopped = scheduler.stop();
    release();
    await Promise.all([ticking, stopped]);
    expect(log).toEqual(['gaps@2026-01-19T09:00:00.000Z']);
  });

  it('skips a slot the gate refuses and reports results and errors', async () => {
    const clock = new ManualClock('2026-01-19T05:00:00Z');
    const results: string[] = [];
    const failing: Job = {
      name: 'broken',
      cron: ['0 6 * * *'],
      run: async () => {
        throw new Error('boom');
      },
    };
    const scheduler = createClockScheduler([recordingJob('gaps', ['0 */4 * * *'], []), failing], clock, {
      gate: async (job, slot) => !(job === 'gaps' && slot.toISOString() === '2026-01-19T09:00:00.000Z'),
      onResult: (job, slot, _result, error) =>
        results.push(`${job}@${slot.toISOString()}:${error instanceof Error ? error.message : 'ok'}`),
    });
    clock.advance(12 * 3_600_000);
    await scheduler.tick();
    await scheduler.stop();
    expect(results).toEqual([
      'broken@2026-01-19T11:00:00.000Z:boom',
      'gaps@2026-01-19T13:00:00.000Z:ok',
      'gaps@2026-01-19T17:00:00.000Z:ok',
    ]);
  });

  it('does not fire slots that were already passed before it started', async () => {
    const clock = new ManualClock('2026-01-19T09:30:00Z');
    const log: string[] = [];
    const scheduler = createClockScheduler([recordingJob('gaps', ['0 */4 * * *'], log)], clock);
    await scheduler.tick();
    clock.advance(60_000);
    await scheduler.tick();
    await scheduler.stop();
    expect(log).toEqual([]);
  });

  it('runs past slots the resumable hook lists at start (through the gate), and skips unknown jobs', async () => {
    const clock = new ManualClock('2026-01-19T14:30:00Z');
    const log: string[] = [];
    const gated: string[] = [];
    const asked: number[] = [];
    const scheduler = createClockScheduler([recordingJob('gaps', ['0 */4 * * *'], log)], clock, {
      gate: async (job, slot) => {
        gated.push(`${job}@${slot.toISOString()}`);
        return true;
      },
      resumable: async () => {
        asked.push(asked.length);
        return asked.length === 1
          ? [
              { job: 'gaps', slot: new Date('2026-01-19T13:00:00Z') },
              { job: 'retired-job', slot: new Date('2026-01-19T13:00:00Z') },
            ]
          : [];
      },
      resumeEveryMs: 20,
    });
    scheduler.start();
    for (let waited = 0; (asked.length < 2 || log.length < 1) && waited < 3000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    await scheduler.stop();
    expect(log).toEqual(['gaps@2026-01-19T13:00:00.000Z']);
    expect(gated).toEqual(['gaps@2026-01-19T13:00:00.000Z']);
    expect(asked.length).toBeGreaterThan(1); // asked again while running
  });
});
