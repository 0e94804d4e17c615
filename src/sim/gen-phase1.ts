// Phase 1: workflow executions and the scrapes they run, BigDataBall's late play-by-play, and the gap
// backfiller's scraper_failures rows, as of now. A clean day has no failures at all, so anything a
// check finds comes from the scenario.

import { hours } from '../jobs/time.js';
import { POST_GAME_SCRAPERS, WORKFLOWS } from './catalog.js';
import { compactDate, type RowBuffer, type SimContext, TABLES } from './context.js';
import { etMs } from './et.js';
import { noonOf } from './gen-games.js';
import { type Rng, rngFor } from './rng.js';
import { gameEnd } from './schedule.js';
import {
  type FailureDay,
  type ScrapeAttempt,
  type ScrapeStatus,
  scrapeEventRow,
  scraperFailureRow,
  scraperRunRow,
} from './scrape-rows.js';

const HOUR = hours(1);

/** The scraper service's Cloud Run revision: a new one went live with the executor's 2026-01-01 fix. */
export function revisionAt(ctx: SimContext, at: number): string {
  const fix = ctx.idx.errorsLoggedFrom();
  return fix !== undefined && at < fix ? 'nba-phase1-scrapers-00087-xq2' : 'nba-phase1-scrapers-00088-k7w';
}

/** Records a scraper brings back for a date when it works (games for game-level scrapers). */
export function recordsFor(scraper: string, games: number, rng: Rng): number {
  switch (scraper) {
    case 'nbac_injury_report':
      return games === 0 ? 0 : rng.int(30, 90);
    case 'nbac_referee_assignments':
      return games * 3;
    case 'bp_player_props':
      return games * rng.int(35, 50);
    case 'odds_api_lines':
      return games * rng.int(18, 26);
    case 'bdl_player_box_scores':
      return games * rng.int(21, 25);
    case 'bdb_pbp':
      return games * rng.int(420, 520);
    default:
      return games;
  }
}

const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  rate_limit: 'HTTP 429 Too Many Requests',
  timeout: 'Read timed out after 30 s',
  api_error: 'HTTP 500 Internal Server Error',
  validation_error: 'Response failed schema validation',
};

class FailureLog {
  private readonly days = new Map<
    string,
    { failures: FailureDay['failures'][number][]; successes: number[] }
  >();
  fail(scraper: string, at: number, errorType: string | null, message: string | null): void {
    this.entry(scraper).failures.push({ at, errorType, message });
  }
  succeed(scraper: string, at: number): void {
    this.entry(scraper).successes.push(at);
  }
  private entry(scraper: string) {
    let e = this.days.get(scraper);
    if (!e) {
      e = { failures: [], successes: [] };
      this.days.set(scraper, e);
    }
    return e;
  }
  /** Failure days; a day is backfilled by the first success after its last failure, else by `fallback`. */
  result(date: string, fallback: (scraper: string) => number | null, now: number): FailureDay[] {
    const out: FailureDay[] = [];
    for (const [scraper, e] of this.days) {
      if (e.failures.length === 0) continue;
      e.failures.sort((a, b) => a.at - b.at);
      const last = e.failures[e.failures.length - 1]?.at ?? 0;
      const later = e.successes.filter((s) => s > last).sort((a, b) => a - b)[0];
      const fb = fallback(scraper);
      const at = later ?? (fb !== null && fb <= now ? fb : null);
      out.push({ scraper, date, failures: e.failures, backfilledAt: at });
    }
    return out.sort((a, b) => a.scraper.localeCompare(b.scraper));
  }
}

