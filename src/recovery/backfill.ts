// Backfill: scrape a date range again, one named task per date, progress edited in place in the alert's
// thread ("3/7 dates done") and one summary when the last date finishes. Operators only, audited.
import { addDays, daysBetween, isIsoDate } from '../jobs/time.js';
import type { ConfigOf, Services } from '../services.js';
import * as audit from '../store/audit.js';
import { backfillProgressReply, backfillSummaryReply, notAllowedEphemeral } from '../views/thread.js';
import type { MessageView } from '../views/types.js';
import type { BackfillRun } from './backfill-runs.js';
import * as runs from './backfill-runs.js';
import { judge } from './backoff.js';
import { withTimeout } from './handle-retry-task.js';
import { auditWho, BACKFILL_ROUTE, type Requester, taskName } from './ports.js';
import { type ReplyResult, replyInThread } from './thread.js';

/** What a backfill request uses (operators only may start one). */
export type BackfillServices = Pick<Services, 'store' | 'chat' | 'clock' | 'tasks' | 'operators' | 'log'> &
  ConfigOf<'recovery'>;

export interface BackfillRequest {
  readonly incidentId: string | null;
  readonly scraper: string;
  readonly from: string;
  readonly until: string;
  readonly requestedBy: Requester;
  readonly reason?: string;
  /** Unique per submission (e.g. the modal's view id): a resubmission finds the same run and adds nothing. */
  readonly requestId: string;
  /**
   * A thread reply announcing a new run (auto-heal's "Backfill … started by shotclock"): posted before its
   * tasks are enqueued, so it precedes whatever they report.
   */
  readonly announce?: { readonly intentId: string; readonly view: MessageView };
}

export interface BackfillStarted {
  readonly outcome: 'started' | 'already_started' | 'denied' | 'invalid';
  readonly dates?: readonly string[];
  /** Tasks created now ('exists' ones are not counted). */
  readonly tasksCreated?: number;
  readonly ephemeral: MessageView | { readonly text: string };
}

/** The dates of an inclusive range, or why the range is refused (pure). */
export function backfillDates(from: string, until: string, maxDays: number): string[] | { problem: string } {
  if (!isIsoDate(from) || !isIsoDate(until)) return { problem: 'dates must be real dates (YYYY-MM-DD)' };
  const days = daysBetween(from, until) + 1;
  if (days < 1) return { problem: `${from} is after ${until}` };
  if (days > maxDays) return { problem: `${days} days is more than the ${maxDays} one backfill may cover` };
  return Array.from({ length: days }, (_, i) => addDays(from, i));
}

export const backfillTaskName = (scraper: string, date: string, requestId: string) =>
  taskName('backfill', scraper, date, requestId);
const progressIntent = (requestId: string) => `backfill:${requestId}:progress`;
const summaryIntent = (requestId: string) => `backfill:${requestId}:summary`;

export async function startBackfill(
  deps: BackfillServices,
  request: BackfillRequest,
): Promise<BackfillStarted> {
  const now = deps.clock.now();
  const by = request.requestedBy;
  const reason = request.reason?.trim() ?? '';
  const record = (outcome: audit.AuditEntry['outcome'], details: Record<string, string | number>) =>
    audit.append(
      deps.store,
      {
        who: auditWho(by),
        action: 'backfill',
        target: `${request.scraper} ${request.from}..${request.until}`,
        incident_id: request.incidentId,
        at: now,
        outcome,
        details: {
          request_id: request.requestId,
          reason,
          ...('policy' in by ? { policy: by.policy } : {}),
          ...details,
        },
      },
      `backfill:${request.requestId}`,
    );

  if ('user' in by && !(await deps.operators.isOperator(by.user))) {
    await record('denied', {});
    return {
      outcome: 'denied',
      ephemeral: notAllowedEphemeral({
        action: 'backfill',
        ...(deps.operators.mentions.length ? { operators: deps.operators.mentions.join(' ') } : {}),
      }),
    };
  }
  const dates = backfillDates(request.from, request.until, deps.config.recovery.backfillMaxDays);
  if (!Array.isArray(dates))
    return { outcome: 'invalid', ephemeral: { text: `Cannot backfill: ${dates.problem}.` } };

  const { run, created } = await runs.createRun(deps.store, {
    request_id: request.requestId,
    scraper: request.scraper,
    from: request.from,
    until: request.until,
    incident_id: request.incidentId,
    requested_by: auditWho(by),
    policy: 'policy' in by ? by.policy : null,
    reason,
    dates: dates.map((date) => ({
      date,
      status: 'pending',
      claimed_at: null,
      finished_at: null,
      received: null,
      expected: null,
      error: null,
      runs: 0,
    })),
    created_at: now,
    updated_at: now,
    finished_at: null,
  });
  // The thread reads in causal order: what was decided is written before the work it announces is enqueued
  // (a queue may run a task, and post its summary, before enqueue returns). The run exists: a failed reply
  // does not make the backfill look unstarted (a post Slack failed is released and posted by the next
  // delivery run; later dates edit the progress line).
  const logFailed = (intent: string) => (error: unknown) =>
    deps.log.warn('thread reply failed; the next delivery run posts it', {
      incidentId: run.incident_id,
      intent,
      error: error instanceof Error ? error.message : String(error),
    });
  if (created && request.announce)
    await replyInThread(deps, run.incident_id, request.announce.intentId, request.announce.view).catch(
      logFailed(request.announce.intentId),
    );
  await showProgress(deps, run).catch(logFailed(progressIntent(run.request_id)));
  // Enqueued after the run committed, and again on a resubmission: names make repeats 'exists', and a crash
  // between the run and its tasks heals.
  let tasksCreated = 0;
  for (const entry of run.dates) {
    if (entry.status !== 'pending') continue;
    const outcome = await deps.tasks.enqueue({
      name: backfillTaskName(run.scraper, entry.date, run.request_id),
      route: BACKFILL_ROUTE,
      body: { requestId: run.request_id, date: entry.date },
      scheduleTime: now,
    });
    if (outcome === 'created') tasksCreated++;
  }
  await record(created ? 'ok' : 'ignored', { dates: dates.length });
  deps.log.info('backfill started', { request: run.request_id, dates: dates.length, tasksCreated, created });
  const range = `${request.scraper} ${request.from} → ${request.until}`;
  return {
    outcome: created ? 'started' : 'already_started',
    dates,
    tasksCreated,
    ephemeral: {
      text: created
        ? `Backfill of ${range} started: ${dates.length} dates; progress in the alert's thread.`
        : `Backfill of ${range} was already started; nothing new was enqueued.`,
    },
  };
}

