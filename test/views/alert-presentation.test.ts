// Every check's alert, in every state a person meets it, reads in ten seconds: a summary sentence, at most five
// key fields, and a next step from the check's runbook; a closed alert shows the final numbers, not the first.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/jobs/finding.js';
import { ALL_CHECKS } from '../../src/jobs/registry.js';
import { NON_REGISTRY_CHECKS, presentationOf } from '../../src/pipeline/presentations.js';
import { runbookOf } from '../../src/pipeline/runbooks.js';
import { type AlertInput, buildAlert } from '../../src/views/alert.js';
import { validateMessage } from '../../src/views/validate.js';
import { checkFindings } from './check-findings.js';
import { fmt, HOUR, incident, now, retryItem } from './fixtures.js';

const FINDINGS = checkFindings();
const CHECKS = [...ALL_CHECKS.map((c) => c.name), ...NON_REGISTRY_CHECKS];

type Section = Extract<KnownBlock, { type: 'section' }>;
const sections = (blocks: readonly KnownBlock[]) => blocks.filter((b): b is Section => b.type === 'section');
const fieldsOf = (blocks: readonly KnownBlock[]) => sections(blocks).flatMap((b) => b.fields ?? []);
const textOf = (b: Section) => b.text?.text ?? '';

function input(check: string, extra: Partial<AlertInput>): AlertInput {
  const presentation = presentationOf(check);
  const runbook = runbookOf(check);
  return {
    now,
    fmt,
    incident: incident(),
    ...(presentation ? { presentation } : {}),
    ...(runbook ? { runbook } : {}),
    ...extra,
  };
}

function states(f: Finding): [string, Partial<AlertInput>][] {
  const open = incident({}, f);
  const resolved = { ...open, status: 'resolved' as const, resolved_at: now };
  const retryAction = f.actions.find((a) => a.kind === 'retry');
  const list: [string, Partial<AlertInput>][] = [
    ['open', { incident: open }],
    ['escalated', { incident: { ...open, severity: 'critical', finding: { ...f, severity: 'critical' } } }],
    ['acknowledged', { incident: { ...open, ack: { user: 'U1', at: now } } }],
    ['resolved', { incident: resolved }],
  ];
  if (retryAction) {
    const recovered = retryItem({
      status: 'recovered',
      recovered_at: now,
      next_retry_at: null,
      retry_history: [{ attempt: 1, records_received: 9, result: 'recovered', error: null }],
    });
    list.push(['recovered', { incident: resolved, retry: recovered, unit: 'games' }]);
    list.push(['retry pending', { incident: open, retry: retryItem() }]);
  }
  return list;
}

