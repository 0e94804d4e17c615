// Per-request log context: a Slack request's lines carry its Cloud Run trace (or a correlation id), concurrent
// requests never mix their ids, a task callback's lines name the task and its retry item, a scheduled run's
// lines name the job and slot — and no secret reaches a line through any of it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoltApp, startBoltApp } from '../../src/bot/app.js';
import type { HttpRoute } from '../../src/bot/http.js';
import { ensureRequestContext, slackLogContext } from '../../src/bot/request-context.js';
import { taskRoutes } from '../../src/bot/task-routes.js';
import { ManualClock } from '../../src/clock.js';
import { createClockScheduler } from '../../src/jobs/scheduler.js';
import {
  createLogger,
  currentLogContext,
  type Logger,
  newRunLogContext,
  requestLogContext,
  withLogContext,
} from '../../src/log.js';
import type { RecoveryTaskServices } from '../../src/recovery/task-routes.js';
import { createOrJoin, retryItemId } from '../../src/store/retry-queue.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { postSigned, slashCommandBody } from '../support/slack-request.js';

const PROJECT = 'nba-props-platform';
const BOT_TOKEN = 'xoxb-trace-test-bot-token';
const SIGNING_SECRET = 'trace-test-signing-secret';
const SERVICE_TOKEN = 'trace-test-scraper-token';
const TRACE_A = '105445aa7843bc8bf206b12000100000';
const TRACE_B = '9f3c2d1e0b4a59687766554433221100';
const TRACE = 'logging.googleapis.com/trace';
const SPAN = 'logging.googleapis.com/spanId';

type Entry = Record<string, unknown> & { message: string };

function capture() {
  const lines: string[] = [];
  const log = createLogger({
    level: 'debug',
    format: 'json',
    secrets: [BOT_TOKEN, SIGNING_SECRET, SERVICE_TOKEN],
    write: (l) => lines.push(l),
  });
  const entries = () => lines.map((l) => JSON.parse(l) as Entry);
  return { log, lines, entries };
}

function expectNoSecret(lines: readonly string[]) {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines)
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, SERVICE_TOKEN]) expect(line).not.toContain(secret);
}

