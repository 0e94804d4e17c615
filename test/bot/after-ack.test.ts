// After-ack work: inline when nothing is tracked (Socket Mode, processBeforeResponse); detached and held
// while a tracked server has requests awaiting their response, released when it is quiet or has waited
// long enough; drained on shutdown; failures reported, never thrown into Bolt.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAfterAck } from '../../src/bot/after-ack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server whose responses the test releases by hand, to hold requests "in flight". */
async function heldServer() {
  const held: Array<() => void> = [];
  const server: Server = createServer((_req, res) => {
    held.push(() => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const send = () =>
    new Promise<void>((resolve) => {
      request({ host: '127.0.0.1', port, method: 'POST' }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).end();
    });
  return { server, held, send };
}

/** A tracked server with one request held in flight: detached work has to wait for it. */
async function busyServer(afterAck: ReturnType<typeof createAfterAck>) {
  const h = await heldServer();
  afterAck.track(h.server);
  const answered = h.send();
  while (h.held.length === 0) await sleep(2);
  return { ...h, answered };
}

describe('after-ack work', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  });

  it('runs inline and awaited when no server is tracked', async () => {
    const afterAck = createAfterAck();
    const order: string[] = [];
    await afterAck.run(
      async () => {
        await sleep(5);
        order.push('work');
      },
      () => order.push('error'),
    );
    order.push('returned');
    expect(order).toEqual(['work', 'returned']);
  });

  it('holds detached work while a request awaits its response, and runs it once the server is quiet', async () => {
    const afterAck = createAfterAck({ maxWaitMs: 10_000, quietMs: 1 });
    const h = await busyServer(afterAck);
    server = h.server;
    let ran = false;
    await afterAck.run(
      async () => {
        ran = true;
      },
      () => {},
    );
    await sleep(50);
    expect(ran).toBe(false);
    expect(afterAck.pending).toBe(1);
    h.held.shift()?.();
    await h.answered;
    await afterAck.drain();
    expect(ran).toBe(true);
    expect(afterAck.pending).toBe(0);
  });

  it('runs held work anyway once it has waited maxWaitMs (answers go out under sustained load)', async () => {
    const afterAck = createAfterAck({ maxWaitMs: 30, quietMs: 1 });
    const h = await busyServer(afterAck);
    server = h.server;
    const started = performance.now();
    let ranAt = 0;
    await afterAck.run(
      async () => {
        ranAt = performance.now();
      },
      () => {},
    );
    while (afterAck.pending > 0) await sleep(2);
    expect(ranAt - started).toBeGreaterThanOrEqual(25);
    expect(h.held).toHaveLength(1); // the request is still waiting: the work did not wait for it
    h.held.shift()?.();
  });

  it('reports a failure of detached work to onError and keeps going', async () => {
    const afterAck = createAfterAck();
    const h = await heldServer();
    server = h.server;
    afterAck.track(h.server);
    const errors: unknown[] = [];
    let second = false;
    await afterAck.run(
      () => Promise.reject(new Error('warehouse down')),
      (e) => errors.push(e),
    );
    await afterAck.run(
      async () => {
        second = true;
      },
      (e) => errors.push(e),
    );
    await afterAck.drain();
    expect(errors.map(String)).toEqual(['Error: warehouse down']);
    expect(second).toBe(true);
  });
  it('on shutdown, drain starts work still waiting for a quiet moment and waits for it', async () => {
    const afterAck = createAfterAck({ maxWaitMs: 60_000, quietMs: 1 });
    const h = await busyServer(afterAck);
    server = h.server;
    let ran = false;
    await afterAck.run(
      async () => {
        ran = true;
      },
      () => {},
    );
    await sleep(20);
    expect(ran).toBe(false);
    await afterAck.drain();
    expect(ran).toBe(true);
    h.held.shift()?.();
  });
});

describe('after-ack work once the tracked server is closed', () => {
  it('runs inline again (a later app with processBeforeResponse must finish its work before answering)', async () => {
    const afterAck = createAfterAck();
    const h = await heldServer();
    afterAck.track(h.server);
    await new Promise((r) => h.server.close(r));
    const order: string[] = [];
    await afterAck.run(
      async () => {
        order.push('work');
      },
      () => {},
    );
    order.push('returned');
    expect(order).toEqual(['work', 'returned']);
  });
});
