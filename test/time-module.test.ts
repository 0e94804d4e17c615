// The pipeline's zone, zoned formatting and hour/day millisecond arithmetic live in src/jobs/time.ts alone
// (on date-fns and @date-fns/tz); every other module asks it. Durations elsewhere go through its named
// helpers (hours(4), hoursBefore(now, 24), days24h(7)…), so this guard looks for the hand-rolled forms.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TIME_MODULE = 'src/jobs/time.ts';

const FORBIDDEN: ReadonlyArray<readonly [string, RegExp]> = [
  ['Intl.DateTimeFormat', /\bIntl\s*\.\s*DateTimeFormat\b/],
  ["the pipeline's zone name", /America\/New_York/],
  ['host time zone offsets', /\bgetTimezoneOffset\s*\(/],
  ['a day in milliseconds', /\b86_?400_?000\b|\b24\s*\*\s*60\s*\*\s*60\b|\b24\s*\*\s*HOUR/],
  ['an hour in milliseconds', /\b3_?600_?000\b|\b60\s*\*\s*60\s*\*\s*1_?000\b|\b60\s*\*\s*60_?000\b/],
  ['a hand-made HOUR_MS / DAY_MS constant', /\b(?:HOUR|DAY)_MS\b/],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('time module', () => {
  it('is the only source file that names the zone or does hour/day millisecond arithmetic', () => {
    const offences: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (rel === TIME_MODULE) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [what, pattern] of FORBIDDEN)
            if (pattern.test(line)) offences.push(`${rel}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(offences, 'use src/jobs/time.ts (its helpers, or PIPELINE_TIME_ZONE) instead').toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    const flagged = (line: string) => FORBIDDEN.some(([, p]) => p.test(line));
    for (const line of [
      "new Intl.DateTimeFormat('en-US', { timeZone })",
      "const zone = 'America/New_York';",
      'const DAY_MS = 86_400_000;',
      'const window = 24 * 60 * 60 * 1000;',
      'now + 4 * 3_600_000',
      'const HOUR_MS = hours(1);',
      'x + 60 * 60_000',
    ])
      expect(flagged(line), line).toBe(true);
    for (const line of ['hoursBefore(now, 24)', 'const HOUR = hours(1);', 'timeout: 120_000', 'days24h(7)'])
      expect(flagged(line), line).toBe(false);
  });
});
