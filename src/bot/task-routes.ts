import type { IncomingHttpHeaders } from 'node:http';
import { type LogFields, withLogContext } from '../log.js';
import { BACKFILL_ROUTE, RETRY_ROUTE } from '../recovery/ports.js';
import { handleRecoveryTask, type RecoveryTaskServices } from '../recovery/task-routes.js';
import type { Services } from '../services.js';
import { get as getRetryItem } from '../store/retry-queue.js';
import type { CallerCheck } from '../tasks/verify.js';
import { type HttpRoute, readJson, sendJson } from './http.js';

/** OIDC (Cloud Tasks) or the local queue's shared secret; decided by the runtime. */
export type CallerVerifier = (headers: IncomingHttpHeaders) => CallerCheck | Promise<CallerCheck>;

/**
 * /tasks/retry and /tasks/backfill: only verified callers get in (401/403, nothing changed); the body and
 * the task name go to recovery, whose status tells the queue what to do (200 done, 503 deliver again later).
 */
export function taskRoutes(deps: RecoveryTaskServices, verifyCaller: CallerVerifier): HttpRoute[] {
  return [RETRY_ROUTE, BACKFILL_ROUTE].map((route) => ({
    path: route,
    method: 'POST' as const,
    async handler(req, res) {
      const caller = await verifyCaller(req.headers);
      if (!caller.ok) {
        deps.log.warn('task caller refused', { route, status: caller.status, reason: caller.reason });
        sendJson(res, caller.status, { ok: false, error: caller.reason });
        return;
      }
      const body = await readJson(req);
      const taskName = String(req.headers['x-cloudtasks-taskname'] ?? '');
      if (!taskName) {
        sendJson(res, 400, { ok: false, error: 'missing X-CloudTasks-TaskName header' });
        return;
      }
      // Every line of this delivery, down in recovery, names the task, and for a retry its item, the item's
      // incident and the pipeline's correlation id.
      await withLogContext({ task: taskName, route, ...(await retryContext(deps, body)) }, async () => {
        const result = await handleRecoveryTask(deps, { route, body, taskName });
        deps.log.info(`task ${route} → ${result.status}`, { ...result.body });
        sendJson(res, result.status, result.body);
      });
    },
  }));
}

/** A retry task's item as log fields; a garbled body or an unknown item gets none (recovery says why). */
async function retryContext(deps: Pick<Services, 'store'>, body: unknown): Promise<LogFields> {
  const itemId = (body as { itemId?: unknown } | null)?.itemId;
  if (typeof itemId !== 'string' || itemId === '') return {};
  const item = await getRetryItem(deps.store, itemId).catch(() => undefined);
  return {
    retryItem: itemId,
    ...(item?.incident_id ? { incident: item.incident_id } : {}),
    ...(item?.correlation_id ? { itemCorrelationId: item.correlation_id } : {}),
  };
}
