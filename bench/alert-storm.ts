// Case 2, alert storm: one night with 12 failing scrapers and 9 games' box scores missing downstream, built
// as Findings on one date and delivered by deliverRun through the bot's SlackChat (real WebClient with the
// bot's client options) to the local sandbox, which enforces Slack's chat.postMessage limit (its default
// token bucket, about 1 message/s per channel). Counts top-level vs threaded messages, the sandbox's 429s
// and delivery errors, and the time to post all vs the rate-limit floor (messages / rate).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { webApi } from '@slack/bolt';
import { deliverRun } from '../src/alerts/deliver.js';
import { SAFE_CLIENT_OPTIONS, SlackChat } from '../src/chat/slack.js';
import { systemClock } from '../src/clock.js';
import type { Finding } from '../src/jobs/finding.js';
import { createLogger } from '../src/log.js';
import { createIncidentMessages } from '../src/pipeline/incident-messages.js';
import { SLACK_POST_LIMIT } from '../src/sandbox/rate-limit.js';
import { startSandbox } from '../src/sandbox/server.js';
import { createDuckDbStore } from '../src/store/duckdb.js';
import { zonedFormatter } from '../src/views/format.js';
import { type BenchResult, fmt, log } from './lib.js';

const DATE = '2026-01-18';
const CHANNEL = 'C01ALERTS';
const TOKEN = 'xoxb-bench';
const SCRAPERS = [
  'bdl_player_boxscores',
  'bdl_box_scores',
  'nbac_gamebook_pdf',
  'nbac_player_boxscore',
  'nbac_injury_report',
  'nbac_schedule_api',
  'bp_events',
  'bp_player_props',
  'oddsa_events',
  'oddsa_player_props',
  'bdb_pbp',
  'nbac_referee_assignments',
];
/** The box-score sources whose shortfall explains everything downstream (the roots of the cascade). */
const SOURCES = ['bdl_player_boxscores', 'bdl_box_scores', 'nbac_player_boxscore'];
/** The 9 games' 18 teams. */
const TEAMS = ['ATL', 'BOS', 'BKN', 'CHA', 'CHI', 'CLE', 'DAL', 'DEN', 'DET'].flatMap((home, i) => [
  home,
  ['GSW', 'HOU', 'IND', 'LAC', 'LAL', 'MEM', 'MIA', 'MIL', 'MIN'][i] as string,
]);
const PROCESSORS = ['player_game_summary', 'team_game_summary', 'upcoming_player_game_context'];

function finding(
  check: string,
  keyPart: string,
  subject: Finding['subject'],
  facts: Finding['facts'],
): Finding {
  return {
    check,
    key: `${check}:${keyPart}`,
    severity: 'error',
    title: `${check.replaceAll('_', ' ')}: ${keyPart}`,
    subject: { date: DATE, ...subject },
    facts,
    actions: subject.scraper ? [{ kind: 'retry', scraper: subject.scraper, date: DATE }] : [],
  };
}

/** The storm: roots (scraper gaps, source discrepancies) and their cascading children on the same date. */
export function stormFindings(): { findings: Finding[]; groups: number } {
  const gaps = SCRAPERS.map((s) => finding('scraper_gaps', s, { scraper: s }, { missing_runs: 3, games: 9 }));
  const sources = SOURCES.map((s) =>
    finding('source_discrepancy', `${s}:${DATE}`, { scraper: s }, { expected_games: 9, found_games: 0 }),
  );
  const boxscores = TEAMS.map((t) =>
    finding('boxscore_completeness', t, { team: t }, { expected_players: 13, found_players: 0 }),
  );
  const breakers = PROCESSORS.map((p) =>
    finding('circuit_breakers', p, { processor: p }, { tripped_entities: 18 }),
  );
  const volume = finding('prediction_volume', DATE, {}, { predictions: 41, floor: 200 });
  // An incident group is one root and what it explains: every scraper gap stands alone (nothing explains
  // it), each source discrepancy is a root; the box score, breaker and volume findings are downstream.
  return {
    findings: [...gaps, ...sources, ...boxscores, ...breakers, volume],
    groups: gaps.length + sources.length,
  };
}

