// Incident scenarios: a small YAML file saying what goes wrong on which dates (data/scenarios/*.yaml).
// Validated with zod; errors name the bad field (`incidents[3].date: ...`) so a typo is found at once.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { isIsoDate } from '../jobs/time.js';
import {
  PHASE3_CRITICAL,
  PHASE3_OPTIONAL,
  PROCESSORS,
  PROXY_PROVIDERS,
  PROXY_TARGETS,
  SCRAPERS,
  WORKFLOWS,
} from './catalog.js';
import { addDays } from './et.js';
import type { Schedule } from './schedule.js';

export const DEFAULT_SCENARIO_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'scenarios',
  'default.yaml',
);

// YAML reads an unquoted 2025-12-31 as a string with the default (core) schema, but accept Date too.
const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' }),
);
const instant = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString() : v),
  z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /\d{4}-\d{2}-\d{2}T/.test(s), {
    message: 'must be an ISO timestamp with a zone, e.g. 2026-01-01T22:45:00Z',
  }),
);
const count = z.number().int().min(0);
const share = z.number().min(0).max(1);
const scraper = z.enum(SCRAPERS);
const processor = z.string().refine((p) => PROCESSORS.includes(p), { message: 'unknown processor' });
const workflow = z
  .string()
  .refine((w) => WORKFLOWS.some((s) => s.name === w), { message: 'unknown workflow' });
const errorType = z.enum([
  'rate_limit',
  'timeout',
  'api_error',
  'validation_error',
  'api_incomplete',
  'no_data_yet',
]);
const team = z.string().regex(/^[A-Z]{3}$/, 'must be a team tricode like BOS');
const note = z.string().optional();

const bdlShortfall = z.object({
  kind: z.literal('bdl_shortfall'),
  /** Game date → games BDL leaves out (docs/pipeline.md#bdl-missing-games). */
  dates: z.record(isoDate, count.min(1)),
  /** Games still missing after the 1st, 2nd… retry through the scraper service; the last value sticks. */
  retries: z.array(count).default([]),
  /** The day the pipeline's own re-scrape catches up (12:00 ET); omitted: only a retry recovers it. */
  recovered_on: isoDate.optional(),
  note,
});

const workflowStorm = z.object({
  kind: z.literal('workflow_storm'),
  date: isoDate,
  /** Workflow → failed runs that day (of its runs per day, see src/sim/catalog.ts). */
  failures: z.record(workflow, count),
  error_type: errorType.default('rate_limit'),
  /** The day failed scrapes were backfilled (12:00 ET). */
  backfilled_on: isoDate.optional(),
  note,
});

const bdbLate = z.object({
  kind: z.literal('bdb_late'),
  from: isoDate,
  until: isoDate,
  /** Hours after the game ends before BigDataBall publishes play-by-play: [min, max]. */
  delay_hours: z.tuple([z.number().min(0), z.number().min(0)]),
  note,
});

const missingTeamBoxscores = z.object({
  kind: z.literal('missing_team_boxscores'),
  from: isoDate,
  until: isoDate,
  teams: z.array(team).min(1),
  /** Entity breakers that trip for those teams' players (5 failures, then a lockout). */
  breaker: z
    .object({
      processors: z.array(processor).min(1),
      lockout_hours: z.number().positive(),
    })
    .optional(),
  backfilled_on: isoDate.optional(),
  note,
});

const predictionDuplicates = z.object({
  kind: z.literal('prediction_duplicates'),
  date: isoDate,
  copies: z.number().int().min(2),
  /** Share of the date's predictions that were appended again (1 = all of them). */
  share: share.default(1),
  note,
});

const stalePhase3 = z.object({
  kind: z.literal('stale_phase3'),
  date: isoDate,
  processors: z.array(processor).min(1),
  failed_runs: z.number().int().min(1).default(3),
  error: z.string().default('ImportError: cannot import name firestore from google.cloud'),
  /** Predictions were made this many hours after the day's scheduled time (waiting on phase 3). */
  predictions_delay_hours: z.number().min(0).default(6),
  /** A retry through the processor service succeeds from this attempt on; omitted: never. */
  recovers_on_attempt: z.number().int().min(1).optional(),
  note,
});

const thinSlate = z.object({
  kind: z.literal('thin_slate'),
  date: isoDate,
  /** Players with predictions that day (× 3 props × 4 systems). */
  players: z.number().int().min(0),
  note,
});

const gradingCollapse = z.object({
  kind: z.literal('grading_collapse'),
  date: isoDate,
  /** Hit rate of every system's OVER/UNDER picks that day (0.1875 on 2026-01-18). */
  accuracy: share,
  note,
});

