import { describe, expect, it } from 'vitest';
import * as audit from '../../src/store/audit.js';
import * as incidents from '../../src/store/incidents.js';
import * as leases from '../../src/store/leases.js';
import * as ledger from '../../src/store/message-ledger.js';
import { docId } from '../../src/store/port.js';
import { pruneExpired, withRetention } from '../../src/store/retention.js';
import * as retryQueue from '../../src/store/retry-queue.js';
import type { StoreRef } from './contract.js';
import { finding, HOUR, plus, retryInput, t0 } from './fixtures.js';

export function registerRepositoryContract(ref: StoreRef): void {
  describe('incidents', () => {
    it('opens once per key, keeps fact order, updates in place, resolves, and reopens linking the old one', async () => {
      const first = await incidents.open(ref.store, { finding: finding(), now: t0 });
      expect(first.created).toBe(true);
      expect(Object.keys(first.incident.finding.facts)).toEqual(['NBA.com games', 'BDL games', 'missing']);
      const again = await incidents.open(ref.store, { finding: finding(), now: plus(HOUR) });
      expect(again).toEqual({ incident: first.incident, created: false });

      const stored = await incidents.get(ref.store, first.incident.id);
      expect(Object.keys(stored?.finding.facts ?? {})).toEqual(['NBA.com games', 'BDL games', 'missing']);
      expect(stored?.opened_at).toEqual(t0);

      const seen = await incidents.recordSeen(
        ref.store,
        first.incident.id,
        finding(undefined, 'critical'),
        plus(HOUR),
      );
      expect(seen).toMatchObject({
        seen_count: 2,
        severity: 'critical',
        last_seen: plus(HOUR),
        first_seen: t0,
      });
      await incidents.update(ref.store, first.incident.id, {
        ack: { user: 'U123', at: plus(2 * HOUR) },
        snooze_until: plus(6 * HOUR),
        message: { channel: 'C1', ts: '1737288000.000100' },
      });
      const open = await incidents.findOpenByKey(ref.store, finding().key);
      expect(open).toMatchObject({ ack: { user: 'U123', at: plus(2 * HOUR) }, snooze_until: plus(6 * HOUR) });
      expect((await incidents.listOpen(ref.store)).map((i) => i.id)).toEqual([first.incident.id]);

      const resolved = await incidents.resolve(ref.store, first.incident.id, plus(5 * HOUR));
      expect(resolved.resolved).toBe(true);
      expect((await incidents.resolve(ref.store, first.incident.id, plus(6 * HOUR))).resolved).toBe(false);
      expect(await incidents.findOpenByKey(ref.store, finding().key)).toBeUndefined();
      expect(await incidents.listOpen(ref.store)).toEqual([]);
      const resolvedSince = await incidents.listResolvedSince(ref.store, plus(4 * HOUR));
      expect(resolvedSince.map((i) => [i.id, i.resolved_at])).toEqual([[first.incident.id, plus(5 * HOUR)]]);
      expect(await incidents.listResolvedSince(ref.store, plus(5 * HOUR + 1))).toEqual([]);

      const reopened = await incidents.open(ref.store, { finding: finding(), now: plus(8 * HOUR) });
      expect(reopened.created).toBe(true);
      expect(reopened.incident.id).not.toBe(first.incident.id);
      expect(reopened.incident.previous_incident_id).toBe(first.incident.id);
      expect(reopened.incident.seen_count).toBe(1);
    });

    it('lists open incidents oldest first and records root-cause grouping', async () => {
      const late = await incidents.open(ref.store, { finding: finding('b:2026-01-19'), now: plus(HOUR) });
      const early = await incidents.open(ref.store, { finding: finding('a:2026-01-19'), now: t0 });
      await incidents.update(ref.store, late.incident.id, { root_incident_id: early.incident.id });
      const open = await incidents.listOpen(ref.store);
      expect(open.map((i) => [i.id, i.root_incident_id])).toEqual([
        [early.incident.id, null],
        [late.incident.id, early.incident.id],
      ]);
    });
  });

  describe('message ledger', () => {
    it('claims an intent once; later claims get the existing claim; posted claims leave the unfinished list', async () => {
      const first = await ledger.claim(ref.store, 'post:inc#1', { channel: 'C1', text: 'first' }, t0);
      expect(first.created).toBe(true);
      const second = await ledger.claim(
        ref.store,
        'post:inc#1',
        { channel: 'C1', text: 'second' },
        plus(1000),
      );
      expect(second).toEqual({ claim: first.claim, created: false });
      expect(second.claim.payload).toEqual({ channel: 'C1', text: 'first' });

      await ledger.claim(ref.store, 'reply:inc#1:resolved', { channel: 'C1' }, plus(2000));
      await ledger.claim(ref.store, 'post:inc#2', { channel: 'C2' }, plus(HOUR));
      const unfinished = await ledger.listUnfinished(ref.store, plus(60_000), plus(3 * HOUR));
      expect(unfinished.map((c) => c.intent_id)).toEqual(['post:inc#1', 'reply:inc#1:resolved']);

      const posted = await ledger.recordPosted(
        ref.store,
        'post:inc#1',
        { channel: 'C1', ts: '1.1' },
        plus(3000),
      );
      expect(posted).toMatchObject({ status: 'posted', channel: 'C1', ts: '1.1', posted_at: plus(3000) });
      const repeat = await ledger.recordPosted(
        ref.store,
        'post:inc#1',
        { channel: 'C1', ts: '9.9' },
        plus(4000),
      );
      expect(repeat.ts).toBe('1.1');
      const after = await ledger.listUnfinished(ref.store, plus(2 * HOUR), plus(3 * HOUR));
      expect(after.map((c) => c.intent_id)).toEqual(['reply:inc#1:resolved', 'post:inc#2']);
    });

    it('a released claim is finishable at once; exactly one of two takers gets it, and it is stale again later', async () => {
      await ledger.claim(ref.store, 'post:inc#3', { channel: 'C1' }, t0);
      expect(await ledger.listUnfinished(ref.store, t0, plus(3 * HOUR))).toEqual([]);
      expect(await ledger.release(ref.store, 'post:inc#3', plus(1000))).toBe(true);
      expect((await ledger.listUnfinished(ref.store, t0, plus(3 * HOUR))).map((c) => c.released_at)).toEqual([
        plus(1000),
      ]);
      const takers = await Promise.all([
        ledger.takeOver(ref.store, 'post:inc#3', plus(2000), t0),
        ledger.takeOver(ref.store, 'post:inc#3', plus(2000), t0),
      ]);
      expect(takers.filter(Boolean)).toHaveLength(1);
      expect(takers.find(Boolean)).toMatchObject({ released_at: null, taken_at: plus(2000), claimed_at: t0 });
      // The taker is now posting it: not finishable until its own window passes.
      expect(await ledger.listUnfinished(ref.store, plus(2000), plus(3 * HOUR))).toEqual([]);
      expect(
        (await ledger.listUnfinished(ref.store, plus(2001), plus(3 * HOUR))).map((c) => c.intent_id),
      ).toEqual(['post:inc#3']);
      await ledger.recordPosted(ref.store, 'post:inc#3', { channel: 'C1', ts: '3.3' }, plus(3000));
      expect(await ledger.release(ref.store, 'post:inc#3', plus(4000))).toBe(false);
      expect(await ledger.takeOver(ref.store, 'post:inc#3', plus(HOUR), plus(HOUR))).toBeUndefined();
    });
  });

  describe('retry queue', () => {
    it('creates or joins one item per scraper and date', async () => {
      expect((await retryQueue.createOrJoin(ref.store, retryInput())).outcome).toBe('created');
      const id = retryQueue.retryItemId('bdl_box_scores', '2026-01-19');
      expect(id).toBe('bdl_box_scores_2026-01-19');
      const joined = await retryQueue.createOrJoin(ref.store, retryInput({ incidentId: 'inc#1' }));
      expect(joined.outcome).toBe('joined');
      expect(await retryQueue.get(ref.store, id)).toMatchObject({
        status: 'pending',
        retry_attempts: 0,
        max_retries: 3,
        incident_id: 'inc#1',
        next_retry_at: plus(4 * HOUR),
        expected_records: 9,
      });
    });

    it('claims attempts in order only', async () => {
      const { item } = await retryQueue.createOrJoin(ref.store, retryInput());
      expect(
        (await retryQueue.claimAttempt(ref.store, item.doc_id, 1, 'task-1', plus(4 * HOUR))).result,
      ).toBe('claimed');
      expect(
        (await retryQueue.claimAttempt(ref.store, item.doc_id, 1, 'task-1b', plus(4 * HOUR))).result,
      ).toBe('duplicate');
      expect(
        await retryQueue.claimAttempt(ref.store, item.doc_id, 3, 'task-3', plus(5 * HOUR)),
      ).toMatchObject({
        result: 'stale',
      });
      expect(await retryQueue.claimAttempt(ref.store, 'nope_2026-01-01', 1, 't', t0)).toEqual({
        result: 'not_found',
      });
    });

    it('records outcomes: partial → pending at the next time, idempotent; exhausted after 3; restarts after', async () => {
      const { item } = await retryQueue.createOrJoin(ref.store, retryInput());
      const id = item.doc_id;
      await retryQueue.claimAttempt(ref.store, id, 1, 'task-1', plus(4 * HOUR));
      const partial = { result: 'partial' as const, recordsReceived: 6, nextRetryAt: plus(16 * HOUR) };
      const first = await retryQueue.recordOutcome(ref.store, id, 1, partial, plus(4 * HOUR + 60_000));
      expect(first.changed).toBe(true);
      expect(first.item).toMatchObject({ status: 'pending', next_retry_at: plus(16 * HOUR) });
      expect(first.item.retry_history[0]).toMatchObject({
        result: 'partial',
        records_received: 6,
        task_name: 'task-1',
      });
      const dup = await retryQueue.recordOutcome(
        ref.store,
        id,
        1,
        { ...partial, recordsReceived: 7 },
        plus(5 * HOUR),
      );
      expect(dup.changed).toBe(false);
      expect(dup.item.retry_history[0]?.records_received).toBe(6);

      for (const attempt of [2, 3]) {
        expect((await retryQueue.claimAttempt(ref.store, id, attempt, `task-${attempt}`, t0)).result).toBe(
          'claimed',
        );
        await retryQueue.recordOutcome(
          ref.store,
          id,
          attempt,
          { result: 'failed', recordsReceived: 4, error: 'timeout', nextRetryAt: plus(40 * HOUR) },
          plus(attempt * 20 * HOUR),
        );
      }
      const exhausted = await retryQueue.get(ref.store, id);
      expect(exhausted).toMatchObject({ status: 'exhausted', retry_attempts: 3, next_retry_at: null });
      expect(exhausted?.exhausted_at).toEqual(plus(60 * HOUR));
      expect((await retryQueue.claimAttempt(ref.store, id, 4, 'task-4', t0)).result).toBe('stale');

      const again = await retryQueue.createOrJoin(ref.store, retryInput({ now: plus(70 * HOUR) }));
      expect(again.outcome).toBe('restarted');
      expect(again.item).toMatchObject({ status: 'pending', retry_attempts: 0, retry_history: [] });
    });

    it('marks an item recovered and lists due items most overdue first, pending only', async () => {
      const mk = (name: string, due: Date) =>
        retryQueue.createOrJoin(ref.store, retryInput({ name, nextRetryAt: due }));
      await mk('late', plus(3 * HOUR));
      await mk('early', plus(1 * HOUR));
      await mk('middle', plus(2 * HOUR));
      await mk('future', plus(30 * HOUR));
      const { item: busy } = await mk('busy', plus(1));
      await retryQueue.claimAttempt(ref.store, busy.doc_id, 1, 'task-1', plus(HOUR));
      const due = await retryQueue.listDue(ref.store, plus(3 * HOUR));
      expect(due.map((i) => i.scraper_name)).toEqual(['early', 'middle', 'late']);
      expect((await retryQueue.listDue(ref.store, plus(3 * HOUR), 2)).map((i) => i.scraper_name)).toEqual([
        'early',
        'middle',
      ]);

      const recovered = await retryQueue.recordOutcome(
        ref.store,
        busy.doc_id,
        1,
        { result: 'recovered', recordsReceived: 9 },
        plus(2 * HOUR),
      );
      expect(recovered.item).toMatchObject({ status: 'recovered', recovered_at: plus(2 * HOUR) });
      expect((await retryQueue.listByStatus(ref.store, 'recovered')).map((i) => i.scraper_name)).toEqual([
        'busy',
      ]);
      expect((await retryQueue.listByStatus(ref.store, ['pending', 'recovered'])).length).toBe(5);
    });
  });

  describe('audit', () => {
    it("lists an incident's entries oldest first, and an append with an id lands once", async () => {
      const entry = (who: string, at: Date, incident: string | null): audit.AuditEntry => ({
        who,
        action: 'retry',
        target: 'bdl_box_scores_2026-01-19',
        incident_id: incident,
        at,
        outcome: who === 'U2' ? 'denied' : 'ok',
        details: { button: 'retry', attempt: 1 },
      });
      await audit.append(ref.store, entry('U3', plus(3000), 'inc#1'));
      await audit.append(ref.store, entry('U1', plus(1000), 'inc#1'));
      await audit.append(ref.store, entry('U9', plus(500), 'inc#2'));
      await audit.append(ref.store, entry('U2', plus(2000), 'inc#1'), 'action:trigger-42');
      await audit.append(ref.store, entry('U2', plus(2000), 'inc#1'), 'action:trigger-42');
      const trail = await audit.listByIncident(ref.store, 'inc#1');
      expect(trail.map((e) => [e.who, e.at, e.outcome])).toEqual([
        ['U1', plus(1000), 'ok'],
        ['U2', plus(2000), 'denied'],
        ['U3', plus(3000), 'ok'],
      ]);
      expect(trail[0]?.details).toEqual({ button: 'retry', attempt: 1 });
    });
  });

  describe('leases', () => {
    const name = 'job:scraper_gaps:2026-01-19T04:00';
    it("lets another holder take a lease over only after it expires; release is the holder's", async () => {
      const winner = 'i-1';
      const other = 'i-2';
      expect(await leases.acquire(ref.store, { name, holder: winner, ttlMs: 60_000, now: t0 })).toBe(true);
      expect((await leases.get(ref.store, name))?.holder).toBe(winner);

      expect(await leases.acquire(ref.store, { name, holder: other, ttlMs: 60_000, now: plus(59_999) })).toBe(
        false,
      );
      expect(await leases.release(ref.store, name, other)).toBe(false);
      expect(await leases.acquire(ref.store, { name, holder: other, ttlMs: 60_000, now: plus(60_000) })).toBe(
        true,
      );
      expect(await leases.get(ref.store, name)).toMatchObject({ holder: other, expires_at: plus(120_000) });
      // The old holder lost it: it can neither release nor finish the slot now.
      expect(await leases.finish(ref.store, name, winner, plus(61_000))).toBe(false);
      expect(await leases.release(ref.store, name, other)).toBe(true);
      expect(await leases.get(ref.store, name)).toBeUndefined();
    });

    it('a finished slot is never taken again; the holder may extend its own lease', async () => {
      expect(await leases.acquire(ref.store, { name, holder: 'i-1', ttlMs: 1000, now: t0 })).toBe(true);
      expect(await leases.acquire(ref.store, { name, holder: 'i-1', ttlMs: 1000, now: plus(900) })).toBe(
        true,
      );
      expect(await leases.acquire(ref.store, { name, holder: 'i-2', ttlMs: 1000, now: plus(1500) })).toBe(
        false,
      );
      expect(await leases.finish(ref.store, name, 'i-1', plus(1600))).toBe(true);
      expect(await leases.acquire(ref.store, { name, holder: 'i-2', ttlMs: 1000, now: plus(HOUR) })).toBe(
        false,
      );
      expect(await leases.release(ref.store, name, 'i-1')).toBe(false);
    });

    it('a handed-back lease is free at once and listed until someone takes it; holder only', async () => {
      expect(await leases.acquire(ref.store, { name, holder: 'i-1', ttlMs: HOUR, now: t0 })).toBe(true);
      expect(await leases.handBack(ref.store, name, 'i-2', plus(1000))).toBe(false);
      expect(await leases.handBack(ref.store, name, 'i-1', plus(1000))).toBe(true);
      expect((await leases.listHandedBack(ref.store, t0)).map((l) => [l.name, l.handed_back_at])).toEqual([
        [name, plus(1000)],
      ]);
      expect(await leases.listHandedBack(ref.store, plus(1001))).toEqual([]);
      expect(await leases.acquire(ref.store, { name, holder: 'i-2', ttlMs: HOUR, now: plus(2000) })).toBe(
        true,
      );
      expect(await leases.listHandedBack(ref.store, t0)).toEqual([]);
      expect(await leases.finish(ref.store, name, 'i-2', plus(3000))).toBe(true);
      expect(await leases.handBack(ref.store, name, 'i-2', plus(4000))).toBe(false);
    });

    it('tells whether a later slot of the same job was taken', async () => {
      const slot = (job: string, iso: string) => `job:${job}:${iso}`;
      const take = (n: string) => leases.acquire(ref.store, { name: n, holder: 'i-1', ttlMs: HOUR, now: t0 });
      await take(slot('gaps', '2026-01-19T13:00:00.000Z'));
      await take(slot('gaps-extra', '2026-01-19T14:00:00.000Z'));
      expect(await leases.anyAfter(ref.store, slot('gaps', '2026-01-19T13:00:00.000Z'), 'job:gaps:')).toBe(
        false,
      );
      await take(slot('gaps', '2026-01-19T17:00:00.000Z'));
      expect(await leases.anyAfter(ref.store, slot('gaps', '2026-01-19T13:00:00.000Z'), 'job:gaps:')).toBe(
        true,
      );
    });
  });

  describe('retention', () => {
    const DAY = 24 * HOUR;
    const entry = (at: Date): audit.AuditEntry => ({
      who: 'U1',
      action: 'ack',
      target: null,
      incident_id: 'inc#1',
      at,
      outcome: 'ok',
      details: {},
    });
    const expireAt = async (collection: string, id: string) =>
      (await ref.store.get(collection, id))?.expire_at;

    it('stamps expire_at on audit entries, ledger entries and slot leases as they are written', async () => {
      const store = withRetention(ref.store, { auditMs: 90 * DAY, recordsMs: 14 * DAY });
      const appended = await audit.append(store, entry(t0));
      expect(await expireAt(audit.AUDIT_LOG, appended.id)).toEqual(plus(90 * DAY));

      await ledger.claim(store, 'post:inc#1', { channel: 'C1' }, t0);
      const ledgerId = docId('post:inc#1');
      expect(await expireAt(ledger.MESSAGE_LEDGER, ledgerId)).toEqual(plus(14 * DAY));
      await ledger.release(store, 'post:inc#1', plus(HOUR)); // no new time to count from: unchanged
      expect(await expireAt(ledger.MESSAGE_LEDGER, ledgerId)).toEqual(plus(14 * DAY));
      await ledger.recordPosted(store, 'post:inc#1', { channel: 'C1', ts: '1.1' }, plus(2 * HOUR));
      expect(await expireAt(ledger.MESSAGE_LEDGER, ledgerId)).toEqual(plus(14 * DAY + 2 * HOUR));

      const name = 'job:gaps:2026-01-19T12:00:00.000Z';
      await leases.acquire(store, { name, holder: 'i-1', ttlMs: HOUR, now: t0 });
      expect(await expireAt(leases.LEASES, docId(name))).toEqual(plus(14 * DAY + HOUR));
      await leases.finish(store, name, 'i-1', plus(HOUR / 2));
      expect(await expireAt(leases.LEASES, docId(name))).toEqual(plus(14 * DAY + HOUR / 2));

      // Incidents and the retry queue are kept: nothing stamped.
      const { incident } = await incidents.open(store, { finding: finding(), now: t0 });
      expect(await expireAt(incidents.INCIDENTS, incident.id)).toBeUndefined();
    });

    it('prunes exactly what has expired, batch by batch; a reader skips an expired claim before it goes', async () => {
      const store = withRetention(ref.store, { auditMs: 2 * DAY, recordsMs: DAY });
      for (let i = 0; i < 5; i++) await audit.append(store, entry(plus(i)));
      const kept = await audit.append(store, entry(plus(2 * DAY)));
      await ledger.claim(store, 'post:old#1', { channel: 'C1' }, t0);
      await ledger.claim(store, 'post:old#2', { channel: 'C1' }, t0);
      await ledger.recordPosted(store, 'post:old#2', { channel: 'C1', ts: '2.2' }, t0);
      await ledger.claim(store, 'post:new#1', { channel: 'C1' }, plus(2 * DAY));
      await leases.acquire(store, { name: 'job:a:1', holder: 'i-1', ttlMs: HOUR, now: t0 });
      await leases.acquire(store, { name: 'job:a:2', holder: 'i-1', ttlMs: HOUR, now: plus(2 * DAY) });
      const { incident } = await incidents.open(store, { finding: finding(), now: t0 });

      const now = plus(2 * DAY + HOUR);
      // TTL has not caught up: the expired, never-posted claim is still there but too old to finish.
      expect((await ledger.listUnfinished(store, plus(DAY), now)).map((c) => c.intent_id)).toEqual([]);
      expect((await ledger.listUnfinished(store, plus(DAY), plus(HOUR))).map((c) => c.intent_id)).toEqual([
        'post:old#1',
      ]);

      expect(await pruneExpired(store, now, 2)).toEqual({
        [audit.AUDIT_LOG]: 5,
        [ledger.MESSAGE_LEDGER]: 2,
        [leases.LEASES]: 1,
      });
      expect((await ref.store.query(audit.AUDIT_LOG, {})).map((d) => d.id)).toEqual([kept.id]);
      expect((await ref.store.query(ledger.MESSAGE_LEDGER, {})).map((d) => d.data.intent_id)).toEqual([
        'post:new#1',
      ]);
      expect((await ref.store.query(leases.LEASES, {})).map((d) => d.data.name)).toEqual(['job:a:2']);
      expect(await incidents.get(store, incident.id)).toBeDefined();
      expect(await pruneExpired(store, now)).toEqual({
        [audit.AUDIT_LOG]: 0,
        [ledger.MESSAGE_LEDGER]: 0,
        [leases.LEASES]: 0,
      });
    });
  });
}
