// The charts under grading alerts and the digest, on the embedded store with the lifecycle's own delivery:
// each is shared once in its thread however often the job runs, its PNG is made from the warehouse's rows,
// and a chart that fails is logged while the alert and the digest stand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverRun } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/clock.js';
import type { DashboardData } from '../../src/dashboard/port.js';
import { type Finding, findingKey } from '../../src/jobs/finding.js';
import { addDays } from '../../src/jobs/time.js';
import { type ChartServices, shareGradingCharts } from '../../src/pipeline/charts.js';
import { runDigest } from '../../src/pipeline/digest-job.js';
import type { DocumentStore } from '../../src/store/port.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';
import { testConfig, testIncidentMessages, testLogger } from '../support/services.js';
import { fmt } from '../views/fixtures.js';

const PNG_MAGIC = '89504e470d0a1a0a';
const DATE = '2026-01-19';

let store: DocumentStore;
let cleanup: () => Promise<void>;
let chat: FakeChat;
let clock: ManualClock;
let log: ReturnType<typeof testLogger>;
let queries: string[];

beforeEach(async () => {
  ({ store, cleanup } = await tempDuckDbStore());
  chat = new FakeChat();
  clock = new ManualClock('2026-01-20T16:00:00Z'); // 11:00 ET, the grading run
  log = testLogger();
  queries = [];
});
afterEach(() => cleanup());

/** The warehouse as the charts read it: 14 days of grading, one scraper's failures and a gap. */
const warehouse = {
  engine: 'duckdb',
  async query(def: { file: string }) {
    queries.push(def.file);
    if (def.file === 'checks/grading_accuracy.sql')
      return Array.from({ length: 14 }, (_, i) => addDays('2026-01-06', i)).flatMap((game_date) => [
        { game_date, system_id: 'catboost_v8', graded: 50, correct: game_date === DATE ? 15 : 27 },
        { game_date, system_id: 'ensemble_v1', graded: 48, correct: 26 },
      ]);
    if (def.file === 'charts/scraper_failures_daily.sql')
      return [{ scraper_name: 'bp_player_props', game_date: addDays(DATE, -1), failures: 5 }];
    return [];
  },
} as unknown as Warehouse;

const deps = (): ChartServices => ({ warehouse, store, chat, clock, log, config: testConfig() });

const gradingFinding: Finding = {
  check: 'grading_accuracy',
  key: findingKey('grading_accuracy', 'catboost_v8', DATE),
  severity: 'error',
  title: `catboost_v8 hit 30% (15/50) on ${DATE}`,
  subject: { system: 'catboost_v8', date: DATE },
  facts: { system: 'catboost_v8' },
  actions: [],
};

/** One grading run's tail: deliver the findings, then share the charts, as runCheckJob does. */
async function gradingRun(findings: Finding[]) {
  await deliverRun(
    {
      store,
      chat,
      clock,
      incidentMessages: testIncidentMessages({ store, chat, clock }),
      routing: { defaultChannel: 'C_ALERTS' },
      log,
      stopSignal: new AbortController().signal,
    },
    { findings, checksRan: ['grading_accuracy'] },
  );
  return shareGradingCharts(deps(), findings, clock.now());
}

describe('grading alert chart', () => {
  it('is shared once in the alert thread across two runs, as a PNG of the 14-day hit rates', async () => {
    expect(await gradingRun([gradingFinding])).toBe(1);
    clock.advance(3_600_000);
    expect(await gradingRun([gradingFinding])).toBe(0);

    const alert = chat.topLevel()[0];
    expect(chat.uploads).toHaveLength(1);
    const upload = chat.uploads[0];
    expect(upload).toMatchObject({
      channel: 'C_ALERTS',
      threadTs: alert?.ts,
      filename: `hit-rate-catboost_v8-${DATE}.png`,
      title: 'Hit rate by system, Jan 6 – Jan 19',
    });
    const image = await upload?.render();
    expect(Buffer.from(image?.bytes.subarray(0, 8) ?? []).toString('hex')).toBe(PNG_MAGIC);
    expect(image?.altText).toContain(`catboost_v8: 30 % on ${DATE}`);
    expect(queries).toEqual(['checks/grading_accuracy.sql']);
  });

  it('logs a failed upload, does not try again, and leaves the alert posted', async () => {
    chat.nextUploadFault = true;
    expect(await gradingRun([gradingFinding])).toBe(0);
    expect(await gradingRun([gradingFinding])).toBe(0);
    expect(chat.topLevel()).toHaveLength(1);
    expect(chat.uploads).toHaveLength(0);
    expect(log.lines.join('\n')).toMatch(/chart hit-rate-catboost_v8-2026-01-19\.png not shared/);
  });

  it('leaves other checks alone', async () => {
    const other = {
      ...gradingFinding,
      check: 'prediction_volume',
      key: findingKey('prediction_volume', DATE),
    };
    expect(await gradingRun([other])).toBe(0);
    expect(chat.uploads).toHaveLength(0);
  });
});

describe('digest chart', () => {
  const data = {
    digest: async () => ({
      date: DATE,
      games: { got: 9, expected: 9 },
      boxscores: { got: 9, expected: 9 },
      gamebooks: { got: 9, expected: 9 },
      missing: [],
      breakers: [],
      openIncidents: [],
      recoveries24h: [],
      gapTrend: [],
      recoveryByAttempt: { byAttempt: [0, 0, 0], exhausted: 0 },
    }),
  } as unknown as DashboardData;
  const digestDeps = () => ({ ...deps(), data, fmt, routing: { defaultChannel: 'C_ALERTS' } });

  it('is shared once in the digest thread however often the slot fires', async () => {
    clock.set(new Date('2026-01-20T12:00:00Z'));
    expect((await runDigest(digestDeps(), clock.now())).posted).toBe(true);
    expect((await runDigest(digestDeps(), clock.now())).posted).toBe(false);

    const digest = chat.topLevel()[0];
    expect(chat.topLevel()).toHaveLength(1);
    expect(chat.uploads.map((u) => [u.threadTs, u.filename])).toEqual([
      [digest?.ts, `scraper-failures-${DATE}.png`],
    ]);
    const image = await chat.uploads[0]?.render();
    expect(Buffer.from(image?.bytes.subarray(0, 8) ?? []).toString('hex')).toBe(PNG_MAGIC);
    expect(image?.altText).toContain('bp_player_props 5 failed runs');
  });
});
