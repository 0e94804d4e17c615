import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFindingsTable, parseCheckArgs, registerCheckCommand } from '../../src/cli/check.js';
import { createProgram } from '../../src/cli/program.js';
import { type Finding, findingSchema } from '../../src/jobs/finding.js';
import { ALL_CHECKS } from '../../src/jobs/registry.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import type { Params, QueryDef, Warehouse } from '../../src/warehouse/port.js';

const NOW = new Date('2026-01-20T15:00:00Z'); // 10:00 ET on the 20th

/** Scripted rows per query file (none for the rest); records what was asked and whether it was closed. */
function fakeWarehouse(script: Record<string, unknown[] | Error> = {}) {
  const calls: { file: string; params: Params }[] = [];
  const state = { closed: false, dbPath: undefined as string | undefined };
  const warehouse: Warehouse = {
    engine: 'duckdb',
    async query<Row>(def: QueryDef<Row>, params: Params) {
      // The warehouse holds data for the dates asked unless the script says otherwise.
      if (def.file === 'status/data_window.sql')
        return (script[def.file] ?? [{ rows_in_window: 1 }]) as Row[];
      calls.push({ file: def.file, params });
      const answer = script[def.file];
      if (answer instanceof Error) throw answer;
      return (answer ?? []) as Row[];
    },
    execute: async () => null,
    ping: async () => {},
    close: async () => {
      state.closed = true;
    },
  };
  return { warehouse, calls, state };
}

