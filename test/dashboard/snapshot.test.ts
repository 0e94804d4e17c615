// The shared snapshot App Home and the slash commands read: one warehouse reading however many people ask
// (also while it is being taken), shown with its time until it is TTL old, a fresh one when asked (an
// explicit date) and after each check run (Home's refresh, the job's work), and Home's refresh list
// forgetting people who stopped looking.
import { describe, expect, it } from 'vitest';
import { answerCommand } from '../../src/bot/commands.js';
import { HOME_VIEWER_IDLE_MS, homeViewers, publishHome } from '../../src/bot/home.js';
import { ManualClock } from '../../src/clock.js';
import { ConfigError, readConfig } from '../../src/config.js';
import { createDashboardData } from '../../src/dashboard/data.js';
import { createSnapshots } from '../../src/dashboard/snapshot.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { createLogger } from '../../src/log.js';
import { createMemoryStore } from '../../src/replay/memory-store.js';
import { zonedFormatter } from '../../src/views/format.js';
import type { Params, Warehouse } from '../../src/warehouse/port.js';

const TTL_MS = 4 * 3_600_000;
/** 09:00 ET: a check run's time. */
const RUN_AT = new Date('2026-01-20T14:00:00Z');
const MINUTE = 60_000;

/** A warehouse with no rows that records every query (file and parameters); `gate` holds answers back. */
function recordingWarehouse(gate?: Promise<void>) {
  const calls: { file: string; params: Params; surface: string | undefined }[] = [];
  const warehouse: Warehouse = {
    engine: 'duckdb',
    async query(def, params, options) {
      calls.push({ file: def.file, params: params as Params, surface: options?.surface });
      await gate;
      return [];
    },
    execute: async () => null,
    ping: async () => {},
    close: async () => {},
  };
  const count = (file: string) => calls.filter((c) => c.file === file).length;
  return { warehouse, calls, count };
}

function dashboard(ttlMs = TTL_MS, gate?: Promise<void>) {
  const recorded = recordingWarehouse(gate);
  const data = createDashboardData(
    { warehouse: recorded.warehouse, store: createMemoryStore(), config: { thresholds: DEFAULT_THRESHOLDS } },
    createSnapshots(ttlMs),
  );
  return { ...recorded, data };
}

/** Every text a message view shows (blocks included). */
const textOf = (view: unknown) => JSON.stringify(view);

const quietLog = createLogger({ level: 'error', format: 'json', secrets: [], write: () => {} });
const SCRAPERS = 'status/scrapers.sql';
const RUNS = 'status/pipeline_runs.sql';

