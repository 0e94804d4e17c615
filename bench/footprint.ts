// Case 5, footprint: cold start to ready and RSS of `node bin/shotclock.js start`, (a) self-hosted: Slack
// configured (a local Slack double answers auth.test), the embedded DuckDB warehouse and store, no demo
// simulator: the targets (< 2 s, < 150 MB); (b) with no configuration, the demo (it seeds the
// embedded warehouse with the simulator before the bot listens). Baseline: a bare @slack/bolt process that
// serves /healthz, spawned the same way. Ready = /healthz answers 200 (the self-hosted bot logs its URL as
// "listening on"). RSS is read from /proc at ready and then every 250 ms while it idles: idle RSS is the
// reading after IDLE_MS (V8 gives the startup garbage back some 8-12 s after the start, when it sees the
// process idle), with the peak of the window beside it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFreshBuild } from '../test/support/fresh-build.js';
import type { BenchResult } from './lib.js';
import { fmt, log } from './lib.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'shotclock.js');
const DIST_ENTRY = join(ROOT, 'dist', 'cli', 'index.js');
const READY_TIMEOUT_MS = 60_000;
const IDLE_MS = 15_000;
/** The demo is not idle (its accelerated jobs run): its RSS is read once, this long after ready. */
const DEMO_SETTLE_MS = 3_000;

/** A bare Bolt app with a /healthz route, printing its URL the way the demo prints the bot's. */
const BARE_BOLT = `
import { App } from '@slack/bolt';
const app = new App({ token: 'xoxb-bench', signingSecret: 's', botId: 'B0', botUserId: 'U0',
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => { res.writeHead(200); res.end('{"ok":true}'); } }] });
app.command('/scrape-status', async ({ ack }) => { await ack(); });
const server = await app.start({ port: 0, host: '127.0.0.1' });
console.log('bot at http://127.0.0.1:' + server.address().port);
`;

const rssMb = (pid: number): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

interface Started {
  readyMs: number;
  rssReadyMb: number | undefined;
  /** The highest reading while it idled. */
  rssPeakMb: number | undefined;
  /** The last reading, `watchMs` after ready. */
  rssIdleMb: number | undefined;
  marks: string[];
}

/** Slack's Web API as far as starting needs it: auth.test names the bot; anything else answers ok. */
async function slackDouble(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.url?.endsWith('/auth.test')
        ? { ok: true, user_id: 'U0BENCH', bot_id: 'B0BENCH', team_id: 'T0BENCH' }
        : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, server };
}

/** Spawn, wait for its URL on stdout, poll URL/healthz until 200; then read RSS and stop the child. */
async function coldStart(
  args: readonly string[],
  cwd: string,
  watchMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<Started> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  const marks: string[] = [];
  let output = '';
  let url: string | undefined;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      if (/seeding|seeded|bot at|listening on/.test(line))
        marks.push(`${fmt(performance.now() - started, 0)} ms: ${line.trim().slice(0, 100)}`);
    }
    url ??= /(?:bot at|listening on) (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`exited ${child.exitCode} before ready: ${output.slice(-500)}`);
      if (performance.now() - started > READY_TIMEOUT_MS)
        throw new Error(`not ready in ${READY_TIMEOUT_MS} ms`);
      if (url) {
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const readyMs = performance.now() - started;
    const pid = child.pid as number;
    const rssReadyMb = rssMb(pid);
    let rssPeakMb = rssReadyMb;
    const until = performance.now() + watchMs;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      rssPeakMb = Math.max(rssPeakMb ?? 0, rssMb(pid) ?? 0);
    }
    return { readyMs, rssReadyMb, rssPeakMb, rssIdleMb: rssMb(pid), marks };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // Its graceful stop is not what is measured: give it a moment, then end it.
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

