// Every log line written while handling a request carries that request's trace (Cloud Run) or correlation id:
// the HTTP server's request listeners run inside a log context (AsyncLocalStorage follows the work from there
// through Bolt, the listeners and their after-ack work), and a Bolt middleware adds what Slack asked for.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { App } from '@slack/bolt';
import {
  annotateLogContext,
  currentLogContext,
  hasCorrelation,
  requestLogContext,
  withLogContext,
} from '../runtime/logger.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Wrap the server's request listeners (Bolt's receiver, routes) in each request's log context. */
export function traceRequests(server: Server, project: string | undefined): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) =>
    withLogContext(requestLogContext(req.headers, project), () => {
      for (const listener of listeners) listener.call(server, req, res);
    }),
  );
}

/** A request's context unless one is already set (the server wrapper ran first). */
export function ensureRequestContext<T>(
  headers: IncomingMessage['headers'],
  project: string | undefined,
  work: () => T,
): T {
  if (hasCorrelation(currentLogContext())) return work();
  return withLogContext(requestLogContext(headers, project), work);
}

/** What Slack asked for, in a few words: `command /scrape-status`, `action retry`, `event app_home_opened`. */
export function describeSlackBody(body: unknown): string | undefined {
  const b = body as {
    command?: string;
    type?: string;
    actions?: { action_id?: string }[];
    view?: { callback_id?: string };
    event?: { type?: string };
  };
  if (!b || typeof b !== 'object') return undefined;
  if (b.command) return `command ${b.command}`;
  if (b.type === 'block_actions' && b.actions?.[0]?.action_id) return `action ${b.actions[0].action_id}`;
  if ((b.type === 'view_submission' || b.type === 'view_closed') && b.view?.callback_id)
    return `view ${b.view.callback_id}`;
  if (b.event?.type) return `event ${b.event.type}`;
  return b.type;
}

/**
 * Every Slack request's listeners log with what was asked. Over HTTP the request already has its context
 * (traceRequests), which is annotated in place: a nested context per request would sit in front of every
 * ack. In Socket Mode (no HTTP request) a correlation id is made here, one per Slack request.
 */
export function slackLogContext(app: App): void {
  app.use(({ body, next }) => {
    const slack = describeSlackBody(body);
    if (hasCorrelation(currentLogContext())) {
      if (slack) annotateLogContext({ slack });
      return next();
    }
    return withLogContext({ correlationId: randomUUID(), ...(slack ? { slack } : {}) }, next);
  });
}
