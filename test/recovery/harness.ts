// Test doubles for the recovery loop: a task queue that records named tasks and lets the test deliver them,
// a scraper service scripted to fail then recover (it writes what the verifier later reads), a warehouse that
// takes DML only, a logger that keeps messages, and an incident whose alert is posted in a FakeChat.
import { ManualClock } from '../../src/clock.js';
import type { Finding } from '../../src/jobs/finding.js';
import type { Logger } from '../../src/log.js';
import type {
  CallOptions,
  ProcessorRequest,
  RecoveryTask,
  RecoveryVerifier,
  ScrapeRequest,
  ServiceResult,
} from '../../src/recovery/ports.js';
import * as incidents from '../../src/store/incidents.js';
import type { DocumentStore } from '../../src/store/port.js';
import type { TaskQueue } from '../../src/tasks/port.js';
import { zonedFormatter } from '../../src/views/format.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';

export class FakeTaskQueue implements TaskQueue {
  readonly tasks: RecoveryTask[] = [];
  enqueueCalls = 0;
  async enqueue(task: RecoveryTask): Promise<'created' | 'exists'> {
    this.enqueueCalls++;
    if (this.tasks.some((t) => t.name === task.name)) return 'exists';
    this.tasks.push(task);
    return 'created';
  }
  byRoute(route: string): RecoveryTask[] {
    return this.tasks.filter((t) => t.route === route);
  }
  last(): RecoveryTask {
    const task = this.tasks.at(-1);
    if (!task) throw new Error('no task enqueued');
    return task;
  }
  async close(): Promise<void> {}
}

/** A warehouse whose DML goes to `execute` (Reset Breaker); recovery reads nothing else from it. */
export function dmlWarehouse(execute: Warehouse['execute']): Warehouse {
  return {
    engine: 'duckdb',
    query: async () => {
      throw new Error('recovery tests run no warehouse queries');
    },
    execute,
    ping: async () => {},
    close: async () => {},
  };
}

/** A logger that keeps the messages logged (any level, without their fields) in `messages`. */
export function messageLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (message: string) => {
    messages.push(message);
  };
  const log: Logger & { messages: string[] } = {
    messages,
    debug: keep,
    info: keep,
    warn: keep,
    error: keep,
    child: () => log,
  };
  return log;
}

/** What the warehouse holds: received records per `name|date`; expected per `name|date`. */
export class FakeWarehouseState implements RecoveryVerifier {
  readonly received = new Map<string, number>();
  readonly expected = new Map<string, number>();
  /** Unit per name; `games` unless set. */
  readonly units = new Map<string, string>();
  verifyCalls = 0;
  async verify(_kind: string, name: string, date: string) {
    this.verifyCalls++;
    const key = `${name}|${date}`;
    return {
      received: this.received.get(key) ?? 0,
      expected: this.expected.get(key) ?? null,
      unit: this.units.get(name) ?? 'games',
    };
  }
}

/** A scraper that lands `script[n]` records on its n-th call (or throws when the entry is an Error). */
export class ScriptedScraper {
  readonly calls: (ScrapeRequest | ProcessorRequest)[] = [];
  constructor(
    private readonly warehouse: FakeWarehouseState,
    private readonly script: readonly (number | Error)[],
    private readonly clock?: ManualClock,
    /** Simulated run time of one call (the clock is moved by it). */
    private readonly takesMs = 0,
  ) {}
  async scrape(request: ScrapeRequest, _options: CallOptions): Promise<ServiceResult> {
    return this.land(request, request.scraper_name, request.params.date);
  }
  async run(request: ProcessorRequest, _options: CallOptions): Promise<ServiceResult> {
    return this.land(request, request.processor_name, request.game_date);
  }
  private land(request: ScrapeRequest | ProcessorRequest, name: string, date: string): ServiceResult {
    const step = this.script[Math.min(this.calls.length, this.script.length - 1)];
    this.calls.push(request);
    this.clock?.advance(this.takesMs);
    if (step instanceof Error) throw step;
    this.warehouse.received.set(`${name}|${date}`, step ?? 0);
    return { status: 'success', records: step ?? 0 };
  }
}

export const ET = zonedFormatter();

export function gapFinding(name = 'bdl_box_scores', date = '2026-01-19'): Finding {
  return {
    check: 'source_discrepancy',
    key: `source_discrepancy:${name}:${date}`,
    severity: 'error',
    title: `${name} missing games on ${date}`,
    subject: { scraper: name, date },
    facts: { bdl_games: 6, nbac_games: 9 },
    actions: [{ kind: 'retry', scraper: name, date }],
  };
}

/** An open incident whose alert is posted in the channel, as deliverRun leaves it. */
export async function postedIncident(
  store: DocumentStore,
  chat: FakeChat,
  now: Date,
  finding: Finding = gapFinding(),
): Promise<{ incidentId: string; alertTs: string }> {
  const { incident } = await incidents.open(store, { finding, now });
  const message = await chat.post({ channel: 'C_ALERTS', text: finding.title }, `post:${incident.id}`);
  await incidents.update(store, incident.id, { message });
  return { incidentId: incident.id, alertTs: message.ts };
}

export async function setup(start = '2026-01-20T05:00:00Z') {
  const { store, cleanup } = await tempDuckDbStore();
  const clock = new ManualClock(start);
  const chat = new FakeChat();
  const tasks = new FakeTaskQueue();
  const warehouse = new FakeWarehouseState();
  return { store, cleanup, clock, chat, tasks, warehouse };
}
