import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { EXHIBITION_SEASON_TYPES } from './expectations.js';
import { type Action, type Finding, findingKey, type Subject } from './finding.js';
import { EtCalendar, type FreshnessSettings, judgeSource, type SourceVerdict } from './freshness-model.js';
import { amount, count, counted, numFact, type Presentation, strFact, time } from './presentation.js';
import { round } from './stats.js';
import type { Thresholds } from './thresholds.js';
import { addDays, etDate, etStartOfDay, inHours } from './time.js';

const NAME = 'source_freshness';

const SOURCE_KINDS = ['scraper', 'processor', 'table'] as const;
type SourceKind = (typeof SOURCE_KINDS)[number];

const row = z.object({
  /** `schedule`: the game dates of the window and the week after (each at midnight UTC of the date). */
  source_kind: z.enum([...SOURCE_KINDS, 'schedule']),
  source: z.string(),
  /** The last activity of each hour the source was active, in order. */
  active_ats: z.array(z.date()).nullable(),
  last_success_at: z.date().nullable(),
});
export type SourceFreshnessRow = z.infer<typeof row>;

/** Late data (post-game loads, BigDataBall) is written days after its date: the partitions read reach back a week. */
const LATE_DATA_DAYS = 7;
/** The schedule is read a week past today, so "next expected" can skip an off-day stretch. */
const SCHEDULE_AHEAD_DAYS = 7;

export interface SourceState {
  readonly kind: SourceKind;
  readonly name: string;
  readonly lastSuccessAt: Date | null;
  readonly verdict: SourceVerdict;
}

const settingsOf = (t: Thresholds): FreshnessSettings => ({
  trainingDays: t.learningDays,
  percentile: t.freshnessPercentile,
  factor: t.freshnessFactor,
  floorHours: t.freshnessFloorHours,
  minSamples: t.freshnessMinSamples,
  minHistoryDays: t.freshnessMinHistoryDays,
});

const windowStartOf = (now: Date, t: Thresholds) => addDays(etDate(now), -t.learningDays);

/**
 * Every known source and what its history says at `now` (pure): each source with activity in the training
 * window, plus the configured scrapers (`freshnessSources`), which are learning until they have history.
 */
export function sourceStates(rows: readonly SourceFreshnessRow[], ctx: CheckContext): SourceState[] {
  const windowStart = windowStartOf(ctx.now, ctx.thresholds);
  const today = etDate(ctx.now);
  const cal = new EtCalendar(addDays(windowStart, -LATE_DATA_DAYS), addDays(today, 60));
  const gameDates = new Set<string>();
  const sources = new Map<string, { kind: SourceKind; name: string; times: number[]; success: number }>();
  const sourceOf = (kind: SourceKind, name: string) => {
    const id = `${kind}\u0000${name}`;
    let s = sources.get(id);
    if (!s) {
      s = { kind, name, times: [], success: 0 };
      sources.set(id, s);
    }
    return s;
  };
  for (const r of rows) {
    if (r.source_kind === 'schedule') {
      for (const d of r.active_ats ?? []) gameDates.add(d.toISOString().slice(0, 10));
      continue;
    }
    const s = sourceOf(r.source_kind, r.source);
    for (const at of r.active_ats ?? []) s.times.push(at.getTime());
    if (r.last_success_at) s.success = Math.max(s.success, r.last_success_at.getTime());
  }
  for (const name of ctx.thresholds.freshnessSources) sourceOf('scraper', name);
  const settings = settingsOf(ctx.thresholds);
  const gameDay = (date: string) => gameDates.has(date);
  return [...sources.values()]
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
    .map((s) => ({
      kind: s.kind,
      name: s.name,
      lastSuccessAt: s.success > 0 ? new Date(s.success) : null,
      verdict: judgeSource(s.times, gameDay, cal, windowStart, ctx.now, settings),
    }));
}

