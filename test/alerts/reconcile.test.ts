import { describe, expect, it } from 'vitest';
import { type OpenIncidentSnapshot, reconcile } from '../../src/alerts/reconcile.js';
import { assignRoots, canExplain } from '../../src/alerts/root-cause.js';
import type { Finding, Severity } from '../../src/jobs/finding.js';

const now = new Date('2026-01-19T14:00:00Z');

function finding(check: string, subjectKey: string, severity: Severity = 'error', date?: string): Finding {
  return {
    check,
    key: `${check}:${subjectKey}`,
    severity,
    title: `${check} ${subjectKey}`,
    subject: date ? { date } : {},
    facts: {},
    actions: [],
  };
}

function open(f: Finding, id: string, extra: Partial<OpenIncidentSnapshot> = {}): OpenIncidentSnapshot {
  return {
    id,
    key: f.key,
    check: f.check,
    severity: f.severity,
    finding: f,
    snoozedUntil: undefined,
    ...extra,
  };
}

const base = {
  checksRan: [] as string[],
  open: [] as OpenIncidentSnapshot[],
  now,
};

describe('reconcile', () => {
  it('opens a new key, updates a known key in place, never opens twice', () => {
    const a = finding('source_discrepancy', 'bdl_box_scores:2026-01-19', 'error', '2026-01-19');
    const first = reconcile({ ...base, findings: [a], checksRan: ['source_discrepancy'] });
    expect(first).toEqual([{ kind: 'open', finding: a, rootKey: undefined }]);

    const again = reconcile({
      ...base,
      findings: [a],
      checksRan: ['source_discrepancy'],
      open: [open(a, 'inc-1')],
    });
    expect(again).toEqual([
      { kind: 'update', incidentId: 'inc-1', finding: a, escalated: false, notify: false },
    ]);
  });

  it('resolves an incident whose key is gone only when its check ran cleanly', () => {
    const a = finding('scraper_gaps', 'bdl_box_scores');
    const incidents = [open(a, 'inc-1')];
    expect(reconcile({ ...base, findings: [], checksRan: ['scraper_gaps'], open: incidents })).toEqual([
      { kind: 'resolve', incidentId: 'inc-1', key: a.key },
    ]);
    // The check did not run in this job: nothing is known, nothing resolves.
    expect(reconcile({ ...base, findings: [], checksRan: ['workflow_failures'], open: incidents })).toEqual(
      [],
    );
    // The check ran but failed: its incidents stay open, and the failure is its own incident.
    const failed = { ...finding('check_failed', 'scraper_gaps'), subject: { check: 'scraper_gaps' } };
    const decisions = reconcile({
      ...base,
      findings: [failed],
      checksRan: ['scraper_gaps'],
      open: incidents,
    });
    expect(decisions.map((d) => d.kind)).toEqual(['open']);
  });

  it('resolves a check_failed incident once that check runs cleanly again', () => {
    const failed = { ...finding('check_failed', 'grading_accuracy'), subject: { check: 'grading_accuracy' } };
    const decisions = reconcile({
      ...base,
      findings: [],
      checksRan: ['grading_accuracy'],
      open: [open(failed, 'inc-9')],
    });
    expect(decisions).toEqual([
      { kind: 'resolve', incidentId: 'inc-9', key: 'check_failed:grading_accuracy' },
    ]);
  });

  it('flags an escalation, but does not notify while snoozed', () => {
    const warn = finding('workflow_failures', 'betting_lines', 'warning');
    const err = { ...warn, severity: 'error' as const };
    const snoozed = open(warn, 'inc-2', { snoozedUntil: new Date(now.getTime() + 3_600_000) });
    expect(
      reconcile({ ...base, findings: [err], checksRan: ['workflow_failures'], open: [snoozed] }),
    ).toEqual([{ kind: 'update', incidentId: 'inc-2', finding: err, escalated: true, notify: false }]);
    const awake = open(warn, 'inc-2', { snoozedUntil: new Date(now.getTime() - 1) });
    expect(
      reconcile({ ...base, findings: [err], checksRan: ['workflow_failures'], open: [awake] })[0],
    ).toMatchObject({
      escalated: true,
      notify: true,
    });
  });

  it('threads downstream findings of the same date under the root cause, roots first', () => {
    const date = '2026-01-19';
    const volume = finding('prediction_volume', date, 'error', date);
    const breakers = {
      ...finding('circuit_breakers', 'player_daily_cache', 'warning'),
      facts: { analysis_dates: [date] },
    };
    const completeness = finding('boxscore_completeness', date, 'error', date);
    const discrepancy = finding('source_discrepancy', `bdl_box_scores:${date}`, 'error', date);
    const unrelated = finding('grading_accuracy', `catboost_v8:${date}`, 'error', date);
    const decisions = reconcile({
      ...base,
      findings: [volume, breakers, completeness, discrepancy, unrelated],
      checksRan: [],
    });
    const opens = decisions.flatMap((d) => (d.kind === 'open' ? [[d.finding.key, d.rootKey]] : []));
    expect(opens.slice(0, 2)).toEqual([
      [discrepancy.key, undefined],
      [unrelated.key, undefined],
    ]);
    expect(new Map(opens as [string, string | undefined][])).toEqual(
      new Map([
        [discrepancy.key, undefined],
        [unrelated.key, undefined],
        [volume.key, discrepancy.key],
        [breakers.key, discrepancy.key],
        [completeness.key, discrepancy.key],
      ]),
    );
  });

  // The demo morning of 2026-01-20: per-team box-score findings (keyed by team, no subject date) were
  // threaded under "BDL box scores missing 1 of 7 games on 2026-01-14", which recovered in that same run.
  it('does not thread a team finding under a resolving, older-dated or less severe root', () => {
    const bdl14 = finding('source_discrepancy', 'bdl_box_scores:2026-01-14', 'error', '2026-01-14');
    const team = (t: string): Finding => ({
      ...finding('boxscore_completeness', t, 'critical'),
      subject: { team: t },
      facts: { team: t, missing_dates: ['2026-01-19'], latest_final_date: '2026-01-19' },
    });
    const teams = ['CLE', 'MIL', 'PHI', 'UTA', 'WAS'].map(team);
    // 01-14's discrepancy is gone from a clean run: it resolves now and carries nothing.
    const decisions = reconcile({
      ...base,
      findings: teams,
      checksRan: ['source_discrepancy', 'boxscore_completeness'],
      open: [open(bdl14, 'inc-bdl14')],
    });
    const opens = decisions.filter((d) => d.kind === 'open');
    expect(opens.length).toBeGreaterThan(0);
    expect(opens.every((d) => d.kind === 'open' && d.rootKey === undefined)).toBe(true);
    expect(decisions).toContainEqual({ kind: 'resolve', incidentId: 'inc-bdl14', key: bdl14.key });
    // Still open (its check did not run), but about 01-14: not the same occasion.
    expect(assignRoots(teams, [bdl14]).size).toBe(0);
    // About 01-19 and open, but an error: a critical alert is not hidden under a lesser one.
    const bdl19 = finding('source_discrepancy', 'bdl_box_scores:2026-01-19', 'error', '2026-01-19');
    expect(assignRoots(teams, [bdl19]).size).toBe(0);
    // An error-level team finding about 01-19 alone is carried by it.
    const erring = { ...team('LAL'), severity: 'error' as const };
    expect(assignRoots([erring], [bdl19]).get(erring.key)).toBe(bdl19.key);
    // One that also misses 01-17 is not explained by 01-19's discrepancy alone.
    const wider = { ...erring, facts: { missing_dates: ['2026-01-17', '2026-01-19'] } };
    expect(assignRoots([wider], [bdl19]).size).toBe(0);
  });

  it('does not thread a finding that names no date', () => {
    const discrepancy = finding('source_discrepancy', 'bdl_box_scores:2026-01-19', 'error', '2026-01-19');
    const breakers = finding('circuit_breakers', 'player_daily_cache', 'warning');
    expect(assignRoots([breakers], [discrepancy]).size).toBe(0);
  });

  it('threads a new downstream finding under an already open root', () => {
    const date = '2026-01-19';
    const discrepancy = finding('source_discrepancy', `bdl_box_scores:${date}`, 'error', date);
    const volume = finding('prediction_volume', date, 'error', date);
    const decisions = reconcile({
      ...base,
      findings: [discrepancy, volume],
      open: [open(discrepancy, 'inc-root')],
    });
    expect(decisions).toContainEqual({
      kind: 'open',
      finding: volume,
      rootKey: discrepancy.key,
    });
  });

  it('does not group findings of different dates', () => {
    const discrepancy = finding('source_discrepancy', 'bdl_box_scores:2026-01-18', 'error', '2026-01-18');
    const volume = finding('prediction_volume', '2026-01-19', 'error', '2026-01-19');
    expect(assignRoots([volume], [discrepancy, volume]).size).toBe(0);
  });
});

describe('canExplain', () => {
  it('follows the pipeline transitively and never backwards', () => {
    expect(canExplain('source_discrepancy', 'prediction_volume')).toBe(true);
    expect(canExplain('phase3_completion', 'grading_coverage')).toBe(true);
    expect(canExplain('prediction_volume', 'source_discrepancy')).toBe(false);
    expect(canExplain('scraper_gaps', 'boxscore_completeness')).toBe(false);
  });
});