const proxyBlock = z.object({
  kind: z.literal('proxy_block'),
  provider: z.enum(PROXY_PROVIDERS),
  target: z.enum(PROXY_TARGETS),
  from: isoDate,
  until: isoDate.optional(),
  state: z.enum(['OPEN', 'HALF_OPEN']).default('OPEN'),
  note,
});

const scraperOutage = z.object({
  kind: z.literal('scraper_outage'),
  scraper,
  dates: z.array(isoDate).min(1),
  error_type: errorType,
  message: z.string(),
  api_response_code: z.number().int().optional(),
  /** A retry through the scraper service succeeds from this attempt on; omitted: never. */
  recovers_on_retry: z.number().int().min(1).optional(),
  backfilled_on: isoDate.optional(),
  note,
});

const silentStop = z.object({
  kind: z.literal('silent_stop'),
  /** The scraper stops without failing: no runs, no failures, its workflow's executions go without it. */
  scraper,
  /** The first date with nothing (for a post-game scraper, the first game date whose night has nothing). */
  from: isoDate,
  /** The last silent date; omitted: it never comes back. */
  until: isoDate.optional(),
  note,
});

const thinPhase3Run = z.object({
  kind: z.literal('thin_phase3_run'),
  date: isoDate,
  processor: z
    .string()
    .refine(
      (p) =>
        (PHASE3_CRITICAL as readonly string[]).includes(p) ||
        (PHASE3_OPTIONAL as readonly string[]).includes(p),
      {
        message: 'not a phase 3 processor',
      },
    ),
  /** Records the run processed; it is still recorded as a success (the 2026-01-18 "insufficient records"). */
  records: count,
  note,
});

const gameDaysOnly = z.object({
  kind: z.literal('game_days_only'),
  /** A scraper that legitimately runs only for game days: nothing is wrong while it is quiet on off-days. */
  scraper,
  from: isoDate,
  until: isoDate,
  note,
});

const incident = z.discriminatedUnion('kind', [
  silentStop,
  thinPhase3Run,
  gameDaysOnly,
  bdlShortfall,
  workflowStorm,
  bdbLate,
  missingTeamBoxscores,
  predictionDuplicates,
  stalePhase3,
  thinSlate,
  gradingCollapse,
  proxyBlock,
  scraperOutage,
]);

export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Workflow failures carried error_message = NULL until the executor fix went live (2026-01-01). */
  workflow_errors_logged_from: instant.optional(),
  /** BigDataBall's usual publishing delay after a game ends, hours [min, max]. */
  bdb_delay_hours: z.tuple([z.number().min(0), z.number().min(0)]).default([3, 20]),
  /** Dates the scenario promises are clean (tests hold it to that). */
  clean_dates: z.array(isoDate).default([]),
  incidents: z.array(incident).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type Incident = z.infer<typeof incident>;
export type IncidentOf<K extends Incident['kind']> = Extract<Incident, { kind: K }>;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function formatIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.map((i) => {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `  ${path || '(root)'}: ${i.message}`;
  });
  return `invalid scenario ${source}:\n${lines.join('\n')}`;
}

/** Parse and validate a scenario from YAML text. */
export function parseScenario(text: string, source = '(inline)'): Scenario {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ScenarioError(`invalid scenario ${source}: not YAML: ${(err as Error).message}`);
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) throw new ScenarioError(formatIssues(result.error, source));
  const s = result.data;
  const problems: string[] = [];
  s.incidents.forEach((inc, i) => {
    if ('from' in inc && 'until' in inc && inc.until !== undefined && inc.until < inc.from) {
      problems.push(`  incidents[${i}].until: before from (${inc.from})`);
    }
  });
  if (problems.length > 0) throw new ScenarioError(`invalid scenario ${source}:\n${problems.join('\n')}`);
  return s;
}

