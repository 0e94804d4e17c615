import { describe, expect, it } from 'vitest';
import { runbookOf } from '../../src/pipeline/runbooks.js';
import { detailsModal } from '../../src/views/details.js';
import { validateView } from '../../src/views/validate.js';
import { ctx, finding, HOUR, incident, now } from './fixtures.js';

const runbook = runbookOf('source_discrepancy');
const history = [
  {
    id: 'k#2',
    opened_at: new Date(now.getTime() - 30 * HOUR),
    resolved_at: new Date(now.getTime() - 26 * HOUR),
    seen_count: 2,
    outcome: 'recovered' as const,
  },
  {
    id: 'k#1',
    opened_at: new Date(now.getTime() - 80 * HOUR),
    resolved_at: null,
    seen_count: 1,
    outcome: 'grouped' as const,
  },
];

describe('details modal', () => {
  it('shows every fact, the key, the query, the history and the runbook', () => {
    const view = detailsModal({
      ...ctx,
      incident: incident({ previous_incident_id: 'k#2' }),
      summary: 'BDL has box scores for 6 of 9 games.',
      queryFile: 'checks/source_discrepancy.sql',
      history,
      ...(runbook ? { runbook } : {}),
    });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view);
    for (const shown of [
      '*Expected games*: 9',
      '*Bdl games*: 6',
      '*Missing teams*: LAL, BOS, NYK',
      'key `source_discrepancy:bdl_box_scores:2026-01-18`',
      'query `sql/checks/source_discrepancy.sql`',
      'This incident: seen 4× from 04:00 ET to 09:12 ET, open.',
      '`k#2` opened Sun Jan 18 03:12 ET, seen 2×, recovered after 4 h 00 m',
      '`k#1` opened Fri Jan 16 01:12 ET, seen 1×, grouped',
      'Runbook: source_discrepancy: BDL lacks games NBA.com has',
      '*What to do*',
      'BDL missing games (docs/pipeline.md#bdl-missing-games)',
    ])
      expect(text).toContain(shown);
  });

  it("stays within a modal's limits with 200 long facts and escapes what data put in them", () => {
    const facts = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`fact_${i}`, `<!channel> & ${'x'.repeat(2000)}`]),
    );
    const view = detailsModal({
      ...ctx,
      incident: incident({}, finding({ key: 'k:<b>', facts, title: '*bold* _it_ <@U1>' })),
      summary: 'a <summary> & more',
      history: [],
    });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp;');
    expect(text).toContain('more facts not shown');
    expect(text).toContain('no query: the bot watches itself');
  });
});
