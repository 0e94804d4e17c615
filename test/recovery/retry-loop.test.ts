import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentMessages } from '../../src/alerts/port.js';
import {
  handleRetryTask,
  parseRetryTaskBody,
  type RetryTaskServices,
} from '../../src/recovery/handle-retry-task.js';
import type { RecoveryTask } from '../../src/recovery/ports.js';
import { type RetryServices, requestRetry } from '../../src/recovery/request-retry.js';
import * as audit from '../../src/store/audit.js';
import * as incidents from '../../src/store/incidents.js';
import type { RetryItem } from '../../src/store/retry-queue.js';
import * as retryQueue from '../../src/store/retry-queue.js';
import { recoveryConfig, testIncidentMessages, testLogger } from '../support/services.js';
import {
  dmlWarehouse,
  ET,
  gapFinding,
  messageLogger,
  postedIncident,
  ScriptedScraper,
  setup,
} from './harness.js';

function bodyOf(task: RecoveryTask) {
  const body = parseRetryTaskBody(task.body);
  if (!body) throw new Error(`not a retry task body: ${JSON.stringify(task.body)}`);
  return body;
}

const HOUR = 3_600_000;
type Env = Awaited<ReturnType<typeof setup>>;

let env: Env;
beforeEach(async () => {
  env = await setup('2026-01-20T05:00:00Z'); // 00:00 ET
  env.warehouse.expected.set('bdl_box_scores|2026-01-19', 9);
  env.warehouse.received.set('bdl_box_scores|2026-01-19', 6);
});
afterEach(() => env.cleanup());

function retryDeps(): RetryServices {
  return {
    store: env.store,
    chat: env.chat,
    clock: env.clock,
    tasks: env.tasks,
    config: recoveryConfig({ backoffHours: [4, 12, 24], scraperTimeoutMs: 1_000 }),
    fmt: ET,
    log: testLogger(),
  };
}

/**
 * The retry task's services. The real incident messages, wrapped to record which incidents a retry edited:
 * `recovered` (resolveRecovered) and `exhausted` (refresh, which a retry calls only on exhaustion).
 */
function taskDeps(scraper: ScriptedScraper, extra: Partial<RetryTaskServices> = {}) {
  const recovered: string[] = [];
  const exhausted: string[] = [];
  const messages = testIncidentMessages(env);
  const incidentMessages: IncidentMessages = {
    ...messages,
    resolveRecovered: async (id) => {
      recovered.push(id);
      await messages.resolveRecovered(id);
    },
    refresh: async (id) => {
      exhausted.push(id);
      await messages.refresh(id);
    },
  };
  /** The scrape-event marks a recovery wrote (sql/recovery/mark_scrape_events_recovered.sql). */
  const marked: { file: string; params: unknown }[] = [];
  const deps: RetryTaskServices = {
    ...retryDeps(),
    scraper,
    processor: scraper,
    verifier: env.warehouse,
    warehouse: dmlWarehouse(async (file, params) => {
      marked.push({ file, params });
      return 2;
    }),
    // The service timeout plus a minute, as the runtime sets it.
    inFlightMs: 1_000 + 60_000,
    operators: { isOperator: async () => false, mentions: ['<@UOPS>'] },
    incidentMessages,
    ...extra,
  };
  return { deps, recovered, exhausted, marked };
}

/** Move the clock to the task's schedule time and deliver it as the queue would. */
async function deliver(deps: RetryTaskServices, task: RecoveryTask) {
  if (env.clock.now() < task.scheduleTime) env.clock.set(task.scheduleTime);
  return handleRetryTask(deps, { ...bodyOf(task), taskName: task.name });
}

async function clickRetry(incidentId: string, user = 'U1') {
  return requestRetry(retryDeps(), {
    incidentId,
    kind: 'scraper',
    name: 'bdl_box_scores',
    date: '2026-01-19',
    requestedBy: { user },
    reason: 'BDL has 6 of 9 games',
    expected: 9,
  });
}

const item = async (): Promise<RetryItem> => {
  const found = await retryQueue.get(env.store, 'bdl_box_scores_2026-01-19');
  if (!found) throw new Error('item missing');
  return found;
};

