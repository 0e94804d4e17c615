// Checks on Slack's HTTP requests that Bolt 5.1's own verification leaves out, run in front of Bolt's
// HTTPReceiver (its public `requestListener`, which the receiver's server calls for every request):
//   - a timestamp more than 5 minutes in the future is refused like one 5 minutes in the past (Bolt only
//     refuses the past);
//   - a correctly signed request is answered once: the same signature again within the window gets an empty
//     200 and is not acted on (a replay, or a proxy sending it twice). Slack's own retries of an event
//     (X-Slack-Retry-Num) are sent anew, with their own timestamp and signature, so they pass: Slack retries
//     because it did not get a 2xx in time, and expects an answer. A request not answered with success (a
//     listener that never acked: 404 after Bolt's 3 s) is forgotten, so sending it again is processed again;
//   - an interaction without the fields Bolt and the listeners read before the ack (`user.id`, the clicked
//     action, the view) is a 400, instead of a TypeError inside Bolt (500, then an unhandled-request error).
// The body is buffered here and left on the request as `rawBody`, which Bolt reads instead of the stream;
// Bolt then verifies the signature again and answers what is not ours to decide (forged, stale, ssl_check,
// url_verification). Only requests with a valid signature are remembered, so unsigned traffic cannot fill
// the cache. The cache is per instance (each Cloud Run instance keeps its own).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, isRawBodyError, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '../log.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Slack's window for a request's timestamp, either way (docs: "verifying requests from Slack"). */
export const MAX_SKEW_SEC = 5 * 60;

export interface RequestGuardOptions {
  readonly signingSecret: string;
  /** Slack's endpoints on this server (Bolt's default: /slack/events). */
  readonly endpoints: readonly string[];
  /** Wall-clock milliseconds: Slack's timestamps are wall time, whatever clock the bot's work runs on. */
  readonly now: () => number;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  /** Bolt's body limit (4 MB). */
  readonly bodyLimit?: number;
  /** Signatures remembered at most (oldest dropped first). */
  readonly maxRemembered?: number;
}

/** Signatures answered within the window, each until its timestamp leaves the window. */
export class ReplayCache {
  private readonly expiry = new Map<string, number>();
  constructor(private readonly max = 50_000) {}

  /** True the first time a signature is seen (and remembers it until `untilSec`). */
  claim(signature: string, untilSec: number, nowSec: number): boolean {
    for (const [key, until] of this.expiry) {
      if (until >= nowSec && this.expiry.size < this.max) break;
      this.expiry.delete(key);
    }
    if (this.expiry.has(signature)) return false;
    this.expiry.set(signature, untilSec);
    return true;
  }

  forget(signature: string): void {
    this.expiry.delete(signature);
  }

  get size(): number {
    return this.expiry.size;
  }
}

/** Payload types whose Bolt source is `body.user.id` (src: Bolt's getTypeAndConversation and buildSource). */
const USER_PAYLOADS = new Set([
  'block_actions',
  'block_suggestion',
  'interactive_message',
  'dialog_submission',
  'message_action',
  'shortcut',
  'view_submission',
  'view_closed',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** What a signed interaction lacks that Bolt or the listeners read before the ack; undefined when complete. */
export function envelopeProblem(body: unknown): string | undefined {
  if (!isObject(body) || typeof body.type !== 'string' || !USER_PAYLOADS.has(body.type)) return undefined;
  if (!isObject(body.user) || typeof body.user.id !== 'string' || body.user.id === '')
    return `${body.type} without user.id`;
  if (body.type === 'block_actions') {
    const first = Array.isArray(body.actions) ? body.actions[0] : undefined;
    if (!isObject(first) || typeof first.action_id !== 'string') return 'block_actions without an action';
  }
  if (body.type === 'view_submission' || body.type === 'view_closed') {
    if (!isObject(body.view) || typeof body.view.callback_id !== 'string')
      return `${body.type} without a view and its callback_id`;
  }
  return undefined;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status).end();
}

/** Bolt's receiver listener with the checks above in front of its Slack endpoints. */
export function guardSlackRequests(listener: RequestListener, options: RequestGuardOptions): RequestListener {
  const seen = new ReplayCache(options.maxRemembered);
  const { log } = options;

  async function check(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, options.bodyLimit);
    } catch (error) {
      const tooLarge = isRawBodyError(error) && (error.type === 'entity.too.large' || error.status === 413);
      log.warn('Slack request refused: its body could not be read', { error: String(error) });
      answer(res, tooLarge ? 413 : 400);
      return false;
    }
    const raw = buffered.rawBody.toString();
    const signature = header(req, 'x-slack-signature');
    const timestamp = Number(header(req, 'x-slack-request-timestamp'));
    // Without both headers Bolt answers (401, or an ssl_check it does not sign).
    if (signature === undefined || !Number.isFinite(timestamp)) return true;
    const nowSec = Math.floor(options.now() / 1000);
    if (timestamp > nowSec + MAX_SKEW_SEC) {
      log.warn('Slack request refused: its timestamp is more than 5 minutes in the future', {
        aheadSec: timestamp - nowSec,
      });
      answer(res, 401);
      return false;
    }
    const signed = isValidSlackRequest({
      signingSecret: options.signingSecret,
      body: raw,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: options.now(),
    });
    // A forged or stale request is Bolt's to refuse (401, logged).
    if (!signed) return true;
    if (!seen.claim(signature, timestamp + MAX_SKEW_SEC, nowSec)) {
      log.warn('Slack request already answered: a replay, not acted on', {
        retryNum: header(req, 'x-slack-retry-num') ?? null,
      });
      answer(res, 200);
      return false;
    }
    res.once('finish', () => {
      if (res.statusCode >= 400) seen.forget(signature);
    });
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      return true; // Bolt answers a body it cannot parse with 400.
    }
    const problem = envelopeProblem(body);
    if (problem) {
      log.warn('Slack request refused: malformed interaction', { problem });
      answer(res, 400);
      return false;
    }
    return true;
  }

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method?.toUpperCase() !== 'POST' || !options.endpoints.includes(path)) {
      listener(req, res);
      return;
    }
    check(req, res)
      .then((pass) => {
        if (pass) listener(req, res);
      })
      .catch((error: unknown) => {
        log.warn('Slack request check failed', { error: String(error) });
        answer(res, 500);
      });
  };
}