export async function benchAlertStorm(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-bench-storm-'));
  const instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));
  const store = await createDuckDbStore(await instance.connect());
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    botEventsUrl: 'http://127.0.0.1:9/',
    signingSecret: 'bench',
    botToken: TOKEN,
  });
  try {
    const client = new webApi.WebClient(TOKEN, { ...SAFE_CLIENT_OPTIONS, slackApiUrl: sandbox.apiUrl });
    let handled429 = 0;
    const chat = new SlackChat(client, { onRateLimited: () => handled429++ });
    const { findings, groups } = stormFindings();
    const checksRan = [...new Set(findings.map((f) => f.check))];
    const started = performance.now();
    let summary: Awaited<ReturnType<typeof deliverRun>>;
    let thrown: unknown;
    try {
      summary = await deliverRun(
        {
          store,
          chat,
          clock: systemClock,
          incidentMessages: createIncidentMessages({
            store,
            chat,
            clock: systemClock,
            fmt: zonedFormatter(),
            config: { autoHeal: { policies: [], quietHours: null } },
          }),
          routing: { defaultChannel: CHANNEL },
          log: createLogger({ level: 'error', format: 'pretty', secrets: [] }),
          stopSignal: new AbortController().signal,
        },
        { findings, checksRan },
      );
    } catch (error) {
      thrown = error;
      summary = {
        opened: 0,
        updated: 0,
        resolved: 0,
        posted: 0,
        pending: 0,
        deferred: 0,
        errors: [String(error)],
      };
    }
    const elapsedMs = performance.now() - started;
    const messages = [...sandbox.state.messages.values()].flat();
    const topLevel = messages.filter((m) => !m.threadTs).length;
    const threaded = messages.length - topLevel;
    const served429 = sandbox.webApi.stats.rateLimited;
    const unhandled = summary.errors.length + (thrown ? 1 : 0);
    // The floor: every message at Slack's sustained per-channel rate (one channel here).
    const floorMs = (messages.length / SLACK_POST_LIMIT.perSecond) * 1000;
    log(
      `  alert storm: ${findings.length} findings, ${messages.length} messages (${topLevel} top-level for ${groups} groups, ${threaded} threaded), ` +
        `429s served ${served429} (waited out ${handled429}), errors ${unhandled}, ${fmt(elapsedMs / 1000)} s vs floor ${fmt(floorMs / 1000)} s`,
    );
    const notes = [
      `${findings.length} findings -> ${messages.length} messages: ${topLevel} top-level (${groups} incident groups expected${topLevel === groups ? ', one root each' : ', MISMATCH'}), ${threaded} threaded`,
      `429s served by the sandbox: ${served429} (waited out by SlackChat: ${handled429}); unhandled delivery errors: ${unhandled}`,
      `floor = messages / ${SLACK_POST_LIMIT.perSecond} per s per channel (sandbox burst ${SLACK_POST_LIMIT.burst}); SlackChat paces posts 1000 ms apart per channel`,
      ...summary.errors.slice(0, 3).map((e) => `error: ${e}`),
    ];
    return [
      {
        case: 'alert storm: time to post all vs rate floor',
        measured: elapsedMs / 1000,
        baseline: floorMs / 1000,
        unit: 's',
        ratio: elapsedMs / floorMs,
        target: 1.2,
        notes,
        details: {
          findings: findings.length,
          messages: messages.length,
          topLevel,
          threaded,
          groups,
          served429,
          handled429,
          unhandled,
          summary,
        },
      },
      {
        case: 'alert storm: top-level messages per incident group',
        measured: topLevel,
        baseline: groups,
        unit: 'msgs',
        ratio: topLevel / groups,
        target: 1,
      },
      {
        case: 'alert storm: 429s left unhandled + delivery errors',
        measured: unhandled,
        baseline: messages.length,
        unit: 'count',
        // A count, not a ratio: 0 of the messages may fail (target 0).
        ratio: unhandled,
        target: 0,
      },
    ];
  } finally {
    await sandbox.close();
    await store.close();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
