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
  type LogFields,
  requestLogContext,
  withLogContext,
} from '../log.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Log contexts made for one HTTP request each: only that request's work runs in them. */
const requestContexts = new WeakSet<object>();

function withRequestLogContext<T>(fields: LogFields, work: () => T): T {
  return withLogContext(fields, () => {
    const own = currentLogContext();
    if (own) requestContexts.add(own);
    return work();
  });
}

/** Wrap the server's request listeners (Bolt's receiver, routes) in each request's log context. */
export function traceRequests(server: Server, project: string | undefined): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) =>
    withRequestLogContext(requestLogContext(req.headers, project), () => {
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
  return withRequestLogContext(requestLogContext(headers, project), work);
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
 * Every Slack request's listeners log with what was asked. Over HTTP the request's own context (made by
 * traceRequests) is annotated in place: a nested context per request would sit in front of every ack.
 * Anywhere else (Socket Mode has no HTTP request) a nested context carries it, with a correlation id of
 * its own unless the surrounding work has one: a context other work shares is never changed.
 */
export function slackLogContext(app: App): void {
  app.use(({ body, next }) => {
    const slack = describeSlackBody(body);
    const current = currentLogContext();
    if (current && requestContexts.has(current)) {
      if (slack) annotateLogContext({ slack });
      return next();
    }
    return withLogContext(
      {
        ...(hasCorrelation(current) ? {} : { correlationId: randomUUID() }),
        ...(slack ? { slack } : {}),
      },
      next,
    );
  });
}
