// What differs between the modes (embedded demo, self-hosted, cloud): the adapters each mode builds, and
// the UI pieces tests may swap. Everything else is the same code, built by src/runtime/services.ts.
import type { IncomingHttpHeaders } from 'node:http';
import type { Surface } from '../bot/app.js';
import type { HttpRoute } from '../bot/http.js';
import type { Clock } from '../clock.js';
import type { DashboardData } from '../dashboard/port.js';
import type { Snapshots } from '../dashboard/snapshot.js';
import type { ProcessorService, ScraperService } from '../recovery/ports.js';
import type { Services } from '../services.js';
import type { DocumentStore } from '../store/port.js';
import type { TaskQueue } from '../tasks/port.js';
import type { CallerCheck } from '../tasks/verify.js';
import type { Warehouse } from '../warehouse/port.js';

/** A task queue with a lifecycle: the local queue polls and must be stopped; Cloud Tasks only closes. */
export type ManagedTaskQueue = TaskQueue & { start?(): void; stop?(): Promise<void> };

/** The mode-specific pieces (embedded demo, self-hosted, cloud); everything else is the same code. */
export interface Adapters {
  readonly warehouse: Warehouse;
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly scraper: ScraperService;
  readonly processor: ProcessorService;
  /** Built once the bot's own URL is known: the local queue delivers to it. */
  makeTasks(botUrl: string): Promise<ManagedTaskQueue>;
  verifyTaskCaller(headers: IncomingHttpHeaders): CallerCheck | Promise<CallerCheck>;
  readonly slack: {
    readonly transport: 'http' | 'socket';
    readonly botToken: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    readonly slackApiUrl?: string;
    /** HTTP mode: listeners finish before the response (platforms that throttle CPU after it). */
    readonly processBeforeResponse?: boolean;
    readonly botId?: string;
    readonly botUserId?: string;
  };
  readonly alertChannel: string;
  /** Real time (node-cron) or the injected clock (demo, tests). */
  readonly scheduler: 'cron' | 'clock';
  /** A retry attempt's in-flight window in the clock's time. */
  readonly inFlightMs: number;
  readonly extraRoutes?: readonly HttpRoute[];
  /** An instance id for slot leases (hostname + pid in production). */
  readonly instanceId: string;
  close(): Promise<void>;
}

/** The Slack surfaces and the dashboards' data (kept apart so tests can swap them). */
export interface Ui {
  /** `snapshots`: what the warehouse reads of Home and the commands share (the composition root's one). */
  createData(services: Pick<Services, 'warehouse' | 'store' | 'config'>, snapshots: Snapshots): DashboardData;
  surfaces(services: Services): Surface[];
}
