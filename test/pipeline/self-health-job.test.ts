// The watchdog end to end on the embedded Store: completions recorded per job, the self-health job's findings
// delivered through the usual incident lifecycle to a fake Slack, and the Slack-down path's log lines.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage, PostedMessage } from '../../src/chat/port.js';
import { WatchedChat } from '../../src/chat/watched.js';
import { ManualClock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createIncidentMessages } from '../../src/pipeline/incident-messages.js';
import { slackKey, staleKey } from '../../src/pipeline/self-health.js';
import { runSelfHealth, type SelfHealthWatch } from '../../src/pipeline/self-health-job.js';
import type { Services } from '../../src/services.js';
import * as incidents from '../../src/store/incidents.js';
import { latestCompletions, recordCompletion } from '../../src/store/job-runs.js';
import type { DocumentStore } from '../../src/store/port.js';
import { zonedFormatter } from '../../src/views/format.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';

const MIN = 60_000;

/** A Slack that can go down: every call throws while `down` is set. */
class FlakyChat extends FakeChat {
  down = false;
  override async post(message: OutgoingMessage, intentId: string): Promise<PostedMessage> {
    if (this.down) throw new Error('connect ECONNREFUSED slack.com');
    return super.post(message, intentId);
  }
  override async update(message: PostedMessage & { text: string; blocks?: readonly unknown[] }) {
    if (this.down) throw new Error('connect ECONNREFUSED slack.com');
    return super.update(message);
  }
}

