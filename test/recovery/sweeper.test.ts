import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  handleRetryTask,
  parseRetryTaskBody,
  type RetryTaskServices,
} from '../../src/recovery/handle-retry-task.js';
import type { RecoveryTask } from '../../src/recovery/ports.js';
import { requestRetry } from '../../src/recovery/request-retry.js';
import { sweepRetries } from '../../src/recovery/sweeper.js';
import * as retryQueue from '../../src/store/retry-queue.js';
import type { TaskQueue } from '../../src/tasks/port.js';
import { recoveryConfig, testIncidentMessages, testLogger } from '../support/services.js';
import { dmlWarehouse, ET, postedIncident, ScriptedScraper, setup } from './harness.js';

function bodyOf(task: RecoveryTask) {
  const body = parseRetryTaskBody(task.body);
  if (!body) throw new Error(`not a retry task body: ${JSON.stringify(task.body)}`);
  return body;
}

const HOUR = 3_600_000;
const MIN = 60_000;
type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;

beforeEach(async () => {
  env = await setup('2026-01-20T05:00:00Z');
  env.warehouse.expected.set('bdl_box_scores|2026-01-19', 9);
});
afterEach(() => env.cleanup());

const base = () => ({
  store: env.store,
  chat: env.chat,
  clock: env.clock,
  config: recoveryConfig({ backoffHours: [4, 12, 24], scraperTimeoutMs: 1000 }),
  fmt: ET,
  log: testLogger(),
});

/** What a retry task uses besides base(): the services, and the incident messages it edits. */
const taskServices = (scraper: ScriptedScraper) => ({
  tasks: env.tasks,
  scraper,
  processor: scraper,
  verifier: env.warehouse,
  warehouse: dmlWarehouse(async () => 0),
  operators: { isOperator: async () => false, mentions: [] },
  incidentMessages: testIncidentMessages(env),
});

async function click(incidentId: string, tasks: TaskQueue = env.tasks) {
  return requestRetry(
    { ...base(), tasks },
    {
      incidentId,
      kind: 'scraper',
      name: 'bdl_box_scores',
      date: '2026-01-19',
      requestedBy: { user: 'U1' },
      reason: 'gap',
      expected: 9,
    },
  );
}

const deliver = (deps: RetryTaskServices, task: RecoveryTask) =>
  handleRetryTask(deps, { ...bodyOf(task), taskName: task.name });

describe('retry sweeper', () => {
  it('re-enqueues an attempt whose task was lost, once per slot, only after the grace period', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const lost = { enqueue: async () => 'created' as const, close: async () => {} }; // the queue forgot it
    await click(incidentId, lost);
    expect(env.tasks.tasks).toHaveLength(0);
    const sweep = () =>
      sweepRetries({
        store: env.store,
        clock: env.clock,
        tasks: env.tasks,
        inFlightMs: 2 * MIN,
        log: testLogger(),
      });

    env.clock.advance(4 * HOUR + 5 * MIN); // due, but within the grace period
    expect((await sweep()).overdue).toEqual([]);
    env.clock.advance(15 * MIN);
    expect(await sweep()).toEqual({ overdue: ['bdl_box_scores_2026-01-19'], interrupted: [], created: 1 });
    expect(await sweep()).toMatchObject({ created: 0 }); // same slot, another instance: 'exists'
    expect(env.tasks.tasks).toHaveLength(1);

    const scraper = new ScriptedScraper(env.warehouse, [9]);
    const deps: RetryTaskServices = {
      ...base(),
      ...taskServices(scraper),
      // The service timeout plus a minute, as the runtime sets it.
      inFlightMs: 1000 + 60_000,
    };
    const response = await deliver(deps, env.tasks.last());
    expect(response.body).toMatchObject({ result: 'attempted', outcome: 'recovered' });
    expect(env.chat.replies(alertTs)).toHaveLength(2);
    expect((await sweep()).overdue).toEqual([]);
  });

  it('finishes an attempt a crashed delivery left claimed, without a second scrape', async () => {
    const { incidentId } = await postedIncident(env.store, env.chat, env.clock.now());
    await click(incidentId);
    const task = env.tasks.last();
    env.clock.set(task.scheduleTime);
    await retryQueue.claimAttempt(env.store, 'bdl_box_scores_2026-01-19', 1, task.name, env.clock.now());
    env.warehouse.received.set('bdl_box_scores|2026-01-19', 9); // the crashed scrape had landed the data
    const sweep = () =>
      sweepRetries({
        store: env.store,
        clock: env.clock,
        tasks: env.tasks,
        inFlightMs: 2 * MIN,
        log: testLogger(),
      });
    expect((await sweep()).interrupted).toEqual([]);
    env.clock.advance(20 * MIN);
    expect((await sweep()).interrupted).toEqual(['bdl_box_scores_2026-01-19']);
    const scraper = new ScriptedScraper(env.warehouse, [9]);
    const response = await deliver(
      { ...base(), ...taskServices(scraper), inFlightMs: 2 * MIN },
      env.tasks.last(),
    );
    expect(response.body).toMatchObject({ result: 'completed_after_interruption', outcome: 'recovered' });
    expect(scraper.calls).toHaveLength(0);
  });
});
