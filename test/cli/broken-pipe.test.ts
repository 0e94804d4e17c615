// `shotclock load … | head`: the reader goes away while shotclock still writes. The command line must stop
// quietly (exit 0, no stack trace), as other tools do.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exitOnBrokenPipe } from '../../src/cli/program.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shotclock-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a closed stdout', () => {
  it('EPIPE ends the process with 0; any other stream error is still thrown', () => {
    const stream = new EventEmitter();
    const exits: number[] = [];
    exitOnBrokenPipe(stream, (code) => exits.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('boom'), { code: 'EIO' }))).toThrow('boom');
  });

  it('shotclock load with its output closed early exits 0 without a stack trace', async () => {
    const file = join(dir, 'events.jsonl');
    writeFileSync(
      file,
      '{"event_id":"p1","scraper_name":"bdb_pbp","target_date":"2026-03-01","started_at":"2026-03-02T08:00:00Z","status":"failed"}\n',
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/index.ts',
        'load',
        'nba_monitoring.scrape_events',
        file,
        '--db',
        join(dir, 'w.duckdb'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // The reader is gone before shotclock writes its first line.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|at .*\(/);
    expect(code).toBe(0);
  }, 60_000);
});
