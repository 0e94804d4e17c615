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
    const breakers = finding('circuit_breakers', 'player_daily_cache', 'warning');
    const completeness = finding('boxscore_completeness', date, 'critical', date);
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
