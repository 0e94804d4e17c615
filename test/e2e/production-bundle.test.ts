// The production bundle (what the Dockerfile's runtime stage holds: dist, bin, sql,
// data, docs/runbooks and `npm ci --omit=dev`) starts with a cloud-shaped configuration against local doubles — the
// Firestore emulator, a BigQuery jobs API double, the Cloud Tasks gRPC double and a Slack Web API double —
// until /readyz answers 200, and exits 0 on SIGTERM within Cloud Run's grace. A dev-only import reachable
// from src/ (tsx, a test helper, vitest) fails here and nowhere else.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryDouble, startBigQueryDouble } from '../support/bigquery-double.js';
import { type FirestoreEmulator, startFirestoreEmulator } from '../support/firestore-emulator.js';
import { ensureFreshBuild } from '../support/fresh-build.js';
import { postSigned, slashCommandBody } from '../support/slack-request.js';
import { type CloudTasksDouble, startCloudTasksDouble } from '../tasks/grpc-double.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BOT_TOKEN = 'xoxb-bundle-test-token-0001';
const SIGNING_SECRET = 'bundle-signing-secret-0001';
const SCRAPER_TOKEN = 'bundle-scraper-token-0001';
/** Cloud Run sends SIGKILL 10 s after SIGTERM. */
const STOP_DEADLINE_MS = 10_000;

const timings: Record<string, number> = {};
async function timed<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - started);
  }
}

/** Slack's Web API as far as starting needs it: auth.test answers who the bot is; the rest says ok. */
async function startSlackDouble(): Promise<{ server: Server; url: string; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      calls.push(method);
      const body =
        method === 'auth.test'
          ? { ok: true, user_id: 'U_BOT', bot_id: 'B_BOT', team_id: 'T1', user: 'shotclock' }
          : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, calls };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, status: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode} before ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === status) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

describe('production bundle (npm ci --omit=dev) against local doubles', () => {
  let dir: string;
  let firestore: FirestoreEmulator | undefined;
  let bigquery: BigQueryDouble | undefined;
  let tasks: CloudTasksDouble | undefined;
  let slack: Awaited<ReturnType<typeof startSlackDouble>> | undefined;
  let bot: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotclock-bundle-'));
    // What the Dockerfile's runtime stage holds: the build stage's dist, the launcher, SQL, data and runbooks, and
    // production dependencies installed from the lockfile without scripts.
    await timed('build', () => ensureFreshBuild());
    for (const path of ['package.json', 'package-lock.json', 'dist', 'bin', 'sql', 'data', 'docs/runbooks'])
      cpSync(join(ROOT, path), join(dir, path), { recursive: true });
    await timed('npm ci --omit=dev', () =>
      execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NODE_ENV: 'production' },
      }),
    );
    [firestore, bigquery, tasks, slack] = await timed('doubles', () =>
      Promise.all([
        startFirestoreEmulator({ projectId: 'shotclock-bundle' }),
        startBigQueryDouble(),
        startCloudTasksDouble(),
        startSlackDouble(),
      ]),
    );
  }, 300_000);

  afterAll(async () => {
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    await Promise.allSettled([
      firestore?.stop(),
      bigquery?.close(),
      tasks?.stop(),
      slack && new Promise((r) => slack?.server.close(r)),
    ]);
    rmSync(dir, { recursive: true, force: true });
    console.log(`production bundle timings (ms): ${JSON.stringify(timings)}`);
  });

  it('starts with only production dependencies, gets ready, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const project = firestore?.projectId ?? '';
    const started = performance.now();
    bot = spawn(process.execPath, ['bin/shotclock.js', 'start'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        NODE_ENV: 'production',
        PORT: String(port),
        K_SERVICE: 'shotclock',
        LOG_LEVEL: 'debug',
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_ALERT_CHANNEL: 'C01ALERTS',
        SLACK_API_URL: slack?.url,
        GCP_PROJECT_ID: project,
        BIGQUERY_LOCATION: 'US',
        CLOUD_TASKS_LOCATION: 'us-west2',
        CLOUD_TASKS_QUEUE: 'shotclock-recovery',
        TASKS_TARGET_URL: 'https://shotclock-test.a.run.app',
        TASKS_SERVICE_ACCOUNT_EMAIL: 'shotclock-tasks@shotclock-bundle.iam.gserviceaccount.com',
        SCRAPER_SERVICE_URL: 'http://127.0.0.1:9/scrapers',
        SCRAPER_SERVICE_TOKEN: SCRAPER_TOKEN,
        FIRESTORE_EMULATOR_HOST: `${firestore?.host}:${firestore?.port}`,
        BIGQUERY_API_URL: bigquery?.endpoint,
        CLOUD_TASKS_API_ENDPOINT: `127.0.0.1:${tasks?.port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout?.on('data', (c) => {
      output += c;
    });
    bot.stderr?.on('data', (c) => {
      output += c;
    });
    const base = `http://127.0.0.1:${port}`;
    await timed('start → /readyz 200', () => waitFor(`${base}/readyz`, 200, 60_000, bot as ChildProcess));
    timings['spawn → ready'] = Math.round(performance.now() - started);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(slack?.calls).toContain('auth.test');
    // Readiness asked BigQuery (the double), not Google.
    expect(bigquery?.requests.length).toBeGreaterThan(0);

    // A signed slash command as Cloud Run forwards it: with K_SERVICE set the listener's work is done before
    // the response, and its lines carry the request's trace.
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const body = slashCommandBody('/retry-queue', '').replace(
      encodeURIComponent('http://127.0.0.1:9/response'),
      encodeURIComponent(`${slack?.url}response`),
    );
    const answer = await timed('slash command', () =>
      postSigned(`${base}/slack/events`, body, {
        secret: SIGNING_SECRET,
        headers: { 'x-cloud-trace-context': `${trace}/1;o=1` },
      }),
    );
    expect(answer.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack?.calls).toContain('response');
    expect(output).toContain(`"logging.googleapis.com/trace":"projects/${project}/traces/${trace}"`);

    const exit = new Promise<number | null>((resolve) => bot?.once('exit', (code) => resolve(code)));
    const code = await timed('SIGTERM → exit', async () => {
      bot?.kill('SIGTERM');
      return Promise.race([
        exit,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_DEADLINE_MS)),
      ]);
    });
    expect(code, output).toBe(0);

    // Cloud Logging lines: one JSON object each, and no secret in any of them.
    const lines = output.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(output).toContain('listening on');
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, SCRAPER_TOKEN]) expect(output).not.toContain(secret);
  }, 120_000);
});
