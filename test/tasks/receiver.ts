import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the local queue delivered. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type Responder = (req: Received, index: number) => number | Promise<number>;

/** An HTTP server on 127.0.0.1:0 standing in for the bot's /tasks/* routes. */
export interface Receiver {
  readonly baseUrl: string;
  readonly received: Received[];
  respond(responder: Responder): void;
  /** Requests for one task name (X-CloudTasks-TaskName). */
  forTask(name: string): Received[];
  stop(): Promise<void>;
}

export async function startReceiver(responder: Responder = () => 200): Promise<Receiver> {
  let respond = responder;
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      Promise.resolve(respond(r, received.length - 1)).then(
        (status) => res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`),
        () => res.writeHead(500).end('responder threw'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    respond(r) {
      respond = r;
    },
    forTask: (name) => received.filter((r) => r.headers['x-cloudtasks-taskname'] === name),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
