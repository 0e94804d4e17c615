// `shotclock start` as an operator runs it (the compiled bin, self-hosted config) when Slack cannot be
// reached or refuses the token: one line saying what to fix, exit 1, no stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild } from '../support/fresh-build.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function start(
  dir: string,
  slackApiUrl: string,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/shotclock.js', 'start', '--port', '0'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        SLACK_BOT_TOKEN: 'xoxb-self-hosted-test',
        SLACK_SIGNING_SECRET: 'signing-secret-test',
        SLACK_ALERT_CHANNEL: 'C01ALERTS',
        SLACK_API_URL: slackApiUrl,
        SHOTCLOCK_DB_PATH: join(dir, 'db', 'pipeline.duckdb'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('self-hosted start without a usable Slack', () => {
  let dir: string;
  beforeAll(() => {
    ensureFreshBuild();
    dir = mkdtempSync(join(tmpdir(), 'shotclock-selfhosted-'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an unreachable Slack: exit 1 with one line naming the problem', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/`;
    await new Promise((r) => closed.close(r));
    const result = await start(dir, url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: shotclock could not start: Slack's Web API is unreachable/m);
    expect(result.stderr + result.stdout).not.toMatch(/^\s+at /m);
  });

  it('a refused token: exit 1 naming SLACK_BOT_TOKEN', async () => {
    const slack = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: 'invalid_auth' })),
      );
    });
    await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
    try {
      const result = await start(dir, `http://127.0.0.1:${(slack.address() as AddressInfo).port}/api`);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /could not start: Slack refused the bot token \(invalid_auth\).*SLACK_BOT_TOKEN/,
      );
      expect(result.stderr + result.stdout).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => slack.close(r));
    }
  });
});