describe('requestLogContext', () => {
  it("turns X-Cloud-Trace-Context into Cloud Logging's trace and span (hex) fields", () => {
    expect(requestLogContext({ 'x-cloud-trace-context': `${TRACE_A}/1;o=1` }, PROJECT)).toEqual({
      [TRACE]: `projects/${PROJECT}/traces/${TRACE_A}`,
      [SPAN]: '0000000000000001',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(requestLogContext({ traceparent: `00-${TRACE_B}-00f067aa0ba902b7-00` }, PROJECT)[SPAN]).toBe(
      '00f067aa0ba902b7',
    );
  });

  it('without a trace header or a project: a correlation id (the trace id when there is one)', () => {
    expect(requestLogContext({}, PROJECT, () => 'fresh-id')).toEqual({ correlationId: 'fresh-id' });
    expect(requestLogContext({ 'x-cloud-trace-context': 'garbage' }, PROJECT, () => 'id2')).toEqual({
      correlationId: 'id2',
    });
    expect(requestLogContext({ 'x-cloud-trace-context': `${TRACE_A}/7;o=0` }, undefined)).toEqual({
      correlationId: TRACE_A,
    });
    expect(newRunLogContext(PROJECT, () => 'abcd-ef')[TRACE]).toMatch(
      new RegExp(`^projects/${PROJECT}/traces/abcdef0{26}$`),
    );
  });
});

describe('slackLogContext (the Bolt middleware)', () => {
  type Middleware = (args: { body: unknown; next: () => Promise<void> }) => Promise<void>;
  function middleware(): Middleware {
    let registered: Middleware | undefined;
    const use = (m: Middleware) => {
      registered = m;
    };
    slackLogContext({ use } as unknown as App);
    if (!registered) throw new Error('slackLogContext registered no middleware');
    return registered;
  }
  const seenBy = async (run: Middleware, body: unknown) => {
    let seen: Record<string, unknown> | undefined;
    const next = async () => {
      seen = { ...currentLogContext() };
    };
    await run({ body, next });
    return seen;
  };

  it('Socket Mode (no HTTP request): each Slack request gets its own correlation id and what it asked', async () => {
    const run = middleware();
    const a = await seenBy(run, { command: '/scrape-status' });
    const b = await seenBy(run, { type: 'block_actions', actions: [{ action_id: 'v1.ack' }] });
    expect(a).toMatchObject({ slack: 'command /scrape-status' });
    expect(b).toMatchObject({ slack: 'action v1.ack' });
    expect(a?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a?.correlationId).not.toBe(b?.correlationId);
  });

  it("over HTTP: the request's own context gains what Slack asked, and no other request's does", async () => {
    const run = middleware();
    const commands = ['/breakers', '/retry-queue'];
    const [one, two] = await Promise.all(
      commands.map((command) =>
        ensureRequestContext({}, undefined, async () => {
          await run({ body: { command }, next: async () => {} });
          await new Promise((resolve) => setTimeout(resolve, 5));
          return { ...currentLogContext() };
        }),
      ),
    );
    expect(one).toMatchObject({ slack: 'command /breakers' });
    expect(two).toMatchObject({ slack: 'command /retry-queue' });
    expect(one?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(one?.correlationId).not.toBe(two?.correlationId);
  });

  it('a context that other work shares (a run, a socket opened inside one) is never changed', async () => {
    const run = middleware();
    await withLogContext({ correlationId: 'run-1' }, async () => {
      const first = await seenBy(run, { command: '/breakers' });
      const second = await seenBy(run, { command: '/retry-queue' });
      expect(first).toEqual({ correlationId: 'run-1', slack: 'command /breakers' });
      expect(second).toEqual({ correlationId: 'run-1', slack: 'command /retry-queue' });
      expect(currentLogContext()).toEqual({ correlationId: 'run-1' });
    });
  });
});

describe('log context through the Bolt app', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function start(log: Logger, routes: HttpRoute[] = []) {
    app = createBoltApp({
      transport: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      botId: 'B1',
      botUserId: 'U_BOT',
      slackApiUrl: 'http://127.0.0.1:9/api/',
      port: 0,
      host: '127.0.0.1',
      traceProject: PROJECT,
      log,
      routes,
      surfaces: [
        (a) =>
          a.command('/scrape-status', async ({ ack, command }) => {
            await ack();
            // Deep code logs with no request parameter: before and after waits of different lengths.
            log.info(`start ${command.text}`);
            await new Promise((r) => setTimeout(r, command.text === 'a' ? 120 : 20));
            log.warn(`slack said invalid_auth for ${BOT_TOKEN} (${command.text})`);
            await Promise.resolve();
            log.info(`end ${command.text}`);
          }),
      ],
    });
    const server = (await startBoltApp(app, {
      port: 0,
      host: '127.0.0.1',
      transport: 'http',
      traceProject: PROJECT,
    })) as Server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('a signed Slack request with X-Cloud-Trace-Context: every line of its work carries the trace', async () => {
    const { log, lines, entries } = capture();
    const base = await start(log);
    const res = await postSignedWithTrace(base, 'a', TRACE_A);
    expect(res.status).toBe(200);
    await waitFor(() => entries().some((e) => e.message === 'end a'));
    const mine = entries().filter((e) => / \(?a\)?$/.test(e.message));
    expect(mine.map((e) => e.message)).toEqual([
      'start a',
      'slack said invalid_auth for [redacted] (a)',
      'end a',
    ]);
    for (const e of mine) {
      expect(e[TRACE]).toBe(`projects/${PROJECT}/traces/${TRACE_A}`);
      expect(e[SPAN]).toBe((12345).toString(16).padStart(16, '0'));
      expect(e.slack).toBe('command /scrape-status');
    }
    expectNoSecret(lines);
  });

  it('two concurrent requests never mix their ids; one without a trace gets its own correlation id', async () => {
    const { log, lines, entries } = capture();
    const base = await start(log);
    await Promise.all([
      postSignedWithTrace(base, 'a', TRACE_A),
      postSignedWithTrace(base, 'b', TRACE_B),
      postSignedWithTrace(base, 'c'),
      postSignedWithTrace(base, 'd'),
    ]);
    await waitFor(() => ['a', 'b', 'c', 'd'].every((t) => entries().some((e) => e.message === `end ${t}`)));
    const of = (t: string) =>
      entries().filter((e) => e.message.endsWith(` ${t}`) || e.message.endsWith(`(${t})`));
    for (const e of of('a')) expect(e[TRACE]).toBe(`projects/${PROJECT}/traces/${TRACE_A}`);
    for (const e of of('b')) expect(e[TRACE]).toBe(`projects/${PROJECT}/traces/${TRACE_B}`);
    const idsC = new Set(of('c').map((e) => e.correlationId));
    const idsD = new Set(of('d').map((e) => e.correlationId));
    expect(of('c')).toHaveLength(3);
    expect(idsC.size).toBe(1);
    expect(idsD.size).toBe(1);
    expect([...idsC][0]).toEqual(expect.any(String));
    expect([...idsC][0]).not.toBe([...idsD][0]);
    for (const e of [...of('c'), ...of('d')]) expect(e[TRACE]).toBeUndefined();
    expectNoSecret(lines);
  });

  it("a task callback's lines carry its task name, retry item, incident and the item's correlation id", async () => {
    const { log, lines, entries } = capture();
    const { store, cleanup } = await tempDuckDbStore();
    try {
      const now = new Date('2026-01-20T12:00:00Z');
      const { item } = await createOrJoin(store, {
        kind: 'scraper',
        name: 'bdl_box_scores',
        date: '2026-01-19',
        reason: 'discrepancy',
        originalError: `401 with Bearer ${SERVICE_TOKEN}`,
        expectedRecords: null,
        nextRetryAt: now,
        incidentId: 'inc-7',
        correlationId: 'exec-42',
        now,
      });
      // Only what a task from an earlier cycle touches: the item in the Store, and the log.
      const recovery = { store, log } as unknown as RecoveryTaskServices;
      const base = await start(
        log,
        taskRoutes(recovery, () => ({ ok: true }) as never),
      );
      const taskName = 'projects/p/locations/l/queues/q/tasks/retry-bdl-1';
      const res = await fetch(`${base}/tasks/retry`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cloudtasks-taskname': taskName,
          'x-cloud-trace-context': `${TRACE_B}/9;o=1`,
          authorization: `Bearer ${SERVICE_TOKEN}`,
        },
        // A task from an earlier cycle: recovery logs that it ignores it, and the route logs the answer.
        body: JSON.stringify({
          itemId: retryItemId(item.scraper_name, item.target_date),
          attempt: 1,
          cycle: 'old',
        }),
      });
      expect(res.status).toBe(200);
      const taskLines = entries().filter((e) => e.task === taskName);
      expect(taskLines.map((e) => e.message)).toEqual([
        'retry task from an earlier cycle of the item: ignored',
        'task /tasks/retry → 200',
      ]);
      for (const e of taskLines)
        expect(e).toMatchObject({
          [TRACE]: `projects/${PROJECT}/traces/${TRACE_B}`,
          route: '/tasks/retry',
          incident: 'inc-7',
          itemCorrelationId: 'exec-42',
        });
      expectNoSecret(lines);
    } finally {
      await cleanup();
    }
  });
});

describe('scheduled runs', () => {
  it("each run's lines (gate, the job, its result) carry the job, the slot and the run's own id", async () => {
    const { log, lines, entries } = capture();
    const clock = new ManualClock('2026-01-20T13:59:30Z');
    const scheduler = createClockScheduler(
      [
        {
          name: 'scraper_gaps',
          cron: ['0 9 * * *'],
          run: async () => {
            await new Promise((r) => setTimeout(r, 5));
            log.info(`job body with ${SIGNING_SECRET}`);
          },
        },
      ],
      clock,
      {
        around: (job, slot, work) =>
          withLogContext({ ...newRunLogContext(PROJECT), job, slot: slot.toISOString() }, work),
        gate: async () => {
          log.debug('lease taken');
          return true;
        },
        onResult: () => log.info('job finished'),
      },
    );
    clock.advance(60_000);
    await scheduler.tick();
    await scheduler.stop();
    const run = entries();
    expect(run.map((e) => e.message)).toEqual(['lease taken', 'job body with [redacted]', 'job finished']);
    const traces = new Set(run.map((e) => e[TRACE]));
    expect(traces.size).toBe(1);
    for (const e of run) expect(e).toMatchObject({ job: 'scraper_gaps', slot: '2026-01-20T14:00:00.000Z' });
    expectNoSecret(lines);
  });
});

function postSignedWithTrace(base: string, text: string, trace?: string): Promise<Response> {
  return postSigned(`${base}/slack/events`, slashCommandBody('/scrape-status', text), {
    secret: SIGNING_SECRET,
    ...(trace ? { headers: { 'x-cloud-trace-context': `${trace}/12345;o=1` } } : {}),
  });
}

async function waitFor(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
