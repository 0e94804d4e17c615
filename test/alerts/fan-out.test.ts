// Fan-out grouping: the demo morning's seven per-team "X has no box score for 2026-01-19" alerts (one cause,
// the nights BDL missed) are one alert listing the teams, updated in place as teams come and go.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryServices, deliverRun } from '../../src/alerts/deliver.js';
import { groupFanOut } from '../../src/alerts/fan-out.js';
import type { IncidentMessages } from '../../src/alerts/port.js';
import { reconcile } from '../../src/alerts/reconcile.js';
import { ManualClock } from '../../src/clock.js';
import type { Finding } from '../../src/jobs/finding.js';
import * as incidents from '../../src/store/incidents.js';
import type { DocumentStore } from '../../src/store/port.js';
import { buildAlert } from '../../src/views/alert.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';
import { testLogger } from '../support/services.js';
import { allText, controls, ctx, incident as incidentFixture } from '../views/fixtures.js';

const SEVEN = ['UTA', 'CLE', 'MIL', 'PHI', 'WAS', 'LAC', 'DEN'];

/** boxscore_completeness's per-team finding, as evaluateBoxscoreCompleteness builds it. */
function team(name: string, missing: string[] = ['2026-01-19'], latest = '2026-01-19'): Finding {
  const latestMissing = missing.includes(latest);
  return {
    check: 'boxscore_completeness',
    key: `boxscore_completeness:${name}`,
    severity: latestMissing ? 'critical' : 'error',
    title: latestMissing
      ? `${name} has no box score for ${latest} (66.7% of 3 final games covered)`
      : `${name} box scores cover 66.7% of 3 final games (minimum 70%)`,
    subject: { team: name },
    facts: {
      team: name,
      final_games: 3,
      coverage_pct: 66.7,
      minimum_pct: 70,
      missing_dates: missing,
      missing_game_ids: missing.map((d) => `${d}-${name}`),
      latest_final_date: latest,
      latest_missing: latestMissing,
    },
    actions: [
      {
        kind: 'backfill',
        scraper: 'bdl_player_box_scores',
        from: missing[0] as string,
        until: missing.at(-1) as string,
      },
    ],
  };
}

