// Case: the season replay. The real bot's scheduled jobs over the full 2025-26 regular season on the
// default scenario (src/replay/run.ts), every alert scored against the scenario's truth
// (src/replay/scorecard.ts). Each figure is judged against its absolute target (the baseline column holds
// the target; no other implementation to compare with): recall 100 %, precision >= 95 %, no buried
// critical, detection delay p50 <= 1 h and p95 <= 4 h after the warehouse shows the problem, mean
// top-level messages on incident days <= 5 and none on clean days, the replay under 60 s. Warehouse
// queries per day are informative (what the schedules cost).
import { etDate } from '../src/jobs/time.js';
import { runReplay } from '../src/replay/run.js';
import { type Scorecard, score } from '../src/replay/scorecard.js';
import { loadScenario } from '../src/sim/scenario.js';
import { type BenchResult, fmt, log } from './lib.js';

export const SEASON_FROM = '2025-10-21';
export const SEASON_UNTIL = '2026-04-12';
const NAME = 'season replay';

/** The figures of a scorecard against their targets (pure, for the table and results.json). */
export function replayOutcomes(card: Scorecard): BenchResult[] {
  const t = card.totals;
  const missed = card.incidents.filter((i) => !i.expected && !i.detected).map((i) => i.id);
  const partly = card.incidents.filter((i) => i.detected && i.missing.length > 0);
  const fpByCheck = new Map<string, number>();
  for (const f of card.falsePositives) fpByCheck.set(f.check, (fpByCheck.get(f.check) ?? 0) + 1);
  const slow = card.incidents
    .filter((i) => (i.delayMinutes ?? 0) > 240)
    .map((i) => `${i.id} ${fmt((i.delayMinutes ?? 0) / 60)} h`);
  const figure = (
    name: string,
    measured: number,
    target: number,
    unit: string,
    ok: boolean,
    goal: string,
    notes: string[] = [],
  ): BenchResult => ({
    case: `${NAME}: ${name}`,
    measured,
    baseline: target,
    unit,
    ratio: target === 0 ? (measured === 0 ? 1 : Number.POSITIVE_INFINITY) : measured / target,
    holds: ok,
    goal,
    notes,
  });
  const p50 = t.delayP50Minutes ?? 0;
  const p95 = t.delayP95Minutes ?? 0;
  return [
    figure('recall', t.recall * 100, 100, '%', t.recall === 1, '100 %', [
      `${t.detected}/${t.incidents} incidents detected${missed.length ? `; missed: ${missed.join(', ')}` : ''}`,
      ...partly.map((i) => `${i.id} detected, but no alert for ${i.missing.join('; ')}`),
    ]),
    figure('precision', t.precision * 100, 95, '%', t.precision >= 0.95, '>= 95 %', [
      `${t.truePositives}/${t.alerts} alerts concern an incident; false positives by check: ${
        [...fpByCheck].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'
      }`,
    ]),
    figure('buried criticals', t.buriedCriticals, 0, 'incidents', t.buriedCriticals === 0, '0'),
    figure('detection delay p50', p50, 60, 'min', p50 <= 60, '<= 60 min'),
    figure('detection delay p95', p95, 240, 'min', p95 <= 240, '<= 240 min', [
      `incidents first alerted more than 4 h after observable: ${slow.join(', ') || 'none'}`,
    ]),
    figure(
      'top-level msgs/incident day',
      t.topLevelOnIncidentDays.mean,
      5,
      'msgs',
      t.topLevelOnIncidentDays.mean <= 5,
      '<= 5 (mean)',
      [
        `${t.topLevelOnIncidentDays.days} incident days; all days mean ${fmt(t.topLevelPerDay.mean)}, max ${t.topLevelPerDay.max}`,
      ],
    ),
    figure(
      'top-level msgs on clean days',
      t.topLevelOnCleanDays.total,
      0,
      'msgs',
      t.topLevelOnCleanDays.total === 0,
      '0',
      [`${t.topLevelOnCleanDays.days} clean days, max ${t.topLevelOnCleanDays.max} on one`],
    ),
    {
      case: `${NAME}: time`,
      measured: card.seconds,
      baseline: 60,
      unit: 's',
      ratio: card.seconds / 60,
      below: 60,
    },
    {
      case: `${NAME}: warehouse queries/day`,
      measured: t.queriesPerDay.mean,
      baseline: t.queriesPerDay.max,
      unit: 'queries',
      ratio: t.queriesPerDay.mean / Math.max(1, t.queriesPerDay.max),
      notes: [`mean ${t.queriesPerDay.mean}, max ${t.queriesPerDay.max} (baseline column: the max)`],
    },
  ];
}

export async function benchSeasonReplay(): Promise<BenchResult[]> {
  const scenario = loadScenario();
  let lastMonth = '';
  const run = await runReplay({
    from: SEASON_FROM,
    until: SEASON_UNTIL,
    scenario,
    onProgress: (_done, _total, at) => {
      const month = etDate(at).slice(0, 7);
      if (month !== lastMonth) {
        lastMonth = month;
        log(`  replaying ${month}…`);
      }
    },
  });
  const card = score(run);
  log(
    `  ${fmt(card.seconds)} s (simulating the warehouse ${fmt(run.loadMs / 1000)} s), ${run.tasksDelivered} tasks, ${run.warnings} warnings logged`,
  );
  const outcomes = replayOutcomes(card);
  const first = outcomes[0] as BenchResult;
  outcomes[0] = {
    ...first,
    details: {
      totals: card.totals,
      incidents: card.incidents,
      falsePositives: card.falsePositives,
      jobRuns: run.jobRuns,
      jobMs: Object.fromEntries(Object.entries(run.jobMs).map(([k, v]) => [k, Math.round(v)])),
    },
  };
  return outcomes;
}
