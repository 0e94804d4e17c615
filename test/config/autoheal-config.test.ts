import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { DEFAULT_POLICIES } from '../../src/recovery/policies.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('readConfig accepted the environment');
}

describe('AUTOHEAL_POLICIES and AUTOHEAL_QUIET_HOURS', () => {
  it('defaults to the built-in policies and no quiet hours', () => {
    const config = readConfig({});
    expect(config.autoHeal.policies).toEqual(DEFAULT_POLICIES);
    expect(config.autoHeal.policies.map((p) => `${p.name}:${p.check}:${p.action}`)).toEqual([
      'retry-discrepancy:source_discrepancy:retry',
      'backfill-boxscores:boxscore_completeness:backfill',
      'retry-phase3-critical:phase3_completion:retry',
      'breaker-data-arrived:circuit_breakers:reset_breaker',
    ]);
    expect(config.autoHeal.quietHours).toBeNull();
  });

  it('reads a list with defaults for the optional fields, and [] turns auto-heal off', () => {
    const config = readConfig({
      AUTOHEAL_POLICIES: JSON.stringify([
        { name: 'gaps', check: 'boxscore_completeness', action: 'backfill', minAgeHours: 12 },
      ]),
      AUTOHEAL_QUIET_HOURS: '22:30-05:00',
    });
    expect(config.autoHeal.policies).toEqual([
      {
        name: 'gaps',
        check: 'boxscore_completeness',
        action: 'backfill',
        minAgeHours: 12,
        severities: ['critical', 'error', 'warning', 'info'],
        maxPerSubjectPerDay: 3,
      },
    ]);
    expect(config.autoHeal.quietHours).toEqual({ start: 22 * 60 + 30, end: 300, text: '22:30-05:00' });
    expect(readConfig({ AUTOHEAL_POLICIES: '[]' }).autoHeal.policies).toEqual([]);
  });

  it('fails at start on an unknown check, naming the variable and the entry', () => {
    const problems = problemsOf({
      AUTOHEAL_POLICIES: JSON.stringify([
        { name: 'ok', check: 'source_discrepancy', action: 'retry' },
        { name: 'typo', check: 'source_discrepency', action: 'retry' },
      ]),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^AUTOHEAL_POLICIES\.1\.check: policy "typo" names unknown check "source_discrepency"/,
    );
    expect(problems[0]).toContain('source_discrepancy');
  });

  it('fails at start on an unknown action, and on reset_breaker for anything but entity breakers', () => {
    const problems = problemsOf({
      AUTOHEAL_POLICIES: JSON.stringify([
        { name: 'nuke', check: 'scraper_gaps', action: 'delete_everything' },
        { name: 'proxy', check: 'proxy_breakers', action: 'reset_breaker' },
      ]),
    });
    expect(problems).toEqual([
      'AUTOHEAL_POLICIES.0.action: policy "nuke" names unknown action "delete_everything" (known: retry, backfill, reset_breaker)',
      'AUTOHEAL_POLICIES.1.action: policy "proxy": reset_breaker runs automatically only for circuit_breakers (entity breakers whose data arrived)',
    ]);
  });

  it('fails on bad JSON, unknown fields, duplicate names, bad limits and bad quiet hours', () => {
    expect(problemsOf({ AUTOHEAL_POLICIES: '[{name:' })[0]).toMatch(/^AUTOHEAL_POLICIES: not valid JSON/);
    expect(
      problemsOf({
        AUTOHEAL_POLICIES: JSON.stringify([
          { name: 'a', check: 'scraper_gaps', action: 'retry', maxPerDay: 2 },
        ]),
      })[0],
    ).toMatch(/^AUTOHEAL_POLICIES\.0: .*maxPerDay/);
    expect(
      problemsOf({
        AUTOHEAL_POLICIES: JSON.stringify([
          { name: 'a', check: 'scraper_gaps', action: 'retry' },
          { name: 'a', check: 'source_discrepancy', action: 'retry' },
        ]),
      }),
    ).toEqual(['AUTOHEAL_POLICIES.1.name: policy name "a" is used twice']);
    expect(
      problemsOf({
        AUTOHEAL_POLICIES: JSON.stringify([
          { name: 'a', check: 'scraper_gaps', action: 'retry', maxPerSubjectPerDay: 0 },
        ]),
      })[0],
    ).toMatch(/^AUTOHEAL_POLICIES\.0\.maxPerSubjectPerDay: /);
    expect(problemsOf({ AUTOHEAL_QUIET_HOURS: '1am-5am' })).toEqual([
      'AUTOHEAL_QUIET_HOURS: "1am-5am" is not HH:MM-HH:MM (ET), e.g. 01:00-05:00',
    ]);
    expect(problemsOf({ AUTOHEAL_QUIET_HOURS: '03:00-03:00' })).toEqual([
      'AUTOHEAL_QUIET_HOURS: "03:00-03:00" is an empty window',
    ]);
  });
});
