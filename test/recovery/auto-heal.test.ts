// Auto-heal end to end on the embedded store: a check run's findings → the policies act without a
// click → the retry/backfill/reset paths → thread replies "by shotclock (policy NAME)" → recovery resolves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverRun } from '../../src/alerts/deliver.js';
import { groupFanOut } from '../../src/alerts/fan-out.js';
import type { Finding } from '../../src/jobs/finding.js';
import { type AutoHealServices, runAutoHeal } from '../../src/recovery/auto-heal.js';
import { handleBackfillTask, parseBackfillTaskBody } from '../../src/recovery/backfill.js';
import {
  handleRetryTask,
  parseRetryTaskBody,
  type RetryTaskServices,
} from '../../src/recovery/handle-retry-task.js';
import { type AutoHealPolicy, DEFAULT_POLICIES, type QuietHours } from '../../src/recovery/policies.js';
import { BACKFILL_ROUTE, RETRY_ROUTE, type RecoveryTask } from '../../src/recovery/ports.js';
import * as audit from '../../src/store/audit.js';
import * as incidents from '../../src/store/incidents.js';
import { recoveryConfig, testIncidentMessages, testLogger } from '../support/services.js';
import { dmlWarehouse, ET, gapFinding, ScriptedScraper, setup } from './harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
const executed: { file: string; params: unknown }[] = [];

beforeEach(async () => {
  env = await setup('2026-01-20T11:00:00Z'); // 06:00 ET
  env.warehouse.expected.set('bdl_box_scores|2026-01-19', 9);
  env.warehouse.received.set('bdl_box_scores|2026-01-19', 6);
  executed.length = 0;
});
afterEach(() => env.cleanup());

/** The incident messages on the test's store, with these policies (an alert they cover offers Pause). */
const messages = (policies: readonly AutoHealPolicy[] = DEFAULT_POLICIES) =>
  testIncidentMessages(env, policies);

function healDeps(
  policies: readonly AutoHealPolicy[] = DEFAULT_POLICIES,
  quietHours: QuietHours | null = null,
): AutoHealServices {
  return {
    store: env.store,
    chat: env.chat,
    clock: env.clock,
    tasks: env.tasks,
    warehouse: dmlWarehouse(async (file, params) => {
      executed.push({ file, params });
      return 1;
    }),
    fmt: ET,
    config: {
      ...recoveryConfig({ backoffHours: [4, 12, 24], backfillMaxDays: 14 }),
      autoHeal: { policies, quietHours },
    },
    // A policy is not a person: Backfill and Reset Breaker ask about operators only for a user.
    operators: { isOperator: async () => false, mentions: [] },
    incidentMessages: messages(policies),
    stopSignal: new AbortController().signal,
    log: testLogger(),
  };
}

/** A check run: deliver the findings (alerts posted), then auto-heal, as runCheckJob does. */
async function checkRun(findings: Finding[], policies = DEFAULT_POLICIES) {
  await deliverRun(
    {
      store: env.store,
      chat: env.chat,
      clock: env.clock,
      incidentMessages: messages(policies),
      routing: { defaultChannel: 'C_ALERTS' },
      log: testLogger(),
      stopSignal: new AbortController().signal,
    },
    { findings, checksRan: [...new Set(findings.map((f) => f.check))] },
  );
  return runAutoHeal(healDeps(policies), findings);
}

function taskDeps(service: ScriptedScraper): RetryTaskServices {
  return {
    store: env.store,
    chat: env.chat,
    clock: env.clock,
    tasks: env.tasks,
    config: recoveryConfig({ backoffHours: [4, 12, 24], scraperTimeoutMs: 1_000 }),
    fmt: ET,
    scraper: service,
    processor: service,
    verifier: env.warehouse,
    warehouse: dmlWarehouse(async () => 0),
    // The service timeout plus a minute, as the runtime sets it.
    inFlightMs: 1_000 + 60_000,
    operators: { isOperator: async () => false, mentions: ['<@UOPS>'] },
    incidentMessages: messages(),
    log: testLogger(),
  };
}

/** Deliver the newest retry task when it is due, as the queue would. */
async function deliverRetry(service: ScriptedScraper) {
  const task = env.tasks.byRoute(RETRY_ROUTE).at(-1) as RecoveryTask;
  if (env.clock.now() < task.scheduleTime) env.clock.set(task.scheduleTime);
  const body = parseRetryTaskBody(task.body);
  if (!body) throw new Error('bad task body');
  return handleRetryTask(taskDeps(service), { ...body, taskName: task.name });
}