export function generatePhase1(ctx: SimContext, date: string, out: RowBuffer): void {
  const games = ctx.schedule.gamesOn(date);
  const storm = ctx.idx.workflowStorm(date);
  const shortfall = ctx.idx.bdlShortfall(date);
  const errorsFrom = ctx.idx.errorsLoggedFrom();
  const log = new FailureLog();
  const rng = rngFor(ctx.seed, 'phase1', date);
  const day = compactDate(date);
  const shortRecovery = shortfall?.incident.recovered_on
    ? { at: noonOf(shortfall.incident.recovered_on), eventId: `se-${day}-bdl_box_scores-recovery` }
    : undefined;

  for (const wf of WORKFLOWS) {
    if (games.length === 0 && !wf.daily) continue;
    const failing = storm?.failures[wf.name] ?? 0;
    const failedRuns = new Set(
      rngFor(ctx.seed, 'storm', date, wf.name)
        .shuffle(wf.hours.map((_, i) => i))
        .slice(0, failing),
    );
    wf.hours.forEach((hour, i) => {
      const start = etMs(date, hour * 60 + rng.int(0, 3)) + rng.int(0, 59) * 1000;
      if (start > ctx.now) return;
      const execId = `wf-${day}-${wf.name}-${String(hour).padStart(2, '0')}`;
      let t = start + rng.int(1, 4) * 1000;
      const errors: string[] = [];
      let failed = 0;
      for (const scraper of wf.scrapers) {
        const outage = ctx.idx.outage(scraper, date);
        let status: ScrapeStatus = 'success';
        let errorType: string | null = null;
        let message: string | null = null;
        let code: number | undefined;
        const expected = recordsFor(scraper, games.length, rng);
        let received: number | null = expected;
        if (failedRuns.has(i) && storm) {
          status = 'failed';
          errorType = storm.error_type;
          message = ERROR_MESSAGES[storm.error_type] ?? storm.error_type;
        } else if (outage) {
          status = 'failed';
          errorType = outage.error_type;
          message = outage.message;
          code = outage.api_response_code;
        } else if (scraper === 'bdl_box_scores' && shortfall) {
          status = 'partial';
          errorType = 'api_incomplete';
          received = games.length - shortfall.missing;
          message = `BDL returned ${received} games but NBAC has ${games.length}`;
        }
        const durationMs = status === 'failed' ? rng.int(800, 30_000) : rng.int(1500, 12_000);
        const attempt: ScrapeAttempt = {
          id: `se-${day}-${scraper}-${wf.name}-${String(hour).padStart(2, '0')}`,
          scraper,
          date,
          workflow: wf.name,
          correlationId: execId,
          startedAt: t,
          durationMs,
          status,
          expected: POST_GAME_SCRAPERS.includes(scraper as never) || status !== 'failed' ? expected : null,
          received: status === 'failed' ? 0 : received,
          errorType,
          errorMessage: message,
          responseCode: code,
          revision: revisionAt(ctx, t),
          recovered:
            status === 'partial' && shortRecovery && shortRecovery.at <= ctx.now ? shortRecovery : undefined,
        };
        t += durationMs + rng.int(200, 1500);
        if (t > ctx.now) break;
        // A silently stopped scraper leaves no trace; the draws above still happen, so the rest of the
        // day's rows are the same as without it.
        if (ctx.idx.silentlyStopped(scraper, date)) continue;
        out.push(TABLES.scrapeEvents, scrapeEventRow(attempt));
        out.push(TABLES.scraperRuns, scraperRunRow(attempt));
        if (status === 'failed') {
          failed++;
          errors.push(`${scraper}: ${message}`);
          log.fail(scraper, attempt.startedAt, errorType, message);
        } else log.succeed(scraper, attempt.startedAt);
      }
      if (t > ctx.now) return;
      const live = wf.scrapers.filter((scraper) => !ctx.idx.silentlyStopped(scraper, date));
      if (live.length === 0) return;
      out.push(TABLES.workflows, {
        execution_id: execId,
        workflow_name: wf.name,
        execution_time: new Date(start),
        status: failed > 0 ? 'failed' : 'completed',
        duration_seconds: Math.round((t - start) / 100) / 10,
        scrapers_requested: live.length,
        scrapers_succeeded: live.length - failed,
        scrapers_failed: failed,
        // The executor did not aggregate scraper errors until its 2026-01-01 fix.
        error_message:
          failed > 0 && (errorsFrom === undefined || start >= errorsFrom) ? errors.join(' | ') : null,
      });
    });
  }

  // The day's BDL catch-up run after the shortfall was fixed upstream (BDL recovers missing games later).
  if (shortfall && shortRecovery && shortRecovery.at <= ctx.now) {
    const a: ScrapeAttempt = {
      id: shortRecovery.eventId,
      scraper: 'bdl_box_scores',
      date,
      workflow: null,
      correlationId: null,
      startedAt: shortRecovery.at,
      durationMs: 4000,
      status: 'success',
      expected: games.length,
      received: games.length,
      revision: revisionAt(ctx, shortRecovery.at),
    };
    out.push(TABLES.scrapeEvents, scrapeEventRow(a));
    out.push(TABLES.scraperRuns, scraperRunRow(a));
  }

  if (games.length > 0) generateBdb(ctx, date, games.length, Math.max(...games.map(gameEnd)), log, out);

  const fallback = (scraper: string): number | null => {
    const outage = ctx.idx.outage(scraper, date);
    if (outage?.backfilled_on) return noonOf(outage.backfilled_on);
    if (
      storm?.backfilled_on &&
      WORKFLOWS.some((w) => storm.failures[w.name] && w.scrapers.includes(scraper as never))
    )
      return noonOf(storm.backfilled_on);
    return null;
  };
  for (const f of log.result(date, fallback, ctx.now)) out.push(TABLES.scraperFailures, scraperFailureRow(f));
}

