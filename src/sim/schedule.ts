// The real 2025-26 schedule (data/schedule-2025-26.csv, public facts): which games are expected when.
// Everything the simulator writes hangs off these games, so off-days and the All-Star break come out
// empty on their own.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays } from './et.js';

export const SCHEDULE_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'schedule-2025-26.csv',
);

/** NBA.com's season year for 2025-26 (the year the season starts). */
export const SEASON_YEAR = 2025;

/** A game is final once it could have ended: tip-off plus this long (regulation plus breaks, ~2.5 h). */
export const GAME_LENGTH_MS = 150 * 60_000;

export interface Game {
  readonly game_id: string;
  /** The game's date in ET, `YYYY-MM-DD`. */
  readonly game_date: string;
  readonly tip: Date;
  readonly away: string;
  readonly home: string;
  readonly season_type: string;
  readonly arena: string;
  /** True for the NBA Cup knockout games whose teams were TBD in the source (matchups simulated). */
  readonly simulated: boolean;
}

export interface Schedule {
  readonly games: readonly Game[];
  readonly firstDate: string;
  readonly lastDate: string;
  readonly teams: readonly string[];
  gamesOn(date: string): readonly Game[];
  /** A date inside the season with no games (Thanksgiving, Christmas Eve, the Cup break, All-Star). */
  isOffDay(date: string): boolean;
  offDays(): readonly string[];
  /** The longest run of off-days: the All-Star break (2026-02-13 .. 2026-02-18). */
  readonly allStarBreak: { readonly start: string; readonly end: string };
}

/** NBA.com's game_status: 1 scheduled, 2 live, 3 final (as of `now`). */
export function gameStatusAt(game: Game, now: Date): 1 | 2 | 3 {
  const t = now.getTime();
  if (t < game.tip.getTime()) return 1;
  return t >= game.tip.getTime() + GAME_LENGTH_MS ? 3 : 2;
}

/** When the game could have ended (final from then on). */
export const gameEnd = (game: Game): number => game.tip.getTime() + GAME_LENGTH_MS;

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const HEADER = 'game_id,game_date,tip_utc,away,home,season_type,arena,simulated';

export function parseScheduleCsv(text: string): Schedule {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0] !== HEADER) throw new Error(`schedule: expected header "${HEADER}", got "${lines[0]}"`);
  const games: Game[] = lines.slice(1).map((line, i) => {
    const [game_id, game_date, tip_utc, away, home, season_type, arena, simulated] = splitCsvLine(line);
    const tip = new Date(tip_utc ?? '');
    if (!game_id || !game_date || !away || !home || !season_type || Number.isNaN(tip.getTime())) {
      throw new Error(`schedule: bad row ${i + 2}: ${line}`);
    }
    return {
      game_id,
      game_date,
      tip,
      away,
      home,
      season_type,
      arena: arena ?? '',
      simulated: simulated === '1',
    };
  });
  return buildSchedule(games);
}

export function buildSchedule(games: readonly Game[]): Schedule {
  const byDate = new Map<string, Game[]>();
  for (const g of games) byDate.set(g.game_date, [...(byDate.get(g.game_date) ?? []), g]);
  for (const list of byDate.values()) list.sort((a, b) => a.tip.getTime() - b.tip.getTime());
  const dates = [...byDate.keys()].sort();
  const firstDate = dates[0] ?? '';
  const lastDate = dates[dates.length - 1] ?? '';
  const off: string[] = [];
  for (let d = firstDate; d && d <= lastDate; d = addDays(d, 1)) if (!byDate.has(d)) off.push(d);
  let best = { start: '', end: '', len: 0 };
  for (let i = 0; i < off.length; ) {
    let j = i;
    while (j + 1 < off.length && addDays(off[j] as string, 1) === off[j + 1]) j++;
    if (j - i + 1 > best.len) best = { start: off[i] as string, end: off[j] as string, len: j - i + 1 };
    i = j + 1;
  }
  const teams = [...new Set(games.flatMap((g) => [g.home, g.away]))].sort();
  return {
    games,
    firstDate,
    lastDate,
    teams,
    gamesOn: (date) => byDate.get(date) ?? [],
    isOffDay: (date) => date >= firstDate && date <= lastDate && !byDate.has(date),
    offDays: () => off,
    allStarBreak: { start: best.start, end: best.end },
  };
}

let cached: Schedule | undefined;

/** The bundled 2025-26 schedule (read once). */
export function loadSchedule(file: string = SCHEDULE_FILE): Schedule {
  if (file !== SCHEDULE_FILE) return parseScheduleCsv(readFileSync(file, 'utf8'));
  cached ??= parseScheduleCsv(readFileSync(file, 'utf8'));
  return cached;
}
