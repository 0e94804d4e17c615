// The load side of the ack latency case, in a process of its own so that the clients do not share the
// measured app's event loop. Slack's side of response_url is a third process (`--sink`): were it here, the
// bot's answers would queue on the clients' event loop and inflate the bot's measured acks, not the bare
// app's. Driven over IPC by bench/ack-latency.ts:
// { kind: 'load', port, count } -> { kind: 'loaded', ms, failures }; { kind: 'stop' } -> { kind: 'stopped', responses }.
import { createHmac } from 'node:crypto';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SECRET = 'bench-signing-secret';
export const CLIENTS = 50;

export type ClientRequest = { kind: 'load'; port: number; count: number } | { kind: 'stop' };
export type ClientReply =
  | { kind: 'ready' }
  | { kind: 'loaded'; ms: number[]; failures: number }
  | { kind: 'stopped'; responses: number };

const sign = (ts: number, body: string) =>
  `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;

/** `count` signed slash commands from `CLIENTS` concurrent keep-alive clients; ms per request. */
async function load(
  agent: Agent,
  port: number,
  responseUrl: string,
  count: number,
): Promise<{ ms: number[]; failures: number }> {
  const ms: number[] = [];
  let failures = 0;
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const body = new URLSearchParams({
        token: 'x',
        team_id: 'T0BENCH',
        channel_id: 'C01ALERTS',
        user_id: 'U0BENCH',
        command: '/scrape-status',
        text: '',
        response_url: responseUrl,
        trigger_id: `t.${sent}`,
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const started = performance.now();
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/slack/events',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': sign(ts, body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) ms.push(performance.now() - started);
            else failures++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    });
  const client = async () => {
    while (sent < count) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { ms, failures };
}

/** Slack's side of respond(): counts the answers posted to response_url; its URL goes to the parent. */
async function sinkMain(): Promise<void> {
  let responses = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      responses++;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  process.on('message', () => {
    sink.close();
    process.send?.({ kind: 'stopped', responses });
    process.disconnect();
  });
  process.send?.({ kind: 'sink', url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/response` });
}

async function main(responseUrl: string): Promise<void> {
  const send = (reply: ClientReply) => process.send?.(reply);
  // One keep-alive agent per target app, kept across rounds (connections are made in the warm-up).
  const agents = new Map<number, Agent>();
  process.on('message', async (message: ClientRequest) => {
    if (message.kind === 'load') {
      let agent = agents.get(message.port);
      if (!agent) {
        agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
        agents.set(message.port, agent);
      }
      send({ kind: 'loaded', ...(await load(agent, message.port, responseUrl, message.count)) });
    } else {
      for (const agent of agents.values()) agent.destroy();
      send({ kind: 'stopped', responses: 0 });
      process.disconnect();
    }
  });
  send({ kind: 'ready' });
}

const responseUrlArg = process.argv.find((a) => a.startsWith('--response-url='));
if (process.send) {
  if (process.argv.includes('--sink')) await sinkMain();
  else await main(responseUrlArg?.slice('--response-url='.length) ?? 'http://127.0.0.1:9/none');
}
