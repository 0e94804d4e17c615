// The renderer reads the incident's retry, so a check run that resolves an incident whose retry just
// recovered shows the same "Recovered" state the task callback shows, and adds no second closing reply.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverRun } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/clock.js';
import type { Finding } from '../../src/jobs/finding.js';
import * as incidents from '../../src/store/incidents.js';
import type { DocumentStore } from '../../src/store/port.js';
import * as retryQueue from '../../src/store/retry-queue.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';
import { testIncidentMessages, testLogger } from '../support/services.js';

const HOUR = 3_600_000;
const discrepancy: Finding = {
  check: 'source_discrepancy',
  key: 'source_discrepancy:2026-01-19',
  severity: 'error',
  title: 'BDL has 7 of 9 games for 2026-01-19',
  subject: { date: '2026-01-19', scraper: 'bdl_box_scores' },
  facts: { bdl_games: 7, nbac_games: 9 },
  actions: [{ kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-19' }],
};

describe('incident messages', () => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  let chat: FakeChat;
  let clock: ManualClock;

  beforeEach(async () => {
    ({ store, cleanup } = await tempDuckDbStore());
    chat = new FakeChat();
    clock = new ManualClock(new Date('2026-01-20T11:00:00Z'));
  });
  afterEach(() => cleanup());

  const deps = () => ({
    store,
    chat,
    clock,
    incidentMessages: testIncidentMessages({ store, chat, clock }),
    routing: { defaultChannel: 'C_ALERTS' },
    log: testLogger(),
    stopSignal: new AbortController().signal,
  });

  async function retryRecoveredOn(incidentId: string): Promise<void> {
    const id = retryQueue.retryItemId('bdl_box_scores', '2026-01-19');
    await retryQueue.createOrJoin(store, {
      kind: 'scraper',
      name: 'bdl_box_scores',
      date: '2026-01-19',
      reason: 'source_discrepancy',
      originalError: 'api_incomplete',
      expectedRecords: 9,
      nextRetryAt: new Date(clock.now().getTime() + 4 * HOUR),
      incidentId,
      now: clock.now(),
    });
    clock.advance(4 * HOUR);
    await retryQueue.claimAttempt(store, id, 1, 'task-1', clock.now());
    await retryQueue.recordOutcome(store, id, 1, { result: 'recovered', recordsReceived: 9 }, clock.now());
  }

  it('a check run resolving an incident whose retry recovered shows it recovered, with no second reply', async () => {
    await deliverRun(deps(), { findings: [discrepancy], checksRan: ['source_discrepancy'] });
    const incident = await incidents.findOpenByKey(store, discrepancy.key);
    if (!incident) throw new Error('no incident opened');
    await retryRecoveredOn(incident.id);

    const summary = await deliverRun(deps(), { findings: [], checksRan: ['source_discrepancy'] });

    expect(summary.resolved).toBe(1);
    expect(chat.messages).toHaveLength(1);
    const alert = JSON.stringify(chat.messages[0]?.blocks);
    expect(alert).toContain('Recovered after 1 attempt (4 h');
    expect(alert).toContain('9/9 games');
    expect(alert).not.toContain('Resolved after');
  });

  it('a key that goes away without a retry is shown resolved and gets its closing reply', async () => {
    await deliverRun(deps(), { findings: [discrepancy], checksRan: ['source_discrepancy'] });
    clock.advance(2 * HOUR);
    await deliverRun(deps(), { findings: [], checksRan: ['source_discrepancy'] });

    expect(JSON.stringify(chat.messages[0]?.blocks)).toContain('Resolved after 2 h');
    expect(chat.messages).toHaveLength(2);
    expect(chat.messages[1]?.text).toMatch(/Resolved after 2 h/);
  });

  it("a resolved alert shows the last run's numbers, a recovered one the retry's, and each a next step", async () => {
    const first = { ...discrepancy, facts: { ...discrepancy.facts, missing_games: 2, date: '2026-01-19' } };
    const later = { ...first, facts: { ...first.facts, bdl_games: 8, missing_games: 1 } };
    await deliverRun(deps(), { findings: [first], checksRan: ['source_discrepancy'] });
    const opened = JSON.stringify(chat.messages[0]?.blocks);
    expect(opened).toContain('BDL has box scores for 7 of 9 games NBA.com lists on Mon Jan 19.');
    expect(opened).toContain('*Next step:* BDL usually catches up within a day');
    clock.advance(4 * HOUR);
    await deliverRun(deps(), { findings: [later], checksRan: ['source_discrepancy'] });
    clock.advance(4 * HOUR);
    await deliverRun(deps(), { findings: [], checksRan: ['source_discrepancy'] });
    const resolved = JSON.stringify(chat.messages[0]?.blocks);
    expect(resolved).toContain('Resolved after 8 h');
    expect(resolved).toContain('BDL has box scores for 8 of 9 games');
    expect(resolved).toContain('*Next step:* Nothing to do.');

    // The same key again, this time recovered by a retry: the retry's 9 of 9, not the run's 8 of 9.
    await deliverRun(deps(), { findings: [later], checksRan: ['source_discrepancy'] });
    const again = await incidents.findOpenByKey(store, discrepancy.key);
    if (!again) throw new Error('no incident reopened');
    await retryRecoveredOn(again.id);
    await deliverRun(deps(), { findings: [], checksRan: ['source_discrepancy'] });
    const recovered = JSON.stringify(chat.messages.at(-1)?.blocks);
    expect(recovered).toContain('Recovered after 1 attempt');
    expect(recovered).toContain('BDL has box scores for 9 of 9 games NBA.com lists on Mon Jan 19.');
    expect(recovered).not.toContain('8 of 9');
  });

  it("the next step of an open alert counts how this scraper's retries fared in the last 30 days", async () => {
    await deliverRun(deps(), { findings: [discrepancy], checksRan: ['source_discrepancy'] });
    const first = await incidents.findOpenByKey(store, discrepancy.key);
    if (!first) throw new Error('no incident opened');
    await retryRecoveredOn(first.id);
    await deliverRun(deps(), { findings: [], checksRan: ['source_discrepancy'] });
    const later = {
      ...discrepancy,
      key: 'source_discrepancy:2026-01-20',
      subject: { ...discrepancy.subject, date: '2026-01-20' },
    };
    clock.advance(HOUR);
    await deliverRun(deps(), { findings: [later], checksRan: ['source_discrepancy'] });
    expect(JSON.stringify(chat.messages.at(-1)?.blocks)).toContain(
      '100 % of bdl_box_scores retries recovered at attempt 1 in the last 30 days (1 of 1).',
    );
  });

  it("an escalation reply carries the check's summary of the numbers that escalated it", async () => {
    const first = { ...discrepancy, facts: { ...discrepancy.facts, missing_games: 2, date: '2026-01-19' } };
    await deliverRun(deps(), { findings: [first], checksRan: ['source_discrepancy'] });
    const worse = { ...first, severity: 'critical' as const, facts: { ...first.facts, missing_games: 5 } };
    await deliverRun(deps(), { findings: [worse], checksRan: ['source_discrepancy'] });
    const reply = chat.messages.at(-1);
    expect(reply?.text).toContain('Escalated to Critical');
    expect(JSON.stringify(reply?.blocks)).toContain(
      'BDL has box scores for 4 of 9 games NBA.com lists on Mon Jan 19.',
    );
    expect(JSON.stringify(chat.messages[0]?.blocks)).toContain('BDL has box scores for 4 of 9 games');
  });
});