const subjectOf = (kind: SourceKind, name: string): Subject =>
  kind === 'scraper' ? { scraper: name } : kind === 'processor' ? { processor: name } : { table: name };
const hoursOf = (ms: number) => round(inHours(ms), 1);
const LABEL: Readonly<Record<SourceKind, string>> = {
  scraper: 'Scraper',
  processor: 'Processor',
  table: 'Table',
};

/**
 * A source silent for longer than its learned bound is an error: it stopped without failing (the team's
 * worst incident went 41 days unnoticed, docs/pipeline.md#learned-freshness). Sources still learning are
 * named in each finding's facts. A scraper's finding offers a retry for today.
 */
export function evaluateSourceFreshness(rows: readonly SourceFreshnessRow[], ctx: CheckContext): Finding[] {
  const states = sourceStates(rows, ctx);
  const learning = states.filter((s) => s.verdict.status === 'learning').map((s) => `${s.kind}:${s.name}`);
  return states.flatMap((s): Finding[] => {
    const v = s.verdict;
    if (v.status !== 'overdue') return [];
    const actions: Action[] =
      s.kind === 'scraper' ? [{ kind: 'retry', scraper: s.name, date: etDate(ctx.now) }] : [];
    const clockNote = v.clock === 'games' ? ' of game days' : '';
    return [
      {
        check: NAME,
        key: findingKey(NAME, s.kind, s.name),
        severity: 'error',
        title: `${LABEL[s.kind]} ${s.name} silent for ${hoursOf(v.silenceMs)} h${clockNote} (normally every ${hoursOf(v.cadenceMs)} h, learned from ${v.samples} gaps)`,
        subject: subjectOf(s.kind, s.name),
        facts: {
          source: s.name,
          kind: s.kind,
          last_activity_at: v.lastActivityAt.toISOString(),
          last_success_at: s.lastSuccessAt?.toISOString() ?? null,
          next_expected_at: v.nextExpectedAt.toISOString(),
          overdue_since: v.overdueAt.toISOString(),
          silence_hours: hoursOf(v.silenceMs),
          cadence_hours: hoursOf(v.cadenceMs),
          bound_hours: hoursOf(v.boundMs),
          samples: v.samples,
          clock: v.clock === 'games' ? 'game days' : 'every day',
          training_days: ctx.thresholds.learningDays,
          learning_sources: learning,
        },
        actions,
      },
    ];
  });
}

const presentation: Presentation = {
  summary: (f) => {
    const kind = strFact(f, 'kind') ?? 'source';
    const onGameDays = strFact(f, 'clock') === 'game days' ? ' of game days' : '';
    return `The ${kind} ${strFact(f, 'source')} has shown no activity for ${numFact(f, 'silence_hours')} h${onGameDays}: it normally runs every ${numFact(f, 'cadence_hours')} h (learned from ${counted(numFact(f, 'samples'), 'gap')} over ${numFact(f, 'training_days')} days), and ${numFact(f, 'bound_hours')} h of silence is its bound.`;
  },
  fields: (f) => [
    time('Last success', strFact(f, 'last_success_at')),
    time('Next was expected', strFact(f, 'next_expected_at')),
    time('Overdue since', strFact(f, 'overdue_since')),
    amount('Usual cadence', numFact(f, 'cadence_hours'), 'h'),
    count('Learned from', numFact(f, 'samples'), undefined, 'gaps'),
  ],
};

export const sourceFreshnessCheck = defineCheck({
  name: NAME,
  description: 'Sources silent for longer than their cadence learned from history and the NBA schedule',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => {
    const windowStart = windowStartOf(ctx.now, ctx.thresholds);
    return {
      since: etStartOfDay(windowStart),
      now: ctx.now,
      partition_start: addDays(windowStart, -LATE_DATA_DAYS),
      partition_end: addDays(etDate(ctx.now), SCHEDULE_AHEAD_DAYS),
      exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
    };
  },
  evaluate: evaluateSourceFreshness,
  presentation,
});
