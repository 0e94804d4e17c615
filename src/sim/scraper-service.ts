// The simulated scraper and processor services: the production API the recovery features call
// (`POST /scrape`, `POST /run-processor`, docs/pipeline.md#retry-schedule), answering as the scenario says
// and writing into the warehouse (through a RowSink) the rows a real scrape or processor run would have.
// Retries are counted per (scraper, date) and (processor, date) in memory: BDL still short on the 1st retry
// and complete on the 2nd, a date that never recovers, a phase 3 run that works from attempt 2.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isIsoDate } from '../jobs/time.js';
import type { ProcessorService, ScraperService, ServiceResult } from '../recovery/ports.js';
import type { RowSink, TableRows } from '../warehouse/port.js';
import { PHASE3_CRITICAL, POST_GAME_SCRAPERS, phaseOf, SCRAPERS } from './catalog.js';
import { compactDate, createContext, RowBuffer, type SimContext, TABLES } from './context.js';
import { dateRange } from './et.js';
import { bdlMissingOrder, bdlRowsFor, noonOf } from './gen-games.js';
import { bdbPublishedAt, recordsFor, revisionAt } from './gen-phase1.js';
import { lockedPlayers, processorRunRow } from './gen-processors.js';
import { DEFAULT_SEED } from './generate.js';
import { rngFor } from './rng.js';
import { ROSTER_SIZE } from './roster.js';
import type { Scenario } from './scenario.js';
import { gameEnd, loadSchedule, type Schedule } from './schedule.js';
import { type ScrapeAttempt, type ScrapeStatus, scrapeEventRow, scraperRunRow } from './scrape-rows.js';

export type ScrapeParams =
  | { readonly date: string }
  | { readonly startDate: string; readonly endDate: string };

export interface ScrapeCall {
  readonly scraper_name: string;
  readonly params: ScrapeParams;
}

export interface ScrapeAnswer {
  readonly status: 'success' | 'partial' | 'failed' | 'no_data';
  readonly scraper_name: string;
  readonly records: number;
  readonly dates: readonly { date: string; status: string; records: number; message?: string }[];
  readonly message?: string;
  readonly error?: string;
}

export interface ProcessorCall {
  readonly processor_name: string;
  readonly game_date: string;
  readonly attempt: number;
}

export interface ProcessorAnswer {
  readonly status: 'success' | 'failed';
  readonly processor_name: string;
  readonly game_date: string;
  readonly attempt: number;
  readonly records_processed: number;
  readonly records_expected: number;
  readonly error?: string;
}

export interface SimulatedServicesOptions {
  readonly sink: RowSink;
  readonly scenario: Scenario;
  readonly seed?: number;
  readonly clock: Clock;
  readonly schedule?: Schedule;
  /** The `now` the warehouse was simulated at: recoveries due by then are already in it. Default: clock at start. */
  readonly loadedAsOf?: Date;
  /** Require `Authorization: Bearer <token>` on HTTP calls when set. */
  readonly token?: string;
}

