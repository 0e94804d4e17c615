// The shared snapshot App Home and the slash commands read: one warehouse reading per cache window however
// many people ask (also while it is being computed), a new one once the window is over, a fresh one when
// asked (an explicit date, Home's refresh), and Home's refresh list forgetting people who stopped looking.
import { describe, expect, it } from 'vitest';
import { answerCommand } from '../../src/bot/commands.js';
import { HOME_VIEWER_IDLE_MS, homeViewers } from '../../src/bot/home.js';
import { ManualClock } from '../../src/clock.js';
import { ConfigError, readConfig } from '../../src/config.js';
import { createDashboardData } from '../../src/dashboard/data.js';
import { createSnapshots } from '../../src/dashboard/snapshot.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { createLogger } from '../../src/log.js';
import { createMemoryStore } from '../../src/replay/memory-store.js';
import { zonedFormatter } from '../../src/views/format.js';
import type { Params, Warehouse } from '../../src/warehouse/port.js';

const TTL_MS = 90_000;
/** A cache window's start (a multiple of 90 s since the epoch). */
const WINDOW_START = new Date(Math.ceil(Date.parse('2026-01-20T14:00:00Z') / TTL_MS) * TTL_MS);

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

const quietLog = createLogger({ level: 'error', format: 'json', secrets: [], write: () => {} });
const SCRAPERS = 'status/scrapers.sql';
const RUNS = 'status/pipeline_runs.sql';

describe('dashboard snapshot', () => {
  it('reads the warehouse once per window, as of the window start, then again after the TTL', async () => {
    const { data, calls, count } = dashboard();
    const clock = new ManualClock(new Date(WINDOW_START.getTime() + 30_000));
    const first = await data.home(clock.now());
    const perHome = calls.length;
    expect(perHome).toBeGreaterThan(0);
    // The query's `now` is the window's start, the same for every reader and instance in it.
    expect(calls.find((c) => c.file === SCRAPERS)?.params.now).toEqual(WINDOW_START);
    clock.set(new Date(WINDOW_START.getTime() + TTL_MS - 1));
    const again = await data.home(clock.now());
    await data.scraperStatus(clock.now());
    await data.breakers(clock.now());
    expect(calls.length).toBe(perHome);
    expect(again.scrapers).toEqual(first.scrapers);
    clock.set(new Date(WINDOW_START.getTime() + TTL_MS));
    await data.home(clock.now());
    expect(calls.length).toBe(2 * perHome);
    expect(count(SCRAPERS)).toBe(2);
    expect(new Set(calls.map((c) => c.surface))).toEqual(new Set(['home']));
  });

  it('shares one computation between concurrent readers, and keeps no failed one', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { data, count } = dashboard(TTL_MS, gate);
    const readers = Array.from({ length: 10 }, () => data.scraperStatus(WINDOW_START));
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
    await expect(failing.breakers(WINDOW_START)).rejects.toThrow('quota');
    // The next reader in the same window tries again rather than inheriting the failure.
    await expect(failing.breakers(WINDOW_START)).rejects.toThrow('quota');
  });

  it('answers a command with an explicit date afresh, the default date from the snapshot', async () => {
    const { data, calls, count } = dashboard();
    const clock = new ManualClock(new Date(WINDOW_START.getTime() + 10_000));
    const deps = { data, clock, fmt: zonedFormatter(), log: quietLog };
    const yesterday = { kind: 'pipeline-health', date: '2026-01-19' } as const;
    await answerCommand(deps, '/pipeline-health', yesterday);
    await answerCommand(deps, '/pipeline-health', yesterday);
    expect(count(RUNS)).toBe(1);
    const named = { kind: 'pipeline-health', date: '2026-01-18' } as const;
    await answerCommand(deps, '/pipeline-health', named, { fresh: true });
    await answerCommand(deps, '/pipeline-health', named, { fresh: true });
    expect(count(RUNS)).toBe(3);
    // A fresh answer is as of the moment asked, not the window's start.
    expect(calls.filter((c) => c.file === RUNS).at(-1)?.params.now).toEqual(clock.now());
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
    await data.scraperStatus(WINDOW_START);
    await data.scraperStatus(WINDOW_START);
    expect(count(SCRAPERS)).toBe(2);
    expect(() => createSnapshots(-1)).toThrow('non-negative');
  });

  it('reads DASHBOARD_CACHE_SECONDS (default 90 s) and refuses a bad value by name', () => {
    expect(readConfig({}).server.dashboardCacheMs).toBe(90_000);
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
    return { home, open, published };
  }

  it('computes Home once per refresh and publishes it to every viewer', async () => {
    const { data, count } = dashboard();
    const clock = new ManualClock(WINDOW_START);
    const { home, open, published } = viewersOf(data, clock);
    const users = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8'];
    for (const user of users) await open(user);
    await home.refresh();
    expect(count(SCRAPERS)).toBe(1);
    expect(published.map((p) => p.user)).toEqual(users);
    expect(new Set(published.map((p) => p.view)).size).toBe(1);
    // The refresh's reading is the window's snapshot: an open right after it reads nothing more.
    await data.home(clock.now());
    expect(count(SCRAPERS)).toBe(1);
  });

  it('drops viewers who have not opened Home for a day, until they open it again', async () => {
    const { data } = dashboard();
    const clock = new ManualClock(WINDOW_START);
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
