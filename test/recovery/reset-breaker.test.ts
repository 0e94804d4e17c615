import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ResetBreakerServices, resetBreaker } from '../../src/recovery/reset-breaker.js';
import * as audit from '../../src/store/audit.js';
import { zonedFormatter } from '../../src/views/format.js';
import type { Params } from '../../src/warehouse/port.js';
import { loadSqlFile } from '../../src/warehouse/sql-files.js';
import { testLogger } from '../support/services.js';
import { dmlWarehouse, postedIncident, setup } from './harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let executed: { file: string; params: Params }[];

beforeEach(async () => {
  env = await setup('2026-01-20T14:00:00Z');
  executed = [];
});
afterEach(() => env.cleanup());

function deps(rows: number | null = 3): ResetBreakerServices {
  return {
    store: env.store,
    chat: env.chat,
    clock: env.clock,
    fmt: zonedFormatter(),
    warehouse: dmlWarehouse(async (file, params) => {
      executed.push({ file, params });
      return rows;
    }),
    operators: { isOperator: async (user) => user === 'UOPS', mentions: ['<!subteam^S1>'] },
    log: testLogger(),
  };
}

const entity = {
  kind: 'reset_breaker' as const,
  breaker: 'entity' as const,
  processor: 'player_composite_factors',
  entities: ['lebronjames', 'stephencurry'],
};

