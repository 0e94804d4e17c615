import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { CONTEXTS_DUE_ET, dueOn, EXHIBITION_SEASON_TYPES, postGameDue } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import { phase3Params } from './phase3.js';
import {
  amount,
  count,
  counted,
  date,
  list,
  listFact,
  numFact,
  type Presentation,
  strFact,
  text,
  time,
} from './presentation.js';
import { addDays, dayLabel } from './time.js';

const NAME = 'phase3_completion';

const row = z.object({
  game_date: z.string(),
  games: z.number().int(),
  final_games: z.number().int(),
  last_tip_at: z.date(),
  processor_name: z.string(),
  /** critical: predictions need it and phase 4 waits for it; optional: historical analytics. */
  tier: z.enum(['critical', 'optional']),
  attempts: z.number().int(),
  successes: z.number().int(),
  first_success_at: z.date().nullable(),
  last_started_at: z.date().nullable(),
  last_status: z.string().nullable(),
  last_records_processed: z.number().int().nullable(),
  last_records_expected: z.number().int().nullable(),
  last_error: z.string().nullable(),
  phase4_started_at: z.date().nullable(),
});
export type Phase3CompletionRow = z.infer<typeof row>;

/** Yesterday too: its game summaries only become due the morning after, when today's check runs. */
const LOOKBACK_DAYS = 1;
const MINUTE_MS = 60_000;

function missingRunFinding(r: Phase3CompletionRow): Finding {
  const critical = r.tier === 'critical';
  const last = r.last_status ? `last run ${r.last_status}` : 'never ran';
  return {
    check: NAME,
    key: findingKey(NAME, r.processor_name, r.game_date),
    severity: critical ? 'critical' : 'warning',
    title: `Phase 3 ${r.tier} processor ${r.processor_name} has no successful run for ${r.game_date} (${last})`,
    subject: { processor: r.processor_name, date: r.game_date },
    facts: {
      processor: r.processor_name,
      tier: r.tier,
      date: r.game_date,
      games: r.games,
      attempts: r.attempts,
      last_status: r.last_status,
      last_started_at: r.last_started_at?.toISOString() ?? null,
      last_records: r.last_records_processed,
      expected_records: r.last_records_expected,
      last_error: r.last_error,
      blocks_phase4: critical,
    },
    actions: [{ kind: 'retry', processor: r.processor_name, date: r.game_date }],
  };
}

/** Phase 4 starts once the critical processors are done (docs/pipeline.md#phase-3-processors). */
function phase4Finding(date: string, rows: readonly Phase3CompletionRow[], ctx: CheckContext): Finding[] {
  const critical = rows.filter((r) => r.tier === 'critical');
  const done = critical.map((r) => r.first_success_at);
  if (critical.length === 0 || done.some((d) => d === null)) return [];
  if (rows[0]?.phase4_started_at) return [];
  const completedAt = new Date(Math.max(...done.map((d) => (d as Date).getTime())));
  const waitedMs = ctx.now.getTime() - completedAt.getTime();
  const graceMinutes = ctx.thresholds.phase4StartGraceMinutes;
  if (waitedMs < graceMinutes * MINUTE_MS) return [];
  const waitedMinutes = Math.floor(waitedMs / MINUTE_MS);
  return [
    {
      check: NAME,
      key: findingKey(NAME, 'phase4_not_started', date),
      severity: 'error',
      title: `Phase 4 has not started for ${date}, ${waitedMinutes} min after phase 3 completed`,
      subject: { date },
      facts: {
        date,
        phase3_completed_at: completedAt.toISOString(),
        minutes_waiting: waitedMinutes,
        grace_minutes: graceMinutes,
        critical_processors: critical.map((r) => r.processor_name),
      },
      actions: [],
    },
  ];
}

/**
 * Critical processors (upcoming contexts) are owed on every date with games, from the morning's
 * CONTEXTS_DUE_ET (before that a missing context is still to come); optional ones (game
 * summaries) once post-game work is due for the games that were played (a postponed game does not hold
 * them back). Dates without games have no rows at all.
 */
export function evaluatePhase3Completion(rows: readonly Phase3CompletionRow[], ctx: CheckContext): Finding[] {
  const byDate = new Map<string, Phase3CompletionRow[]>();
  for (const r of rows) byDate.set(r.game_date, [...(byDate.get(r.game_date) ?? []), r]);
  const findings: Finding[] = [];
  for (const [date, dateRows] of byDate) {
    for (const r of dateRows) {
      if (r.successes > 0) continue;
      const owed =
        r.tier === 'critical'
          ? dueOn(r.game_date, CONTEXTS_DUE_ET, ctx.now)
          : postGameDue(r, ctx.now, ctx.thresholds.postGameDueHours);
      if (owed) findings.push(missingRunFinding(r));
    }
    findings.push(...phase4Finding(date, dateRows, ctx));
  }
  return findings;
}

/** A processor without a successful run for the date (a retry's success is its final state), or phase 4 not started. */
const presentation: Presentation = {
  summary: (f) => {
    const day = dayLabel(strFact(f, 'date') ?? '?');
    if (strFact(f, 'processor') === undefined) {
      return `Phase 4 has not started for ${day}, ${numFact(f, 'minutes_waiting')} min after phase 3 completed (it starts within ${numFact(f, 'grace_minutes')} min).`;
    }
    const processor = strFact(f, 'processor');
    const status = strFact(f, 'last_status');
    if (status === 'success') return `Phase 3 processor ${processor} has run successfully for ${day}.`;
    const waits =
      f.facts.blocks_phase4 === true
        ? 'phase 4 and the morning predictions wait for it'
        : 'it is optional: only historical analytics wait for it';
    return `Phase 3 processor ${processor} has no successful run for ${day} after ${counted(numFact(f, 'attempts'), 'attempt')}${status ? ` (last run ${status})` : ''}; ${waits}.`;
  },
  fields: (f) =>
    strFact(f, 'processor') === undefined
      ? [
          date('Game date', strFact(f, 'date')),
          time('Phase 3 completed', strFact(f, 'phase3_completed_at')),
          amount('Waiting', numFact(f, 'minutes_waiting'), 'min'),
          amount('Grace', numFact(f, 'grace_minutes'), 'min'),
          list('Critical processors', listFact(f, 'critical_processors')),
        ]
      : [
          text('Processor', `${strFact(f, 'processor')} (${strFact(f, 'tier') ?? '?'})`),
          date('Game date', strFact(f, 'date')),
          count('Attempts', numFact(f, 'attempts'), undefined, 'runs'),
          count('Last run records', numFact(f, 'last_records'), numFact(f, 'expected_records'), 'records'),
          text('Last error', strFact(f, 'last_error')) ?? time('Last run', strFact(f, 'last_started_at')),
        ],
  recovered: (f, { received }) =>
    strFact(f, 'processor') === undefined
      ? f
      : { ...f, facts: { ...f.facts, last_status: 'success', last_records: received, last_error: null } },
};

export const phase3CompletionCheck = defineCheck({
  name: NAME,
  description: 'Phase 3 processors without a successful run for the date; phase 4 not started after phase 3',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    window_start: addDays(ctx.date, -LOOKBACK_DAYS),
    report_date: ctx.date,
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
    ...phase3Params(),
  }),
  evaluate: evaluatePhase3Completion,
  presentation,
});