describe('groupFanOut', () => {
  it('makes one finding of a check’s subjects that share a cause, keyed by the cause', () => {
    const [group, ...rest] = groupFanOut(SEVEN.map((t) => team(t)));
    expect(rest).toEqual([]);
    expect(group).toMatchObject({
      check: 'boxscore_completeness',
      key: 'boxscore_completeness:group:last-missing:2026-01-19',
      severity: 'critical',
      title: '7 teams have no box score for 2026-01-19: CLE, DEN, LAC, MIL, PHI and 2 more',
      subject: {},
      // One backfill of the shared nights covers every team.
      actions: [
        { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-19', until: '2026-01-19' },
      ],
    });
    expect(group?.facts.teams).toEqual(['CLE', 'DEN', 'LAC', 'MIL', 'PHI', 'UTA', 'WAS']);
    expect(group?.facts.missing_dates).toEqual(['2026-01-19']);
    // Grouping twice changes nothing; the key does not depend on who or how many.
    expect(groupFanOut(groupFanOut(SEVEN.map((t) => team(t))))).toEqual([group]);
    expect(groupFanOut([team('CLE')])[0]?.key).toBe(group?.key);
  });

  it('groups by the newest missing night, keeps each member’s distinct actions and other findings in place', () => {
    const other: Finding = { ...team('X'), check: 'scraper_gaps', key: 'scraper_gaps:x', subject: {} };
    const out = groupFanOut([
      team('CLE'),
      other,
      team('UTA', ['2026-01-14', '2026-01-15', '2026-01-19']),
      team('WAS', ['2026-01-16', '2026-01-17', '2026-01-18']),
      team('LAC', ['2026-01-16']),
      team('BOS', ['2026-01-18']),
    ]);
    expect(out.map((f) => [f.key, f.severity, f.title, f.actions])).toEqual([
      [
        'boxscore_completeness:group:last-missing:2026-01-19',
        'critical',
        '2 teams have no box score for 2026-01-19: CLE, UTA',
        [
          { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-19', until: '2026-01-19' },
          { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-14', until: '2026-01-19' },
        ],
      ],
      ['scraper_gaps:x', 'critical', other.title, other.actions],
      [
        'boxscore_completeness:group:last-missing:2026-01-18',
        'error',
        '2 teams under 70% box-score coverage, last missing 2026-01-18: BOS, WAS',
        [
          { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-18', until: '2026-01-18' },
          { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-16', until: '2026-01-18' },
        ],
      ],
      [
        'boxscore_completeness:group:last-missing:2026-01-16',
        'error',
        team('LAC', ['2026-01-16']).title,
        team('LAC', ['2026-01-16']).actions,
      ],
    ]);
  });

  it('resolves incidents opened per team as grouped into the alert that now lists them', () => {
    const open = ['CLE', 'MIL'].map((t, i) => ({
      id: `inc-${i}`,
      key: team(t).key,
      check: 'boxscore_completeness',
      severity: 'critical' as const,
      finding: team(t),
      snoozedUntil: undefined,
    }));
    const gone = {
      id: 'inc-gone',
      key: team('ORL').key,
      check: 'boxscore_completeness',
      severity: 'critical' as const,
      finding: team('ORL'),
      snoozedUntil: undefined,
    };
    const decisions = reconcile({
      findings: SEVEN.map((t) => team(t)),
      checksRan: ['boxscore_completeness'],
      open: [...open, gone],
      now: ctx.now,
    });
    const key = 'boxscore_completeness:group:last-missing:2026-01-19';
    expect(decisions.filter((d) => d.kind === 'open').map((d) => d.kind === 'open' && d.finding.key)).toEqual(
      [key],
    );
    expect(decisions.filter((d) => d.kind === 'resolve')).toEqual([
      { kind: 'resolve', incidentId: 'inc-0', key: team('CLE').key, groupedInto: key },
      { kind: 'resolve', incidentId: 'inc-1', key: team('MIL').key, groupedInto: key },
      // ORL's box scores are back: really resolved.
      { kind: 'resolve', incidentId: 'inc-gone', key: team('ORL').key },
    ]);
  });

  it('shows a grouped incident closed, pointing at its group, with only Details left', () => {
    const view = buildAlert({
      ...ctx,
      incident: incidentFixture({
        status: 'resolved',
        resolved_at: ctx.now,
        grouped_into: 'boxscore_completeness:group:last-missing:2026-01-19',
      }),
    });
    expect(view.text).toMatch(/^Grouped into one alert/);
    expect(allText(view)).toContain('boxscore_completeness:group:last-missing:2026-01-19');
    expect(controls(view.blocks).actionIds).toEqual(['v1.details']);
  });
});

const incidentMessages: IncidentMessages = {
  alert: (i) => ({ text: `${i.grouped_into ? 'grouped' : i.status}:${i.finding.title}` }),
  reply: (kind, i) => ({ text: `${kind}:${i.key}` }),
  refresh: async () => {},
  resolveRecovered: async () => {},
};

describe('delivering a fan-out', () => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  let chat: FakeChat;
  let deps: DeliveryServices;

  beforeEach(async () => {
    ({ store, cleanup } = await tempDuckDbStore());
    chat = new FakeChat();
    deps = {
      store,
      chat,
      clock: new ManualClock(new Date('2026-01-20T11:00:00Z')),
      incidentMessages,
      routing: { defaultChannel: 'C_ALERTS' },
      log: testLogger(),
      stopSignal: new AbortController().signal,
    };
  });
  afterEach(() => cleanup());

  const run = (teams: string[]) =>
    deliverRun(deps, { findings: teams.map((t) => team(t)), checksRan: ['boxscore_completeness'] });

  it('posts seven teams missing the same games as one alert, edited in place as teams come and go', async () => {
    await run(SEVEN);
    expect(chat.messages.map((m) => m.text)).toEqual([
      'open:7 teams have no box score for 2026-01-19: CLE, DEN, LAC, MIL, PHI and 2 more',
    ]);
    // Two teams' box scores arrive: the same message, edited.
    await run(['CLE', 'MIL', 'PHI', 'UTA', 'WAS']);
    expect(chat.messages.map((m) => [m.text, m.updates])).toEqual([
      ['open:5 teams have no box score for 2026-01-19: CLE, MIL, PHI, UTA, WAS', 1],
    ]);
    await run([]);
    expect(chat.messages.map((m) => m.text)).toEqual([
      'resolved:5 teams have no box score for 2026-01-19: CLE, MIL, PHI, UTA, WAS',
      'resolved:boxscore_completeness:group:last-missing:2026-01-19',
    ]);
  });

  it('migrates alerts opened per team: they close as grouped, with no "Resolved" reply, and the group posts once', async () => {
    const now = deps.clock.now();
    for (const t of ['CLE', 'MIL']) {
      const { incident } = await incidents.open(store, { finding: team(t), now });
      const message = await chat.post({ channel: 'C_ALERTS', text: `open:${t}` }, `post:${incident.id}`);
      await incidents.update(store, incident.id, { message });
    }
    await run(SEVEN);
    expect(chat.messages.map((m) => m.text)).toEqual([
      'grouped:CLE has no box score for 2026-01-19 (66.7% of 3 final games covered)',
      'grouped:MIL has no box score for 2026-01-19 (66.7% of 3 final games covered)',
      'open:7 teams have no box score for 2026-01-19: CLE, DEN, LAC, MIL, PHI and 2 more',
    ]);
    const open = await incidents.listOpen(store);
    expect(open.map((i) => i.key)).toEqual(['boxscore_completeness:group:last-missing:2026-01-19']);
  });
});
