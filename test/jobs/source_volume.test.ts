import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateSourceVolume,
  learnRate,
  type SourceVolumeRow,
  sourceVolumeCheck,
} from '../../src/jobs/source_volume.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { addDays, dateRange } from '../../src/jobs/time.js';
import { type FixtureWarehouse, fixtureWarehouse, runRow, scheduleRow } from './pipeline-fixture.js';

const NOW = new Date('2026-03-07T14:00:00Z'); // 09:00 ET, the morning health run
const ctx: CheckContext = { date: '2026-03-07', now: NOW, thresholds: DEFAULT_THRESHOLDS };
const TRAINING = dateRange('2026-02-20', '2026-03-06');
const PLAYER_CONTEXT = 'upcoming_player_game_context';

/** Each training date alternates 3, 8 and 14 games; 30 player contexts per game. */
const slate = (i: number) => [3, 8, 14][i % 3] as number;
function history(kind: SourceVolumeRow['source_kind'], source: string, perGame: number): SourceVolumeRow[] {
  return TRAINING.map((game_date, i) => ({
    source_kind: kind,
    source,
    game_date,
    games: slate(i),
    final_games: slate(i),
    records: slate(i) * perGame,
    per_games: slate(i),
    completed_at: new Date(`${game_date}T11:50:00Z`),
  }));
}
const today = (over: Partial<SourceVolumeRow>): SourceVolumeRow => ({
  source_kind: 'processor',
  source: PLAYER_CONTEXT,
  game_date: '2026-03-07',
  games: 6,
  final_games: 0,
  records: 180,
  per_games: 6,
  completed_at: new Date('2026-03-07T11:50:00Z'),
  ...over,
});

describe('source_volume evaluate', () => {
  it('a successful run with under half its learned records per game is a warning with a retry', () => {
    const findings = evaluateSourceVolume(
      [...history('processor', PLAYER_CONTEXT, 30), today({ records: 20 })],
      ctx,
    );
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f?.key).toBe('source_volume:processor:upcoming_player_game_context:2026-03-07');
    expect(f?.severity).toBe('warning');
    expect(f?.subject).toEqual({ processor: PLAYER_CONTEXT, date: '2026-03-07' });
    expect(f?.facts).toMatchObject({ records: 20, expected_records: 180, games: 6, learned_per_game: 30 });
    expect(f?.facts.samples).toBe(TRAINING.length);
    expect(f?.actions).toEqual([{ kind: 'retry', processor: PLAYER_CONTEXT, date: '2026-03-07' }]);
  });

  it('a successful run with no records is an error', () => {
    const [f] = evaluateSourceVolume(
      [...history('processor', PLAYER_CONTEXT, 30), today({ records: 0 })],
      ctx,
    );
    expect(f?.severity).toBe('error');
  });

  it('a 3-game night is measured against 3 games, not against a 14-game night', () => {
    const small = today({ games: 3, per_games: 3, records: 90 });
    expect(evaluateSourceVolume([...history('processor', PLAYER_CONTEXT, 30), small], ctx)).toEqual([]);
    // Half of 3 games' worth is still fine; under it is not.
    expect(
      evaluateSourceVolume([...history('processor', PLAYER_CONTEXT, 30), { ...small, records: 45 }], ctx),
    ).toEqual([]);
    expect(
      evaluateSourceVolume([...history('processor', PLAYER_CONTEXT, 30), { ...small, records: 44 }], ctx),
    ).toHaveLength(1);
  });

  it('a new source with too few dates of history is not judged', () => {
    const young = history('scraper', 'bp_player_props', 40).slice(-4);
    expect(
      evaluateSourceVolume(
        [...young, today({ source_kind: 'scraper', source: 'bp_player_props', records: 1 })],
        ctx,
      ),
    ).toEqual([]);
    expect(learnRate(young, '2026-03-07', DEFAULT_THRESHOLDS.volumeMinSamples)).toBeUndefined();
  });

  it('judges only the report date and the day before; box scores once they are owed', () => {
    const old = today({ game_date: '2026-03-05', records: 1 });
    expect(evaluateSourceVolume([...history('processor', PLAYER_CONTEXT, 30), old], ctx)).toEqual([]);
    const rows = (date: string) => [
      ...history('table', 'nba_raw.bdl_player_boxscores', 23),
      today({
        source_kind: 'table',
        source: 'nba_raw.bdl_player_boxscores',
        game_date: date,
        records: 0,
        completed_at: null,
      }),
    ];
    // Last night's box scores are owed from 06:00 ET: none at all is an error that re-scrapes them.
    const [f] = evaluateSourceVolume(rows('2026-03-06'), ctx);
    expect(f?.severity).toBe('error');
    expect(f?.subject).toEqual({ table: 'nba_raw.bdl_player_boxscores', date: '2026-03-06' });
    expect(f?.actions).toEqual([{ kind: 'retry', scraper: 'bdl_player_box_scores', date: '2026-03-06' }]);
    // Tonight's are not owed yet.
    expect(evaluateSourceVolume(rows('2026-03-07'), ctx)).toEqual([]);
  });

  it('learns the median per game, so a thin day in the history does not lower the bar', () => {
    const rows = history('processor', PLAYER_CONTEXT, 30);
    rows[0] = { ...(rows[0] as SourceVolumeRow), records: 1 };
    expect(learnRate(rows, '2026-03-07', 5)).toEqual({ perGame: 30, samples: TRAINING.length });
  });
});

