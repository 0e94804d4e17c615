import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError, ScenarioIndex } from '../../src/sim/scenario.js';

describe('scenario files', () => {
  it('loads the default scenario, which replays the 33 missing BDL games over 30 days', () => {
    const s = loadScenario();
    expect(s.name).toBe('default');
    const missing = s.incidents
      .filter((i) => i.kind === 'bdl_shortfall')
      .flatMap((i) => Object.entries(i.dates));
    const dates = missing.map(([d]) => d).sort();
    expect(missing.reduce((n, [, m]) => n + m, 0)).toBe(33);
    expect(
      Date.parse(dates[dates.length - 1] as string) - Date.parse(dates[0] as string),
    ).toBeLessThanOrEqual(30 * 86_400_000);
    const index = new ScenarioIndex(s);
    expect(index.bdlShortfall('2026-01-19')?.missing).toBe(5);
    expect(index.workflowStorm('2025-12-31')?.failures.injury_discovery).toBe(11);
    expect(index.proxyBlocks('2026-01-19').map((b) => b.provider)).toContain('proxyfuel');
    expect(index.bdlShortfall('2025-11-12')).toBeUndefined();
  });

  it('names the bad field', () => {
    const bad = `
name: x
incidents:
  - kind: workflow_storm
    date: '2025-12-32'
    failures: { injury_discovery: 3 }
  - kind: scraper_outage
    scraper: not_a_scraper
    dates: ['2026-01-01']
    error_type: api_error
    message: m
`;
    expect(() => parseScenario(bad, 'bad.yaml')).toThrow(ScenarioError);
    try {
      parseScenario(bad, 'bad.yaml');
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('bad.yaml');
      expect(msg).toContain('incidents[0].date: must be a calendar date');
      expect(msg).toContain('incidents[1].scraper');
    }
  });

  it('rejects unknown kinds, reversed ranges and non-YAML', () => {
    expect(() => parseScenario('name: x\nincidents: [{ kind: meteor }]')).toThrow(/incidents\[0\]\.kind/);
    expect(() =>
      parseScenario(
        "name: x\nincidents: [{ kind: bdb_late, from: '2026-01-02', until: '2026-01-01', delay_hours: [1, 2] }]",
      ),
    ).toThrow(/incidents\[0\]\.until: before from/);
    expect(() => parseScenario('name: [unclosed')).toThrow(/not YAML/);
  });
});

describe('scenario against the schedule', () => {
  it('names teams not in the schedule and shortfalls larger than the slate', async () => {
    const { loadSchedule } = await import('../../src/sim/schedule.js');
    const { scenarioProblems } = await import('../../src/sim/scenario.js');
    const s = parseScenario(`
name: x
incidents:
  - { kind: missing_team_boxscores, from: '2026-01-16', until: '2026-01-17', teams: [WAS, XYZ] }
  - { kind: bdl_shortfall, dates: { '2026-01-18': 7 } }
`);
    expect(scenarioProblems(s, loadSchedule())).toEqual([
      '  incidents[0].teams[1]: no team XYZ in the schedule',
      '  incidents[1].dates.2026-01-18: 7 missing but only 6 games',
    ]);
    expect(scenarioProblems(loadScenario(), loadSchedule())).toEqual([]);
  });
});
