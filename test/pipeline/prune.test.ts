import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type PruneSummary, pruneRetained } from '../../src/pipeline/prune.js';
import { describeResult, isQuietRun } from '../../src/pipeline/scheduled-jobs.js';
import * as audit from '../../src/store/audit.js';
import * as leases from '../../src/store/leases.js';
import * as ledger from '../../src/store/message-ledger.js';
import type { DocumentStore } from '../../src/store/port.js';
import { withRetention } from '../../src/store/retention.js';
import type { TaskQueue } from '../../src/tasks/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { testConfig } from '../support/services.js';

const DAY = 24 * 3_600_000;

describe('pruning expired records (the retry sweeper runs it)', () => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  const config = testConfig();
  const clock = new ManualClock('2026-01-19T12:00:00Z');
  const cutoffs: Date[] = [];
  const tasks: TaskQueue = {
    enqueue: async () => 'created',
    prune: async (before) => {
      cutoffs.push(before);
      return 2;
    },
    close: async () => {},
  };

  beforeEach(async () => {
    const temp = await tempDuckDbStore();
    store = withRetention(temp.store, config.retention);
    cleanup = temp.cleanup;
  });
  afterEach(() => cleanup());

  it('deletes what the configured retention let expire, and task rows finished before RETENTION_DAYS', async () => {
    const at = (days: number) => new Date(clock.now().getTime() - days * DAY);
    const entry = (when: Date): audit.AuditEntry => ({
      who: 'system',
      action: 'auto_heal',
      target: null,
      incident_id: null,
      at: when,
      outcome: 'ok',
      details: {},
    });
    await audit.append(store, entry(at(91)));
    await audit.append(store, entry(at(89)));
    await ledger.claim(store, 'post:old', { channel: 'C1' }, at(15));
    await ledger.recordPosted(store, 'post:old', { channel: 'C1', ts: '1.1' }, at(15));
    await ledger.claim(store, 'post:recent', { channel: 'C1' }, at(13));
    await leases.acquire(store, { name: 'job:gaps:old', holder: 'a', ttlMs: 60_000, now: at(20) });
    await leases.finish(store, 'job:gaps:old', 'a', at(20));

    const pruned = await pruneRetained({ store, tasks, clock, config });
    expect(pruned).toEqual({
      documents: { [audit.AUDIT_LOG]: 1, [ledger.MESSAGE_LEDGER]: 1, [leases.LEASES]: 1 },
      tasks: 2,
    });
    expect(cutoffs).toEqual([at(14)]);
    expect((await store.query(audit.AUDIT_LOG, {})).map((d) => d.data.at)).toEqual([at(89)]);
  });

  it("the sweeper's line says what it pruned, and a run that pruned something is not a quiet one", () => {
    const idle = { overdue: [], interrupted: [], created: 0 };
    const none: PruneSummary = { documents: { leases: 0 }, tasks: 0 };
    const some: PruneSummary = { documents: { leases: 3 }, tasks: 1 };
    expect(isQuietRun({ ...idle, pruned: none })).toBe(true);
    expect(isQuietRun({ ...idle, pruned: some })).toBe(false);
    expect(describeResult('retry-sweeper', { ...idle, pruned: some })).toBe(
      'job retry-sweeper: re-enqueued 0 overdue and 0 interrupted retries; pruned 4 expired records',
    );
  });
});