describe('dashboard snapshot', () => {
  it('reads the warehouse once, as of the moment read, then shares it until it is TTL old', async () => {
    const { data, calls, count } = dashboard();
    const clock = new ManualClock(RUN_AT);
    const first = await data.home(clock.now());
    const perHome = calls.length;
    expect(perHome).toBeGreaterThan(0);
    expect(calls.find((c) => c.file === SCRAPERS)?.params.now).toEqual(RUN_AT);
    expect(first.warehouseAsOf).toEqual(RUN_AT);
    clock.set(new Date(RUN_AT.getTime() + TTL_MS - 1));
    const again = await data.home(clock.now());
    expect((await data.scraperStatus(clock.now())).asOf).toEqual(RUN_AT);
    await data.breakers(clock.now());
    expect(calls.length).toBe(perHome);
    expect(again.scrapers).toEqual(first.scrapers);
    expect(again.warehouseAsOf).toEqual(RUN_AT);
    clock.set(new Date(RUN_AT.getTime() + TTL_MS));
    const later = await data.home(clock.now());
    expect(calls.length).toBe(2 * perHome);
    expect(count(SCRAPERS)).toBe(2);
    expect(later.warehouseAsOf).toEqual(clock.now());
    expect(new Set(calls.map((c) => c.surface))).toEqual(new Set(['home']));
    // A reading from after `now` (a replay going back) is not shown as if it were older.
    await data.scraperStatus(new Date(RUN_AT.getTime() - MINUTE));
    expect(count(SCRAPERS)).toBe(3);
  });

  it('shares one computation between concurrent readers, and keeps no failed one', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { data, count } = dashboard(TTL_MS, gate);
    const readers = Array.from({ length: 10 }, () => data.scraperStatus(RUN_AT));
    expect(count(SCRAPERS)).toBe(1);
    release();
    const answers = await Promise.all(readers);
    expect(new Set(answers).size).toBe(1);

    const failing = createDashboardData(
      {
        warehouse: { ...recordingWarehouse().warehouse, query: () => Promise.reject(new Error('quota')) },
        store: createMemoryStore(),
        config: { thresholds: DEFAULT_THRESHOLDS },
      },
      createSnapshots(TTL_MS),
    );
    await expect(failing.breakers(RUN_AT)).rejects.toThrow('quota');
    // The next reader in the same window tries again rather than inheriting the failure.
    await expect(failing.breakers(RUN_AT)).rejects.toThrow('quota');
  });

  it('answers a command with an explicit date afresh, the default date from the snapshot', async () => {
    const { data, calls, count } = dashboard();
    const clock = new ManualClock(RUN_AT);
    const deps = { data, clock, fmt: zonedFormatter(), log: quietLog };
    const yesterday = { kind: 'pipeline-health', date: '2026-01-19' } as const;
    await answerCommand(deps, '/pipeline-health', yesterday);
    clock.advance(65 * MINUTE);
    // The shared reading says how old it is.
    expect(textOf(await answerCommand(deps, '/pipeline-health', yesterday))).toContain(
      'Read from the warehouse as of 09:00 ET (1 h 05 m ago)',
    );
    expect(count(RUNS)).toBe(1);
    const named = { kind: 'pipeline-health', date: '2026-01-18' } as const;
    await answerCommand(deps, '/pipeline-health', named, { fresh: true });
    const answer = await answerCommand(deps, '/pipeline-health', named, { fresh: true });
    expect(count(RUNS)).toBe(3);
    // A fresh answer is as of the moment asked, and says no age.
    expect(calls.filter((c) => c.file === RUNS).at(-1)?.params.now).toEqual(clock.now());
    expect(textOf(answer)).not.toContain('Read from the warehouse');
    // BigQuery labels: what a command started is the command's; Home then shares it without a query.
    await answerCommand(deps, '/scrape-status', { kind: 'scrape-status' });
    await data.scraperStatus(clock.now());
    expect(count(SCRAPERS)).toBe(1);
    expect(new Set(calls.map((c) => c.surface))).toEqual(new Set(['command']));
    // The digest, a scheduled job, reads afresh under the job's label.
    const before = calls.length;
    await data.digest(clock.now());
    expect(calls.length).toBeGreaterThan(before);
    expect(new Set(calls.slice(before).map((c) => c.surface))).toEqual(new Set(['job']));
  });

  it('shares nothing with a TTL of 0', async () => {
    const { data, count } = dashboard(0);
    await data.scraperStatus(RUN_AT);
    await data.scraperStatus(RUN_AT);
    expect(count(SCRAPERS)).toBe(2);
    expect(() => createSnapshots(-1)).toThrow('non-negative');
  });

  it('reads DASHBOARD_CACHE_SECONDS (default 4 h, the longest wait between daytime check runs) and refuses a bad value by name', () => {
    expect(readConfig({}).server.dashboardCacheMs).toBe(TTL_MS);
    expect(readConfig({ DASHBOARD_CACHE_SECONDS: '0' }).server.dashboardCacheMs).toBe(0);
    expect(() => readConfig({ DASHBOARD_CACHE_SECONDS: '-5' })).toThrow(ConfigError);
    expect(() => readConfig({ DASHBOARD_CACHE_SECONDS: 'soon' })).toThrow(/DASHBOARD_CACHE_SECONDS/);
  });
});

