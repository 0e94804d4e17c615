// Case 5, footprint: cold start to ready and RSS of `node bin/shotclock.js start` (spawned with no
// configuration, so the demo mode: it seeds the embedded warehouse with the simulator before the bot
// listens) vs a bare @slack/bolt process that serves /healthz, spawned the same way. Ready = the bot's
// /healthz answers 200. RSS is read from /proc at ready and after IDLE_MS more.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, SkippedCase } from './lib.js';
import { fmt, log } from './lib.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'shotclock.js');
const DIST_ENTRY = join(ROOT, 'dist', 'cli', 'index.js');
const READY_TIMEOUT_MS = 60_000;
const IDLE_MS = 3_000;

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
  rssIdleMb: number | undefined;
  marks: string[];
}

/** Spawn, wait for "bot at URL" on stdout, poll URL/healthz until 200; then read RSS and stop the child. */
async function coldStart(args: readonly string[], cwd: string): Promise<Started> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const marks: string[] = [];
  let output = '';
  let url: string | undefined;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      if (/seeding|seeded|bot at/.test(line))
        marks.push(`${fmt(performance.now() - started, 0)} ms: ${line.trim().slice(0, 100)}`);
    }
    url ??= /bot at (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
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
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { readyMs, rssReadyMb, rssIdleMb: rssMb(pid), marks };
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

export async function benchFootprint(): Promise<(BenchResult | SkippedCase)[]> {
  if (!existsSync(DIST_ENTRY)) {
    return [
      {
        case: 'footprint',
        skipped: 'dist/ is not built (npm run build): bin/shotclock.js has nothing to run',
      },
    ];
  }
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-bench-start-'));
  try {
    // The demo's database defaults to .data/ under the working directory: a temp dir keeps it throwaway.
    const bot = await coldStart([BIN, 'start', '--port', '0'], dir);
    const bare = await coldStart(['--input-type=module', '-e', BARE_BOLT], ROOT);
    const built = statSync(DIST_ENTRY).mtime.toISOString();
    log(
      `  footprint: shotclock start (demo) ready in ${fmt(bot.readyMs, 0)} ms, RSS ${fmt(bot.rssReadyMb ?? Number.NaN)} MB at ready, ` +
        `${fmt(bot.rssIdleMb ?? Number.NaN)} MB ${IDLE_MS / 1000} s later; bare Bolt ready in ${fmt(bare.readyMs, 0)} ms, RSS ${fmt(bare.rssIdleMb ?? Number.NaN)} MB`,
    );
    const notes = [
      `no configuration = the demo mode: it seeds the embedded warehouse with the simulator before listening, then runs its accelerated jobs (RSS is not idle then); self-hosted/cloud modes need Slack/GCP and are not measured here`,
      ...bot.marks,
      `runs dist/ as built at ${built}`,
    ];
    const results: BenchResult[] = [
      {
        case: 'cold start to ready (demo mode)',
        measured: bot.readyMs / 1000,
        baseline: bare.readyMs / 1000,
        unit: 's',
        ratio: bot.readyMs / bare.readyMs,
        notes,
        details: { bot, bare },
      },
    ];
    if (bot.rssIdleMb !== undefined && bare.rssIdleMb !== undefined) {
      results.push({
        case: `RSS ${IDLE_MS / 1000} s after ready (demo mode)`,
        measured: bot.rssIdleMb,
        baseline: bare.rssIdleMb,
        unit: 'MB',
        ratio: bot.rssIdleMb / bare.rssIdleMb,
        notes: [
          `at ready: ${fmt(bot.rssReadyMb ?? Number.NaN)} MB (bare Bolt ${fmt(bare.rssReadyMb ?? Number.NaN)} MB)`,
        ],
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