/** What one backfill date's task uses. */
export type BackfillTaskServices = Pick<
  Services,
  'store' | 'chat' | 'clock' | 'scraper' | 'verifier' | 'inFlightMs' | 'log'
> &
  ConfigOf<'recovery'>;

export interface BackfillTaskResponse {
  readonly status: 200 | 404 | 503;
  readonly body: {
    readonly result: 'done' | 'failed' | 'duplicate' | 'in_flight' | 'unknown';
    readonly requestId: string;
    readonly date: string;
    readonly progress?: { done: number; failed: number; total: number };
  };
}

export function parseBackfillTaskBody(body: unknown): { requestId: string; date: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { requestId, date } = body as Record<string, unknown>;
  return typeof requestId === 'string' && requestId !== '' && typeof date === 'string' && isIsoDate(date)
    ? { requestId, date }
    : undefined;
}

/** The core of POST /tasks/backfill: scrape one date of a run, once per date, then update progress. */
export async function handleBackfillTask(
  deps: BackfillTaskServices,
  input: { readonly requestId: string; readonly date: string },
): Promise<BackfillTaskResponse> {
  const { requestId, date } = input;
  const claim = await runs.claimDate(deps.store, requestId, date, deps.clock.now(), deps.inFlightMs);
  if (claim.result === 'not_found') {
    deps.log.info('backfill task for an unknown run or date: nothing changed', { request: requestId, date });
    return { status: 404, body: { result: 'unknown', requestId, date } };
  }
  if (claim.result === 'in_flight') return { status: 503, body: { result: 'in_flight', requestId, date } };
  if (claim.result === 'finished') {
    await followUp(deps, claim.run);
    return {
      status: 200,
      body: { result: 'duplicate', requestId, date, progress: runs.progressOf(claim.run) },
    };
  }
  if (claim.rerun)
    deps.log.info('backfill date claimed again after an interrupted run', { request: requestId, date });

  let error: string | null = null;
  try {
    const answer = await withTimeout(deps.config.recovery.scraperTimeoutMs, (signal) =>
      deps.scraper.scrape({ scraper_name: claim.run.scraper, params: { date } }, { signal }),
    );
    if (/^(error|failed|failure)$/i.test(answer.status))
      error = answer.error ?? `scraper answered ${answer.status}`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  let received: number | null = null;
  let expected: number | null = null;
  try {
    const v = await deps.verifier.verify('scraper', claim.run.scraper, date);
    received = v.received;
    expected = v.expected;
  } catch (e) {
    error ??= `verification failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const ok = judge(received, expected, error) === 'recovered';
  const { run } = await runs.recordDate(
    deps.store,
    requestId,
    date,
    { ok, received, expected, error },
    deps.clock.now(),
  );
  await followUp(deps, run);
  return {
    status: 200,
    body: { result: ok ? 'done' : 'failed', requestId, date, progress: runs.progressOf(run) },
  };
}

/** Edit the progress line in place; when every date has finished, post the summary once. Safe to repeat. */
async function followUp(deps: BackfillTaskServices, run: BackfillRun): Promise<void> {
  // Read again: dates finishing at the same time must not leave an older count on the message.
  const latest = (await runs.get(deps.store, run.request_id)) ?? run;
  await showProgress(deps, latest);
  if (!latest.finished_at) return;
  const by: Requester = latest.policy ? { policy: latest.policy } : { user: latest.requested_by };
  const view = backfillSummaryReply({
    scraper: latest.scraper,
    from: latest.from,
    until: latest.until,
    results: latest.dates.map((d) => ({
      date: d.date,
      ok: d.status === 'done',
      ...(d.status === 'failed' ? { detail: d.error ?? countDetail(d.received, d.expected) } : {}),
    })),
    by,
  });
  await replyInThread(deps, latest.incident_id, summaryIntent(latest.request_id), view);
}

const countDetail = (received: number | null, expected: number | null) =>
  `${received ?? 0}/${expected ?? '?'}`;

/** Post the progress line once, then edit it to the current count. */
async function showProgress(
  deps: Pick<BackfillServices, 'store' | 'chat' | 'clock'>,
  run: BackfillRun,
): Promise<ReplyResult> {
  const view = backfillProgressReply({ scraper: run.scraper, ...runs.progressOf(run) });
  const { result, message } = await replyInThread(
    deps,
    run.incident_id,
    progressIntent(run.request_id),
    view,
  );
  if (result === 'already_posted' && message) await deps.chat.update({ ...message, ...view });
  return result;
}
