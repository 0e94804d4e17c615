import { addDays } from '../../../src/jobs/time.js';
import type { HitRateRow } from '../../../src/views/charts/hit-rate.js';
import type { ScraperFailuresInput } from '../../../src/views/charts/scraper-failures.js';

const SYSTEMS = ['catboost_v8', 'ensemble_v1', 'moving_average', 'zone_matchup_v1'];

/** 14 days of made-up grading to 2026-01-19, catboost_v8 falling off on the last day. */
export function hitRateRows(): HitRateRow[] {
  return Array.from({ length: 14 }, (_, i) => addDays('2026-01-06', i)).flatMap((date, i) =>
    SYSTEMS.map((system_id, s) => {
      const graded = 40 + ((i * 7 + s * 5) % 13);
      const share = system_id === 'catboost_v8' && date === '2026-01-19' ? 0.31 : 0.5 + ((i + s) % 5) / 50;
      return { game_date: date, system_id, graded, correct: Math.round(graded * share) };
    }),
  );
}

export function scraperFailureInput(): ScraperFailuresInput {
  return {
    date: '2026-01-19',
    failures: [
      { scraper_name: 'bp_player_props', game_date: '2026-01-17', failures: 6 },
      { scraper_name: 'bp_player_props', game_date: '2026-01-18', failures: 9 },
      { scraper_name: 'bp_player_props', game_date: '2026-01-19', failures: 4 },
      { scraper_name: 'bdl_box_scores', game_date: '2026-01-19', failures: 2 },
      { scraper_name: 'nbac_injury_report', game_date: '2026-01-10', failures: 1 },
    ],
    gaps: [
      { scraper_name: 'bp_player_props', game_date: '2026-01-18' },
      { scraper_name: 'bp_player_props', game_date: '2026-01-19' },
    ],
  };
}
