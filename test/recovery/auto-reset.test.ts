import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverRun, type IncidentRenderer } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/clock.js';
import type { Finding } from '../../src/jobs/finding.js';
import { AUTO_RESET_POLICY, autoResetArrivedBreakers } from '../../src/recovery/auto-reset.js';
import * as incidents from '../../src/store/incidents.js';
import type { DocumentStore } from '../../src/store/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';

const render: IncidentRenderer = {
  alert: (i) => ({ text: i.key }),
  reply: (k, i) => ({ text: `${k} ${i.key}` }),
};

function breakers(candidates: string[]): Finding {
  return {
    check: 'circuit_breakers',
    key: 'circuit_breakers:player_game_summary',
    severity: 'warning',
    title: 'player_game_summary: 3 entity breakers tripped',
    subject: { processor: 'player_game_summary' },
    facts: { tripped: 3, auto_reset_candidates: candidates.length },
    actions: [
      candidates.length > 0
        ? { kind: 'reset_breaker', breaker: 'entity', processor: 'player_game_summary', entities: candidates }
        : { kind: 'reset_breaker', breaker: 'entity', processor: 'player_game_summary' },
    ],
  };
}

describe('auto-reset of breakers whose data arrived', () => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  let chat: FakeChat;
  const clock = new ManualClock('2026-01-20T14:00:00Z');
  const executed: { file: string; params: unknown }[] = [];
  const warehouse = {
    execute: async (file: string, params: unknown) => {
      executed.push({ file, params });
      return 2;
    },
  };

  beforeEach(async () => {
    ({ store, cleanup } = await tempDuckDbStore());
    chat = new FakeChat();
    executed.length = 0;
  });
  afterEach(() => cleanup());

  async function open(finding: Finding) {
    await deliverRun(
      { store, chat, clock, render, routing: { defaultChannel: 'C1' } },
      { findings: [finding], checksRan: [finding.check] },
    );
    const incident = await incidents.findOpenByKey(store, finding.key);
    if (!incident?.message) throw new Error('no alert posted');
    return incident;
  }

  it('resets the candidates once per date, says so in the thread as the policy, and leaves others alone', async () => {
    const finding = breakers(['WAS', 'LAC']);
    const incident = await open(finding);
    const deps = { store, chat, clock, warehouse };
    const first = await autoResetArrivedBreakers(deps, [finding, breakers([])], '2026-01-20');
    await autoResetArrivedBreakers(deps, [finding], '2026-01-20');
    expect(first.map((r) => r.outcome)).toEqual(['reset']);
    expect(executed).toHaveLength(1);
    expect(JSON.stringify(executed[0]?.params)).toContain('LAC');
    const replies = chat.replies(incident.message?.ts ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(AUTO_RESET_POLICY);
  });

  it('does nothing on an incident where a person paused auto-heal', async () => {
    const finding = breakers(['WAS']);
    const incident = await open(finding);
    await incidents.update(store, incident.id, { auto_heal_paused: true });
    expect(
      await autoResetArrivedBreakers({ store, chat, clock, warehouse }, [finding], '2026-01-20'),
    ).toEqual([]);
    expect(executed).toEqual([]);
  });
});
