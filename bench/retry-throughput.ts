// Case 3, retry throughput: 10,000 due retry-queue items (createOrJoin on the embedded DuckDB store), each
// run once through handleRetryTask at bounded concurrency against a scraper service that answers in 50 ms.
// Half recover (the fake verifier sees all records), half fail and enqueue their next attempt; every outcome
// replies in its incident's thread through an in-bench fake ChatPort (50 incidents, 200 items each).
// Reports items/s vs the ideal (concurrency / 50 ms) and RSS sampled during the run (start / peak / end).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { IncidentMessages } from '../src/alerts/port.js';
import type { ChatPort, OutgoingMessage, PostedMessage } from '../src/chat/port.js';
import { systemClock } from '../src/clock.js';
import { createLogger } from '../src/log.js';
import { handleRetryTask, type RetryTaskServices } from '../src/recovery/handle-retry-task.js';
import type { RecoveryTask, ScraperService, ServiceResult } from '../src/recovery/ports.js';
import { createDuckDbStore } from '../src/store/duckdb.js';
import * as incidents from '../src/store/incidents.js';
import * as retryQueue from '../src/store/retry-queue.js';
import { zonedFormatter } from '../src/views/format.js';
import { type BenchResult, collectGarbage, fmt, log, sampleRss } from './lib.js';

/** The target count (10,000 items), and the default run's count. */
export const FULL_ITEMS = 10_000;
/**
 * Since the embedded store commits concurrent transactions in groups (and caches what it read), 10,000
 * items take about a minute here (they took ~7 min before, when every transaction committed on its own).
 */
export const DEFAULT_ITEMS = FULL_ITEMS;
const SCRAPERS = 50;
/** Incidents the items reply under. */
const CONCURRENCY = 32;
const SERVICE_MS = 50;
/** Keeps the default bench bounded on a slow machine: items not started by then are reported as not done. */
const DEFAULT_BUDGET_MS = 150_000;
const CHANNEL = 'C01ALERTS';

/** The smallest ChatPort: remembers posts so replies land "in Slack" without a network. */
class BenchChat implements ChatPort {
  posts = 0;
  async post(message: OutgoingMessage): Promise<PostedMessage> {
    this.posts++;
    return { channel: message.channel, ts: `1700000000.${String(this.posts).padStart(6, '0')}` };
  }
  async update(): Promise<void> {}
  async findByIntent(): Promise<PostedMessage | undefined> {
    return undefined;
  }
  async uploadImage(): Promise<{ shared: boolean }> {
    return { shared: false };
  }
}

/**
 * The incident messages, without the alert edits: the bench measures the attempts and their thread
 * replies (recovered and exhausted items edit no alert here).
 */
const noAlertEdits: IncidentMessages = {
  alert: () => ({ text: 'alert' }),
  reply: () => undefined,
  refresh: async () => {},
  resolveRecovered: async () => {},
};

const dateOf = (i: number) => new Date(Date.UTC(2025, 9, 21) + i * 86_400_000).toISOString().slice(0, 10);