describe('self-health watchdog', () => {
  let env: { store: DocumentStore; cleanup(): Promise<void> };
  let clock: ManualClock;
  let slack: FlakyChat;
  let chat: WatchedChat;
  let lines: string[];
  let deps: Pick<
    Services,
    'config' | 'store' | 'chat' | 'clock' | 'fmt' | 'incidentMessages' | 'routing' | 'log' | 'stopSignal'
  >;
  let watch: SelfHealthWatch;

  beforeEach(async () => {
    env = await tempDuckDbStore();
    // 12:30 ET: gaps last completed at 04:00 ET (its 08:00 and 12:00 slots missed); the daily jobs are fine.
    clock = new ManualClock('2026-01-20T17:30:00Z');
    slack = new FlakyChat();
    lines = [];
    const log = createLogger({
      level: 'info',
      format: 'pretty',
      secrets: [],
      write: (l) => lines.push(l),
      now: () => clock.now(),
    });
    // The watchdog's rules, not the default schedule, are under test: gaps every 4 h.
    const config = readConfig({ SCHEDULE_GAPS: '0 */4 * * *' });
    chat = new WatchedChat(slack, { clock, log, config });
    const fmt = zonedFormatter();
    deps = {
      config,
      store: env.store,
      chat,
      clock,
      fmt,
      incidentMessages: createIncidentMessages({ store: env.store, chat, clock, fmt, config }),
      routing: { defaultChannel: 'C1' },
      log,
      stopSignal: new AbortController().signal,
    };
    watch = { slack: () => chat.health(), watchingSince: new Date('2026-01-18T00:00:00Z') };
    const done = (job: string, at: string) =>
      recordCompletion(env.store, {
        job,
        completed_at: new Date(at),
        ran_for: new Date(at),
        findings: 0,
        failures: 0,
      });
    await done('gaps', '2026-01-20T09:01:00Z');
    await done('completeness', '2026-01-20T11:01:00Z');
    await done('health', '2026-01-20T14:01:00Z');
    await done('grading', '2026-01-20T16:01:00Z');
  });

  afterEach(async () => {
    await env.cleanup();
  });

  const run = () => runSelfHealth(deps, watch, clock.now());

  it('keeps the newest completion per job (a late, older one does not overwrite it)', async () => {
    await recordCompletion(env.store, {
      job: 'gaps',
      completed_at: new Date('2026-01-20T05:01:00Z'),
      ran_for: new Date('2026-01-20T05:00:00Z'),
      findings: 3,
      failures: 1,
    });
    const latest = await latestCompletions(env.store);
    expect(latest.get('gaps')?.completed_at.toISOString()).toBe('2026-01-20T09:01:00.000Z');
    expect([...latest.keys()].sort()).toEqual(['completeness', 'gaps', 'grading', 'health']);
  });

  it('raises a stale job once, edits it on later runs, and resolves it when the job completes again', async () => {
    const first = await run();
    expect(first.findings).toBe(1);
    expect(first.delivery).toMatchObject({ opened: 1, posted: 1, errors: [] });
    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.topLevel()[0]?.text).toMatch(/gaps job has not completed a check run for 8 h 29 m/);
    const [open] = await incidents.listOpen(env.store);
    expect(open).toMatchObject({ key: staleKey('gaps'), severity: 'error', check: 'self_health' });

    clock.advance(5 * MIN);
    const second = await run();
    expect(second.delivery).toMatchObject({ opened: 0, updated: 1, posted: 0 });
    expect(slack.topLevel()).toHaveLength(1);

    // The 12:00 ET run completes late: nothing stale any more, the incident resolves in its thread.
    await recordCompletion(env.store, {
      job: 'gaps',
      completed_at: clock.now(),
      ran_for: new Date('2026-01-20T17:00:00Z'),
      findings: 0,
      failures: 0,
    });
    clock.advance(5 * MIN);
    const third = await run();
    expect(third).toMatchObject({ findings: 0, delivery: { resolved: 1, opened: 0 } });
    expect(await incidents.listOpen(env.store)).toEqual([]);
    expect(slack.topLevel()).toHaveLength(1);
    const root = slack.topLevel()[0];
    expect(slack.replies(root?.ts ?? '').map((m) => m.text)).toEqual([expect.stringMatching(/resolved/i)]);
  });

  it('logs "Slack unreachable" once per outage, raises the Slack finding, and a recovery line after', async () => {
    await recordCompletion(env.store, {
      job: 'gaps',
      completed_at: clock.now(),
      ran_for: clock.now(),
      findings: 0,
      failures: 0,
    });
    slack.down = true;
    // Seven failed calls a minute apart: the 5-in-a-row threshold is met at 4 min, the 5-minute one at the 6th.
    for (let i = 0; i < 7; i++) {
      await expect(chat.post({ channel: 'C1', text: `call ${i}` }, `intent-${i}`)).rejects.toThrow();
      if (i < 6) clock.advance(MIN);
    }
    const errors = () => lines.filter((l) => l.includes('error') && l.includes('Slack unreachable'));
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatch(/6 calls in a row failing since 2026-01-20T17:30:00.000Z/);
    expect(chat.health()).toMatchObject({ consecutiveFailures: 7, lastFailedCall: 'chat.postMessage' });

    // The watchdog raises it; its own post fails too (Slack is down), which is why the log line matters.
    const during = await run();
    expect(during.findings).toBe(1);
    expect(during.delivery.errors).toHaveLength(1);
    const [open] = await incidents.listOpen(env.store);
    expect(open).toMatchObject({ key: slackKey, severity: 'critical' });
    expect(errors()).toHaveLength(1);

    // Slack answers again: one recovery line, the counter is reset, the next pass resolves the incident.
    slack.down = false;
    await chat.post({ channel: 'C1', text: 'back' }, 'intent-back');
    expect(lines.filter((l) => /info .*Slack reachable again after 8 failed calls/.test(l))).toHaveLength(1);
    expect(chat.health().consecutiveFailures).toBe(0);
    clock.advance(MIN);
    const after = await run();
    expect(after).toMatchObject({ findings: 0, delivery: { resolved: 1 } });
    expect(await incidents.listOpen(env.store)).toEqual([]);
    // The alert refused during the outage is finished by a later run: it lands showing it is resolved.
    clock.advance(11 * MIN);
    await run();
    const late = slack.topLevel().find((m) => m.text.includes('Slack calls are failing'));
    expect(late?.updates).toBe(1);
    expect(late?.text).toMatch(/resolved/i);

    // A second outage is a new outage: logged again, once.
    slack.down = true;
    for (let i = 0; i < 6; i++) {
      await expect(chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toThrow();
      clock.advance(MIN);
    }
    expect(errors()).toHaveLength(2);
    expect(errors()[1]).toMatch(/last: chat\.update/);
  });

  it('stays quiet right after a fresh start with nothing on record', async () => {
    const fresh = await tempDuckDbStore();
    try {
      const freshDeps = {
        ...deps,
        store: fresh.store,
        incidentMessages: createIncidentMessages({ ...deps, store: fresh.store }),
      };
      const started = clock.now();
      const freshWatch = { slack: () => chat.health(), watchingSince: started };
      for (const minutes of [0, 5, 40, 6 * 60]) {
        const at = new Date(started.getTime() + minutes * MIN);
        expect((await runSelfHealth(freshDeps, freshWatch, at)).findings).toBe(0);
      }
      // Nothing has completed 8 h 30 m after the start: the 4-hourly gaps job is stale.
      const late = await runSelfHealth(freshDeps, freshWatch, new Date(started.getTime() + 8.5 * 60 * MIN));
      expect(late.findings).toBe(1);
    } finally {
      await fresh.cleanup();
    }
  });
});
