// One entry for the bot's /tasks/* routes: the HTTP layer (src/bot/task-routes.ts) verifies the caller
// (src/tasks/verify.ts, src/tasks/oidc.ts), reads the JSON body and the X-CloudTasks-TaskName header, and
// answers with what this returns.
import { type BackfillTaskServices, handleBackfillTask, parseBackfillTaskBody } from './backfill.js';
import { handleRetryTask, parseRetryTaskBody, type RetryTaskServices } from './handle-retry-task.js';
import { BACKFILL_ROUTE, RETRY_ROUTE } from './ports.js';

/** What the task routes use: a retry attempt's services and a backfill date's. */
export type RecoveryTaskServices = RetryTaskServices & BackfillTaskServices;

export interface TaskRouteResponse {
  /** 200 done; 400 garbled body; 404 unknown route/item; 503 running elsewhere, deliver again later. */
  readonly status: 200 | 400 | 404 | 503;
  readonly body: Readonly<Record<string, unknown>>;
}

export async function handleRecoveryTask(
  deps: RecoveryTaskServices,
  input: { readonly route: string; readonly body: unknown; readonly taskName: string },
): Promise<TaskRouteResponse> {
  if (input.route === RETRY_ROUTE) {
    const body = parseRetryTaskBody(input.body);
    if (!body) return { status: 400, body: { error: 'not a retry task body' } };
    return handleRetryTask(deps, { ...body, taskName: input.taskName });
  }
  if (input.route === BACKFILL_ROUTE) {
    const body = parseBackfillTaskBody(input.body);
    if (!body) return { status: 400, body: { error: 'not a backfill task body' } };
    return handleBackfillTask(deps, body);
  }
  return { status: 404, body: { error: `no task route ${input.route}` } };
}