/** When BigDataBall publishes a date's play-by-play (the first draw of the date's 'bdb' stream). */
export function bdbPublishedAt(ctx: SimContext, date: string): number | undefined {
  const games = ctx.schedule.gamesOn(date);
  if (games.length === 0) return undefined;
  const [lo, hi] = ctx.idx.bdbDelayHours(date);
  return Math.max(...games.map(gameEnd)) + rngFor(ctx.seed, 'bdb', date).between(lo, hi) * HOUR;
}

/**
 * BigDataBall publishes play-by-play hours to days after the last game ends
 * (docs/pipeline.md#bigdataball-publishes-late): attempts every 6 h from 02:00 ET the next day get
 * `no_data_yet` until then. Expected, not an incident.
 */
function generateBdb(
  ctx: SimContext,
  date: string,
  games: number,
  lastEnd: number,
  log: FailureLog,
  out: RowBuffer,
): void {
  const rng = rngFor(ctx.seed, 'bdb', date);
  const [lo, hi] = ctx.idx.bdbDelayHours(date);
  const publishedAt = lastEnd + rng.between(lo, hi) * HOUR; // the same draw as bdbPublishedAt
  const first = etMs(date, 26 * 60 + 15);
  for (let k = 0; k < 16; k++) {
    const at = first + k * 6 * HOUR + rng.int(0, 120) * 1000;
    if (at > ctx.now) return;
    const ready = at >= publishedAt;
    const a: ScrapeAttempt = {
      id: `se-${compactDate(date)}-bdb_pbp-${k}`,
      scraper: 'bdb_pbp',
      date,
      workflow: null,
      correlationId: null,
      startedAt: at,
      durationMs: rng.int(2000, 9000),
      status: ready ? 'success' : 'failed',
      expected: null,
      received: ready ? recordsFor('bdb_pbp', games, rng) : 0,
      errorType: ready ? null : 'no_data_yet',
      errorMessage: ready ? null : 'No game found matching query',
      revision: revisionAt(ctx, at),
    };
    out.push(TABLES.scrapeEvents, scrapeEventRow(a));
    out.push(TABLES.scraperRuns, scraperRunRow(a));
    if (ready) {
      log.succeed('bdb_pbp', at);
      return;
    }
    log.fail('bdb_pbp', at, 'no_data_yet', 'No game found matching query');
  }
}
