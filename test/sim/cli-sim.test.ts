import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerSimCommand } from '../../src/cli/sim.js';
import { parseSimArgs, truthPathFor } from '../../src/cli/sim-run.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { defineQuery } from '../../src/warehouse/port.js';

const dir = mkdtempSync(join(tmpdir(), 'shotclock-cli-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], db = join(dir, `${Math.random().toString(36).slice(2)}.duckdb`)) {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerSimCommand(program, {
    openSink: async (path) => openDuckDbWarehouse({ path: path ?? db }),
    warehousePath: (path) => path ?? db,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'shotclock', 'sim', ...argv]);
  } catch (e) {
    exitCode = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return { out, err, exitCode, db };
}

describe('shotclock sim', () => {
  it('validates dates, seed and --now strictly', () => {
    expect(parseSimArgs({ from: '2026-02-30', until: '2026-03-01' })).toMatchObject({ ok: false });
    expect(parseSimArgs({ from: '2026-01-20', until: '2026-01-19' })).toMatchObject({ ok: false });
    expect(parseSimArgs({ until: '2026-01-19' })).toMatchObject({
      ok: false,
      message: '--from YYYY-MM-DD is required',
    });
    expect(parseSimArgs({ from: '2026-01-19', until: '2026-01-19', seed: '-1' })).toMatchObject({
      ok: false,
    });
    expect(parseSimArgs({ from: '2026-01-19', until: '2026-01-19', now: '2026-01-19 12:00' })).toMatchObject({
      ok: false,
    });
    const ok = parseSimArgs({ from: '2026-01-19', until: '2026-01-19', seed: '7' });
    expect(ok).toMatchObject({ ok: true, args: { seed: 7, now: new Date('2026-01-20T17:00:00Z') } });
  });

  it('exits 2 on a bad date, 1 on a bad scenario file, naming the problem', async () => {
    const bad = await run(['--from', '2026-01-32', '--until', '2026-02-01']);
    expect(bad.exitCode).toBe(2);
    expect(bad.err).toContain("--from must be a real date YYYY-MM-DD, got '2026-01-32'");
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, "name: x\nincidents: [{ kind: thin_slate, date: '2026-01-18', players: -1 }]\n");
    const badScenario = await run(['--from', '2026-01-18', '--until', '2026-01-18', '--scenario', file]);
    expect(badScenario.exitCode).toBe(1);
    expect(badScenario.err).toContain('incidents[0].players');
  });

  it('writes a few days into DuckDB and prints the rows per table', async () => {
    const r = await run([
      '--from',
      '2026-01-17',
      '--until',
      '2026-01-19',
      '--seed',
      '3',
      '--now',
      '2026-01-20T17:00:00Z',
    ]);
    expect(r.exitCode).toBe(0);
    const printed = Number(/nba_raw\.nbac_schedule\s+(\d+)/.exec(r.out)?.[1]);
    expect(printed).toBe(24);
    expect(r.out).toMatch(/total\s+\d+/);
    const wh = await openDuckDbWarehouse({ path: r.db });
    try {
      const rows = await wh.query(
        defineQuery(
          'checks/prediction_volume.sql',
          z.object({ games: z.number(), predictions: z.number() }).loose(),
        ),
        { report_date: '2026-01-19', now: new Date('2026-01-20T17:00:00Z'), exhibition_season_types: [] },
      );
      expect(rows[0]?.games).toBe(9);
      expect(rows[0]?.predictions).toBeGreaterThanOrEqual(280);
    } finally {
      await wh.close();
    }
    // The scenario's truth for the dates, beside the warehouse file.
    const truthFile = truthPathFor(r.db) as string;
    expect(truthFile).toBe(r.db.replace(/\.duckdb$/, '.truth.json'));
    expect(r.out).toContain(`in ${truthFile}`);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
    expect(truth).toMatchObject({ scenario: 'default', seed: 3, from: '2026-01-17', until: '2026-01-19' });
    expect(truth.incidents.map((t: { id: string }) => t.id)).toContain('bdl_shortfall#2:2026-01-19');
  });

  it('puts the truth beside a warehouse file, none for an in-memory one', () => {
    expect(truthPathFor('data/shotclock.duckdb')).toBe('data/shotclock.truth.json');
    expect(truthPathFor('/tmp/wh.db')).toBe('/tmp/wh.db.truth.json');
    expect(truthPathFor(':memory:')).toBeUndefined();
  });
});
