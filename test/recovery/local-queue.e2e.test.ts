// The whole loop on the embedded adapters: the real local task queue (DuckDB) delivers the named tasks at
// their schedule time by the injected clock, through a fetch that plays the bot's /tasks/* routes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { requestRetry } from '../../src/recovery/request-retry.js';
import { handleRecoveryTask, type RecoveryTaskServices } from '../../src/recovery/task-routes.js';
import { createDuckDbStore } from '../../src/store/duckdb.js';
import type { DocumentStore } from '../../src/store/port.js';
import * as retryQueue from '../../src/store/retry-queue.js';
import { createLocalTaskQueue, type LocalTaskQueue } from '../../src/tasks/local.js';
import { verifyLocalTaskCaller } from '../../src/tasks/verify.js';
import { FakeChat } from '../support/fake-chat.js';
import { recoveryConfig, testIncidentMessages, testLogger } from '../support/services.js';
import { dmlWarehouse, ET, FakeWarehouseState, postedIncident, ScriptedScraper } from './harness.js';

const SECRET = 'local-secret';
const HOUR = 3_600_000;

let dir: string;
let instance: DuckDBInstance;
let store: DocumentStore;
let queue: LocalTaskQueue;
let clock: ManualClock;
let chat: FakeChat;
let warehouse: FakeWarehouseState;
let scraper: ScriptedScraper;
let statuses: number[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shotclock-recovery-'));
  instance = await DuckDBInstance.create(join(dir, 'db.duckdb'));
  store = await createDuckDbStore(await instance.connect());
  clock = new ManualClock('2026-01-20T05:00:00Z');
  chat = new FakeChat();
  warehouse = new FakeWarehouseState();
  warehouse.expected.set('bdl_box_scores|2026-01-19', 9);
  warehouse.received.set('bdl_box_scores|2026-01-19', 6);
  scraper = new ScriptedScraper(warehouse, [new Error('HTTP 502 from balldontlie'), 9]);
  statuses = [];
  let deps: RecoveryTaskServices | undefined;
  // The bot's /tasks/* routes as its HTTP layer wires them: caller check, JSON body, task name header.
  const routes: typeof fetch = async (url, init) => {
    const headers = new Headers(init?.headers);
    const caller = verifyLocalTaskCaller(headers, SECRET);
    if (!caller.ok) return new Response(caller.reason, { status: caller.status });
    if (!deps) throw new Error('deps not ready');
    const response = await handleRecoveryTask(deps, {
      route: new URL(String(url)).pathname,
      body: JSON.parse(String(init?.body)),
      taskName: headers.get('x-cloudtasks-taskname') ?? '',
    });
    statuses.push(response.status);
    return new Response(JSON.stringify(response.body), { status: response.status });
  };
  queue = await createLocalTaskQueue({
    connection: await instance.connect(),
    clock,
    baseUrl: 'http://bot.invalid',
    secret: SECRET,
    fetch: routes,
    maxAttempts: 5,
    pollMs: 60_000,
  });
  deps = {
    store,
    chat,
    clock,
    fmt: ET,
    tasks: queue,
    scraper,
    processor: scraper,
    verifier: warehouse,
    warehouse: dmlWarehouse(async () => 0),
    config: recoveryConfig({ backoffHours: [4, 12, 24], scraperTimeoutMs: 1000 }),
    // The service timeout plus a minute, as the runtime sets it.
    inFlightMs: 1000 + 60_000,
    operators: { isOperator: async () => false, mentions: ['<@UOPS>'] },
    incidentMessages: testIncidentMessages({ store, chat, clock }),
    log: testLogger(),
  };
});

afterEach(async () => {
  await queue.stop();
  await queue.close();
  await store.close();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('Retry loop through the local task queue', () => {
  it('click → +4 h fails → +12 h recovers; nothing runs early; thread tells the story', async () => {
    const { incidentId, alertTs } = await postedIncident(store, chat, clock.now());
    await requestRetry(
      {
        store,
        chat,
        clock,
        tasks: queue,
        config: recoveryConfig({ backoffHours: [4, 12, 24] }),
        fmt: ET,
        log: testLogger(),
      },
      {
        incidentId,
        kind: 'scraper',
        name: 'bdl_box_scores',
        date: '2026-01-19',
        requestedBy: { user: 'U1' },
        reason: 'BDL 6/9',
        expected: 9,
      },
    );
    clock.advance(4 * HOUR - 60_000);
    await queue.drain();
    expect(scraper.calls).toHaveLength(0);
    clock.advance(60_000);
    await queue.drain();
    expect(scraper.calls).toHaveLength(1);
    clock.advance(12 * HOUR - 60_000);
    await queue.drain();
    expect(scraper.calls).toHaveLength(1);
    clock.advance(60_000);
    await queue.drain();
    expect(scraper.calls).toHaveLength(2);
    expect(statuses).toEqual([200, 200]);
    expect(chat.replies(alertTs).map((m) => m.text)).toEqual([
      ':repeat: Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 04:00 ET by <@U1>',
      'Attempt 1: 6/9 games (HTTP 502 from balldontlie), next try 16:00 ET',
      ':white_check_mark: Recovered after 2 attempts (16 h 00 m): 9/9 games',
    ]);
    expect((await retryQueue.get(store, 'bdl_box_scores_2026-01-19'))?.status).toBe('recovered');
  });
});