export interface SimulatedServices {
  scrape(call: ScrapeCall): Promise<ScrapeAnswer>;
  runProcessor(call: ProcessorCall): Promise<ProcessorAnswer>;
  /** Node http handler for `POST …/scrape` and `POST …/run-processor` (mount as a custom route). */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export class ServiceInputError extends Error {
  constructor(
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'ServiceInputError';
  }
}

/** Longest range one call may scrape (a backfill is split into dates by the caller anyway). */
const MAX_RANGE_DAYS = 62;
const RANK: Record<ScrapeAnswer['status'], number> = { success: 0, no_data: 1, partial: 2, failed: 3 };

export function createSimulatedServices(options: SimulatedServicesOptions): SimulatedServices {
  const schedule = options.schedule ?? loadSchedule();
  const seed = options.seed ?? DEFAULT_SEED;
  const ctxAt = (now: Date): SimContext => createContext({ seed, now, scenario: options.scenario, schedule });
  const loadedAsOf = (options.loadedAsOf ?? options.clock.now()).getTime();
  const scrapeCalls = new Map<string, number>();
  /** Games and teams this process has already written BDL rows for, by date. */
  const writtenGames = new Map<string, Set<string>>();
  const writtenTeams = new Map<string, Set<string>>();
  let seq = 0;

  function scrapeDate(ctx: SimContext, scraper: string, date: string, out: RowBuffer) {
    const key = `${scraper}|${date}`;
    const retry = (scrapeCalls.get(key) ?? 0) + 1;
    scrapeCalls.set(key, retry);
    const now = ctx.now;
    const games = schedule.gamesOn(date);
    const rng = rngFor(seed, 'service', scraper, date, retry);
    const postGame = (POST_GAME_SCRAPERS as readonly string[]).includes(scraper) || scraper === 'bdb_pbp';
    const finalGames = games.filter((g) => gameEnd(g) <= now);
    let status: ScrapeStatus = 'success';
    let answer: ScrapeAnswer['status'] = 'success';
    let expected = recordsFor(scraper, games.length, rng);
    let received = expected;
    let message: string | undefined;
    let errorType: string | null = null;

    const outage = ctx.idx.outage(scraper, date);
    if (games.length === 0) {
      answer = 'no_data';
      expected = 0;
      received = 0;
      message = `no games on ${date}`;
    } else if (postGame && finalGames.length < games.length) {
      answer = 'no_data';
      received = 0;
      errorType = 'no_data_yet';
      message = `${games.length - finalGames.length} of ${games.length} games not final yet`;
    } else if (outage && retry < (outage.recovers_on_retry ?? Number.POSITIVE_INFINITY)) {
      status = 'failed';
      answer = 'failed';
      received = 0;
      errorType = outage.error_type;
      message = outage.message;
    } else if (scraper === 'bdb_pbp' && now < (bdbPublishedAt(ctx, date) ?? 0)) {
      answer = 'no_data';
      status = 'failed';
      received = 0;
      errorType = 'no_data_yet';
      message = 'No game found matching query';
    } else if (
      scraper === 'bdl_box_scores' ||
      scraper === 'bdl_player_box_scores' ||
      scraper === 'bdl_games'
    ) {
      const r = bdlRetry(ctx, scraper, date, retry, out);
      if (r.missing > 0) {
        status = 'partial';
        answer = 'partial';
        errorType = 'api_incomplete';
        expected = games.length;
        received = games.length - r.missing;
        message = `BDL returned ${received} games but NBAC has ${games.length}`;
      } else if (scraper !== 'bdl_player_box_scores') {
        expected = games.length;
        received = games.length;
      }
    }

    if (answer !== 'no_data' || errorType === 'no_data_yet') {
      const attempt: ScrapeAttempt = {
        id: `svc-${compactDate(date)}-${scraper}-${retry}-${++seq}`,
        scraper,
        date,
        workflow: null,
        correlationId: `retry-${scraper}-${date}-${retry}`,
        startedAt: now,
        durationMs: rng.int(1500, 9000),
        status,
        expected: postGame ? expected : null,
        received,
        errorType,
        errorMessage: message ?? null,
        revision: revisionAt(ctx, now),
      };
      out.push(TABLES.scrapeEvents, scrapeEventRow(attempt));
      out.push(TABLES.scraperRuns, scraperRunRow(attempt));
    }
    return { date, status: answer, records: received, ...(message ? { message } : {}) };
  }

  /** BDL rows for missing games and teams that this retry brings back. */
  function bdlRetry(ctx: SimContext, scraper: string, date: string, retry: number, out: RowBuffer) {
    const shortfall = ctx.idx.bdlShortfall(date);
    const order = bdlMissingOrder(ctx, date);
    let originallyMissing = 0;
    let stillMissing = 0;
    if (
      shortfall &&
      !(shortfall.incident.recovered_on && noonOf(shortfall.incident.recovered_on) <= loadedAsOf)
    ) {
      originallyMissing = shortfall.missing;
      const retries = shortfall.incident.retries;
      stillMissing =
        retries.length === 0 ? shortfall.missing : (retries[retry - 1] ?? (retries.at(-1) as number));
      stillMissing = Math.min(stillMissing, shortfall.missing);
    }
    const games = new Map(schedule.gamesOn(date).map((g) => [g.game_id, g]));
    const doneGames = writtenGames.get(date) ?? new Set<string>();
    writtenGames.set(date, doneGames);
    // bdl_games lists games only; the box-score scrapers bring the rows.
    if (scraper !== 'bdl_games') {
      for (const id of order.slice(stillMissing, originallyMissing)) {
        const game = games.get(id);
        if (!game || doneGames.has(id)) continue;
        doneGames.add(id);
        for (const row of bdlRowsFor(ctx, game, ctx.now)) out.push(TABLES.bdl, row);
      }
      const gap = ctx.idx.missingBoxscoreTeams(date);
      const backfilled = gap.incidents.every((i) => i.backfilled_on && noonOf(i.backfilled_on) <= loadedAsOf);
      if (gap.teams.size > 0 && !backfilled) {
        const doneTeams = writtenTeams.get(date) ?? new Set<string>();
        writtenTeams.set(date, doneTeams);
        const teams = new Set([...gap.teams].filter((t) => !doneTeams.has(t)));
        for (const game of games.values()) {
          // Games BDL still leaves out wholly stay out; rows already written for a game are not repeated.
          if (order.slice(0, stillMissing).includes(game.game_id) || doneGames.has(game.game_id)) continue;
          for (const row of bdlRowsFor(ctx, game, ctx.now, teams)) out.push(TABLES.bdl, row);
        }
        for (const t of teams) doneTeams.add(t);
      }
    }
    return { missing: stillMissing };
  }

  async function scrape(call: ScrapeCall): Promise<ScrapeAnswer> {
    if (!(SCRAPERS as readonly string[]).includes(call.scraper_name)) {
      throw new ServiceInputError(`unknown scraper ${call.scraper_name}`, 404);
    }
    const [from, until] =
      'date' in call.params
        ? [call.params.date, call.params.date]
        : [call.params.startDate, call.params.endDate];
    for (const d of [from, until])
      if (!isIsoDate(d)) throw new ServiceInputError(`bad date ${d}: use YYYY-MM-DD`);
    if (until < from) throw new ServiceInputError(`endDate ${until} is before startDate ${from}`);
    const dates = dateRange(from, until);
    if (dates.length > MAX_RANGE_DAYS) throw new ServiceInputError(`range over ${MAX_RANGE_DAYS} days`);
    const ctx = ctxAt(options.clock.now());
    const out = new RowBuffer();
    const results = dates.map((d) => scrapeDate(ctx, call.scraper_name, d, out));
    await options.sink.insertRows(nonEmpty(out.rows()));
    const worst = results.reduce<ScrapeAnswer['status']>(
      (w, r) => (RANK[r.status] > RANK[w] ? r.status : w),
      'success',
    );
    const failed = results.find((r) => r.status === 'failed');
    const partial = results.find((r) => r.status !== 'success' && r.message);
    return {
      status: worst,
      scraper_name: call.scraper_name,
      records: results.reduce((n, r) => n + r.records, 0),
      dates: results,
      ...(partial?.message ? { message: partial.message } : {}),
      ...(failed?.message ? { error: failed.message } : {}),
    };
  }

  const processorCalls = new Map<string, number>();

  async function runProcessor(call: ProcessorCall): Promise<ProcessorAnswer> {
    const phase = phaseOf(call.processor_name);
    if (phase === undefined) throw new ServiceInputError(`unknown processor ${call.processor_name}`, 404);
    if (!isIsoDate(call.game_date))
      throw new ServiceInputError(`bad game_date ${call.game_date}: use YYYY-MM-DD`);
    const ctx = ctxAt(options.clock.now());
    const games = schedule.gamesOn(call.game_date);
    const key = `${call.processor_name}|${call.game_date}`;
    const n = (processorCalls.get(key) ?? 0) + 1;
    processorCalls.set(key, n);
    const attempt = Math.max(call.attempt, 1);
    const teams = games.length * 2;
    const team = call.processor_name.includes('team');
    const expected = team ? teams : teams * ROSTER_SIZE;
    const stale = ctx.idx.stalePhase3(call.game_date);
    const stuck =
      stale?.processors.includes(call.processor_name) &&
      attempt < (stale.recovers_on_attempt ?? Number.POSITIVE_INFINITY);
    const locked = call.processor_name === PHASE3_CRITICAL[0] ? lockedPlayers(ctx, call.game_date).size : 0;
    const processed = stuck ? 0 : expected - locked;
    const rng = rngFor(seed, 'service-processor', key, n);
    const durationMs = rng.int(60, 600) * 1000;
    const out = new RowBuffer();
    const row = processorRunRow(
      {
        id: `svc-run-${compactDate(call.game_date)}-${call.processor_name}-${n}`,
        name: call.processor_name,
        phase,
        date: call.game_date,
        // Written when it finishes: the answer comes back after the run.
        start: ctx.now - durationMs,
        durationMs,
        status: stuck ? 'failed' : 'success',
        processed,
        expected,
        error: stuck ? (stale?.error ?? 'failed') : null,
        trigger: 'retry',
      },
      ctx.now,
    );
    if (row) out.push(TABLES.processorRuns, row);
    await options.sink.insertRows(nonEmpty(out.rows()));
    return {
      status: stuck ? 'failed' : 'success',
      processor_name: call.processor_name,
      game_date: call.game_date,
      attempt,
      records_processed: processed,
      records_expected: expected,
      ...(stuck ? { error: stale?.error ?? 'failed' } : {}),
    };
  }

  return { scrape, runProcessor, handleHttp: createHttpHandler({ scrape, runProcessor }, options.token) };
}

const nonEmpty = (rows: TableRows): TableRows =>
  Object.fromEntries(Object.entries(rows).filter(([, r]) => r.length > 0));

const date = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD');
const scrapeBody = z.object({
  scraper_name: z.string().min(1),
  params: z.union([z.object({ date }), z.object({ startDate: date, endDate: date })]),
});
const processorBody = z.object({
  processor_name: z.string().min(1),
  game_date: date,
  attempt: z.number().int().min(1).default(1),
});

const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ServiceInputError('body too large', 413));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function bearerOk(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function createHttpHandler(
  services: Pick<SimulatedServices, 'scrape' | 'runProcessor'>,
  token: string | undefined,
): SimulatedServices['handleHttp'] {
  return async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
      const route = path.endsWith('/scrape')
        ? 'scrape'
        : path.endsWith('/run-processor')
          ? 'processor'
          : undefined;
      if (!route) return send(res, 404, { status: 'error', error: `no route ${path}` });
      if (req.method !== 'POST') return send(res, 405, { status: 'error', error: 'use POST' });
      if (!bearerOk(req, token))
        return send(res, 401, { status: 'error', error: 'missing or bad bearer token' });
      let json: unknown;
      try {
        json = JSON.parse(await readBody(req));
      } catch (err) {
        if (err instanceof ServiceInputError) throw err;
        return send(res, 400, { status: 'error', error: 'body is not JSON' });
      }
      const schema = route === 'scrape' ? scrapeBody : processorBody;
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return send(res, 400, {
          status: 'error',
          error: `${issue?.path.join('.') || 'body'}: ${issue?.message}`,
        });
      }
      const answer =
        route === 'scrape'
          ? await services.scrape(parsed.data as ScrapeCall)
          : await services.runProcessor(parsed.data as ProcessorCall);
      return send(res, 200, answer);
    } catch (err) {
      if (err instanceof ServiceInputError)
        return send(res, err.httpStatus, { status: 'error', error: err.message });
      return send(res, 500, { status: 'error', error: err instanceof Error ? err.message : String(err) });
    }
  };
}

/**
 * The simulated services as the bot's scraper and processor ports (src/recovery/ports.ts), called in
 * process: the demo and the season replay both run the bot against them.
 */
export function simulatedPorts(sim: Pick<SimulatedServices, 'scrape' | 'runProcessor'>): {
  readonly scraper: ScraperService;
  readonly processor: ProcessorService;
} {
  const result = (status: string, records: number, error: string | undefined): ServiceResult => ({
    status,
    records,
    ...(error ? { error } : {}),
  });
  return {
    scraper: {
      scrape: async (request) => {
        const a = await sim.scrape(request);
        return result(a.status, a.records, a.error);
      },
    },
    processor: {
      run: async (request) => {
        const a = await sim.runProcessor(request);
        return result(a.status, a.records_processed, a.error);
      },
    },
  };
}