async function run(args: string[], script: Record<string, unknown[] | Error> = {}) {
  const fake = fakeWarehouse(script);
  let out = '';
  let err = '';
  let opened = 0;
  const program = new Command().name('shotclock').exitOverride();
  registerCheckCommand(program, {
    openWarehouse: async (dbPath) => {
      opened++;
      fake.state.dbPath = dbPath;
      return fake.warehouse;
    },
    thresholds: DEFAULT_THRESHOLDS,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    now: () => NOW,
  });
  let exitCode = 0;
  try {
    await program.parseAsync(['check', ...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exitCode = e.exitCode;
  }
  return { out, err, exitCode, opened, ...fake };
}

const emptySlate = { games: 7, predictions: 0, active_rows: 0, systems: 0, players: 0 };

describe('shotclock check', () => {
  it('--json prints the findings array of one check, as of 12:00 ET of a past date', async () => {
    const r = await run(['prediction_volume', '--date', '2026-01-18', '--json'], {
      'checks/prediction_volume.sql': [emptySlate],
    });
    expect(r.exitCode).toBe(0);
    expect(r.calls).toEqual([
      {
        file: 'checks/prediction_volume.sql',
        params: {
          report_date: '2026-01-18',
          now: new Date('2026-01-18T17:00:00Z'),
          exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
        },
      },
    ]);
    const findings = JSON.parse(r.out) as unknown[];
    expect(findings).toHaveLength(1);
    const f = findingSchema.parse(findings[0]);
    expect([f.check, f.key, f.severity]).toEqual([
      'prediction_volume',
      'prediction_volume:2026-01-18',
      'critical',
    ]);
    expect(r.state.closed).toBe(true);
  });

  it('all runs every registered check; today is checked as of now, --at and --db are passed on', async () => {
    const today = await run(['all', '--date', '2026-01-20', '--json']);
    expect(today.calls.map((c) => c.file)).toEqual(ALL_CHECKS.map((c) => c.query.file));
    expect(new Set(today.calls.map((c) => (c.params.now as Date).toISOString()))).toEqual(
      new Set([NOW.toISOString()]),
    );
    expect(JSON.parse(today.out)).toEqual([]);
    expect(today.state.dbPath).toBeUndefined();

    const at = await run([
      'data_freshness',
      '--date',
      '2026-01-10',
      '--at',
      '2026-01-10T09:30:00-05:00',
      '--db',
      '/tmp/x.duckdb',
    ]);
    expect(at.calls[0]?.params.now).toEqual(new Date('2026-01-10T14:30:00Z'));
    expect(at.state.dbPath).toBe('/tmp/x.duckdb');
  });

  it('without --json prints a table worst first, or says there is nothing', async () => {
    const r = await run(['all', '--date', '2026-01-18'], {
      'checks/prediction_volume.sql': [emptySlate],
      'checks/grading_coverage.sql': new Error('table not found'),
    });
    expect(r.exitCode).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`${ALL_CHECKS.length} checks for 2026-01-18 as of 2026-01-18T17:00:00.000Z`);
    expect(lines[2]).toMatch(/^SEVERITY\s+CHECK\s+KEY\s+TITLE$/);
    expect(lines[3]).toMatch(/^critical\s+prediction_volume\s+prediction_volume:2026-01-18\s+No active/);
    expect(lines[4]).toMatch(
      /^error\s+check_failed\s+check_failed:grading_coverage\s+Check grading_coverage/,
    );
    expect(lines).toHaveLength(5);

    const quiet = await run(['grading_accuracy', '--date', '2026-01-18']);
    expect(quiet.out).toContain('No findings.');
  });

  it.each([
    [['nope', '--date', '2026-01-18'], /unknown check 'nope'; valid: all, phase3_completion/],
    [['all', '--date', '2026-02-30'], /--date must be a real date/],
    [['all', '--date', '18/01/2026'], /--date must be a real date/],
    [['all', '--date', '2026-01-18', '--at', 'yesterday'], /--at must be an ISO time/],
    [['all', '--date', '2026-01-18', '--at', '2026-01-18T14:00:00'], /--at must be an ISO time/],
    [['all', '--date', '2026-01-18', '--at', '2026-13-01T14:00:00Z'], /--at must be an ISO time/],
    [['all'], /--date YYYY-MM-DD is required/],
  ])('%j exits 2 with a message and opens nothing', async (args, message) => {
    const r = await run(args);
    expect(r.exitCode).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    expect(r.opened).toBe(0);
  });

  it('refuses a warehouse without data for the dates checked, naming it (exit 2)', async () => {
    const r = await run(['all', '--date', '2026-01-18', '--db', '/data/empty.duckdb'], {
      'status/data_window.sql': [{ rows_in_window: 0 }],
    });
    expect(r.exitCode).toBe(2);
    expect(r.err).toMatch(/\/data\/empty\.duckdb has no pipeline data for 2026-01-03 \.\. 2026-01-18/);
    expect(r.calls).toEqual([]);
    expect(r.state.closed).toBe(true);
  });

  it('--help lists every check name with what it looks at', async () => {
    const r = await run(['--help']);
    expect(r.out).toMatch(/Checks \(<name>, or all of them with 'all'\):/);
    const listed = r.out.split('\n').map((line) => line.trim().split(/\s{2,}/));
    for (const c of ALL_CHECKS) expect(listed).toContainEqual([c.name, c.description]);
  });

  it('lists every registered check in the unknown-name message', async () => {
    const r = await run(['scraper-gaps', '--date', '2026-01-18']);
    for (const c of ALL_CHECKS) expect(r.err).toContain(c.name);
  });
});

describe('parseCheckArgs', () => {
  it('uses now for today and future dates, 12:00 ET for past ones (EST and EDT)', () => {
    const at = (date: string) => {
      const p = parseCheckArgs('all', { date }, NOW);
      return p.ok ? p.at.toISOString() : p.message;
    };
    expect(at('2026-01-20')).toBe(NOW.toISOString());
    expect(at('2026-01-25')).toBe(NOW.toISOString());
    expect(at('2026-01-19')).toBe('2026-01-19T17:00:00.000Z');
    expect(at('2025-10-22')).toBe('2025-10-22T16:00:00.000Z');
  });
});

describe('formatFindingsTable', () => {
  it('aligns columns', () => {
    const f = (severity: Finding['severity'], key: string): Finding => ({
      check: 'c',
      key,
      severity,
      title: `t ${key}`,
      subject: {},
      facts: {},
      actions: [],
    });
    expect(formatFindingsTable([f('info', 'k'), f('critical', 'longer-key')])).toBe(
      [
        'SEVERITY  CHECK  KEY         TITLE',
        'critical  c      longer-key  t longer-key',
        'info      c      k           t k',
        '',
      ].join('\n'),
    );
  });
});

describe('shotclock check against an embedded warehouse file', () => {
  const root = mkdtempSync(join(tmpdir(), 'shotclock-check-db-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  class Exited extends Error {
    constructor(readonly code: number) {
      super(`exit ${code}`);
    }
  }

  /** The real program and the real DuckDB opener, as `npx shotclock check` wires them. */
  async function shotclockCheck(args: string[]) {
    let out = '';
    let err = '';
    const program = createProgram((code) => {
      throw new Exited(code);
    });
    registerCheckCommand(program, {
      openWarehouse: (db) => openDuckDbWarehouse({ path: db ?? join(root, 'default.duckdb'), create: false }),
      thresholds: DEFAULT_THRESHOLDS,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      now: () => NOW,
    });
    let exitCode = 0;
    try {
      await program.parseAsync(['check', ...args], { from: 'user' });
    } catch (e) {
      if (!(e instanceof Exited)) throw e;
      exitCode = e.code;
    }
    return { out, err, exitCode };
  }

  it('a mistyped --db, even in a folder that does not exist, exits 2 naming it and creates nothing', async () => {
    const typo = join(root, 'no-such-folder', 'typo.duckdb');
    const r = await shotclockCheck(['all', '--date', '2026-01-19', '--db', typo]);
    expect(r.exitCode).toBe(2);
    expect(r.err).toContain(`no warehouse at ${typo}`);
    expect(r.err).toContain('Usage: shotclock check');
    expect(r.out).toBe('');
    expect(existsSync(join(root, 'no-such-folder'))).toBe(false);
  });

  it('an existing warehouse without data for the dates exits 2; with data it runs', async () => {
    const path = join(root, 'loaded.duckdb');
    const w = await openDuckDbWarehouse({ path });
    await w.close();
    const empty = await shotclockCheck(['all', '--date', '2026-01-19', '--db', path]);
    expect(empty.exitCode).toBe(2);
    expect(empty.err).toContain(`${path} has no pipeline data for 2026-01-04 .. 2026-01-19`);

    const fill = await openDuckDbWarehouse({ path });
    await fill.insertRows({
      'nba_orchestration.proxy_circuit_breaker': [
        {
          proxy_provider: 'decodo',
          target_host: 'nba.com',
          circuit_state: 'CLOSED',
          failure_count: 0,
          updated_at: new Date('2026-01-19T12:00:00Z'),
        },
      ],
    });
    await fill.close();
    const loaded = await shotclockCheck(['all', '--date', '2026-01-19', '--db', path]);
    expect(loaded).toMatchObject({ exitCode: 0, err: '' });
    expect(loaded.out).toContain('No findings.');
  });
});