describe("App Home's refresh", () => {
  /** homeViewers with a stand-in Bolt app (its open listener) and Web API client (the publishes). */
  function viewersOf(data: ReturnType<typeof dashboard>['data'], clock: ManualClock) {
    const published: { user: string; view: unknown }[] = [];
    const client = {
      views: {
        publish: async (args: { user_id: string; view: unknown }) => {
          published.push({ user: args.user_id, view: args.view });
          return { ok: true };
        },
      },
    } as unknown as Parameters<typeof homeViewers>[1] extends () => infer C ? C : never;
    const home = homeViewers({ data, clock, fmt: zonedFormatter(), log: quietLog }, () => client);
    let opened: (args: { event: { user: string; tab: string } }) => Promise<void> = async () => {};
    home.surface({
      event: (_name: string, listener: typeof opened) => {
        opened = listener;
      },
    } as never);
    const open = (user: string) => opened({ event: { user, tab: 'home' } });
    /** What the tab's open event publishes (homeSurface). */
    const publish = (user: string) =>
      publishHome({ data, clock, fmt: zonedFormatter(), log: quietLog }, client, user);
    return { home, open, publish, published };
  }

  it('computes Home once per refresh and publishes it to every viewer', async () => {
    const { data, count } = dashboard();
    const clock = new ManualClock(RUN_AT);
    const { home, open, published } = viewersOf(data, clock);
    const users = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8'];
    for (const user of users) await open(user);
    await home.refresh();
    expect(count(SCRAPERS)).toBe(1);
    expect(published.map((p) => p.user)).toEqual(users);
    expect(new Set(published.map((p) => p.view)).size).toBe(1);
    // The refresh's reading is the snapshot: an open right after it reads nothing more.
    await data.home(clock.now());
    expect(count(SCRAPERS)).toBe(1);
  });

  it("is the check run's work: opens until the next run read no warehouse and show the reading's time", async () => {
    const { data, calls, count } = dashboard();
    const clock = new ManualClock(RUN_AT);
    const { home, open, publish, published } = viewersOf(data, clock);
    await open('U1');
    await home.refresh();
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => c.surface))).toEqual(new Set(['job']));
    const read = calls.length;
    clock.advance(65 * MINUTE);
    await publish('U2');
    await publish('U3');
    expect(calls.length).toBe(read);
    expect(JSON.stringify(published.at(-1)?.view)).toContain(
      'scrapers and breakers as of 09:00 ET (1 h 05 m ago)',
    );
    // The next run's refresh reads again, and the opens after it show its time.
    clock.advance(55 * MINUTE);
    await home.refresh();
    expect(count(SCRAPERS)).toBe(2);
    clock.advance(10 * MINUTE);
    await publish('U2');
    expect(count(SCRAPERS)).toBe(2);
    expect(JSON.stringify(published.at(-1)?.view)).toContain('as of 11:00 ET (10 m ago)');
  });

  it('shows no age on a Home read for the open itself', async () => {
    const { data } = dashboard();
    const clock = new ManualClock(RUN_AT);
    const { publish, published } = viewersOf(data, clock);
    await publish('U1');
    expect(JSON.stringify(published.at(-1)?.view)).not.toContain('as of');
  });

  it('drops viewers who have not opened Home for a day, until they open it again', async () => {
    const { data } = dashboard();
    const clock = new ManualClock(RUN_AT);
    const { home, open, published } = viewersOf(data, clock);
    await open('U_AWAY');
    clock.advance(HOME_VIEWER_IDLE_MS - 3_600_000);
    await open('U_ON_CALL');
    clock.advance(2 * 3_600_000);
    await home.refresh();
    expect(published.map((p) => p.user)).toEqual(['U_ON_CALL']);
    await open('U_AWAY');
    await home.refresh();
    expect(published.map((p) => p.user)).toEqual(['U_ON_CALL', 'U_ON_CALL', 'U_AWAY']);
  });
});
