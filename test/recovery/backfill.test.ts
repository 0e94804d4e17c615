import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BackfillServices,
  type BackfillTaskServices,
  backfillDates,
  handleBackfillTask,
  parseBackfillTaskBody,
  startBackfill,
} from '../../src/recovery/backfill.js';
import * as runs from '../../src/recovery/backfill-runs.js';
import type { RecoveryTask } from '../../src/recovery/ports.js';
import * as audit from '../../src/store/audit.js';
import { recoveryConfig, testLogger } from '../support/services.js';
import { postedIncident, ScriptedScraper, setup } from './harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
const DATES = [
  '2026-01-13',
  '2026-01-14',
  '2026-01-15',
  '2026-01-16',
  '2026-01-17',
  '2026-01-18',
  '2026-01-19',
];

beforeEach(async () => {
  env = await setup('2026-01-20T14:00:00Z');
  for (const d of DATES) env.warehouse.expected.set(`bdl_box_scores|${d}`, 8);
});
afterEach(() => env.cleanup());

const deps = (): BackfillServices => ({
  store: env.store,
  chat: env.chat,
  clock: env.clock,
  tasks: env.tasks,
  operators: { isOperator: async (user) => user === 'UOPS', mentions: [] },
  config: recoveryConfig({ backfillMaxDays: 14 }),
  log: testLogger(),
});

const taskDeps = (scraper: ScriptedScraper): BackfillTaskServices => ({
  store: env.store,
  chat: env.chat,
  clock: env.clock,
  scraper,
  verifier: env.warehouse,
  config: recoveryConfig({ scraperTimeoutMs: 1000 }),
  // The service timeout plus a minute, as the runtime sets it.
  inFlightMs: 1000 + 60_000,
  log: testLogger(),
});

function bodyOf(task: RecoveryTask) {
  const body = parseBackfillTaskBody(task.body);
  if (!body) throw new Error('not a backfill body');
  return body;
}

const start = (incidentId: string | null, user = 'UOPS', requestId = 'view-1') =>
  startBackfill(deps(), {
    incidentId,
    scraper: 'bdl_box_scores',
    from: '2026-01-13',
    until: '2026-01-19',
    requestedBy: { user },
    reason: 'week of 502s',
    requestId,
  });

describe('Backfill', () => {
  it('7 dates → 7 tasks, progress edited in place ("3/7 dates done"), one summary at the end', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const started = await start(incidentId);
    expect(started).toMatchObject({ outcome: 'started', tasksCreated: 7, dates: DATES });
    expect(env.tasks.tasks.map((t) => [t.route, bodyOf(t).date])).toEqual(
      DATES.map((d) => ['/tasks/backfill', d]),
    );
    expect(env.chat.replies(alertTs).map((m) => m.text)).toEqual([
      ':hourglass_flowing_sand: Backfill bdl_box_scores: 0/7 dates done',
    ]);

    // The 6th date stays short of the schedule: 5 of 8 games.
    const scraper = new ScriptedScraper(env.warehouse, [8, 8, 8, 8, 8, 5, 8]);
    const tasks = [...env.tasks.tasks];
    for (const task of tasks.slice(0, 3)) await handleBackfillTask(taskDeps(scraper), bodyOf(task));
    const progress = env.chat.replies(alertTs)[0];
    expect(progress?.text).toBe(':hourglass_flowing_sand: Backfill bdl_box_scores: 3/7 dates done');
    expect(progress?.updates).toBe(3);

    const responses = [];
    for (const task of tasks.slice(3))
      responses.push(await handleBackfillTask(taskDeps(scraper), bodyOf(task)));
    expect(responses.map((r) => r.body.result)).toEqual(['done', 'done', 'failed', 'done']);
    expect(scraper.calls).toHaveLength(7);
    const replies = env.chat.replies(alertTs).map((m) => m.text);
    expect(replies).toEqual([
      ':hourglass_flowing_sand: Backfill bdl_box_scores: 7/7 dates done, 1 failed',
      ':warning: Backfill bdl_box_scores 2026-01-13 → 2026-01-19 finished by <@UOPS>: 6/7 dates recovered',
    ]);
    const summary = env.chat.replies(alertTs)[1];
    expect(JSON.stringify(summary?.blocks)).toContain('2026-01-18 (5/8)');
    const run = await runs.get(env.store, 'view-1');
    expect(run?.finished_at).toEqual(env.clock.now());

    // A redelivery of a finished date: no scrape, no second summary.
    const again = await handleBackfillTask(taskDeps(scraper), bodyOf(tasks[0] as RecoveryTask));
    expect(again).toMatchObject({ status: 200, body: { result: 'duplicate' } });
    expect(scraper.calls).toHaveLength(7);
    expect(env.chat.replies(alertTs)).toHaveLength(2);
  });

  it('a resubmitted request adds nothing; a non-operator is refused and nothing changes', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const denied = await start(incidentId, 'U2', 'view-x');
    expect(denied.outcome).toBe('denied');
    expect(env.tasks.tasks).toHaveLength(0);
    expect(await runs.get(env.store, 'view-x')).toBeUndefined();
    expect(env.chat.replies(alertTs)).toHaveLength(0);

    env.clock.advance(60_000);
    await start(incidentId);
    const second = await start(incidentId);
    expect(second).toMatchObject({ outcome: 'already_started', tasksCreated: 0 });
    expect(env.tasks.tasks).toHaveLength(7);
    expect(env.chat.replies(alertTs)).toHaveLength(1);
    const trail = await audit.listByIncident(env.store, incidentId);
    expect(trail.map((e) => [e.who, e.outcome])).toEqual([
      ['U2', 'denied'],
      ['UOPS', 'ok'],
    ]);
  });

  it('refuses ranges that are reversed, too long or not dates; unknown runs answer 404', async () => {
    expect(backfillDates('2026-01-19', '2026-01-13', 14)).toEqual({
      problem: '2026-01-19 is after 2026-01-13',
    });
    expect(backfillDates('2026-01-01', '2026-01-20', 14)).toEqual({
      problem: '20 days is more than the 14 one backfill may cover',
    });
    expect(backfillDates('2026-02-30', '2026-03-01', 14)).toMatchObject({ problem: expect.any(String) });
    expect(backfillDates('2026-02-27', '2026-03-01', 14)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    const scraper = new ScriptedScraper(env.warehouse, [8]);
    const response = await handleBackfillTask(taskDeps(scraper), { requestId: 'nope', date: '2026-01-19' });
    expect(response.status).toBe(404);
    expect(scraper.calls).toHaveLength(0);
    expect(parseBackfillTaskBody({ requestId: 'r', date: '2026-13-01' })).toBeUndefined();
  });
});
