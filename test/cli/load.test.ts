import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerLoadCommand } from '../../src/cli/load.js';
import { createProgram } from '../../src/cli/program.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { parseCsv } from '../../src/warehouse/load-rows.js';

const root = mkdtempSync(join(tmpdir(), 'shotclock-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** The real program (usage after usage errors, exit codes) with `load` registered, as `npx shotclock load`. */
async function run(args: string[], db: string) {
  const out: string[] = [];
  const err: string[] = [];
  const program = createProgram((code) => {
    throw new Exited(code);
  });
  registerLoadCommand(program, {
    openWarehouse: (path) => openDuckDbWarehouse({ path: path ?? db }),
    stdout: { write: (s) => out.push(s) },
    stderr: { write: (s) => err.push(s) },
  });
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'shotclock', 'load', ...args]);
  } catch (e) {
    if (!(e instanceof Exited)) throw e;
    exitCode = e.code;
  }
  return { out: out.join(''), err: err.join(''), exitCode };
}

async function contents(db: string) {
  const w = await openDuckDbWarehouse({ path: db });
  const c = await w.connect();
  const read = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS();
  const result = {
    schedule: await read(
      'SELECT game_id, CAST(game_date AS VARCHAR) AS d, game_start_time, season_year FROM nba_raw.nbac_schedule ORDER BY game_id',
    ),
    events: await read(
      'SELECT event_id, records_expected, CAST(error_details AS VARCHAR) AS details FROM nba_monitoring.scrape_events ORDER BY event_id',
    ),
  };
  c.closeSync();
  await w.close();
  return result;
}

const SCHEDULE = [
  // BigQuery's JSON export: INT64 as strings, timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff] UTC".
  '{"game_id":"g1","game_date":"2026-01-10","season_year":"2025","season_type":"Regular Season","game_start_time":"2026-01-11 00:30:00 UTC","game_status":"3","home_team_tricode":"LAL","away_team_tricode":"BOS","updated_at":"2026-01-11T03:00:00.123456Z"}',
  '',
  '{"game_id":"g2","game_date":"2026-01-10","season_year":2025,"season_type":"Regular Season","game_start_time":"2026-01-11T01:00:00Z","game_status":1,"home_team_tricode":"NYK","away_team_tricode":"MIA","arena_name":null,"updated_at":"2026-01-11T03:00:00Z"}',
].join('\n');
const EVENTS =
  '{"event_id":"e1","scraper_name":"bdl_box_scores","target_date":"2026-01-10","started_at":"2026-01-11 05:00:00 UTC","status":"failed","records_expected":"12","error_details":"{\\"code\\":429}"}\n';

