import type { Finding } from '../../src/jobs/finding.js';
import type * as retryQueue from '../../src/store/retry-queue.js';

export const t0 = new Date('2026-01-19T12:00:00Z');
export const plus = (ms: number, from = t0) => new Date(from.getTime() + ms);
export const HOUR = 3_600_000;

export const finding = (
  subject = 'bdl_box_scores:2026-01-19',
  severity: Finding['severity'] = 'error',
): Finding => ({
  check: 'source_discrepancy',
  key: `source_discrepancy:${subject}`,
  severity,
  title: 'BDL returned 4 games but NBA.com has 9',
  subject: { scraper: 'bdl_box_scores', date: '2026-01-19' },
  // Deliberately not alphabetical: the display order must survive the store.
  facts: { 'NBA.com games': 9, 'BDL games': 4, missing: ['LAL', 'BOS'] },
  actions: [{ kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-19' }],
});

export const retryInput = (
  over: Partial<retryQueue.CreateOrJoinInput> = {},
): retryQueue.CreateOrJoinInput => ({
  kind: 'scraper',
  name: 'bdl_box_scores',
  date: '2026-01-19',
  reason: 'bdl_discrepancy',
  originalError: 'BDL returned 4 games but NBAC has 9',
  expectedRecords: 9,
  nextRetryAt: plus(4 * HOUR),
  now: t0,
  ...over,
});
