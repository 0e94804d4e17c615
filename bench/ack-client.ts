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

/** What the clients send: the /scrape-status command, or a click on a button (its action id and value). */
export type Interaction = { kind: 'command' } | { kind: 'click'; actionId: string; value: string };
export type ClientRequest =
  | { kind: 'load'; port: number; count: number; interaction: Interaction }
  | { kind: 'stop' };
export type ClientReply =
  | { kind: 'ready' }
  | { kind: 'loaded'; ms: number[]; failures: number }
  | { kind: 'stopped'; responses: number };

const sign = (ts: number, body: string) =>
  `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;

/**
 * Every request this process sends is unique (its trigger_id), as Slack's are: the bot answers a repeated
 * signed request once (a replay) and the bench must time real acks, not replay refusals.
 */
let requestsMade = 0;

/** The form body Slack posts for a slash command or a block_actions click. */
function formBody(interaction: Interaction, responseUrl: string): string {
  const n = ++requestsMade;
  if (interaction.kind === 'command') {
    return new URLSearchParams({
      token: 'x',
      team_id: 'T0BENCH',
      channel_id: 'C01ALERTS',
      user_id: 'U0BENCH',
      command: '/scrape-status',
      text: '',
      response_url: responseUrl,
      trigger_id: `t.${n}`,
    }).toString();
  }
  const actionTs = (Date.now() / 1000).toFixed(6);
  const payload = {
    type: 'block_actions',
    token: 'x',
    team: { id: 'T0BENCH' },
    user: { id: 'U0BENCH' },
    api_app_id: 'A0BENCH',
    trigger_id: `t.${n}`,
    response_url: responseUrl,
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C01ALERTS' },
    channel: { id: 'C01ALERTS' },
    message: { ts: '1700000000.000100', text: 'alert' },
    actions: [
      {
        type: 'button',
        action_id: interaction.actionId,
        block_id: 'b',
        value: interaction.value,
        action_ts: actionTs,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** `count` signed interactions from `CLIENTS` concurrent keep-alive clients; ms per request. */
async function load(
  agent: Agent,
  port: number,
  responseUrl: string,
  count: number,
  interaction: Interaction,
): Promise<{ ms: number[]; failures: number }> {
  const ms: number[] = [];
  let failures = 0;
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const body = formBody(interaction, responseUrl);
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
      send({
        kind: 'loaded',
        ...(await load(agent, message.port, responseUrl, message.count, message.interaction)),
      });
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
