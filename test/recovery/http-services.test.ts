import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withTimeout } from '../../src/recovery/handle-retry-task.js';
import { createHttpProcessorService, createHttpScraperService } from '../../src/recovery/http-services.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  auth: string | undefined;
  body: unknown;
}
let server: Server;
let base: string;
let seen: Seen[];
let answer: (req: IncomingMessage) => { status: number; body: string; delayMs?: number };

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => resolve(text));
  });

beforeEach(async () => {
  seen = [];
  server = createServer(async (req, res) => {
    const text = await read(req);
    seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(text) });
    const a = answer(req);
    setTimeout(() => {
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body);
    }, a.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const signal = () => new AbortController().signal;

describe('HTTP scraper and processor services', () => {
  it('POSTs /scrape with the Bearer token and reads status and records', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ status: 'success', records: 212, extra: 1 }) });
    const scraper = createHttpScraperService({ url: base, token: 'tok' });
    const result = await scraper.scrape(
      { scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } },
      { signal: signal() },
    );
    expect(result).toEqual({ status: 'success', records: 212 });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/scrape',
        auth: 'Bearer tok',
        body: { scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } },
      },
    ]);
  });

  it('POSTs /run-processor with the attempt; records_processed counts as records', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ status: 'success', records_processed: 250 }) });
    const processor = createHttpProcessorService({ url: base.slice(0, -1), token: 't2' });
    const result = await processor.run(
      { processor_name: 'upcoming_player_game_context', game_date: '2026-01-19', attempt: 2 },
      { signal: signal() },
    );
    expect(result).toEqual({ status: 'success', records: 250 });
    expect(seen[0]?.url).toBe('/run-processor');
    expect(seen[0]?.body).toEqual({
      processor_name: 'upcoming_player_game_context',
      game_date: '2026-01-19',
      attempt: 2,
    });
  });

  it('non-2xx and non-JSON answers throw with the status; an error status keeps its message', async () => {
    const scraper = createHttpScraperService({ url: base, token: 'tok' });
    const req = { scraper_name: 'x', params: { date: '2026-01-19' } };
    answer = () => ({ status: 502, body: 'upstream timeout' });
    await expect(scraper.scrape(req, { signal: signal() })).rejects.toThrow(
      '/scrape answered HTTP 502: upstream timeout',
    );
    answer = () => ({ status: 200, body: '<html>' });
    await expect(scraper.scrape(req, { signal: signal() })).rejects.toThrow(/not JSON/);
    answer = () => ({ status: 200, body: JSON.stringify({ status: 'error', message: 'proxy blocked' }) });
    expect(await scraper.scrape(req, { signal: signal() })).toEqual({
      status: 'error',
      records: null,
      error: 'proxy blocked',
    });
  });

  it('a slow service is aborted at the timeout', async () => {
    answer = () => ({ status: 200, body: '{}', delayMs: 2_000 });
    const scraper = createHttpScraperService({ url: base, token: 'tok' });
    const started = Date.now();
    await expect(
      withTimeout(100, (s) =>
        scraper.scrape({ scraper_name: 'x', params: { date: '2026-01-19' } }, { signal: s }),
      ),
    ).rejects.toThrow('timed out after 100 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