describe('Retry loop on the embedded store', () => {
  it('click → tasks at +4 h / +12 h → fails, then recovers → thread replies, incident resolved', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [6, 9], env.clock, 5 * 60_000);
    // The real resolveRecovered resolves the incident.
    const { deps, recovered, marked } = taskDeps(scraper);

    const click = await clickRetry(incidentId);
    expect(click.outcome).toBe('scheduled');
    expect(click.task).toBe('created');
    expect(env.tasks.tasks).toHaveLength(1);
    const first = env.tasks.last();
    expect(first.route).toBe('/tasks/retry');
    expect(first.scheduleTime.getTime() - Date.parse('2026-01-20T05:00:00Z')).toBe(4 * HOUR);
    expect(env.chat.replies(alertTs).map((m) => m.text)).toEqual([
      ':repeat: Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 04:00 ET by <@U1>',
    ]);

    const r1 = await deliver(deps, first);
    expect(r1).toMatchObject({
      status: 200,
      body: { result: 'attempted', outcome: 'partial', status: 'pending' },
    });
    expect(marked).toEqual([]); // not recovered yet
    expect(env.tasks.tasks).toHaveLength(2);
    const second = env.tasks.last();
    // 04:05 ET outcome + 12 h.
    expect(second.scheduleTime.toISOString()).toBe('2026-01-20T21:05:00.000Z');
    expect(env.chat.replies(alertTs).at(-1)?.text).toBe('Attempt 1: 6/9 games, next try 16:05 ET');

    const r2 = await deliver(deps, second);
    expect(r2).toMatchObject({ status: 200, body: { outcome: 'recovered', status: 'recovered' } });
    expect(env.tasks.tasks).toHaveLength(2);
    expect(env.chat.replies(alertTs).at(-1)?.text).toBe(
      ':white_check_mark: Recovered after 2 attempts (16 h 10 m): 9/9 games',
    );
    expect(recovered).toEqual([incidentId]);
    expect((await incidents.get(env.store, incidentId))?.status).toBe('resolved');
    expect(scraper.calls).toEqual([
      { scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } },
      { scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } },
    ]);
    const done = await item();
    expect(done.retry_history.map((a) => [a.attempt, a.result, a.records_received])).toEqual([
      [1, 'partial', 6],
      [2, 'recovered', 9],
    ]);
    expect(env.chat.replies(alertTs)).toHaveLength(3);
    // The pipeline's scrape event log hears of it: the failed events before the recovery are marked.
    expect(marked).toEqual([
      {
        file: 'recovery/mark_scrape_events_recovered.sql',
        params: {
          scraper_name: 'bdl_box_scores',
          target_date: '2026-01-19',
          recovered_at: done.recovered_at,
          recovery_event_id: `shotclock:retry:bdl_box_scores_2026-01-19:${done.created_at.getTime().toString(36)}`,
        },
      },
    ]);
    // A redelivery of the recovering attempt marks again, which the statement makes a no-op (NOT is_recovered).
    await deliver(deps, second);
    expect(marked).toHaveLength(2);
  });

  it('a failed mark in the warehouse is logged and the recovery stands', async () => {
    const { incidentId } = await postedIncident(env.store, env.chat, env.clock.now());
    const log = messageLogger();
    const { deps, recovered } = taskDeps(new ScriptedScraper(env.warehouse, [9]), {
      warehouse: dmlWarehouse(async () => {
        throw new Error('Access Denied: nba_monitoring.scrape_events');
      }),
      log,
    });
    await clickRetry(incidentId);
    const response = await deliver(deps, env.tasks.last());
    expect(response.body).toMatchObject({ outcome: 'recovered', status: 'recovered' });
    expect(recovered).toEqual([incidentId]);
    expect(log.messages).toContain('could not mark scrape events recovered; the retry stands');
  });

  it('shows the expected thread texts: next try 16:00 ET, recovered after 16 h 05 m when attempt 2 runs 5 min late', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [6, 9]);
    const { deps } = taskDeps(scraper);
    await clickRetry(incidentId);
    await deliver(deps, env.tasks.last());
    expect(env.chat.replies(alertTs).at(-1)?.text).toBe('Attempt 1: 6/9 games, next try 16:00 ET');
    const second = env.tasks.last();
    env.clock.set(new Date(second.scheduleTime.getTime() + 5 * 60_000)); // delivered 5 minutes late
    await deliver(deps, second);
    expect(env.chat.replies(alertTs).at(-1)?.text).toBe(
      ':white_check_mark: Recovered after 2 attempts (16 h 05 m): 9/9 games',
    );
  });

  it('exhausts after 3 attempts (+4 h, +12 h, +24 h), mentions operators, no fourth task', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [6, 6, new Error('HTTP 502 from balldontlie')]);
    const { deps, exhausted, recovered } = taskDeps(scraper);
    await clickRetry(incidentId);
    const start = env.clock.now().getTime();
    const gaps: number[] = [];
    let previous = start;
    for (let i = 0; i < 3; i++) {
      const task = env.tasks.last();
      gaps.push(task.scheduleTime.getTime() - previous);
      previous = task.scheduleTime.getTime();
      await deliver(deps, task);
    }
    expect(gaps).toEqual([4 * HOUR, 12 * HOUR, 24 * HOUR]);
    expect(env.tasks.tasks).toHaveLength(3);
    const texts = env.chat.replies(alertTs).map((m) => m.text);
    expect(texts.slice(1)).toEqual([
      'Attempt 1: 6/9 games, next try 16:00 ET',
      'Attempt 2: 6/9 games, next try Wed Jan 21 16:00 ET',
      ':sos: Exhausted after 3 attempts: 6/9 games, needs a person <@UOPS>',
    ]);
    expect(exhausted).toEqual([incidentId]);
    expect(recovered).toEqual([]);
    const done = await item();
    expect(done.status).toBe('exhausted');
    expect(done.retry_history[2]?.error).toBe('HTTP 502 from balldontlie');
  });

  it('10 deliveries of the same task → one scrape and one reply', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [6]);
    const { deps } = taskDeps(scraper);
    await clickRetry(incidentId);
    const task = env.tasks.last();
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await deliver(deps, task));
    expect(scraper.calls).toHaveLength(1);
    expect(env.warehouse.verifyCalls).toBe(1); // redeliveries find the reply posted and compose nothing
    expect(results.map((r) => r.body.result)).toEqual(['attempted', ...Array(9).fill('duplicate')]);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(env.chat.replies(alertTs)).toHaveLength(2); // scheduled + attempt 1
    expect(env.tasks.tasks).toHaveLength(2); // attempt 2 enqueued once, later ones 'exists'
  });

  it('10 concurrent deliveries → one scrape; the others answer 503 (later) while it runs', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [6]);
    const { deps } = taskDeps(scraper);
    await clickRetry(incidentId);
    const task = env.tasks.last();
    env.clock.set(task.scheduleTime);
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(deps, task)));
    expect(scraper.calls).toHaveLength(1);
    expect(results.filter((r) => r.body.result === 'attempted')).toHaveLength(1);
    expect(results.every((r) => [200, 503].includes(r.status))).toBe(true);
    expect(env.chat.replies(alertTs)).toHaveLength(2);
  });

  it('a crash between claim and reply is completed on redelivery without a second scrape', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [9]);
    const { deps, recovered } = taskDeps(scraper);
    await clickRetry(incidentId);
    const task = env.tasks.last();
    // The first delivery claims and scrapes, then its process dies before recording anything.
    const crashing: RetryTaskServices = {
      ...deps,
      store: {
        ...env.store,
        runTransaction: async (fn) => {
          // Dies after the scrape, before the outcome's transaction.
          if (scraper.calls.length === 1) throw new Error('process killed');
          return env.store.runTransaction(fn);
        },
      },
    };
    await expect(deliver(crashing, task)).rejects.toThrow('process killed');
    expect((await item()).retry_history[0]?.result).toBeNull();
    expect(scraper.calls).toHaveLength(1);

    // A quick redelivery finds the attempt still "running" elsewhere.
    expect((await deliver(deps, task)).status).toBe(503);
    // Later it finishes the attempt from the warehouse: the data the first scrape landed counts.
    env.clock.advance(10 * 60_000);
    const redelivered = await deliver(deps, task);
    expect(redelivered).toMatchObject({
      status: 200,
      body: { result: 'completed_after_interruption', outcome: 'recovered' },
    });
    expect(scraper.calls).toHaveLength(1);
    expect(
      env.chat
        .replies(alertTs)
        .map((m) => m.text)
        .at(-1),
    ).toMatch(/^:white_check_mark: Recovered after 1 attempt /);
    expect(recovered).toEqual([incidentId]);
  });

  it('a crash after the outcome was recorded: redelivery posts the missing reply and enqueues the next task', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [6]);
    const { deps } = taskDeps(scraper);
    await clickRetry(incidentId);
    const task = env.tasks.last();
    const dead = {
      ...deps,
      tasks: { enqueue: async () => Promise.reject(new Error('process killed')), close: async () => {} },
    };
    await expect(deliver(dead, task)).rejects.toThrow('process killed');
    expect((await item()).retry_history[0]?.result).toBe('partial');
    // The reply announcing the next try is written before its task is enqueued (causal order): only the
    // task is missing.
    expect(env.chat.replies(alertTs)).toHaveLength(2);

    const again = await deliver(deps, task);
    expect(again.body.result).toBe('duplicate');
    expect(scraper.calls).toHaveLength(1);
    expect(env.tasks.tasks).toHaveLength(2);
    expect(env.chat.replies(alertTs).map((m) => m.text)).toEqual([
      ':repeat: Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 04:00 ET by <@U1>',
      'Attempt 1: 6/9 games, next try 16:00 ET',
    ]);
  });

  it('a task for an unknown item → 404, logged, nothing changed', async () => {
    const scraper = new ScriptedScraper(env.warehouse, [9]);
    const log = messageLogger();
    const { deps } = taskDeps(scraper, { log });
    const before = await env.store.query('scrape_retry_queue', {});
    const response = await handleRetryTask(deps, { itemId: 'nope_2026-01-19', attempt: 1, taskName: 't1' });
    expect(response.status).toBe(404);
    expect(response.body.result).toBe('unknown_item');
    expect(await env.store.query('scrape_retry_queue', {})).toEqual(before);
    expect(scraper.calls).toHaveLength(0);
    expect(env.chat.messages).toHaveLength(0);
    expect(env.tasks.tasks).toHaveLength(0);
    expect(log.messages).toEqual(['retry task for an unknown item: nothing changed']);
  });

  it('a second click joins the item: no new task, no second reply, told it is already scheduled, audited', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    await clickRetry(incidentId, 'U1');
    env.clock.advance(60_000);
    const second = await clickRetry(incidentId, 'U2');
    expect(second.outcome).toBe('already_scheduled');
    expect(second.task).toBe('exists');
    expect(second.ephemeral.text).toBe(
      'A retry for bdl_box_scores 2026-01-19 is already in progress: attempt 1/3 is scheduled 04:00 ET. Nothing new was scheduled.',
    );
    expect(env.tasks.tasks).toHaveLength(1);
    expect(env.chat.replies(alertTs)).toHaveLength(1);
    const trail = await audit.listByIncident(env.store, incidentId);
    expect(trail.map((e) => [e.who, e.action, e.outcome])).toEqual([
      ['U1', 'retry', 'ok'],
      ['U2', 'retry', 'ignored'],
    ]);
  });

  it('a retry by a policy is posted as done by shotclock (policy NAME) and audited as system', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    await requestRetry(retryDeps(), {
      incidentId,
      kind: 'scraper',
      name: 'bdl_box_scores',
      date: '2026-01-19',
      requestedBy: { policy: 'retry-discrepancies' },
      reason: 'auto',
      expected: 9,
    });
    expect(env.chat.replies(alertTs)[0]?.text).toBe(
      ':repeat: Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 04:00 ET by shotclock (policy retry-discrepancies)',
    );
    const [entry] = await audit.listByIncident(env.store, incidentId);
    expect(entry).toMatchObject({ who: 'system', details: { policy: 'retry-discrepancies' } });
  });

  it('a finished item that fails again starts a new cycle with fresh task names; old tasks are ignored', async () => {
    const { incidentId } = await postedIncident(env.store, env.chat, env.clock.now());
    const scraper = new ScriptedScraper(env.warehouse, [9, 9]);
    const { deps } = taskDeps(scraper);
    await clickRetry(incidentId);
    const old = env.tasks.last();
    await deliver(deps, old);
    expect((await item()).status).toBe('recovered');
    env.clock.advance(48 * HOUR);
    const again = await clickRetry(incidentId);
    expect(again.outcome).toBe('scheduled');
    expect(env.tasks.tasks).toHaveLength(2);
    expect(env.tasks.last().name).not.toBe(old.name);
    expect((await deliver(deps, old)).body.result).toBe('stale');
    expect(scraper.calls).toHaveLength(1);
  });

  it('a scraper that hangs is cut off at the timeout and the attempt counts as failed', async () => {
    const { incidentId } = await postedIncident(env.store, env.chat, env.clock.now());
    env.warehouse.received.set('bdl_box_scores|2026-01-19', 0);
    const hanging = {
      scrape: () => new Promise<never>(() => {}),
      run: () => new Promise<never>(() => {}),
    };
    const { deps } = taskDeps(new ScriptedScraper(env.warehouse, [0]), {
      scraper: hanging,
      config: recoveryConfig({ backoffHours: [4, 12, 24], scraperTimeoutMs: 50 }),
    });
    await clickRetry(incidentId);
    const response = await deliver(deps, env.tasks.last());
    expect(response.body.outcome).toBe('failed');
    expect((await item()).retry_history[0]?.error).toBe('timed out after 50 ms');
  });
});

