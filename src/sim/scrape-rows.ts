// One scrape attempt as the scrapers log it: a scrape_events row (the scrape event log) and a
// phase1_scraper_runs row (what "last success" reads). Shared by the generator and the simulated service.
import type { Row } from './context.js';

const GCS_PATHS: Readonly<Record<string, string>> = {
  bdl_box_scores: 'ball-dont-lie/boxscores',
  bdl_games: 'ball-dont-lie/games',
  bdl_player_box_scores: 'ball-dont-lie/player-box-scores',
  nbac_gamebook: 'nba-com/gamebooks-data',
  nbac_schedule: 'nba-com/schedule',
  nbac_injury_report: 'nba-com/injury-report-data',
  nbac_referee_assignments: 'nba-com/referee-assignments',
  bp_events: 'bettingpros/events',
  bp_player_props: 'bettingpros/player-props',
  odds_api_lines: 'odds-api/player-props',
  bdb_pbp: 'big-data-ball/play-by-play',
};

export type ScrapeStatus = 'success' | 'partial' | 'failed';

export interface ScrapeAttempt {
  readonly id: string;
  readonly scraper: string;
  readonly date: string;
  readonly workflow: string | null;
  readonly correlationId: string | null;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: ScrapeStatus;
  readonly expected: number | null;
  readonly received: number | null;
  readonly errorType?: string | null;
  readonly errorMessage?: string | null;
  readonly responseCode?: number | null;
  readonly revision: string;
  readonly recovered?: { readonly at: number; readonly eventId: string } | undefined;
}

const responseCodeFor = (a: ScrapeAttempt): number | null => {
  if (a.responseCode !== undefined) return a.responseCode;
  switch (a.errorType) {
    case 'rate_limit':
      return 429;
    case 'timeout':
      return null;
    case 'api_error':
      return 500;
    case 'no_data_yet':
      return 404;
    default:
      return 200;
  }
};

export function scrapeEventRow(a: ScrapeAttempt): Row {
  const completed = a.startedAt + a.durationMs;
  const code = responseCodeFor(a);
  const missing = a.expected !== null && a.received !== null ? Math.max(0, a.expected - a.received) : null;
  return {
    event_id: a.id,
    scraper_name: a.scraper,
    target_date: a.date,
    started_at: new Date(a.startedAt),
    completed_at: new Date(completed),
    duration_seconds: Math.round(a.durationMs / 100) / 10,
    status: a.status,
    records_expected: a.expected,
    records_received: a.received,
    records_missing: missing,
    error_type: a.errorType ?? null,
    error_message: a.errorMessage ?? null,
    error_details:
      a.status === 'success'
        ? null
        : { endpoint: GCS_PATHS[a.scraper] ?? a.scraper, target_date: a.date, response_code: code },
    api_response_code: code,
    api_response_time_ms: Math.round(a.durationMs * 0.6),
    pages_fetched: a.status === 'failed' ? 0 : 1,
    is_recovered: a.status === 'success' ? null : a.recovered !== undefined,
    recovered_at: a.recovered ? new Date(a.recovered.at) : null,
    recovery_event_id: a.recovered?.eventId ?? null,
    correlation_id: a.correlationId,
    cloud_run_revision: a.revision,
    created_at: new Date(completed),
  };
}

const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19).replaceAll(':', '');

export function scraperRunRow(a: ScrapeAttempt): Row {
  const noData = a.errorType === 'no_data_yet';
  return {
    run_id: a.id,
    scraper_name: a.scraper,
    workflow_name: a.workflow,
    target_date: a.date,
    started_at: new Date(a.startedAt),
    completed_at: new Date(a.startedAt + a.durationMs),
    status: a.status === 'failed' ? (noData ? 'no_data' : 'failed') : 'success',
    records_scraped: a.status === 'failed' ? 0 : a.received,
    error_message: a.status === 'failed' ? (a.errorMessage ?? null) : null,
    gcs_path:
      a.status === 'failed'
        ? null
        : `gs://nba-scraped-data/${GCS_PATHS[a.scraper] ?? a.scraper}/${a.date}/${hhmmss(a.startedAt)}.json`,
  };
}

export interface FailureDay {
  readonly scraper: string;
  readonly date: string;
  readonly failures: readonly { at: number; errorType: string | null; message: string | null }[];
  readonly backfilledAt: number | null;
}

/** The gap backfiller's row for a (scraper, date) that failed: one row, updated as retries happen. */
export function scraperFailureRow(f: FailureDay): Row {
  const first = f.failures[0];
  const last = f.failures[f.failures.length - 1];
  if (!first || !last) throw new Error('a failure day needs failures');
  return {
    game_date: f.date,
    scraper_name: f.scraper,
    error_type: last.errorType,
    error_message: last.message,
    first_failed_at: new Date(first.at),
    last_failed_at: new Date(last.at),
    retry_count: f.failures.length - 1,
    backfilled: f.backfilledAt !== null,
    backfilled_at: f.backfilledAt === null ? null : new Date(f.backfilledAt),
  };
}