/** The key of the alert a finding is delivered as (a grouped check's finding is one of its group). */
const alertKey = (f: Finding) => groupFanOut([f])[0]?.key ?? f.key;

async function alertOf(key: string) {
  const incident = (await incidents.findOpenByKey(env.store, key)) ?? undefined;
  const ts = incident?.message?.ts;
  if (!ts) throw new Error(`no alert for ${key}`);
  return { incident, ts, message: () => env.chat.messages.find((m) => m.ts === ts) };
}

const phase3: Finding = {
  check: 'phase3_completion',
  key: 'phase3_completion:upcoming_player_game_context:2026-01-20',
  severity: 'critical',
  title: 'Phase 3 critical processor upcoming_player_game_context has no successful run for 2026-01-20',
  subject: { processor: 'upcoming_player_game_context', date: '2026-01-20' },
  facts: { expected_records: 240 },
  actions: [{ kind: 'retry', processor: 'upcoming_player_game_context', date: '2026-01-20' }],
};

describe('auto-heal policies on a check run', () => {
  it('retries a discrepancy without a click, says so in the thread, and recovers', async () => {
    const finding = gapFinding();
    const report = await checkRun([finding]);
    expect(report.done).toEqual([
      {
        policy: 'retry-discrepancy',
        subject: finding.key,
        action: 'retry',
        incidentId: expect.any(String),
        outcome: 'scheduled',
      },
    ]);
    const { ts, message, incident } = await alertOf(finding.key);
    expect(env.chat.replies(ts).map((m) => m.text)).toEqual([
      ':repeat: Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 10:00 ET by shotclock (policy retry-discrepancy)',
    ]);
    // The alert offers Pause auto-heal (a policy covers it) and shows the scheduled retry.
    expect(JSON.stringify(message()?.blocks)).toContain('Pause auto-heal');

    // The next run of the same slot (another instance, a rerun) adds nothing while the retry runs.
    const again = await checkRun([finding]);
    expect(again.done).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['in_progress']);
    expect(env.tasks.byRoute(RETRY_ROUTE)).toHaveLength(1);

    await deliverRetry(new ScriptedScraper(env.warehouse, [9]));
    expect((await incidents.get(env.store, incident.id))?.status).toBe('resolved');
    expect(env.chat.replies(ts).at(-1)?.text).toMatch(/Recovered after 1 attempt .*9\/9 games/);
    const trail = await audit.listByIncident(env.store, incident.id);
    expect(trail.filter((e) => e.who === 'system').map((e) => [e.action, e.details.policy])).toEqual([
      ['autoheal', 'retry-discrepancy'],
      ['retry', 'retry-discrepancy'],
    ]);
  });

  it('a processor retry recovers phase 3 and resolves the incident', async () => {
    env.warehouse.expected.set('upcoming_player_game_context|2026-01-20', 240);
    env.warehouse.units.set('upcoming_player_game_context', 'players');
    const report = await checkRun([phase3]);
    expect(report.done.map((d) => [d.policy, d.action, d.outcome])).toEqual([
      ['retry-phase3-critical', 'retry', 'scheduled'],
    ]);
    const { ts, incident } = await alertOf(phase3.key);
    const processor = new ScriptedScraper(env.warehouse, [31, 250]);
    await deliverRetry(processor);
    await deliverRetry(processor);
    expect(processor.calls).toEqual([
      { processor_name: 'upcoming_player_game_context', game_date: '2026-01-20', attempt: 1 },
      { processor_name: 'upcoming_player_game_context', game_date: '2026-01-20', attempt: 2 },
    ]);
    expect((await incidents.get(env.store, incident.id))?.status).toBe('resolved');
    expect(env.chat.replies(ts).map((m) => m.text)).toEqual([
      // Processors on their own clock (30 min apart), before the day's predictions, not the scrapers' 4 h / 12 h.
      ':repeat: Retry 1/3 for upcoming_player_game_context 2026-01-20 scheduled 06:30 ET by shotclock (policy retry-phase3-critical)',
      'Attempt 1: 31/240 players, next try 07:00 ET',
      ':white_check_mark: Recovered after 2 attempts (1 h 00 m): 250/240 players',
    ]);
    // A warning (optional processor) is not covered by the critical-only policy.
    const optional = { ...phase3, key: 'phase3_completion:x:2026-01-20', severity: 'warning' as const };
    expect((await checkRun([optional])).done).toEqual([]);
  });

  it('a policy limit stops a fourth auto-action on the same subject in a day', async () => {
    const finding = gapFinding();
    const scraper = new ScriptedScraper(env.warehouse, [9]);
    const outcomes: string[] = [];
    for (let run = 0; run < 4; run++) {
      // The gap is back (the data went missing again) when the next check runs.
      env.warehouse.received.set('bdl_box_scores|2026-01-19', 6);
      const report = await checkRun([finding]);
      outcomes.push(report.done[0]?.outcome ?? report.skipped[0]?.reason ?? 'none');
      if (report.done.length) await deliverRetry(scraper);
    }
    // 06:00, 10:00, 14:00 ET: three cycles; 18:00 ET: the fourth is refused by the limit.
    expect(outcomes).toEqual(['scheduled', 'scheduled', 'scheduled', 'limit']);
    expect(scraper.calls).toHaveLength(3);
    expect(env.tasks.byRoute(RETRY_ROUTE)).toHaveLength(3);
    // A new ET day starts a new count.
    env.clock.set(new Date('2026-01-21T05:30:00Z'));
    expect((await checkRun([finding])).done.map((d) => d.outcome)).toEqual(['scheduled']);
  });

  it('Pause auto-heal stops further auto-actions for that incident', async () => {
    const breakers: Finding = {
      check: 'circuit_breakers',
      key: 'circuit_breakers:player_game_summary',
      severity: 'warning',
      title: 'player_game_summary: 2 entity breakers tripped',
      subject: { processor: 'player_game_summary' },
      facts: { tripped: 2, auto_reset_candidates: 2 },
      actions: [
        {
          kind: 'reset_breaker',
          breaker: 'entity',
          processor: 'player_game_summary',
          entities: ['LAC', 'WAS'],
        },
      ],
    };
    expect((await checkRun([breakers])).done.map((d) => [d.policy, d.outcome])).toEqual([
      ['breaker-data-arrived', 'reset'],
    ]);
    expect(executed).toHaveLength(1);
    const { incident, ts, message } = await alertOf(breakers.key);
    expect(
      env.chat
        .replies(ts)
        .map((m) => m.text)
        .join('\n'),
    ).toContain('by shotclock (policy breaker-data-arrived)');

    // A person pauses (the button's handler sets the flag: test/bot/actions.test.ts).
    await incidents.update(env.store, incident.id, { auto_heal_paused: true });
    await messages().refresh(incident.id);
    expect(JSON.stringify(message()?.blocks)).not.toContain('Pause auto-heal');
    env.clock.advance(4 * 3_600_000);
    const report = await checkRun([breakers, gapFinding()]);
    expect(report.skipped.map((s) => [s.policy.name, s.reason])).toEqual([
      ['breaker-data-arrived', 'paused'],
    ]);
    // Other incidents are not paused.
    expect(report.done.map((d) => d.policy)).toEqual(['retry-discrepancy']);
    expect(executed).toHaveLength(1);
  });

  it('backfills boxscore gaps once they are 6 h old, announced in the thread', async () => {
    const finding: Finding = {
      check: 'boxscore_completeness',
      key: 'boxscore_completeness:LAL',
      severity: 'critical',
      title: 'LAL has no box score for 2026-01-19',
      subject: { team: 'LAL' },
      facts: { missing_dates: ['2026-01-17', '2026-01-19'] },
      actions: [
        { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-17', until: '2026-01-19' },
      ],
    };
    env.clock.set(new Date('2026-01-20T09:30:00Z')); // 04:30 ET: 2026-01-19 ended 4.5 h ago
    const early = await checkRun([finding]);
    expect(early.done.map((d) => d.outcome)).toEqual(['started']);
    // Only the dates whose gap is 6 h old: 17 and 18.
    expect(env.tasks.byRoute(BACKFILL_ROUTE).map((t) => (t.body as { date: string }).date)).toEqual([
      '2026-01-17',
      '2026-01-18',
    ]);
    // Box-score findings are one alert per shared cause (the missing dates), keyed by it.
    const { ts } = await alertOf(alertKey(finding));
    expect(env.chat.replies(ts).map((m) => m.text)).toContain(
      ':robot_face: Backfill of bdl_player_box_scores 2026-01-17 → 2026-01-18 started by shotclock (policy backfill-boxscores)',
    );
    // While that backfill runs, the next run waits for it.
    env.clock.set(new Date('2026-01-20T11:00:00Z'));
    expect((await checkRun([finding])).skipped.map((s) => s.reason)).toEqual(['in_progress']);
  });

  // The demo's thread read "… finished: 1/3 dates recovered" above "Backfill … started": the local queue ran
  // the tasks before auto-heal wrote its reply. A queue that runs each task the moment it is enqueued:
  it('announces an action in the thread before its work can finish, even on a queue that runs it at once', async () => {
    const service = new ScriptedScraper(env.warehouse, [9]);
    const eager = env.tasks;
    const enqueue = eager.enqueue.bind(eager);
    eager.enqueue = async (task) => {
      const outcome = await enqueue(task);
      if (task.route === BACKFILL_ROUTE) {
        const body = parseBackfillTaskBody(task.body);
        if (body) await handleBackfillTask(taskDeps(service), body);
      } else {
        const body = parseRetryTaskBody(task.body);
        if (body) await handleRetryTask(taskDeps(service), { ...body, taskName: task.name });
      }
      return outcome;
    };
    const boxscores: Finding = {
      check: 'boxscore_completeness',
      key: 'boxscore_completeness:LAL',
      severity: 'error',
      title: 'LAL box scores cover 50% of 6 final games',
      subject: { team: 'LAL' },
      facts: { missing_dates: ['2026-01-17', '2026-01-18'] },
      actions: [
        { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-17', until: '2026-01-18' },
      ],
    };
    env.warehouse.expected.set('bdl_player_box_scores|2026-01-17', 9);
    env.warehouse.expected.set('bdl_player_box_scores|2026-01-18', 9);
    const zero = DEFAULT_POLICIES;
    await deliverRun(
      {
        store: env.store,
        chat: env.chat,
        clock: env.clock,
        incidentMessages: messages(zero),
        routing: { defaultChannel: 'C_ALERTS' },
        log: testLogger(),
        stopSignal: new AbortController().signal,
      },
      { findings: [boxscores, gapFinding()], checksRan: ['boxscore_completeness', 'source_discrepancy'] },
    );
    const backfillAlert = (await alertOf(alertKey(boxscores))).ts;
    const retryAlert = (await alertOf(gapFinding().key)).ts;
    const deps = healDeps(zero);
    // Retries due at once (no backoff), so the first attempt runs inside the enqueue too.
    const report = await runAutoHeal(
      { ...deps, config: { ...deps.config, recovery: { ...deps.config.recovery, backoffHours: [0, 0, 0] } } },
      [boxscores, gapFinding()],
    );
    expect(report.done.map((d) => [d.action, d.outcome])).toEqual([
      ['retry', 'scheduled'],
      ['backfill', 'started'],
    ]);
    const backfill = env.chat.replies(backfillAlert).map((m) => m.text);
    expect(backfill[0]).toMatch(/^:robot_face: Backfill of bdl_player_box_scores .* started by shotclock/);
    expect(backfill.findIndex((t) => /finished/i.test(t))).toBeGreaterThan(0);
    const retry = env.chat.replies(retryAlert).map((m) => m.text);
    expect(retry[0]).toMatch(/^:repeat: Retry 1\/3 .* scheduled/);
    expect(retry.at(-1)).toMatch(/Recovered after 1 attempt/);
  });

  it('two instances running the same slot take each action once', async () => {
    const finding = gapFinding();
    await checkRun([finding]);
    const [a, b] = await Promise.all([runAutoHeal(healDeps(), [phase3]), runAutoHeal(healDeps(), [phase3])]);
    expect([...a.done, ...b.done]).toHaveLength(1);
    expect(env.tasks.byRoute(RETRY_ROUTE)).toHaveLength(2);
  });

  it('on shutdown, leaves the actions not started yet to the next run', async () => {
    const stop = new AbortController();
    stop.abort();
    const report = await runAutoHeal({ ...healDeps(), stopSignal: stop.signal }, [gapFinding()]);
    expect(report.done).toEqual([]);
    expect(env.tasks.tasks).toEqual([]);
    // Nothing was claimed: the next run takes it as the day's first.
    expect((await runAutoHeal(healDeps(), [gapFinding()])).done.map((d) => d.outcome)).toEqual(['scheduled']);
  });

  it('does nothing during quiet hours and acts at the first run after them', async () => {
    const deps = healDeps(DEFAULT_POLICIES, { start: 60, end: 300, text: '01:00-05:00' });
    env.clock.set(new Date('2026-01-20T08:00:00Z')); // 03:00 ET
    const quiet = await runAutoHeal(deps, [gapFinding()]);
    expect(quiet.skipped.map((s) => s.reason)).toEqual(['quiet_hours']);
    expect(env.tasks.tasks).toEqual([]);
    env.clock.set(new Date('2026-01-20T10:00:00Z')); // 05:00 ET
    expect((await runAutoHeal(deps, [gapFinding()])).done.map((d) => d.outcome)).toEqual(['scheduled']);
  });
});