describe('Reset Breaker', () => {
  it('a reset that changes no row says the breaker was already reset, and by whom when audited', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const proxy = {
      kind: 'reset_breaker' as const,
      breaker: 'proxy' as const,
      provider: 'decodo',
      target: 'nba.com',
    };
    const first = await resetBreaker(deps(1), {
      incidentId,
      requestedBy: { user: 'UOPS' },
      reason: 'provider fixed',
      breaker: proxy,
      requestId: 'view-1',
    });
    expect(first).toMatchObject({ outcome: 'reset', rows: 1 });
    env.clock.advance(3_600_000);
    const again = await resetBreaker(deps(0), {
      incidentId,
      requestedBy: { user: 'UOPS' },
      reason: 'old alert',
      breaker: proxy,
      requestId: 'view-2',
    });
    expect(again).toMatchObject({ outcome: 'already_reset', rows: 0, reply: 'posted' });
    expect(again.ephemeral?.text).toBe(
      'Nothing to reset: these breakers were already reset by <@UOPS> at 09:00 ET. Nothing was changed.',
    );
    expect(env.chat.replies(alertTs).map((r) => r.text)).toEqual([
      ':electric_plug: Proxy breaker decodo → nba.com set to HALF_OPEN by <@UOPS>',
      ':electric_plug: Proxy breaker decodo → nba.com was already reset (not OPEN) by <@UOPS> at 09:00 ET; the reset by <@UOPS> changed nothing',
    ]);
    const trail = await audit.listByIncident(env.store, incidentId);
    expect(trail.map((e) => [e.outcome, e.details.rows])).toEqual([
      ['ok', 1],
      ['ignored', 0],
    ]);
  });

  it('a non-operator is refused: nothing executed, nothing posted, the refusal audited', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const result = await resetBreaker(deps(), {
      incidentId,
      requestedBy: { user: 'U2' },
      reason: 'data is back',
      breaker: entity,
    });
    expect(result.outcome).toBe('denied');
    expect(result.ephemeral?.text).toBe(
      ':no_entry: Only operators can use Reset Breaker. Nothing was changed. Ask <!subteam^S1>.',
    );
    expect(executed).toEqual([]);
    expect(env.chat.replies(alertTs)).toEqual([]);
    const trail = await audit.listByIncident(env.store, incidentId);
    expect(trail.map((e) => [e.who, e.action, e.outcome])).toEqual([['U2', 'reset_breaker', 'denied']]);
  });

  it('an operator clears the entity breakers through the parameterized DML file, audited and threaded', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const result = await resetBreaker(deps(), {
      incidentId,
      requestedBy: { user: 'UOPS' },
      reason: 'gamebook rows arrived',
      breaker: entity,
      requestId: 'view-1',
    });
    expect(result).toMatchObject({ outcome: 'reset', rows: 3, reply: 'posted' });
    expect(executed).toEqual([
      {
        file: 'actions/reset_entity_breakers.sql',
        params: {
          processor_name: 'player_composite_factors',
          entity_ids: ['lebronjames', 'stephencurry'],
          note: 'reset by UOPS at 2026-01-20T14:00:00.000Z via shotclock: gamebook rows arrived',
          // The circuit_breakers check's window on 2026-01-20 (ET): older rows are never touched.
          since: '2026-01-06',
          through: '2026-01-21',
        },
      },
    ]);
    // Every parameter passed is declared by the file (and the other way round).
    const declared = Object.keys(loadSqlFile('actions/reset_entity_breakers.sql').params).sort();
    expect(Object.keys(executed[0]?.params ?? {}).sort()).toEqual(declared);
    expect(env.chat.replies(alertTs)).toHaveLength(1);
    expect(env.chat.replies(alertTs)[0]?.text).toContain(
      'Entity breakers of player_composite_factors reset by <@UOPS>',
    );
    const [entry] = await audit.listByIncident(env.store, incidentId);
    expect(entry).toMatchObject({
      who: 'UOPS',
      outcome: 'ok',
      target: 'player_composite_factors:lebronjames,stephencurry',
    });

    // The same submission retried: one audit entry, one reply.
    await resetBreaker(deps(), {
      incidentId,
      requestedBy: { user: 'UOPS' },
      reason: 'gamebook rows arrived',
      breaker: entity,
      requestId: 'view-1',
    });
    expect(env.chat.replies(alertTs)).toHaveLength(1);
    expect(await audit.listByIncident(env.store, incidentId)).toHaveLength(1);
  });

  it('a proxy pair goes HALF_OPEN; a policy may do it; a missing reason or target changes nothing', async () => {
    const { incidentId, alertTs } = await postedIncident(env.store, env.chat, env.clock.now());
    const proxy = {
      kind: 'reset_breaker' as const,
      breaker: 'proxy' as const,
      provider: 'decodo',
      target: 'stats.nba.com',
    };
    expect(
      (
        await resetBreaker(deps(), {
          incidentId,
          requestedBy: { user: 'UOPS' },
          reason: '  ',
          breaker: proxy,
        })
      ).outcome,
    ).toBe('invalid');
    expect(
      (
        await resetBreaker(deps(), {
          incidentId,
          requestedBy: { user: 'UOPS' },
          reason: 'x',
          breaker: { kind: 'reset_breaker', breaker: 'proxy', provider: 'decodo' },
        })
      ).outcome,
    ).toBe('invalid');
    expect(executed).toEqual([]);

    const result = await resetBreaker(deps(), {
      incidentId,
      requestedBy: { policy: 'auto-reset-arrived' },
      reason: 'data arrived',
      breaker: proxy,
    });
    expect(result.outcome).toBe('reset');
    expect(executed[0]?.file).toBe('actions/reset_proxy_breaker.sql');
    expect(executed[0]?.params).toMatchObject({ proxy_provider: 'decodo', target_host: 'stats.nba.com' });
    expect(env.chat.replies(alertTs)[0]?.text).toContain(
      'set to HALF_OPEN by shotclock (policy auto-reset-arrived)',
    );
  });

  it('a failing warehouse is reported to the user and audited as failed', async () => {
    const { incidentId } = await postedIncident(env.store, env.chat, env.clock.now());
    const failing = {
      ...deps(),
      warehouse: dmlWarehouse(async () => Promise.reject(new Error('quota exceeded'))),
    };
    const result = await resetBreaker(failing, {
      incidentId,
      requestedBy: { user: 'UOPS' },
      reason: 'why',
      breaker: entity,
    });
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result.ephemeral?.text).toContain('quota exceeded');
    const [entry] = await audit.listByIncident(env.store, incidentId);
    expect(entry?.outcome).toBe('failed');
  });
});