export async function benchRetryThroughput(
  options: { items?: number; budgetMs?: number } = {},
): Promise<BenchResult[]> {
  const ITEMS = options.items ?? DEFAULT_ITEMS;
  const BUDGET_MS = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-bench-retry-'));
  const instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));
  const store = await createDuckDbStore(await instance.connect());
  try {
    const chat = new BenchChat();
    const now = new Date();
    const setupStarted = performance.now();
    // The scrapers' items are created side by side (the store batches concurrent transactions).
    const perScraper = await Promise.all(
      Array.from({ length: SCRAPERS }, async (_, s) => {
        const scraper = `bench_scraper_${String(s).padStart(2, '0')}`;
        const { incident } = await incidents.open(store, {
          finding: {
            check: 'scraper_gaps',
            key: `scraper_gaps:${scraper}`,
            severity: 'error',
            title: `${scraper} missed runs`,
            subject: { scraper },
            facts: {},
            actions: [],
          },
          now,
          rootIncidentId: null,
        });
        await incidents.update(store, incident.id, {
          message: await chat.post({ channel: CHANNEL, text: 'alert' }),
        });
        const mine: string[] = [];
        for (let d = 0; d < Math.ceil(ITEMS / SCRAPERS); d++) {
          const { item } = await retryQueue.createOrJoin(store, {
            kind: 'scraper',
            name: scraper,
            date: dateOf(d),
            reason: 'bench',
            originalError: 'HTTP 500',
            expectedRecords: 9,
            nextRetryAt: new Date(now.getTime() - 60_000),
            incidentId: incident.id,
            now,
          });
          mine.push(item.doc_id);
        }
        return mine;
      }),
    );
    // Interleaved, so the workers take items of every scraper and incident alike.
    const ids: string[] = [];
    for (let d = 0; d < Math.ceil(ITEMS / SCRAPERS); d++)
      for (const mine of perScraper) if (mine[d]) ids.push(mine[d] as string);
    log(
      `  retry throughput: ${ids.length} due items created in ${fmt((performance.now() - setupStarted) / 1000)} s`,
    );

    let calls = 0;
    const scraper: ScraperService = {
      scrape: (request) =>
        new Promise<ServiceResult>((resolve) => {
          calls++;
          setTimeout(() => resolve({ status: 'success', records: 9 }), SERVICE_MS);
          void request;
        }),
    };
    const enqueued: RecoveryTask[] = [];
    const deps: RetryTaskServices = {
      store,
      chat,
      clock: systemClock,
      tasks: {
        enqueue: async (task) => {
          enqueued.push(task);
          return 'created';
        },
        close: async () => {},
      },
      scraper,
      processor: { run: async () => ({ status: 'success', records: 0 }) },
      // Marking recovered scrape events is one DML statement per recovery; the bench times the queue, not it.
      warehouse: {
        engine: 'duckdb',
        query: async () => [],
        execute: async () => 0,
        ping: async () => {},
        close: async () => {},
      },
      // Even dates recover, odd dates stay short and get their next attempt scheduled.
      verifier: {
        verify: async (_kind, _name, date) => ({
          received: Number(date.slice(-1)) % 2 === 0 ? 9 : 3,
          expected: 9,
          unit: 'games',
        }),
      },
      config: {
        recovery: {
          backoffHours: [4, 12, 24],
          processorBackoffMinutes: [30, 30, 30],
          scraperTimeoutMs: 30_000,
          backfillMaxDays: 14,
        },
      },
      // The service timeout plus a minute, as the runtime sets it.
      inFlightMs: 30_000 + 60_000,
      fmt: zonedFormatter(),
      operators: { isOperator: async () => false, mentions: [] },
      incidentMessages: noAlertEdits,
      // Silent: recovery logs at info, which would print a line per item.
      log: createLogger({ level: 'error', format: 'json', secrets: [], write: () => {} }),
    };

    const postsBefore = chat.posts;
    const results = new Map<string, number>();
    let next = 0;
    let errors = 0;
    // Where the memory is, after a full GC: the JS heap, and DuckDB's own (its buffer pool keeps the
    // store's pages; it is native memory, part of RSS but not of the heap).
    const inspect = await instance.connect();
    const memoryNow = async () => {
      collectGarbage();
      const reader = await inspect.runAndReadAll(
        'SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()',
      );
      const duckdbBytes = Number(reader.getRowObjects()[0]?.b ?? 0);
      return { heapMb: process.memoryUsage().heapUsed / 1_048_576, duckdbMb: duckdbBytes / 1_048_576 };
    };
    const memoryBefore = await memoryNow();
    const rss = sampleRss(25);
    const started = performance.now();
    const worker = async () => {
      while (next < ids.length && performance.now() - started < BUDGET_MS) {
        const itemId = ids[next++] as string;
        try {
          const response = await handleRetryTask(deps, { itemId, attempt: 1, taskName: `bench-${itemId}-1` });
          const key = `${response.status} ${response.body.result} ${response.body.outcome ?? ''}`;
          results.set(key, (results.get(key) ?? 0) + 1);
        } catch (error) {
          errors++;
          if (errors <= 3) log(`  retry error: ${String(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsedMs = performance.now() - started;
    const mem = rss.stop();
    const memoryAfter = await memoryNow();
    inspect.closeSync();
    const done = [...results.values()].reduce((a, b) => a + b, 0);
    const perSecond = done / (elapsedMs / 1000);
    const ideal = CONCURRENCY / (SERVICE_MS / 1000);
    const outcomes = [...results].map(([k, n]) => `${k.trim()}: ${n}`).join(', ');
    log(
      `  retry throughput: ${done}/${ids.length} in ${fmt(elapsedMs / 1000)} s = ${fmt(perSecond)} items/s (ideal ${ideal}); ` +
        `RSS start ${fmt(mem.startMb)} MB, peak ${fmt(mem.peakMb)} MB, end ${fmt(mem.endMb)} MB`,
    );
    const notes = [
      `${done} of ${ids.length} items in ${fmt(elapsedMs / 1000)} s at concurrency ${CONCURRENCY}: ${fmt(perSecond)} items/s vs ideal ${ideal} items/s (${CONCURRENCY} / ${SERVICE_MS} ms); ratio = ideal / measured`,
      `outcomes: ${outcomes}; errors ${errors}; service calls ${calls}; next attempts enqueued ${enqueued.length}; thread replies ${chat.posts - postsBefore}`,
      `RSS start ${fmt(mem.startMb)} MB, peak ${fmt(mem.peakMb)} MB, end ${fmt(mem.endMb)} MB (sampled every 25 ms)`,
      `after a full GC, JS heap ${fmt(memoryBefore.heapMb)} → ${fmt(memoryAfter.heapMb)} MB; DuckDB's own memory (duckdb_memory()) ${fmt(memoryBefore.duckdbMb)} → ${fmt(memoryAfter.duckdbMb)} MB`,
      ...(done < ids.length ? [`stopped at the ${BUDGET_MS / 1000} s budget`] : []),
      ...(ids.length < FULL_ITEMS ? [`${ids.length} items, not ${FULL_ITEMS}`] : []),
    ];
    return [
      {
        case: `retry throughput, ${ids.length} items @${CONCURRENCY}`,
        measured: perSecond,
        baseline: ideal,
        unit: 'items/s',
        ratio: ideal / perSecond,
        notes,
        details: {
          done,
          items: ids.length,
          elapsedMs,
          errors,
          calls,
          enqueued: enqueued.length,
          results: Object.fromEntries(results),
          rss: mem,
          memoryBefore,
          memoryAfter,
        },
      },
      {
        case: 'retry throughput: peak RSS vs start',
        measured: mem.peakMb,
        baseline: mem.startMb,
        unit: 'MB',
        ratio: mem.peakMb / mem.startMb,
      },
    ];
  } finally {
    await store.close();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