export async function benchFootprint(): Promise<BenchResult[]> {
  // bin/shotclock.js runs dist/: rebuilt first when src/ is newer, so the figure is today's code.
  ensureFreshBuild();
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-bench-start-'));
  const slack = await slackDouble();
  try {
    const selfHosted = await coldStart([BIN, 'start', '--port', '0'], dir, IDLE_MS, {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_ALERT_CHANNEL: 'C01ALERTS',
      SLACK_API_URL: slack.url,
      SHOTCLOCK_DB_PATH: join(dir, 'self-hosted', 'pipeline.duckdb'),
      LOG_FORMAT: 'json',
    });
    // The demo's database defaults to .data/ under the working directory: a temp dir keeps it throwaway.
    const demo = await coldStart([BIN, 'start', '--port', '0'], dir, DEMO_SETTLE_MS);
    const bare = await coldStart(['--input-type=module', '-e', BARE_BOLT], ROOT, IDLE_MS);
    const built = statSync(DIST_ENTRY).mtime.toISOString();
    const mb = (v: number | undefined) => fmt(v ?? Number.NaN);
    log(
      `  footprint: self-hosted ready in ${fmt(selfHosted.readyMs, 0)} ms, RSS ${mb(selfHosted.rssReadyMb)} MB at ready, ${mb(selfHosted.rssIdleMb)} MB after ${IDLE_MS / 1000} s idle (peak ${mb(selfHosted.rssPeakMb)}); ` +
        `demo ready in ${fmt(demo.readyMs, 0)} ms, RSS ${mb(demo.rssIdleMb)} MB; bare Bolt ready in ${fmt(bare.readyMs, 0)} ms, RSS ${mb(bare.rssIdleMb)} MB idle`,
    );
    const results: BenchResult[] = [
      {
        case: 'cold start to ready (self-hosted, no demo)',
        measured: selfHosted.readyMs / 1000,
        baseline: bare.readyMs / 1000,
        unit: 's',
        ratio: selfHosted.readyMs / bare.readyMs,
        notes: [
          'Slack configured (a local double answers auth.test), embedded DuckDB warehouse and store in a fresh temp dir, cron scheduler; target < 2 s',
          ...selfHosted.marks,
          `runs dist/ as built at ${built}`,
        ],
        details: { selfHosted, bare },
        below: 2,
      },
    ];
    if (selfHosted.rssIdleMb !== undefined && bare.rssIdleMb !== undefined) {
      results.push({
        case: `idle RSS ${IDLE_MS / 1000} s after ready (self-hosted, no demo)`,
        measured: selfHosted.rssIdleMb,
        baseline: bare.rssIdleMb,
        unit: 'MB',
        ratio: selfHosted.rssIdleMb / bare.rssIdleMb,
        notes: [
          `target < 150 MB; at ready: ${mb(selfHosted.rssReadyMb)} MB, peak while idle ${mb(selfHosted.rssPeakMb)} MB (bare Bolt ${mb(bare.rssReadyMb)} / ${mb(bare.rssPeakMb)} MB)`,
        ],
        below: 150,
      });
    }
    results.push({
      case: 'cold start to ready (demo mode)',
      measured: demo.readyMs / 1000,
      baseline: bare.readyMs / 1000,
      unit: 's',
      ratio: demo.readyMs / bare.readyMs,
      notes: [
        'no configuration = the demo mode: it seeds the embedded warehouse with the simulator before listening, then runs its accelerated jobs (RSS is not idle then)',
        ...demo.marks,
      ],
      details: { demo },
    });
    if (demo.rssIdleMb !== undefined && bare.rssIdleMb !== undefined) {
      results.push({
        case: `RSS ${DEMO_SETTLE_MS / 1000} s after ready (demo mode)`,
        measured: demo.rssIdleMb,
        baseline: bare.rssIdleMb,
        unit: 'MB',
        ratio: demo.rssIdleMb / bare.rssIdleMb,
        notes: [`at ready: ${mb(demo.rssReadyMb)} MB (bare Bolt ${mb(bare.rssReadyMb)} MB)`],
      });
    }
    return results;
  } finally {
    await new Promise((resolve) => slack.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
