// `shotclock replay` through the real program (usage after usage errors, exit codes): a short window of the
// replay-march fixture, and the bad inputs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { registerReplayCommand } from '../../src/cli/replay.js';
import { parseReplayArgs } from '../../src/cli/replay-run.js';
import type { Scorecard } from '../../src/replay/scorecard.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'replay-march.yaml');
const dir = mkdtempSync(join(tmpdir(), 'shotclock-cli-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = createProgram((code) => {
    throw new Exited(code);
  });
  registerReplayCommand(program, {
    stdout: { write: (s) => out.push(s) },
    stderr: { write: (s) => err.push(s) },
  });
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'shotclock', 'replay', ...args]);
  } catch (e) {
    if (!(e instanceof Exited)) throw e;
    exitCode = e.code;
  }
  return { out: out.join(''), err: err.join(''), exitCode };
}

describe('shotclock replay: bad input', () => {
  it('validates the window and the seed strictly', () => {
    expect(parseReplayArgs({ from: '2026-02-30', until: '2026-03-01' })).toMatchObject({
      ok: false,
      message: "--from must be a real date YYYY-MM-DD, got '2026-02-30'",
    });
    expect(parseReplayArgs({ from: '2026-03-05', until: '2026-03-04' })).toMatchObject({
      ok: false,
      message: '--until 2026-03-04 is before --from 2026-03-05',
    });
    expect(parseReplayArgs({ from: '2026-03-04' })).toMatchObject({ ok: false });
    expect(parseReplayArgs({ from: '2026-03-04', until: '2026-03-04', seed: 'x' })).toMatchObject({
      ok: false,
    });
    expect(parseReplayArgs({ from: '2025-01-01', until: '2026-03-04' })).toMatchObject({ ok: false });
    expect(parseReplayArgs({ from: '2026-03-04', until: '2026-03-04', seed: '9' })).toMatchObject({
      ok: true,
      args: { from: '2026-03-04', until: '2026-03-04', seed: 9 },
    });
  });

  it('exits 2 with the usage for a bad command line', async () => {
    for (const [args, message] of [
      [
        ['--from', '2026-02-30', '--until', '2026-03-01'],
        "--from must be a real date YYYY-MM-DD, got '2026-02-30'",
      ],
      [['--from', '2026-03-05', '--until', '2026-03-04'], '--until 2026-03-04 is before --from 2026-03-05'],
      [['--until', '2026-03-04'], '--from YYYY-MM-DD is required'],
      [
        ['--from', '2026-03-04', '--until', '2026-03-04', '--scenario', join(dir, 'nope.yaml')],
        `--scenario ${join(dir, 'nope.yaml')}: no such file`,
      ],
      [['--from', '2026-03-04', '--until', '2026-03-04', '--speed', '2'], "unknown option '--speed'"],
    ] as const) {
      const r = await run([...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.err).toContain(message);
      expect(r.err).toContain('Usage: shotclock replay');
      expect(r.out).toBe('');
    }
  });

  it('exits 1 without the usage for bad data: an invalid scenario, a --json it cannot write', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, "name: x\nincidents: [{ kind: thin_slate, date: '2026-03-04', players: -1 }]\n");
    const scenario = await run(['--from', '2026-03-04', '--until', '2026-03-04', '--scenario', bad]);
    expect(scenario.exitCode).toBe(1);
    expect(scenario.err).toContain('incidents[0].players');
    expect(scenario.err).not.toContain('Usage:');
    const json = join(dir, 'no-such-dir', 'card.json');
    const unwritable = await run(['--from', '2026-03-04', '--until', '2026-03-04', '--json', json]);
    expect(unwritable.exitCode).toBe(1);
    expect(unwritable.err).toContain(`--json ${json}: no such directory`);
    expect(unwritable.out).toBe('');
  });

  it('explains itself in --help', async () => {
    const r = await run(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('--json <FILE>');
    expect(r.out).toContain('The scorecard:');
    expect(r.out).toContain('npx shotclock replay --from 2025-10-21 --until 2026-04-12');
  });
});

describe('shotclock replay: a short window of replay-march', () => {
  const json = join(dir, 'card.json');
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run(['--from', '2026-03-03', '--until', '2026-03-04', '--scenario', FIXTURE, '--json', json]);
  }, 60_000);

  it('prints the scorecard table on stdout, progress lines on a stderr that is no TTY', () => {
    expect(r.exitCode, r.err).toBe(0);
    expect(r.out).toContain('scorecard: scenario replay-march, seed');
    expect(r.out).toMatch(/^bdl_shortfall#1:2026-03-03\s+yes\s/m);
    expect(r.out).toMatch(/^recall\s+100\.0 %/m);
    expect(r.out).toContain('buried criticals');
    // 3 days (the window and the morning after): a line at the end; no bar, no cursor codes.
    expect(r.err).toContain('replay: 3/3 days');
    expect(r.err).not.toContain('\u001b[');
    expect(r.err).toContain(`wrote ${json}`);
  });

  it('writes per incident, per false positive and the totals as JSON', () => {
    const card = JSON.parse(readFileSync(json, 'utf8')) as Scorecard;
    expect(card).toMatchObject({ scenario: 'replay-march', from: '2026-03-03', until: '2026-03-04' });
    const bdl = card.incidents.find((i) => i.id === 'bdl_shortfall#1:2026-03-03');
    expect(bdl).toMatchObject({ detected: true, buriedCritical: false });
    expect(bdl?.delayMinutes).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(card.falsePositives)).toBe(true);
    expect(card.totals.recall).toBe(1);
    expect(card.totals.alerts).toBe(card.totals.truePositives + card.falsePositives.length);
  });
});
