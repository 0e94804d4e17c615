// What healed itself, per policy, as the digest and App Home show it.
import { describe, expect, it } from 'vitest';
import { autoHealCounts } from '../../src/dashboard/rules.js';
import type { AuditEntry } from '../../src/store/audit.js';
import { buildDigest, type DigestInput } from '../../src/views/digest.js';
import { zonedFormatter } from '../../src/views/format.js';
import { autoHealLine, buildHome } from '../../src/views/home.js';
import type { HealedRow } from '../../src/views/types.js';
import { validateMessage, validateView } from '../../src/views/validate.js';

const NOW = new Date('2026-01-20T12:00:00Z');
const fmt = zonedFormatter();

const claim = (policy: string, outcome: AuditEntry['outcome'] = 'ok'): AuditEntry => ({
  who: 'system',
  action: 'autoheal',
  target: `subject-of-${policy}`,
  incident_id: null,
  at: NOW,
  outcome,
  details: { policy },
});
const healed = (policy?: string): HealedRow => ({
  title: 'BDL box scores 2026-01-19',
  action: 'retry',
  ...(policy ? { policy } : {}),
  at: NOW,
  attempts: 1,
});

describe('auto-heal in the digest and App Home', () => {
  const counts = autoHealCounts(
    [
      claim('retry-discrepancy'),
      claim('retry-discrepancy'),
      claim('backfill-boxscores'),
      claim('retry-discrepancy', 'failed'),
      { ...claim('x'), action: 'retry' },
    ],
    [healed('retry-discrepancy'), healed()],
  );

  it('counts every automatic action per policy, and what it healed', () => {
    expect(counts).toEqual([
      { policy: 'retry-discrepancy', actions: 2, healed: 1 },
      { policy: 'backfill-boxscores', actions: 1, healed: 0 },
    ]);
    expect(autoHealLine(counts)).toBe(
      ':robot_face: Auto-heal, last 24 h: retry-discrepancy 2 actions, 1 healed · backfill-boxscores 1 action',
    );
    expect(autoHealLine([])).toBe('Auto-heal, last 24 h: no automatic actions.');
  });

  it('both show the per-policy line and recovery at attempt 1/2/3', () => {
    const recoveryByAttempt = { byAttempt: [6, 2, 1], exhausted: 1 };
    const home = buildHome({
      now: NOW,
      fmt,
      openIncidents: [],
      scrapers: [],
      breakers: [],
      retryItems: [],
      healed24h: [healed('retry-discrepancy')],
      recoveryByAttempt,
      autoHeal24h: counts,
    });
    expect(validateView(home)).toEqual([]);
    const digestInput: DigestInput = {
      now: NOW,
      fmt,
      date: '2026-01-19',
      games: { got: 9, expected: 9 },
      boxscores: { got: 9, expected: 9 },
      gamebooks: { got: 9, expected: 9 },
      missing: [],
      breakers: [],
      openIncidents: [],
      recoveries24h: [healed('retry-discrepancy')],
      gapTrend: [],
      recoveryByAttempt,
      autoHeal24h: counts,
    };
    const digest = buildDigest(digestInput);
    expect(validateMessage(digest)).toEqual([]);
    for (const view of [JSON.stringify(home.blocks), JSON.stringify(digest.blocks)]) {
      expect(view).toContain('retry-discrepancy 2 actions, 1 healed');
      expect(view).toContain('Retries recovered at attempt 1: 60% (6) · 2: 20% (2) · 3: 10% (1)');
      expect(view).toContain('by shotclock (policy retry-discrepancy)');
    }
  });
});
