// App Home through Bolt and the sandbox: opening the tab publishes the dashboard built from the data,
// publishHome refreshes it, its Refresh button republishes it read afresh, and a failing query is logged
// without crashing the listener.
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { actionsSurface } from '../../src/bot/actions/index.js';
import { homeSurface, publishHome } from '../../src/bot/home.js';
import { SAFE_CLIENT_OPTIONS } from '../../src/chat/slack.js';
import type { Incident } from '../../src/store/incidents.js';
import { HOME_REFRESH_ACTION } from '../../src/views/home.js';
import {
  ALICE,
  BOB,
  eventually,
  FINDING,
  fakeData,
  type Harness,
  startHarness,
  TOKEN,
} from './surface-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const openedAt = new Date('2026-01-20T09:00:00Z');
const incident = (title: string): Incident => ({
  id: `${title}#1`,
  key: title,
  check: 'boxscore_completeness',
  severity: 'error',
  status: 'open',
  finding: { ...FINDING, title },
  first_seen: openedAt,
  last_seen: openedAt,
  seen_count: 2,
  opened_at: openedAt,
  resolved_at: null,
  previous_incident_id: null,
  root_incident_id: null,
  ack: null,
  snooze_until: null,
  auto_heal_paused: false,
  message: null,
});

describe('App Home', () => {
  it('publishes the dashboard when a user opens the tab, and again on publishHome', async () => {
    let title = 'BDL box scores: 6 of 9 games';
    const asked: Date[] = [];
    h = await startHarness(
      (deps) => [homeSurface(deps)],
      fakeData({
        home: async (now) => {
          asked.push(now);
          return {
            openIncidents: [incident(title)],
            scrapers: [],
            breakers: [],
            retryItems: [],
            healed24h: [],
          };
        },
      }),
    );
    const opened = await h.sandbox.drivers.openHome(ALICE);
    expect(opened.status).toBe(200);
    const home = await eventually(() => {
      const view = h?.sandbox.state.homes.get(ALICE);
      expect(view).toBeDefined();
      return view;
    });
    expect(home?.view.type).toBe('home');
    expect(JSON.stringify(home?.view.blocks)).toContain('BDL box scores: 6 of 9 games');
    expect(asked).toEqual([h.clock.now()]);
    expect(h.sandbox.state.homes.has(BOB)).toBe(false);

    // A refresh after a run: the same user's tab shows the new data.
    title = 'BDL box scores: 9 of 9 games';
    const client = new webApi.WebClient(TOKEN, { ...SAFE_CLIENT_OPTIONS, slackApiUrl: h.sandbox.apiUrl });
    await publishHome(h.deps, client, ALICE);
    expect(JSON.stringify(h.sandbox.state.homes.get(ALICE)?.view.blocks)).toContain('9 of 9 games');
  });

  it("Refresh republishes the clicker's Home from a fresh reading, no longer showing an age", async () => {
    const asked: { fresh?: boolean; surface?: string }[] = [];
    h = await startHarness(
      (deps) => [homeSurface(deps), actionsSurface(deps)],
      fakeData({
        home: async (now, options) => {
          asked.push({ ...options });
          // Until a fresh read, the shared reading is the 07:00 ET check run's, two hours old.
          const warehouseAsOf = options?.fresh ? now : new Date(now.getTime() - 2 * 3_600_000);
          return {
            openIncidents: [],
            scrapers: [],
            breakers: [],
            retryItems: [],
            healed24h: [],
            warehouseAsOf,
          };
        },
      }),
    );
    await h.sandbox.drivers.openHome(ALICE);
    const home = await eventually(() => {
      const view = h?.sandbox.state.homes.get(ALICE);
      expect(view).toBeDefined();
      return view;
    });
    expect(JSON.stringify(home?.view.blocks)).toContain(
      'scrapers and breakers as of 07:00 ET (2 h 00 m ago)',
    );
    const clicked = await h.sandbox.drivers.clickButton({ viewId: home?.id ?? '' }, HOME_REFRESH_ACTION, {
      user: ALICE,
    });
    expect(clicked.status).toBe(200);
    await eventually(() => expect(asked).toEqual([{}, { fresh: true, surface: 'home' }]));
    await eventually(() =>
      expect(JSON.stringify(h?.sandbox.state.homes.get(ALICE)?.view.blocks)).not.toContain('as of'),
    );
  });

  it('logs a failing query instead of crashing, and publishes nothing', async () => {
    h = await startHarness(
      (deps) => [homeSurface(deps)],
      fakeData({
        home: async () => {
          throw new Error('store down');
        },
      }),
    );
    expect((await h.sandbox.drivers.openHome(ALICE)).status).toBe(200);
    await eventually(() => expect(h?.logs.join('\n')).toContain('home publish failed'));
    expect(h.sandbox.state.homes.has(ALICE)).toBe(false);
  });
});
