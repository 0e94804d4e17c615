import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import {
  InvalidTaskError,
  type Json,
  MAX_SCHEDULE_AHEAD_MS,
  type TaskQueue,
  taskName,
} from '../../src/tasks/port.js';

/** What the backend holds for an enqueued task, as the adapter under test would hand it to a handler. */
export interface ObservedTask {
  readonly route: string;
  readonly body: Json;
  readonly scheduleTime: Date;
}

export interface ContractHarness {
  readonly queue: TaskQueue;
  /** The clock the queue checks the 30-day limit against. */
  readonly clock: ManualClock;
  /** The task the backend holds under this name, read through the backend (gRPC double or table + receiver). */
  observe(name: string): Promise<ObservedTask | undefined>;
  /** How many tasks the backend holds. */
  count(): Promise<number>;
  cleanup(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

/** The behaviour both TaskQueue adapters promise (Cloud Tasks via its gRPC double, the local DuckDB queue). */
export function describeTaskQueueContract(label: string, make: () => Promise<ContractHarness>): void {
  describe(`TaskQueue contract: ${label}`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('enqueues a named task carrying its route, body and schedule time', async () => {
      const name = taskName('retry', 'bdl_box_scores', '2026-01-19', 1);
      const scheduleTime = new Date(h.clock.now().getTime() + 4 * 60 * 60 * 1000 + 250);
      const body = {
        item: 'bdl_box_scores_2026-01-19',
        attempt: 1,
        note: 'héllo "quoted"',
        nested: [1, null],
      };
      expect(await h.queue.enqueue({ name, route: '/tasks/retry', body, scheduleTime })).toBe('created');
      const seen = await h.observe(name);
      expect(seen?.route).toBe('/tasks/retry');
      expect(seen?.body).toEqual(body);
      expect(seen?.scheduleTime.getTime()).toBe(scheduleTime.getTime());
      expect(await h.count()).toBe(1);
    });

    it('answers a duplicate name with exists and keeps the first task', async () => {
      const name = taskName('backfill', 'nbac_schedule', '2026-01-20');
      const at = new Date(h.clock.now().getTime() + 60_000);
      expect(
        await h.queue.enqueue({ name, route: '/tasks/backfill', body: { n: 1 }, scheduleTime: at }),
      ).toBe('created');
      const again = {
        name,
        route: '/tasks/other',
        body: { n: 2 },
        scheduleTime: new Date(at.getTime() + 5000),
      };
      expect(await h.queue.enqueue(again)).toBe('exists');
      expect(await h.queue.enqueue(again)).toBe('exists');
      expect(await h.count()).toBe(1);
      const seen = await h.observe(name);
      expect(seen?.body).toEqual({ n: 1 });
      expect(seen?.route).toBe('/tasks/backfill');
    });

    it('keeps distinct names distinct even when they only differ in sanitized characters', async () => {
      const at = h.clock.now();
      const a = taskName('retry', 'a:b');
      const b = taskName('retry', 'a.b');
      expect(a).not.toBe(b);
      expect(await h.queue.enqueue({ name: a, route: '/tasks/retry', body: 'a', scheduleTime: at })).toBe(
        'created',
      );
      expect(await h.queue.enqueue({ name: b, route: '/tasks/retry', body: 'b', scheduleTime: at })).toBe(
        'created',
      );
      expect(await h.count()).toBe(2);
    });

    it('rejects invalid names, routes and schedule times before they reach the backend', async () => {
      const at = h.clock.now();
      const bad = [
        { name: 'has space', route: '/tasks/retry', scheduleTime: at },
        { name: 'a/b', route: '/tasks/retry', scheduleTime: at },
        { name: '', route: '/tasks/retry', scheduleTime: at },
        { name: 'x'.repeat(501), route: '/tasks/retry', scheduleTime: at },
        { name: 'ok', route: '/elsewhere', scheduleTime: at },
        { name: 'ok', route: 'tasks/retry', scheduleTime: at },
        { name: 'ok', route: '/tasks/../admin', scheduleTime: at },
        { name: 'ok', route: '/tasks/retry', scheduleTime: new Date(Number.NaN) },
        {
          name: 'ok',
          route: '/tasks/retry',
          scheduleTime: new Date(at.getTime() + MAX_SCHEDULE_AHEAD_MS + 1),
        },
      ];
      for (const task of bad) {
        await expect(h.queue.enqueue({ ...task, body: {} }), JSON.stringify(task)).rejects.toBeInstanceOf(
          InvalidTaskError,
        );
      }
      await expect(
        h.queue.enqueue({
          name: 'ok',
          route: '/tasks/retry',
          body: {},
          scheduleTime: new Date(at.getTime() + 31 * DAY),
        }),
      ).rejects.toThrow(/more than 30 days/);
      expect(await h.count()).toBe(0);
    });

    it('accepts exactly 30 days ahead and a time in the past', async () => {
      const now = h.clock.now().getTime();
      const far = new Date(now + MAX_SCHEDULE_AHEAD_MS);
      const past = new Date(now - DAY);
      expect(await h.queue.enqueue({ name: 'far', route: '/tasks/retry', body: 1, scheduleTime: far })).toBe(
        'created',
      );
      expect(
        await h.queue.enqueue({ name: 'past', route: '/tasks/retry', body: 2, scheduleTime: past }),
      ).toBe('created');
      expect((await h.observe('far'))?.scheduleTime.getTime()).toBe(far.getTime());
      expect(await h.count()).toBe(2);
    });

    it('measures the 30 days from the injected clock', async () => {
      const at = new Date(h.clock.now().getTime() + 40 * DAY);
      await expect(
        h.queue.enqueue({ name: 'later', route: '/tasks/retry', body: 0, scheduleTime: at }),
      ).rejects.toThrow(InvalidTaskError);
      h.clock.advance(20 * DAY);
      expect(await h.queue.enqueue({ name: 'later', route: '/tasks/retry', body: 0, scheduleTime: at })).toBe(
        'created',
      );
    });
  });
}