describe('Retry for processors', () => {
  it('calls the processor service with the attempt number and recovers when the warehouse shows enough records', async () => {
    const finding = {
      ...gapFinding('upcoming_player_game_context', '2026-01-19'),
      check: 'phase3_completion',
      key: 'phase3_completion:upcoming_player_game_context:2026-01-19',
    };
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now(), finding);
    env.warehouse.expected.set('upcoming_player_game_context|2026-01-19', 240);
    env.warehouse.units.set('upcoming_player_game_context', 'players');
    const processor = new ScriptedScraper(env.warehouse, [31, 250]);
    const { deps, recovered, marked } = taskDeps(processor);
    await requestRetry(retryDeps(), {
      incidentId,
      kind: 'processor',
      name: 'upcoming_player_game_context',
      date: '2026-01-19',
      requestedBy: { policy: 'phase3-critical' },
      reason: 'too few players',
      expected: 240,
    });
    const start = env.clock.now().getTime();
    const first = env.tasks.last();
    await deliver(deps, first);
    const second = env.tasks.last();
    await deliver(deps, second);
    // Processors run on their own clock: 30 min apart, not the scrapers' 4 h / 12 h.
    expect([first, second].map((t) => (t.scheduleTime.getTime() - start) / 60_000)).toEqual([30, 60]);
    const stored = await retryQueue.get(env.store, 'upcoming_player_game_context_2026-01-19');
    expect(stored?.backoff_minutes).toEqual([30, 30, 30]);
    expect(processor.calls).toEqual([
      { processor_name: 'upcoming_player_game_context', game_date: '2026-01-19', attempt: 1 },
      { processor_name: 'upcoming_player_game_context', game_date: '2026-01-19', attempt: 2 },
    ]);
    expect(recovered).toEqual([incidentId]);
    expect(env.chat.replies(alertTs).map((m) => m.text)).toEqual([
      ':repeat: Retry 1/3 for upcoming_player_game_context 2026-01-19 scheduled 00:30 ET by shotclock (policy phase3-critical)',
      'Attempt 1: 31/240 players, next try 01:00 ET',
      ':white_check_mark: Recovered after 2 attempts (1 h 00 m): 250/240 players',
    ]);
    expect(JSON.stringify(env.chat.replies(alertTs)[0])).toContain(
      'processor backoff 30 min / 30 min / 30 min',
    );
    expect(marked).toEqual([]); // processors write no scrape events
  });
});