describe('source_volume on DuckDB', () => {
  let db: FixtureWarehouse;
  beforeAll(async () => {
    const dates = dateRange('2026-03-01', '2026-03-07');
    db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [
        ...dates.flatMap((d) => [scheduleRow(d, { game_status: 3 }), scheduleRow(d, { game_status: 3 })]),
        scheduleRow('2026-03-07', { season_type: 'All-Star' }),
      ],
      'nba_reference.processor_run_history': [
        ...dates.map((d) => runRow(PLAYER_CONTEXT, d, { records_processed: 60 })),
        // A later thin success is the one judged; a failed run and a run not finished by now are not.
        runRow(PLAYER_CONTEXT, '2026-03-07', {
          started_at: new Date('2026-03-07T11:00:00Z'),
          completed_at: new Date('2026-03-07T11:10:00Z'),
          records_processed: 5,
        }),
        runRow(PLAYER_CONTEXT, '2026-03-07', {
          started_at: new Date('2026-03-07T12:00:00Z'),
          completed_at: new Date('2026-03-07T12:10:00Z'),
          status: 'failed',
          records_processed: 0,
        }),
        runRow(PLAYER_CONTEXT, '2026-03-07', {
          started_at: new Date('2026-03-07T13:55:00Z'),
          completed_at: new Date('2026-03-07T15:00:00Z'),
          records_processed: 60,
        }),
      ],
      'nba_raw.bdl_player_boxscores': dates.slice(0, -1).flatMap((d) =>
        ['g1', 'g2'].flatMap((game_id) =>
          Array.from({ length: 20 }, (_, i) => ({
            game_id: `${d}-${game_id}`,
            game_date: d,
            team_abbr: 'LAL',
            player_lookup: `p${i}`,
            player_name: `P ${i}`,
            minutes: 20,
            points: 10,
            rebounds: 5,
            assists: 3,
            processed_at: new Date(`${addDays(d, 1)}T07:00:00Z`),
          })),
        ),
      ),
    });
  });
  afterAll(() => db?.close());

  it('reads the latest success as of now per processor and date, and box-score rows per game with rows', async () => {
    const { rows, findings } = await db.run(sourceVolumeCheck, ctx);
    const mine = rows.filter((r) => r.source === PLAYER_CONTEXT);
    expect(mine.map((r) => [r.game_date, r.records, r.per_games])).toEqual(
      dateRange('2026-03-01', '2026-03-07').map((d) => [d, d === '2026-03-07' ? 5 : 60, 2]),
    );
    const bdl = rows.find((r) => r.source === 'nba_raw.bdl_player_boxscores' && r.game_date === '2026-03-06');
    expect(bdl).toMatchObject({ records: 40, per_games: 2 });
    expect(findings.map((f) => `${f.key} ${f.severity}`)).toEqual([
      'source_volume:processor:upcoming_player_game_context:2026-03-07 warning',
    ]);
  });
});
