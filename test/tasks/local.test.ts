import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalTaskQueue } from '../../src/tasks/local.js';
import { type LocalFixture, localFixture, SECRET } from './local-fixture.js';

const HOUR = 60 * 60 * 1000;

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('local task queue', () => {
  let f: LocalFixture;
  beforeEach(async () => {
    f = await localFixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('prunes tasks that finished before the cut-off, and nothing pending; a pruned name is new again', async () => {
    const { queue } = await f.open();
    const now = () => f.clock.now();
    await queue.enqueue({ name: 'old', route: '/tasks/retry', body: {}, scheduleTime: now() });
    await queue.drain();
    f.clock.advance(15 * 24 * HOUR);
    await queue.enqueue({ name: 'recent', route: '/tasks/retry', body: {}, scheduleTime: now() });
    await queue.drain();
    const later = new Date(now().getTime() + HOUR);
    await queue.enqueue({ name: 'waiting', route: '/tasks/retry', body: {}, scheduleTime: later });
    expect(await queue.prune(new Date(now().getTime() - 14 * 24 * HOUR))).toBe(1);
    expect((await f.rows()).map((r) => [r.name, r.status])).toEqual([
      ['recent', 'done'],
      ['waiting', 'pending'],
    ]);
    f.clock.advance(1);
    expect(await queue.prune(now())).toBe(1); // 'recent' finished before now
    expect(await queue.enqueue({ name: 'old', route: '/tasks/retry', body: {}, scheduleTime: now() })).toBe(
      'created',
    );
  });

  it('delivers at the schedule time of the injected clock, not before, and only once', async () => {
    const { queue } = await f.open();
    const at = new Date(f.clock.now().getTime() + 4 * HOUR);
    await queue.enqueue({ name: 'retry-1', route: '/tasks/retry', body: { n: 1 }, scheduleTime: at });
    await queue.drain();
    f.clock.set(new Date(at.getTime() - 1));
    await queue.drain();
    expect(f.receiver.received).toHaveLength(0);
    f.clock.advance(1);
    await queue.drain();
    await queue.drain();
    expect(f.receiver.received).toHaveLength(1);
    expect((await f.rows())[0]).toMatchObject({ status: 'done', attempts: 1, lastStatus: 200 });
  });

  it("sends Cloud Tasks' headers, the shared secret and the JSON body as a POST to baseUrl + route", async () => {
    const { queue } = await f.open({ queueName: 'shotclock-local', baseUrl: `${f.receiver.baseUrl}/` });
    const at = new Date('2026-01-20T08:59:59.250Z'); // due: the clock is at 09:00
    await queue.enqueue({
      name: 'h-1',
      route: '/tasks/backfill',
      body: { date: '2026-01-19' },
      scheduleTime: at,
    });
    await queue.drain();
    const [req] = f.receiver.received;
    expect(req).toMatchObject({ method: 'POST', path: '/tasks/backfill', body: '{"date":"2026-01-19"}' });
    expect(req?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: `Bearer ${SECRET}`,
      'x-cloudtasks-taskname': 'h-1',
      'x-cloudtasks-queuename': 'shotclock-local',
      'x-cloudtasks-taskretrycount': '0',
      'x-cloudtasks-taskexecutioncount': '0',
      'x-cloudtasks-tasketa': '1768899599.250000',
    });
    expect(req?.headers['x-cloudtasks-taskpreviousresponse']).toBeUndefined();
  });

  it('retries 5xx with doubling backoff in clock time, then succeeds', async () => {
    f.receiver.respond((_req, i) => (i < 2 ? 503 : 200));
    const { queue } = await f.open({ maxAttempts: 5 });
    await queue.enqueue({ name: 'r', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
    await queue.drain();
    expect(f.receiver.received).toHaveLength(1);
    let [row] = await f.rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503 });
    expect(row?.nextAttemptMs).toBe(f.clock.now().getTime() + 1000);
    f.clock.advance(999);
    await queue.drain();
    expect(f.receiver.received).toHaveLength(1);
    f.clock.advance(1);
    await queue.drain();
    expect(f.receiver.received).toHaveLength(2);
    [row] = await f.rows();
    expect(row?.nextAttemptMs).toBe(f.clock.now().getTime() + 2000);
    f.clock.advance(2000);
    await queue.drain();
    expect(f.receiver.received).toHaveLength(3);
    [row] = await f.rows();
    expect(row).toMatchObject({ status: 'done', attempts: 3, lastStatus: 200, lastError: null });
    const headers = f.receiver.received.map((r) => [
      r.headers['x-cloudtasks-taskretrycount'],
      r.headers['x-cloudtasks-taskexecutioncount'],
      r.headers['x-cloudtasks-taskpreviousresponse'],
    ]);
    expect(headers).toEqual([
      ['0', '0', undefined],
      ['1', '0', '503'],
      ['2', '0', '503'],
    ]);
    expect(f.logs.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('gives up after maxAttempts 5xx responses and logs the failure', async () => {
    f.receiver.respond(() => 500);
    const { queue } = await f.open({ maxAttempts: 3, maxBackoffMs: 1500 });
    await queue.enqueue({ name: 'x', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
    for (let i = 0; i < 6; i++) {
      await queue.drain();
      f.clock.advance(1500); // the cap: 1 s, then 1.5 s instead of 2 s
    }
    expect(f.receiver.received).toHaveLength(3);
    const [row] = await f.rows();
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500 });
    expect(row?.lastError).toMatch(/HTTP 500.*gave up after 3 attempts/);
    expect(f.logs.find((l) => l.level === 'error')?.fields).toMatchObject({ task: 'x', status: 500 });
  });

  it('does not retry a 4xx: the task fails at once and is logged', async () => {
    f.receiver.respond(() => 404);
    const { queue } = await f.open();
    await queue.enqueue({
      name: 'gone',
      route: '/tasks/retry',
      body: { item: 'nope' },
      scheduleTime: f.clock.now(),
    });
    await queue.drain();
    f.clock.advance(24 * HOUR);
    await queue.drain();
    expect(f.receiver.received).toHaveLength(1);
    const [row] = await f.rows();
    expect(row).toMatchObject({ status: 'failed', attempts: 1, responses: 1, lastStatus: 404 });
    expect(row?.lastError).toBe('HTTP 404: status 404');
    expect(f.logs.filter((l) => l.level === 'error').map((l) => l.fields.task)).toEqual(['gone']);
  });

  it('retries 429 like a 5xx (the handler asked for later)', async () => {
    f.receiver.respond((_r, i) => (i === 0 ? 429 : 204));
    const { queue } = await f.open();
    await queue.enqueue({ name: 'busy', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
    await queue.drain();
    f.clock.advance(1000);
    await queue.drain();
    expect((await f.rows())[0]).toMatchObject({ status: 'done', attempts: 2, responses: 2 });
    expect(f.receiver.received[1]?.headers['x-cloudtasks-taskexecutioncount']).toBe('1');
  });

  it('retries network errors (nothing listening)', async () => {
    const { queue } = await f.open({ baseUrl: 'http://127.0.0.1:1' });
    await queue.enqueue({ name: 'net', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
    await queue.drain();
    const [row] = await f.rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(row?.lastError).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('keeps pending tasks across a restart of the process (DuckDB file reopened)', async () => {
    const first = await f.open();
    const at = new Date(f.clock.now().getTime() + HOUR);
    await first.queue.enqueue({
      name: 'durable',
      route: '/tasks/retry',
      body: { keep: true },
      scheduleTime: at,
    });
    await f.reopen();
    const { queue } = await f.open();
    expect(await queue.enqueue({ name: 'durable', route: '/tasks/retry', body: 0, scheduleTime: at })).toBe(
      'exists',
    );
    f.clock.set(at);
    await queue.drain();
    expect(f.receiver.forTask('durable').map((r) => r.body)).toEqual(['{"keep":true}']);
  });

  it('redelivers a task that was being delivered when the process died (at-least-once)', async () => {
    let release: (e: Error) => void = () => {};
    let called = false;
    const hanging: typeof fetch = () => {
      called = true;
      return new Promise((_resolve, reject) => {
        release = reject;
      });
    };
    const crashed = await createLocalTaskQueue({
      connection: await f.instance.connect(),
      clock: f.clock,
      baseUrl: f.receiver.baseUrl,
      secret: SECRET,
      fetch: hanging,
      maxAttempts: 3,
      pollMs: 10,
    });
    await crashed.enqueue({ name: 'inflight', route: '/tasks/retry', body: 7, scheduleTime: f.clock.now() });
    const abandoned = crashed.drain();
    await until(() => called);
    expect((await f.rows())[0]?.status).toBe('delivering');

    // A new process opens the same queue table: the interrupted delivery is due again, and counted.
    const { queue } = await f.open();
    await queue.drain();
    expect(f.receiver.forTask('inflight')).toHaveLength(1);
    expect(f.receiver.received[0]?.headers['x-cloudtasks-taskretrycount']).toBe('1');
    expect((await f.rows())[0]).toMatchObject({ status: 'done', attempts: 2 });
    release(new Error('process gone'));
    await abandoned;
  });

  it('frees a finished name after an hour of clock time, like Cloud Tasks', async () => {
    const { queue } = await f.open();
    const task = { name: 'again', route: '/tasks/retry', body: 1 } as const;
    await queue.enqueue({ ...task, scheduleTime: f.clock.now() });
    await queue.drain();
    f.clock.advance(HOUR - 1);
    expect(await queue.enqueue({ ...task, scheduleTime: f.clock.now() })).toBe('exists');
    f.clock.advance(1);
    expect(await queue.enqueue({ ...task, body: 2, scheduleTime: f.clock.now() })).toBe('created');
    await queue.drain();
    expect(f.receiver.forTask('again').map((r) => r.body)).toEqual(['1', '2']);
  });

  it('polls in wall time once started, and stop() waits for deliveries in flight', async () => {
    let finish: (s: number) => void = () => {};
    f.receiver.respond(() => new Promise<number>((r) => (finish = r)));
    const { queue } = await f.open({ pollMs: 10 });
    queue.start();
    await queue.enqueue({ name: 'slow', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
    await until(() => f.receiver.received.length === 1);
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    finish(200);
    await stopping;
    expect((await f.rows())[0]?.status).toBe('done');
    // Stopped: a new due task is not picked up by the poller.
    await queue.enqueue({ name: 'after', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
    await new Promise((r) => setTimeout(r, 50));
    expect(f.receiver.received).toHaveLength(1);
  });

  it('delivers each task exactly once when the poller and drain() race', async () => {
    const { queue } = await f.open({ pollMs: 1, concurrency: 3 });
    for (let i = 0; i < 20; i++) {
      await queue.enqueue({ name: `t${i}`, route: '/tasks/retry', body: i, scheduleTime: f.clock.now() });
    }
    queue.start();
    await Promise.all([queue.drain(), queue.drain()]);
    await queue.stop();
    await queue.drain();
    const names = f.receiver.received.map((r) => r.headers['x-cloudtasks-taskname']);
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(20);
    expect((await f.rows()).every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
  });

  it('refuses enqueue after close and a queue without a secret', async () => {
    const { queue, connection } = await f.open();
    await queue.close();
    await expect(
      queue.enqueue({ name: 'late', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() }),
    ).rejects.toThrow(/closed/);
    await expect(
      createLocalTaskQueue({
        connection,
        clock: f.clock,
        baseUrl: 'http://x',
        secret: '',
        maxAttempts: 1,
        pollMs: 1,
      }),
    ).rejects.toThrow(/secret/);
  });
});
