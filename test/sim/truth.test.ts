import { describe, expect, it } from 'vitest';
import { etInstant } from '../../src/jobs/time.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { matchSignal, openBefore, scenarioTruth, type TruthIncident } from '../../src/sim/truth.js';

const truth = scenarioTruth({ scenario: loadScenario() });
const byId = (prefix: string): TruthIncident => {
  const found = truth.find((t) => t.id.startsWith(prefix));
  if (!found) throw new Error(`no truth incident ${prefix}: ${truth.map((t) => t.id).join(', ')}`);
  return found;
};

describe('scenario truth', () => {
  it('lists every incident of the default scenario once, each with what must fire', () => {
    expect(new Set(truth.map((t) => t.id)).size).toBe(truth.length);
    // 14 + 1 + 1 BDL dates, 2 storms, BigDataBall late, 2 team gaps, 3 duplicate dates, 2 proxies,
    // 2 outages, stale phase 3, thin slate, grading collapse, the All-Star break's quiet box scores, a thin
    // phase 3 run, the injury report's silent stop.
    expect(truth).toHaveLength(34);
    for (const t of truth) {
      if (t.expected) expect(t.signals).toEqual([]);
      else
        expect(
          t.signals.some((s) => s.required),
          t.id,
        ).toBe(true);
      if (t.endsAt) expect(Date.parse(t.endsAt), t.id).toBeGreaterThanOrEqual(Date.parse(t.observableAt));
      expect(t.observableAt >= etInstant(t.dates[0] as string, '00:00').toISOString(), t.id).toBe(true);
    }
  });

  it('dates the demo date shortfall by its rows: the partial scrape of the night after, fixed 01-23', () => {
    const t = byId('bdl_shortfall#2:2026-01-19');
    expect(t.signals.filter((s) => s.required)).toEqual([
      {
        check: 'source_discrepancy',
        subject: { scraper: 'bdl_box_scores', date: '2026-01-19' },
        dates: ['2026-01-19'],
        required: true,
      },
    ]);
    // 5 games missing: their 10 teams' box-score findings are its consequences.
    expect(t.signals.filter((s) => s.check === 'boxscore_completeness')).toHaveLength(10);
    const observable = Date.parse(t.observableAt);
    expect(observable).toBeGreaterThan(etInstant('2026-01-20', '02:00').getTime());
    expect(observable).toBeLessThan(etInstant('2026-01-20', '03:00').getTime());
    expect(t.endsAt).toBe(etInstant('2026-01-23', '12:00').toISOString());
  });

  it('requires a box-score finding per team under the minimum and the breakers of the lockout', () => {
    const t = byId('missing_team_boxscores#9');
    const required = t.signals.filter((s) => s.required).map((s) => `${s.check}:${Object.values(s.subject)}`);
    expect(required).toEqual(
      expect.arrayContaining(['boxscore_completeness:WAS', 'circuit_breakers:upcoming_player_game_context']),
    );
    // LAC's one missed game leaves it at the minimum: a finding the check may show, not one it must.
    expect(t.signals.find((s) => s.subject.team === 'LAC')?.required).toBe(false);
    expect(t.endsHow).toBe('backfilled');
  });

  it('marks late BigDataBall as expected and leaves out incidents outside the window', () => {
    expect(byId('bdb_late#5').expected).toBe(true);
    const january = scenarioTruth({ scenario: loadScenario(), from: '2026-01-15', until: '2026-01-20' });
    expect(january.every((t) => t.dates.some((d) => d >= '2026-01-15' && d <= '2026-01-20'))).toBe(true);
    expect(january.some((t) => t.id.startsWith('stale_phase3'))).toBe(true);
    expect(january.some((t) => t.id.startsWith('workflow_storm'))).toBe(false);
  });

  it('matches an alert by check, subject and dates, and not one about another date', () => {
    const t = byId('bdl_shortfall#2:2026-01-19');
    const alert = {
      check: 'source_discrepancy',
      subject: { scraper: 'bdl_box_scores', date: '2026-01-19' },
      facts: {},
      firstSeen: etInstant('2026-01-20', '04:00'),
    };
    expect(matchSignal(t, alert)?.required).toBe(true);
    expect(matchSignal(t, { ...alert, subject: { ...alert.subject, date: '2026-01-18' } })).toBeUndefined();
    const team = { check: 'boxscore_completeness', subject: { team: 'WAS' }, facts: {} };
    const gap = byId('missing_team_boxscores#9');
    expect(
      matchSignal(gap, {
        ...team,
        facts: { missing_dates: ['2026-01-17'] },
        firstSeen: new Date(gap.observableAt),
      }),
    ).toBeDefined();
    expect(
      matchSignal(gap, {
        ...team,
        facts: { missing_dates: ['2026-03-01'] },
        firstSeen: new Date(gap.observableAt),
      }),
    ).toBeUndefined();
  });

  it('counts a dateless alert kept open by a second incident of the same check and subject', () => {
    // The second storm (one failed schedule_dependency run on 2026-01-01) falls inside the first's alert.
    const second = byId('workflow_storm#4');
    const alert = {
      check: 'workflow_failures',
      key: 'workflow_failures:schedule_dependency',
      subject: { workflow: 'schedule_dependency' },
      facts: {},
      firstSeen: etInstant('2025-12-31', '09:00'),
    };
    expect(matchSignal(second, { ...alert, resolvedAt: null })?.required).toBe(true);
    expect(matchSignal(second, { ...alert, resolvedAt: etInstant('2026-01-02', '14:15') })).toBeDefined();
    expect(openBefore(second, { ...alert, resolvedAt: null })).toBe(true);
    // Resolved before the second storm showed, or when it is not known whether it was still open: no.
    expect(matchSignal(second, { ...alert, resolvedAt: etInstant('2026-01-01', '09:00') })).toBeUndefined();
    expect(matchSignal(second, alert)).toBeUndefined();
    // An alert naming the incident's dates is matched by them: one raised early is early, not already open.
    const thin = byId('thin_slate#');
    const volume = {
      check: 'prediction_volume',
      subject: { date: thin.dates[0] as string },
      facts: {},
      firstSeen: new Date(Date.parse(thin.observableAt) - 3 * 3_600_000),
      resolvedAt: null,
    };
    expect(matchSignal(thin, volume)?.required).toBe(true);
    expect(openBefore(thin, volume)).toBe(false);
  });

  it('matches a grouped alert by the subjects its facts list, a required one first', () => {
    const gap = byId('missing_team_boxscores#9');
    const group = {
      check: 'boxscore_completeness',
      key: 'boxscore_completeness:group:missing:2026-01-16',
      subject: {},
      facts: { teams: ['LAC', 'WAS'], missing_dates: ['2026-01-16'] },
      firstSeen: new Date(gap.observableAt),
    };
    // WAS must fire, LAC may: the group is WAS's required signal, whichever the scenario lists first.
    expect(matchSignal(gap, group)).toMatchObject({ subject: { team: 'WAS' }, required: true });
    expect(matchSignal(gap, { ...group, facts: { ...group.facts, teams: ['LAC'] } })?.required).toBe(false);
    expect(matchSignal(gap, { ...group, facts: { ...group.facts, teams: ['BOS'] } })).toBeUndefined();
    // A list in another finding's facts is not a list of the subjects it alerts on.
    expect(matchSignal(gap, { ...group, key: 'boxscore_completeness:summary' })).toBeUndefined();
    const storm = byId('workflow_storm#');
    const required = storm.signals.filter((s) => s.required && s.subject.workflow);
    expect(required.length).toBeGreaterThan(0);
    const unlabelled = {
      check: 'workflow_failures',
      key: 'workflow_failures:missing_error_message',
      subject: {},
      facts: { workflows: required.map((s) => s.subject.workflow) },
      firstSeen: new Date(storm.observableAt),
    };
    expect(matchSignal({ ...storm, signals: required }, unlabelled)).toBeUndefined();
  });
});