describe('shotclock load', () => {
  it('loads a directory of <dataset>.<table>.jsonl files in BigQuery export format', async () => {
    const dir = join(root, 'export');
    mkdirSync(dir);
    writeFileSync(join(dir, 'nba_raw.nbac_schedule.jsonl'), SCHEDULE);
    writeFileSync(join(dir, 'nba_monitoring.scrape_events.jsonl'), EVENTS);
    writeFileSync(join(dir, 'README.txt'), 'not loaded');
    const db = join(root, 'dir.duckdb');
    const result = await run([dir, '--db', db], join(root, 'unused.duckdb'));
    expect(result).toMatchObject({ exitCode: 0, err: '' });
    expect(result.out).toContain('loaded 2 rows into nba_raw.nbac_schedule');
    expect(result.out).toContain('loaded 1 rows into nba_monitoring.scrape_events');
    expect(result.out).toContain('skipped (not <dataset>.<table>.jsonl): README.txt');
    const { schedule, events } = await contents(db);
    expect(schedule).toEqual([
      {
        game_id: 'g1',
        d: '2026-01-10',
        game_start_time: new Date('2026-01-11T00:30:00Z'),
        season_year: 2025n,
      },
      {
        game_id: 'g2',
        d: '2026-01-10',
        game_start_time: new Date('2026-01-11T01:00:00Z'),
        season_year: 2025n,
      },
    ]);
    expect(events).toEqual([{ event_id: 'e1', records_expected: 12n, details: '{"code":429}' }]);
  });

  it('aborts on a corrupt line with file:line and leaves the database as it was', async () => {
    const db = join(root, 'corrupt.duckdb');
    const good = join(root, 'good');
    mkdirSync(good);
    writeFileSync(join(good, 'nba_raw.nbac_schedule.jsonl'), SCHEDULE);
    expect((await run([good, '--db', db], db)).exitCode).toBe(0);
    const before = await contents(db);

    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'nba_monitoring.scrape_events.jsonl'), EVENTS);
    writeFileSync(
      join(bad, 'nba_raw.nbac_schedule.jsonl'),
      `${SCHEDULE.replaceAll('g1', 'g3').replaceAll('g2', 'g4')}\n{"game_id": "g5",`,
    );
    const result = await run([bad, '--db', db], db);
    expect(result.exitCode).toBe(1);
    expect(result.err).toMatch(
      new RegExp(`${join(bad, 'nba_raw.nbac_schedule.jsonl')}:4: malformed JSON.*nothing was loaded`),
    );
    expect(await contents(db)).toEqual(before);
  });

  it('names unknown columns and tables, bad values and missing required columns with file:line', async () => {
    const db = join(root, 'errors.duckdb');
    const file = join(root, 'e.jsonl');
    const cases: [string, RegExp][] = [
      [
        '{"event_id":"e1","colour":"red","shade":1}',
        /e\.jsonl:1: unknown columns colour, shade in nba_monitoring\.scrape_events/,
      ],
      [
        `${EVENTS}{"event_id":"e2","scraper_name":"s","target_date":"2026-02-30","started_at":"2026-01-01T00:00:00Z","status":"failed"}`,
        /e\.jsonl:2: column target_date: expected DATE/,
      ],
      [
        '{"event_id":"e3","scraper_name":"s","target_date":"2026-01-01","status":"failed"}',
        /e\.jsonl:1: column started_at is required/,
      ],
      ['[1, 2]', /e\.jsonl:1: expected one JSON object per line/],
    ];
    for (const [text, expected] of cases) {
      writeFileSync(file, text);
      const result = await run(['nba_monitoring.scrape_events', file, '--db', db], db);
      expect(result.exitCode).toBe(1);
      expect(result.err).toMatch(expected);
    }
    const unknownTable = await run(['nba_raw.nope', file, '--db', db], db);
    expect(unknownTable.err).toMatch(/unknown table nba_raw\.nope/);
    expect((await contents(db)).events).toEqual([]);
  });

  it('loads a CSV file into a named table (quoted commas and newlines, empty = NULL)', async () => {
    const db = join(root, 'csv.duckdb');
    const file = join(root, 'events.csv');
    writeFileSync(
      file,
      'event_id,scraper_name,target_date,started_at,status,records_expected,error_details,error_message\r\n' +
        'e1,s,2026-01-10,2026-01-11 05:00:00 UTC,failed,,"{""code"":429}","line one\nline, two"\r\n',
    );
    const result = await run(['nba_monitoring.scrape_events', file, '--db', db], db);
    expect(result).toMatchObject({ exitCode: 0, err: '' });
    expect((await contents(db)).events).toEqual([
      { event_id: 'e1', records_expected: null, details: '{"code":429}' },
    ]);
  });

  it('parses CSV with the line of each record', () => {
    expect(parseCsv('f.csv', 'a,b\n1,"x\ny"\n\n2,\n')).toEqual({
      rows: [
        { a: '1', b: 'x\ny' },
        { a: '2', b: null },
      ],
      lines: [2, 5],
    });
    expect(() => parseCsv('f.csv', 'a,b\n1\n')).toThrow('f.csv:2: 1 fields, but the header has 2');
  });

  it('skips files of a directory that are not <dataset>.<table> exports, and lists them', async () => {
    const dir = join(root, 'with-notes');
    mkdirSync(dir);
    mkdirSync(join(dir, 'old'));
    writeFileSync(join(dir, 'nba_monitoring.scrape_events.jsonl'), EVENTS);
    writeFileSync(join(dir, 'README.md'), '# what this export is');
    writeFileSync(join(dir, 'expectations.json'), '{"findings": []}');
    writeFileSync(join(dir, 'run.2026-01-10.json'), '[]');
    const db = join(root, 'with-notes.duckdb');
    const result = await run([dir, '--db', db], db);
    expect(result).toMatchObject({ exitCode: 0, err: '' });
    expect(result.out).toBe(
      'skipped (not <dataset>.<table>.jsonl): README.md, expectations.json, old, run.2026-01-10.json\n' +
        `loaded 1 rows into nba_monitoring.scrape_events for 2026-01-10 from ${join(dir, 'nba_monitoring.scrape_events.jsonl')}\n`,
    );
    // A file named for a table of a pipeline dataset is loaded, so a misspelt table still fails.
    writeFileSync(join(dir, 'nba_raw.nbac_shedule.jsonl'), SCHEDULE);
    expect((await run([dir, '--db', db], db)).err).toMatch(/unknown table nba_raw\.nbac_shedule/);
  });

  it('a data error exits 1 with its message alone; a usage error exits 2 with the usage', async () => {
    const db = join(root, 'exits.duckdb');
    const file = join(root, 'exits.jsonl');
    writeFileSync(
      file,
      '{"event_id":"e1","scraper_name":"s","target_date":"2026-01-01","status":"failed"}\n',
    );
    const data = await run(['nba_monitoring.scrape_events', file, '--db', db], db);
    expect(data.exitCode).toBe(1);
    expect(data.err).toBe(
      `error: ${file}:1: column started_at is required (NOT NULL) but missing; nothing was loaded\n`,
    );
    const usage = await run([join(root, 'no-such-dir'), '--db', db], db);
    expect(usage.exitCode).toBe(2);
    expect(usage.err).toMatch(/no-such-dir: not a directory.*\n[\s\S]*Usage: shotclock load/);
    const unknownOption = await run([file, '--bd', db], db);
    expect(unknownOption.exitCode).toBe(2);
    expect(unknownOption.err).toMatch(/unknown option '--bd'[\s\S]*Usage: shotclock load/);
  });

  it('refuses text that is not valid Unicode with file:line, and keeps valid text byte for byte', async () => {
    const db = join(root, 'unicode.duckdb');
    const file = join(root, 'unicode.jsonl');
    const event = (id: string, message: string) =>
      `{"event_id":"${id}","scraper_name":"s","target_date":"2026-01-01","started_at":"2026-01-01T10:00:00Z","status":"failed","error_message":"${message}"}`;
    // Line 2: a lone surrogate escape; nothing is loaded.
    writeFileSync(file, `${event('ok', 'fine')}\n${event('lone', 'bad \\ud800 here')}\n`);
    const lone = await run(['nba_monitoring.scrape_events', file, '--db', db], db);
    expect(lone.exitCode).toBe(1);
    expect(lone.err).toMatch(
      /unicode\.jsonl:2: column error_message: invalid text, a lone surrogate \\ud800/,
    );
    // Line 3: a raw 0xFF byte.
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${event('a', 'one')}\n${event('b', 'two')}\n${event('c', 'x')}`.replace('"x"', '"x')),
        Buffer.from([0xff]),
        Buffer.from('"\n'),
      ]),
    );
    const byte = await run(['nba_monitoring.scrape_events', file, '--db', db], db);
    expect(byte.exitCode).toBe(1);
    expect(byte.err).toMatch(/unicode\.jsonl:3: not valid UTF-8 \(byte 0xFF\)/);
    const w = await openDuckDbWarehouse({ path: db });
    const c = await w.connect();
    expect(
      (
        await c.runAndReadAll('SELECT COUNT(*)::INT AS n FROM nba_monitoring.scrape_events')
      ).getRowObjectsJS(),
    ).toEqual([{ n: 0 }]);
    c.closeSync();
    await w.close();
    // Valid text in every plane, escaped or raw, is stored as it came.
    const text = 'Jokić 😀 \u2028 "quoted"';
    writeFileSync(file, `${JSON.stringify({ ...JSON.parse(event('u', '')), error_message: text })}\n`);
    expect((await run(['nba_monitoring.scrape_events', file, '--db', db], db)).exitCode).toBe(0);
    const w2 = await openDuckDbWarehouse({ path: db });
    const c2 = await w2.connect();
    const stored = (
      await c2.runAndReadAll('SELECT error_message FROM nba_monitoring.scrape_events')
    ).getRowObjectsJS();
    c2.closeSync();
    await w2.close();
    expect(stored).toEqual([{ error_message: text }]);
  });

  describe('is safe to repeat', () => {
    const count = async (db: string, sql: string) => {
      const w = await openDuckDbWarehouse({ path: db });
      const c = await w.connect();
      const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
      c.closeSync();
      await w.close();
      return rows;
    };
    const game = (id: string, date: string) =>
      JSON.stringify({
        game_id: id,
        game_date: date,
        season_year: 2025,
        season_type: 'Regular Season',
        game_start_time: `${date}T23:00:00Z`,
        game_status: 3,
        home_team_tricode: 'MEM',
        away_team_tricode: 'NOP',
        updated_at: `${date}T23:00:00Z`,
      });
    const perDate = (db: string) =>
      count(
        db,
        'SELECT CAST(game_date AS VARCHAR) AS d, COUNT(*)::INT AS n FROM nba_raw.nbac_schedule GROUP BY 1 ORDER BY 1',
      );

    it('the same export a second time is refused, all or nothing; --replace replaces its dates', async () => {
      const dir = join(root, 'twice');
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'nba_raw.nbac_schedule.jsonl'),
        `${game('m1', '2026-02-02')}\n${game('m2', '2026-02-03')}\n`,
      );
      writeFileSync(join(dir, 'nba_monitoring.scrape_events.jsonl'), EVENTS);
      const db = join(root, 'twice.duckdb');
      expect((await run([dir, '--db', db], db)).exitCode).toBe(0);

      const again = await run([dir, '--db', db], db);
      expect(again.exitCode).toBe(1);
      expect(again.err).toContain(
        `${join(dir, 'nba_monitoring.scrape_events.jsonl')} was already loaded into nba_monitoring.scrape_events (same content`,
      );
      expect(again.err).toMatch(/nothing was loaded; --replace replaces the dates it covers\n$/);
      expect(await perDate(db)).toEqual([
        { d: '2026-02-02', n: 1 },
        { d: '2026-02-03', n: 1 },
      ]);
      expect((await contents(db)).events).toHaveLength(1);

      const replaced = await run([dir, '--db', db, '--replace'], db);
      expect(replaced.exitCode).toBe(0);
      expect(replaced.out).toContain(
        `replaced 2 rows of nba_raw.nbac_schedule for 2026-02-02 .. 2026-02-03 (2 dates) with 2 rows from ${join(dir, 'nba_raw.nbac_schedule.jsonl')}`,
      );
      expect(await perDate(db)).toEqual([
        { d: '2026-02-02', n: 1 },
        { d: '2026-02-03', n: 1 },
      ]);
      expect((await contents(db)).events).toHaveLength(1);
    });

    it('--replace replaces only the dates the file covers; a new export of loaded dates says it adds beside them', async () => {
      const db = join(root, 'dates.duckdb');
      const file = join(root, 'dates.jsonl');
      writeFileSync(file, [game('a1', '2026-02-05'), game('a2', '2026-02-06')].join('\n'));
      expect((await run(['nba_raw.nbac_schedule', file, '--db', db], db)).exitCode).toBe(0);
      // A later export of 02-06 with one more game: different content, so not refused, but said.
      writeFileSync(file, [game('a2', '2026-02-06'), game('a3', '2026-02-06')].join('\n'));
      const beside = await run(['nba_raw.nbac_schedule', file, '--db', db], db);
      expect(beside.out).toContain('beside 1 rows already there (--replace replaces them instead)');
      expect(await perDate(db)).toEqual([
        { d: '2026-02-05', n: 1 },
        { d: '2026-02-06', n: 3 },
      ]);
      const replaced = await run(['nba_raw.nbac_schedule', file, '--db', db, '--replace'], db);
      expect(replaced.out).toContain('replaced 3 rows of nba_raw.nbac_schedule for 2026-02-06 with 2 rows');
      expect(await perDate(db)).toEqual([
        { d: '2026-02-05', n: 1 },
        { d: '2026-02-06', n: 2 },
      ]);
    });

    it('a timestamp-partitioned table is replaced by UTC day, an unpartitioned one whole', async () => {
      const db = join(root, 'proxies.duckdb');
      const metrics = join(root, 'metrics.jsonl');
      const hour = (at: string) =>
        JSON.stringify({
          metric_hour: at,
          proxy_provider: 'decodo',
          target_host: 'nba.com',
          requests: 9,
          successes: 9,
          failures: 0,
        });
      const breakers = join(root, 'breakers.jsonl');
      const breaker = (provider: string) =>
        JSON.stringify({
          proxy_provider: provider,
          target_host: 'nba.com',
          circuit_state: 'CLOSED',
          failure_count: 0,
          updated_at: '2026-02-07T10:00:00Z',
        });
      writeFileSync(metrics, [hour('2026-02-06T23:00:00Z'), hour('2026-02-07T01:00:00Z')].join('\n'));
      writeFileSync(breakers, [breaker('decodo'), breaker('proxyfuel')].join('\n'));
      await run(['nba_orchestration.proxy_health_metrics', metrics, '--db', db], db);
      await run(['nba_orchestration.proxy_circuit_breaker', breakers, '--db', db], db);
      writeFileSync(metrics, hour('2026-02-07T05:00:00Z'));
      writeFileSync(breakers, breaker('oxylabs'));
      const m = await run(['nba_orchestration.proxy_health_metrics', metrics, '--db', db, '--replace'], db);
      expect(m.out).toContain(
        'replaced 1 rows of nba_orchestration.proxy_health_metrics for 2026-02-07 with 1 rows',
      );
      const b = await run(['nba_orchestration.proxy_circuit_breaker', breakers, '--db', db, '--replace'], db);
      expect(b.out).toContain('replaced all 2 rows of nba_orchestration.proxy_circuit_breaker with 1 rows');
      expect(
        await count(
          db,
          "SELECT strftime(metric_hour, '%d %H') AS h FROM nba_orchestration.proxy_health_metrics ORDER BY 1",
        ),
      ).toEqual([{ h: '06 23' }, { h: '07 05' }]);
      expect(
        await count(db, 'SELECT proxy_provider AS p FROM nba_orchestration.proxy_circuit_breaker'),
      ).toEqual([{ p: 'oxylabs' }]);
    });
  });

  it('says what it does in --help', async () => {
    const result = await run(['--help'], join(root, 'help.duckdb'));
    expect(result.out).toMatch(/Load rows into the embedded DuckDB warehouse, all or nothing/);
    expect(result.out).toMatch(/--db <PATH>/);
  });
});
