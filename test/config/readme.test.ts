import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable } from '../../scripts/config-table.js';

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('shows the two commands a new machine needs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('has the configuration table of every variable (regenerate with scripts/config-table.ts)', () => {
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n?<!-- config-table:end -->/
      .exec(readme)?.[1]
      ?.trim();
    expect(table).toBe(configTable());
  });
});
