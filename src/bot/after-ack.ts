import type { Server } from 'node:http';

/**
 * Where a listener's work after its ack runs (reading data, rendering, respond(), Slack calls).
 * Slack times the ack (3 s, and users feel every millisecond of it) but gives the answer through
 * response_url 30 minutes, so after-ack work must not hold acks up. On one event loop it does, twice: every
 * answer rendered while requests wait delays their acks, and every listener still running keeps Bolt's
 * whole request context alive, which the young-generation GC copies on every scavenge under load.
 * So, on the HTTP transport with ack-then-work, the work is detached from the listener (Bolt's context
 * is released at once) and started only while no HTTP request awaits its response, one per event-loop
 * iteration, or once it has waited `maxWaitMs` (answers always go out under sustained load).
 * With processBeforeResponse (Cloud Run throttles CPU after the response) or Socket Mode it runs inline.
 * Hand-written: no scheduling library knows when Bolt's receiver has requests in flight.
 */
export interface AfterAck {
  /** Run `work` after the ack: detached and in turn (see above), or inline and awaited. */
  run(work: () => Promise<void>, onError: (error: unknown) => void): Promise<void>;
  /** Detach after-ack work and yield to this server's waiting requests (HTTP, ack-then-work only). */
  track(server: Server): void;
  /** Settles when all detached work has finished (graceful shutdown). */
  drain(): Promise<void>;
  /** Detached work not finished yet. */
  readonly pending: number;
}

export interface AfterAckOptions {
  /** The longest a piece of work waits for a quiet moment. */
  readonly maxWaitMs?: number;
  /** No request for this long (and none in flight) counts as a quiet moment. */
  readonly quietMs?: number;
  readonly now?: () => number;
}

export function createAfterAck(options: AfterAckOptions = {}): AfterAck {
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const quietMs = options.quietMs ?? 2;
  const now = options.now ?? (() => performance.now());
  // Waiting work is one small record each (no promise until it starts): a burst queues a thousand of
  // them, and everything kept alive through the burst is copied by every young-generation GC.
  const queue: Array<{ since: number; work: () => Promise<void>; onError: (error: unknown) => void }> = [];
  const running = new Set<Promise<void>>();
  let inFlight = 0;
  /** Servers tracked and still open: work is detached while there is one. */
  let tracked = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  let scheduled = false;

  /** Start one piece of work; a throw (even a synchronous one) goes to its onError, never to the loop. */
  const start = (item: (typeof queue)[number]) => {
    const done: Promise<void> = Promise.resolve()
      .then(item.work)
      .catch(item.onError)
      .finally(() => running.delete(done));
    running.add(done);
  };

  const isQuiet = (t: number) => inFlight === 0 && t - lastArrival >= quietMs;
  // One wake-up at a time: a setImmediate when work may start now, else a short timer. Never a
  // setImmediate loop while busy: it would spin the event loop and take CPU from the requests.
  const grant = () => {
    scheduled = false;
    const first = queue[0];
    if (!first) return;
    const t = now();
    if (isQuiet(t) || t - first.since >= maxWaitMs) start(queue.shift() as typeof first);
    schedule();
  };
  const schedule = () => {
    const first = queue[0];
    if (scheduled || !first) return;
    scheduled = true;
    const t = now();
    if (isQuiet(t) || t - first.since >= maxWaitMs) setImmediate(grant);
    else setTimeout(grant, Math.max(1, Math.min(quietMs, maxWaitMs - (t - first.since))));
  };

  return {
    async run(work, onError) {
      if (tracked === 0) return work();
      queue.push({ since: now(), work, onError });
      schedule();
    },
    track(server) {
      tracked++;
      server.once('close', () => tracked--);
      server.on('request', (_req, res) => {
        inFlight++;
        lastArrival = now();
        res.once('close', () => {
          inFlight--;
          if (inFlight === 0) schedule();
        });
      });
    },
    async drain() {
      // Waiting work starts now: nothing is waiting for a quiet moment any more.
      while (queue.length > 0 || running.size > 0) {
        while (queue.length > 0) start(queue.shift() as (typeof queue)[number]);
        await Promise.allSettled([...running]);
      }
    },
    get pending() {
      return queue.length + running.size;
    },
  };
}

/** One per process (there is one event loop): every surface's after-ack work shares it. */
export const afterAck: AfterAck = createAfterAck();