describe('every check presents its alerts', () => {
  it.each(CHECKS)('%s declares a presentation, a runbook and sample findings here', (check) => {
    expect(presentationOf(check), `${check}: no presentation (src/jobs/${check}.ts)`).toBeDefined();
    expect(runbookOf(check), `${check}: no docs/runbooks/${check}.md`).toBeDefined();
    expect(
      FINDINGS[check]?.length,
      `${check}: add its findings to test/views/check-findings.ts`,
    ).toBeGreaterThan(0);
  });

  const cases = CHECKS.flatMap((check) =>
    (FINDINGS[check] ?? []).flatMap((f, i) =>
      states(f).map(([state, extra]) => ({ name: `${check} #${i + 1} ${state}`, check, f, state, extra })),
    ),
  );

  it.each(cases)('$name: a summary sentence, at most 5 fields, a next step', ({ check, f, state, extra }) => {
    const view = buildAlert(input(check, extra));
    expect(validateMessage(view)).toEqual([]);
    const [summary] = sections(view.blocks);
    const sentence = textOf(summary as Section);
    expect(sentence).toMatch(/^\S.{20,}[.!]$/s);
    expect(sentence).not.toContain('undefined');
    expect(sentence).not.toBe(f.title);
    const fields = fieldsOf(view.blocks);
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.length).toBeLessThanOrEqual(5);
    for (const field of fields) {
      expect(field.text).not.toMatch(/undefined|NaN|\[object/);
      // Times are shown in ET, never as ISO instants.
      expect(field.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    }
    const next = sections(view.blocks).find((b) => textOf(b).startsWith('*Next step:*'));
    expect(next, `${state}: no Next step line`).toBeDefined();
    expect(textOf(next as Section).length).toBeGreaterThan('*Next step:* '.length + 10);
  });
});

describe('summaries name what a person acts on', () => {
  it('a blocked proxy names the provider that still serves the target', () => {
    const blocked = (FINDINGS.proxy_breakers ?? []).find(
      (f) => f.key === 'proxy_breakers:proxyfuel:bettingpros.com',
    );
    if (!blocked) throw new Error('no proxyfuel → bettingpros.com finding');
    const view = buildAlert(input('proxy_breakers', { incident: incident({}, blocked) }));
    expect(JSON.stringify(view.blocks)).toContain(
      'proxyfuel is blocked by bettingpros.com (OPEN); decodo still reaches it and serves meanwhile.',
    );
  });
});

describe('closed alerts show the final numbers', () => {
  const [first] = FINDINGS.source_discrepancy ?? [];
  if (!first) throw new Error('no source_discrepancy finding');
  const later: Finding = {
    ...first,
    facts: { ...first.facts, bdl_games: 3, missing_games: 1, missing_matchups: ['DEN@MIA'] },
  };

  it('resolved: the numbers of the last run that saw it, not of the run that opened it', () => {
    // A later run refreshes the incident's finding (incidents.recordSeen): this is what the store holds.
    const resolved = incident(
      { status: 'resolved', resolved_at: now, last_seen: new Date(now.getTime() - HOUR) },
      later,
    );
    const view = buildAlert(input('source_discrepancy', { incident: resolved }));
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('BDL has box scores for 3 of 4 games');
    expect(text).toContain('DEN@MIA');
    expect(text).not.toContain('DEN@BOS');
    expect(text).toContain('Final numbers: as the check last saw them, 08:12 ET');
  });

  it('recovered: the numbers the recovered retry measured, not the stale ones under a new headline', () => {
    const resolved = incident({ status: 'resolved', resolved_at: now }, later);
    const recovered = retryItem({
      status: 'recovered',
      recovered_at: now,
      expected_records: 4,
      retry_history: [{ attempt: 1, records_received: 4, result: 'recovered', error: null }],
    });
    const view = buildAlert(
      input('source_discrepancy', { incident: resolved, retry: recovered, unit: 'games' }),
    );
    const fields = fieldsOf(view.blocks).map((f) => f.text);
    expect(fields).toContain('*BDL has*\n4 of 4 games');
    expect(fields).toContain('*Missing*\n0 games');
    expect(JSON.stringify(view.blocks)).toContain(
      'BDL has box scores for 4 of 4 games NBA.com lists on Mon Jan 19.',
    );
    expect(JSON.stringify(view.blocks)).not.toContain('DEN@MIA');
  });

  it('recovered without a recovery mapping: the recovery count leads the fields', () => {
    const [gaps] = FINDINGS.scraper_gaps ?? [];
    if (!gaps) throw new Error('no scraper_gaps finding');
    const resolved = incident({ status: 'resolved', resolved_at: now }, gaps);
    const recovered = retryItem({
      status: 'recovered',
      recovered_at: now,
      expected_records: null,
      retry_history: [{ attempt: 1, records_received: 212, result: 'recovered', error: null }],
    });
    const view = buildAlert(input('scraper_gaps', { incident: resolved, retry: recovered, unit: 'records' }));
    const fields = fieldsOf(view.blocks).map((f) => f.text);
    expect(fields[0]).toBe('*Recovered with*\n212 records');
    expect(fields.length).toBeLessThanOrEqual(5);
  });
});
