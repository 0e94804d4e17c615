// The default scenario's demo-week incidents, read back through the Warehouse port with the checks' own SQL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { phase3Params } from '../../src/jobs/phase3.js';
import { simulate } from '../../src/sim/generate.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { defineQuery } from '../../src/warehouse/port.js';

const NOW = new Date('2026-01-19T17:00:00Z'); // 12:00 ET on the demo date
let dir: string;
let wh: DuckDbWarehouse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shotclock-sim-wh-'));
  wh = await openDuckDbWarehouse({ path: join(dir, 'sim.duckdb') });
  await wh.insertRows(
    simulate({ from: '2026-01-10', until: '2026-01-19', scenario: loadScenario(), now: NOW }),
  );
});
afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('default scenario through the warehouse port', () => {
  it('grading_accuracy.sql: every system 9 of 48 on 2026-01-18, above half on the days before', async () => {
    const rows = await wh.query(
      defineQuery(
        'checks/grading_accuracy.sql',
        z.object({ game_date: z.string(), system_id: z.string(), graded: z.number(), correct: z.number() }),
      ),
      { baseline_start: '2026-01-10', report_date: '2026-01-18', now: NOW },
    );
    const collapse = rows.filter((r) => r.game_date === '2026-01-18');
    expect(collapse).toHaveLength(4);
    for (const r of collapse) expect([r.correct, r.graded]).toEqual([9, 48]);
    for (const r of rows.filter((x) => x.game_date < '2026-01-18')) {
      expect(r.correct / r.graded).toBeGreaterThan(0.53);
      expect(r.correct / r.graded).toBeLessThan(0.62);
    }
  });

  it('prediction_duplicates.sql: 2026-01-19 has keys with 5 active copies; 2026-01-17 none', async () => {
    const q = defineQuery(
      'checks/prediction_duplicates.sql',
      z.object({
        system_id: z.string(),
        player_lookup: z.string(),
        prop_type: z.string(),
        copies: z.number(),
      }),
    );
    const today = await wh.query(q, { report_date: '2026-01-19', now: NOW });
    expect(today.length).toBeGreaterThan(50);
    expect(new Set(today.map((r) => r.copies))).toEqual(new Set([5]));
    expect(await wh.query(q, { report_date: '2026-01-17', now: NOW })).toEqual([]);
  });

  it('phase3_completion.sql: the critical processors never succeeded for 2026-01-18', async () => {
    const rows = await wh.query(
      defineQuery(
        'checks/phase3_completion.sql',
        z
          .object({
            game_date: z.string(),
            processor_name: z.string(),
            tier: z.string(),
            successes: z.number(),
          })
          .loose(),
      ),
      {
        window_start: '2026-01-17',
        report_date: '2026-01-18',
        now: NOW,
        exhibition_season_types: [],
        ...phase3Params(),
      },
    );
    const critical = rows.filter((r) => r.tier === 'critical');
    expect(critical.filter((r) => r.game_date === '2026-01-18').map((r) => r.successes)).toEqual([0, 0]);
    expect(critical.filter((r) => r.game_date === '2026-01-17').every((r) => r.successes === 1)).toBe(true);
  });

  it('verify_bdl_games.sql: BDL short on 2026-01-17 (7 of 9) and complete on 2026-01-15', async () => {
    const q = defineQuery(
      'recovery/verify_bdl_games.sql',
      z.object({ received: z.number(), expected: z.number() }),
    );
    expect(await wh.query(q, { game_date: '2026-01-17' })).toEqual([{ received: 7, expected: 9 }]);
    const clean = (await wh.query(q, { game_date: '2026-01-15' }))[0];
    expect(clean?.received).toBe(clean?.expected);
  });
});
