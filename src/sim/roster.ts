// Synthetic rosters and box scores. Names are made up (no real player data ships with shotclock); the
// shape is realistic: 15 players a team, 10-13 of them play, stats scale with a player's rotation rank.
import { type Rng, rngFor } from './rng.js';
import type { Game } from './schedule.js';

const FIRST = [
  'Aaron',
  'Bennie',
  'Cal',
  'Darnell',
  'Emeka',
  'Felix',
  'Gabe',
  'Hakeem',
  'Isaiah',
  'Jalen',
  'Kofi',
  'Luka',
  'Marcus',
  'Nikola',
  'Omari',
  'Pascal',
  'Quentin',
  'Rashad',
  'Stefan',
  'Tariq',
  'Uriah',
  'Victor',
  'Wendell',
  'Xavier',
  'Yusuf',
  'Zion',
  'Andre',
  'Bruno',
  'Cedric',
  'Dario',
  'Elijah',
  'Franz',
  'Goran',
  'Hugo',
  'Ivo',
  'Jonas',
  'Kendrick',
  'Lamar',
  'Moses',
  'Nate',
];
const LAST = [
  'Abara',
  'Bellweather',
  'Castellanos',
  'Dumont',
  'Eriksen',
  'Fairbanks',
  'Gallo',
  'Holloway',
  'Ibekwe',
  'Jovanovic',
  'Kastner',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrakis',
  'Quarles',
  'Rinaldi',
  'Szabo',
  'Thornbury',
  'Udeh',
  'Valentin',
  'Whitlock',
  'Xenakis',
  'Yarbrough',
  'Zeller',
  'Achterberg',
  'Brannigan',
  'Cortland',
  'Delacroix',
  'Easton',
  'Fontaine',
  'Grayson',
  'Hargrove',
  'Ivers',
  'Jablonski',
  'Kingsley',
  'Lockhart',
  'Mbeki',
  'Northcott',
];

export interface Player {
  readonly lookup: string;
  readonly name: string;
  readonly team: string;
  /** 0 = best player; minutes and stats fall with rank. */
  readonly rank: number;
  readonly ppg: number;
  readonly rpg: number;
  readonly apg: number;
}

export const ROSTER_SIZE = 15;

/** 15 players per team, names unique across the league, deterministic for the seed. */
export function buildRosters(seed: number, teams: readonly string[]): Map<string, Player[]> {
  const used = new Set<string>();
  const rosters = new Map<string, Player[]>();
  for (const team of teams) {
    const rng = rngFor(seed, 'roster', team);
    const players: Player[] = [];
    for (let rank = 0; rank < ROSTER_SIZE; rank++) {
      let name = '';
      let lookup = '';
      do {
        name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
        lookup = name.toLowerCase().replace(/[^a-z]/g, '');
      } while (used.has(lookup));
      used.add(lookup);
      const scale = Math.max(0.15, 1 - rank * 0.07);
      const big = rng.chance(0.35);
      players.push({
        lookup,
        name,
        team,
        rank,
        ppg: round1(rng.between(20, 28) * scale),
        rpg: round1((big ? rng.between(8, 12) : rng.between(3, 6)) * scale),
        apg: round1((big ? rng.between(1.5, 3.5) : rng.between(3, 8)) * scale),
      });
    }
    rosters.set(team, players);
  }
  return rosters;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export interface PlayerLine {
  readonly game_id: string;
  readonly team: string;
  readonly player: Player;
  readonly status: 'active' | 'inactive' | 'dnp';
  readonly minutes: number | null;
  readonly points: number | null;
  readonly rebounds: number | null;
  readonly assists: number | null;
}

const MINUTES = [36, 34, 33, 31, 29, 26, 23, 20, 17, 13, 10, 7, 5];

function teamLines(rng: Rng, gameId: string, roster: readonly Player[]): PlayerLine[] {
  // 2-3 inactive (mostly the end of the bench, now and then a starter), 0-2 DNP-CD from the bench.
  const inactive = new Set<number>();
  const nInactive = rng.int(2, 3);
  while (inactive.size < nInactive) inactive.add(rng.chance(0.12) ? rng.int(0, 8) : rng.int(11, 14));
  const bench = [10, 11, 12, 13, 14].filter((r) => !inactive.has(r));
  const dnp = new Set(rng.shuffle(bench).slice(0, rng.int(0, 2)));
  let slot = 0;
  return roster.map((player) => {
    if (inactive.has(player.rank) || dnp.has(player.rank)) {
      return {
        game_id: gameId,
        team: player.team,
        player,
        status: inactive.has(player.rank) ? 'inactive' : 'dnp',
        minutes: null,
        points: null,
        rebounds: null,
        assists: null,
      };
    }
    const minutes = Math.max(2, Math.round(rng.normal(MINUTES[slot] ?? 4, 3) * 10) / 10);
    slot++;
    const share = minutes / Math.max(4, MINUTES[player.rank] ?? 4);
    const stat = (mean: number, sd: number) => Math.max(0, Math.round(rng.normal(mean * share, sd)));
    return {
      game_id: gameId,
      team: player.team,
      player,
      status: 'active',
      minutes,
      points: stat(player.ppg, 5),
      rebounds: stat(player.rpg, 2),
      assists: stat(player.apg, 1.8),
    };
  });
}

/** Every player's line for a game (both teams): fixed by the seed and the game, whenever it is asked. */
export function gameLines(
  seed: number,
  game: Game,
  rosters: ReadonlyMap<string, readonly Player[]>,
): PlayerLine[] {
  const rng = rngFor(seed, 'box', game.game_id);
  return [game.away, game.home].flatMap((team) => teamLines(rng, game.game_id, rosters.get(team) ?? []));
}
