// Derives data/schedule-2025-26.csv from the public 2025-26 schedule CSV (see data/README.md).
// Usage: node data/build-schedule.mjs <nba_2025_26_schedule.csv> > data/schedule-2025-26.csv
// Keeps regular-season games (preseason is not simulated), computes each game's date in ET (the source's
// tip_et always says -05:00, even under daylight time), and fills the 7 NBA Cup knockout games whose teams
// were TBD when the source was published with simulated matchups of teams idle that day (marked simulated).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const source = process.argv[2];
if (!source) throw new Error('usage: node data/build-schedule.mjs <source.csv>');
const rows = parse(readFileSync(source, 'utf8'), { columns: true });
const etDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });
const tri = (s) => s.trim().split(' ')[0];
const games = rows
  .filter((r) => r.season_type === 'Regular Season')
  .map((r) => ({
    game_id: r.game_id,
    game_date: etDate.format(new Date(r.tip_utc)),
    tip_utc: r.tip_utc,
    away: tri(r.away_team),
    home: tri(r.home_team),
    season_type: r.is_tbd === 'true' ? 'NBA Cup' : 'Regular Season',
    arena: r.venue,
    simulated: r.is_tbd === 'true',
  }));
const teams = [...new Set(games.filter((g) => !g.simulated).map((g) => g.home))].sort();
// Knockout tip times (ET) for the simulated matchups: two games a night, 19:30 and 22:00 ET.
const byDate = new Map();
for (const g of games.filter((x) => x.simulated).sort((a, b) => a.game_id.localeCompare(b.game_id))) {
  const busy = new Set(games.filter((x) => x.game_date === g.game_date && !x.simulated).flatMap((x) => [x.home, x.away]));
  const used = byDate.get(g.game_date) ?? [];
  const free = teams.filter((t) => !busy.has(t) && !used.includes(t));
  // Deterministic pick: spread by the game id so each night differs.
  const n = Number(g.game_id.slice(-3));
  g.home = free[(n * 7) % free.length];
  g.away = free.filter((t) => t !== g.home)[(n * 13) % (free.length - 1)];
  used.push(g.home, g.away);
  byDate.set(g.game_date, used);
  const slot = used.length / 2 - 1;
  // 00:30Z / 03:00Z are the next UTC day: 19:30 / 22:00 ET on game_date (EST, UTC-5).
  const next = new Date(Date.parse(`${g.game_date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  g.tip_utc = `${next}T${slot === 0 ? '00:30' : '03:00'}:00Z`;
  g.arena = `${g.home} home arena`;
}
games.sort((a, b) => a.tip_utc.localeCompare(b.tip_utc) || a.game_id.localeCompare(b.game_id));
const esc = (s) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
process.stdout.write('game_id,game_date,tip_utc,away,home,season_type,arena,simulated\n');
for (const g of games) {
  process.stdout.write(`${[g.game_id, g.game_date, g.tip_utc, g.away, g.home, g.season_type, esc(g.arena), g.simulated ? 1 : 0].join(',')}\n`);
}
