// Slash commands through the real Bolt app and the sandbox: each answers ephemerally (help, bad input,
// the view from the dashboard data), and a failing query is answered, not silent.
import { afterEach, describe, expect, it } from 'vitest';
import { commandsSurface } from '../../src/bot/commands.js';
import type { DashboardData } from '../../src/dashboard/port.js';
import { ephemeralsFor } from '../../src/sandbox/state.js';
import { ALERTS, BOB, eventually, fakeData, type Harness, startHarness } from './surface-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(harness: Harness, command: string, text = '') {
  const before = ephemeralsFor(harness.sandbox.state, BOB, ALERTS).length;
  const result = await harness.sandbox.drivers.sendSlashCommand({
    command,
    text,
    user: BOB,
    channel: ALERTS,
  });
  expect(result.status).toBe(200);
  // The ack is empty: the answer comes through response_url once the query finished.
  expect(result.body).toBe('');
  return eventually(() => {
    const list = ephemeralsFor(harness.sandbox.state, BOB, ALERTS);
    expect(list.length).toBe(before + 1);
    const last = list[list.length - 1];
    // The fallback text and the blocks a person reads.
    return `${last?.text ?? ''}\n${JSON.stringify(last?.blocks ?? [])}`;
  });
}

describe('slash commands', () => {
  it('answer each command ephemerally from the dashboard data', async () => {
    const calls: string[] = [];
    const base = fakeData();
    const data: DashboardData = {
      ...base,
      pipelineHealth: async (date, now, options) => {
        // An explicit date is read afresh; the default (yesterday) comes from the shared snapshot.
        calls.push(`health ${date}${options?.fresh ? ' fresh' : ''}`);
        return base.pipelineHealth(date, now);
      },
      retryQueue: async (status) => {
        calls.push(`queue ${status ?? 'all'}`);
        return base.retryQueue(status);
      },
    };
    h = await startHarness((deps) => [commandsSurface(deps)], data);
    expect(await run(h, '/scrape-status')).toContain('bdl_box_scores');
    expect(await run(h, '/scrape-status', 'nbac_schedule')).toContain('nbac_schedule');
    // Clock: 2026-01-20 09:00 ET, so no date means yesterday.
    expect(await run(h, '/pipeline-health')).toContain('2026-01-19');
    expect(await run(h, '/pipeline-health', '2026-01-18')).toContain('2026-01-18');
    expect(await run(h, '/breakers')).toContain('proxy breaker');
    expect(await run(h, '/retry-queue', 'exhausted')).toContain('0 exhausted');
    expect(calls).toEqual(['health 2026-01-19', 'health 2026-01-18 fresh', 'queue exhausted']);
    // Nothing was posted to the channel for everyone.
    expect(h.sandbox.state.messages.get(ALERTS) ?? []).toEqual([]);
  });

  it('answer help and bad input with usage, without querying', async () => {
    let queried = 0;
    const base = fakeData();
    h = await startHarness((deps) => [commandsSurface(deps)], {
      ...base,
      pipelineHealth: async (d, n) => {
        queried++;
        return base.pipelineHealth(d, n);
      },
    });
    for (const command of ['/scrape-status', '/pipeline-health', '/breakers', '/retry-queue']) {
      expect(await run(h, command, 'help')).toContain(`Usage: ${command}`);
    }
    const bad = await run(h, '/pipeline-health', '2026-02-30');
    expect(bad).toContain('is not a date');
    expect(bad).toContain('Usage: /pipeline-health');
    expect(await run(h, '/retry-queue', 'stuck')).toContain('is not a status');
    expect(await run(h, '/breakers', 'all')).toContain('takes no arguments');
    expect(queried).toBe(0);
  });

  it('/scrape-status NAME: a pipeline scraper without runs in the window is known, not "no scraper named"', async () => {
    h = await startHarness(
      (deps) => [commandsSurface(deps)],
      fakeData({ scraperStatus: async (asOf) => ({ value: [], asOf }) }),
    );
    const known = await run(h, '/scrape-status', 'bdl_box_scores');
    expect(known).toContain(
      '`bdl_box_scores` is a scraper of the pipeline with no runs or gap days in the window',
    );
    expect(known).not.toContain('No scraper named');
    const unknown = await run(h, '/scrape-status', 'bdl_box_scorez');
    expect(unknown).toContain('No scraper named `bdl_box_scorez`');
    expect(unknown).toContain('`bdl_box_scores`');
    expect(unknown).not.toContain('Known: –');
  });

  it('answer a failing query with what failed, and log it', async () => {
    h = await startHarness(
      (deps) => [commandsSurface(deps)],
      fakeData({
        breakers: async () => {
          throw new Error('warehouse unreachable');
        },
      }),
    );
    const text = await run(h, '/breakers');
    expect(text).toContain('/breakers could not read its data: warehouse unreachable');
    expect(h.logs.join('\n')).toContain('slash command query failed');
  });
});