export function loadScenario(file: string = DEFAULT_SCENARIO_FILE): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${file}: ${(err as Error).message}`);
  }
  return parseScenario(text, file);
}

/**
 * What the schema cannot know: teams must play in the schedule, and a BDL shortfall cannot miss more games
 * than the date has. Returns problems naming the incident (empty when fine).
 */
export function scenarioProblems(scenario: Scenario, schedule: Schedule): string[] {
  const problems: string[] = [];
  const teams = new Set(schedule.teams);
  scenario.incidents.forEach((inc, i) => {
    if (inc.kind === 'missing_team_boxscores') {
      inc.teams.forEach((t, j) => {
        if (!teams.has(t)) problems.push(`  incidents[${i}].teams[${j}]: no team ${t} in the schedule`);
      });
    }
    if (inc.kind === 'bdl_shortfall') {
      for (const [date, missing] of Object.entries(inc.dates)) {
        const games = schedule.gamesOn(date).length;
        if (missing > games)
          problems.push(`  incidents[${i}].dates.${date}: ${missing} missing but only ${games} games`);
      }
    }
  });
  return problems;
}

/** Throws a ScenarioError listing scenarioProblems, if any. */
export function assertScenarioFits(scenario: Scenario, schedule: Schedule, source = scenario.name): void {
  const problems = scenarioProblems(scenario, schedule);
  if (problems.length > 0) throw new ScenarioError(`invalid scenario ${source}:\n${problems.join('\n')}`);
}

const inRange = (d: string, from: string, until: string | undefined) =>
  d >= from && (until === undefined || d <= until);

/** Lookups by date over a scenario's incidents (what the generator and the services ask). */
export class ScenarioIndex {
  constructor(readonly scenario: Scenario) {}

  private all<K extends Incident['kind']>(kind: K): IncidentOf<K>[] {
    return this.scenario.incidents.filter((i): i is IncidentOf<K> => i.kind === kind);
  }

  bdlShortfall(date: string): { missing: number; incident: IncidentOf<'bdl_shortfall'> } | undefined {
    for (const inc of this.all('bdl_shortfall')) {
      const missing = inc.dates[date];
      if (missing !== undefined) return { missing, incident: inc };
    }
    return undefined;
  }

  workflowStorm(date: string): IncidentOf<'workflow_storm'> | undefined {
    return this.all('workflow_storm').find((i) => i.date === date);
  }

  bdbDelayHours(date: string): readonly [number, number] {
    const late = this.all('bdb_late').find((i) => inRange(date, i.from, i.until));
    return late ? late.delay_hours : this.scenario.bdb_delay_hours;
  }

  /** Teams whose BDL boxscores are not loaded for games on `date`. */
  missingBoxscoreTeams(date: string): {
    teams: Set<string>;
    incidents: IncidentOf<'missing_team_boxscores'>[];
  } {
    const incidents = this.all('missing_team_boxscores').filter((i) => inRange(date, i.from, i.until));
    return { teams: new Set(incidents.flatMap((i) => i.teams)), incidents };
  }

  /** Breaker incidents whose players are locked out on analysis date `date` (the day after a gap on). */
  breakerIncidents(date: string): IncidentOf<'missing_team_boxscores'>[] {
    return this.all('missing_team_boxscores').filter(
      (i) => i.breaker !== undefined && inRange(date, addDays(i.from, 1), addDays(i.until, 1)),
    );
  }

  duplicates(date: string): IncidentOf<'prediction_duplicates'> | undefined {
    return this.all('prediction_duplicates').find((i) => i.date === date);
  }

  stalePhase3(date: string): IncidentOf<'stale_phase3'> | undefined {
    return this.all('stale_phase3').find((i) => i.date === date);
  }

  thinSlate(date: string): IncidentOf<'thin_slate'> | undefined {
    return this.all('thin_slate').find((i) => i.date === date);
  }

  gradingCollapse(date: string): IncidentOf<'grading_collapse'> | undefined {
    return this.all('grading_collapse').find((i) => i.date === date);
  }

  proxyBlocks(date: string): IncidentOf<'proxy_block'>[] {
    return this.all('proxy_block').filter((i) => inRange(date, i.from, i.until));
  }

  allProxyBlocks(): IncidentOf<'proxy_block'>[] {
    return this.all('proxy_block');
  }

  outage(scraperName: string, date: string): IncidentOf<'scraper_outage'> | undefined {
    return this.all('scraper_outage').find((i) => i.scraper === scraperName && i.dates.includes(date));
  }

  /** Whether the scraper is silently stopped for `date` (no runs at all). */
  silentlyStopped(scraperName: string, date: string): boolean {
    return this.all('silent_stop').some((i) => i.scraper === scraperName && inRange(date, i.from, i.until));
  }

  /** The records a phase 3 processor's successful run processed on `date`, when the scenario thins it. */
  thinPhase3Records(processorName: string, date: string): number | undefined {
    return this.all('thin_phase3_run').find((i) => i.processor === processorName && i.date === date)?.records;
  }

  /** When workflow failures started carrying an error_message (the executor's fix); undefined: always. */
  errorsLoggedFrom(): number | undefined {
    const at = this.scenario.workflow_errors_logged_from;
    return at === undefined ? undefined : Date.parse(at);
  }
}
