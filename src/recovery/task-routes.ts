// One entry for the bot's /tasks/* routes: the lead's HTTP layer verifies the caller (src/tasks/verify.ts),
// reads the JSON body and the X-CloudTasks-TaskName header, and answers with what this returns.
import { type BackfillTaskDeps, handleBackfillTask, parseBackfillTaskBody } from './backfill.js';
import { handleRetryTask, parseRetryTaskBody, type RetryTaskDeps } from './handle-retry-task.js';
import { BACKFILL_ROUTE, RETRY_ROUTE } from './ports.js';

export interface RecoveryTaskDeps {
  readonly retry: RetryTaskDeps;
  readonly backfill: BackfillTaskDeps;
}

export interface TaskRouteResponse {
  /** 200 done; 400 garbled body; 404 unknown route/item; 503 running elsewhere, deliver again later. */
  readonly status: 200 | 400 | 404 | 503;
  readonly body: Readonly<Record<string, unknown>>;
}

export async function handleRecoveryTask(
  deps: RecoveryTaskDeps,
  input: { readonly route: string; readonly body: unknown; readonly taskName: string },
): Promise<TaskRouteResponse> {
  if (input.route === RETRY_ROUTE) {
    const body = parseRetryTaskBody(input.body);
    if (!body) return { status: 400, body: { error: 'not a retry task body' } };
    return handleRetryTask(deps.retry, { ...body, taskName: input.taskName });
  }
  if (input.route === BACKFILL_ROUTE) {
    const body = parseBackfillTaskBody(input.body);
    if (!body) return { status: 400, body: { error: 'not a backfill task body' } };
    return handleBackfillTask(deps.backfill, body);
  }
  return { status: 404, body: { error: `no task route ${input.route}` } };
}
