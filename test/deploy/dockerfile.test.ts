// docker build cannot run on these machines (no engine), so the Dockerfile's promises are checked as text:
// a build stage and a runtime stage, production dependencies only, a non-root user, the bot's start command,
// and every path the runtime reads at run time copied in.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = lines.filter((l) => /^FROM\s/i.test(l));
const runtime = lines.slice(lines.indexOf(stages[stages.length - 1] ?? ''));

describe('Dockerfile', () => {
  it('is multi-stage on Node 20, and the runtime stage installs production dependencies only', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20[\w.-]*\s+AS\s+\w+/i);
    expect(runtime.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
    expect(runtime.some((l) => /npm (ci|install)(?!.*--omit=dev)/.test(l))).toBe(false);
  });

  it('runs as a non-root user and starts the bot', () => {
    const user = runtime.find((l) => /^USER\s/i.test(l));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/root|\s0$/);
    expect(runtime[runtime.length - 1]).toBe('CMD ["node", "bin/shotclock.js", "start"]');
  });

  it('copies everything the runtime reads: the build, the launcher, the SQL and the demo data', () => {
    for (const path of ['dist', 'bin', 'sql', 'data']) {
      expect(runtime.some((l) => new RegExp(`^COPY .*\\b${path}\\b`).test(l))).toBe(true);
      if (path !== 'dist') expect(existsSync(path)).toBe(true);
    }
    expect(readFileSync('.dockerignore', 'utf8')).toMatch(/^node_modules$/m);
  });
});
