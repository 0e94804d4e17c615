// Everything the bot's code works with, built once by the composition root (src/runtime/services.ts).
// A function declares the slice it uses as `Pick<Services, …>` (and the configuration sections it reads
// with `ConfigOf<…>`); the root passes `services` itself, so nothing is repacked or renamed on the way
// down, and a test passes exactly the slice.
import type { IncidentMessages, Routing } from './alerts/port.js';
import type { ChatPort } from './chat/port.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { DashboardData } from './dashboard/port.js';
import type { Logger } from './log.js';
import type { ProcessorService, RecoveryVerifier, ScraperService } from './recovery/ports.js';
import type { DocumentStore } from './store/port.js';
import type { TaskQueue } from './tasks/port.js';
import type { TimeFormatter } from './views/types.js';
import type { Warehouse } from './warehouse/port.js';

/** Who may run the destructive actions (Backfill, Reset Breaker), and how replies point to them. */
export interface Operators {
  /** Listed user ids or members of the operator group; fails closed when Slack cannot say. */
  isOperator(userId: string): Promise<boolean>;
  /** `<@U…>` per operator id and `<!subteam^S…>` for the group: who a refused or exhausted reply names. */
  readonly mentions: readonly string[];
}

export interface Services {
  readonly config: Config;
  readonly warehouse: Warehouse;
  readonly store: DocumentStore;
  readonly tasks: TaskQueue;
  readonly chat: ChatPort;
  readonly clock: Clock;
  /** How instants are shown (Eastern time). */
  readonly fmt: TimeFormatter;
  readonly log: Logger;
  readonly scraper: ScraperService;
  readonly processor: ProcessorService;
  /** Reads a retry's effect in the warehouse (never trusts the service's own answer). */
  readonly verifier: RecoveryVerifier;
  /** What the dashboards read (slash commands, App Home, the digest). */
  readonly data: DashboardData;
  readonly operators: Operators;
  readonly routing: Routing;
  readonly incidentMessages: IncidentMessages;
  /**
   * How long a claimed retry attempt without an outcome counts as still running elsewhere, in the clock's
   * time: the service timeout plus a minute (scaled in the accelerated demo).
   */
  readonly inFlightMs: number;
  /** Aborted when the process stops: a run's remaining automatic actions wait for the next run. */
  readonly stopSignal: AbortSignal;
}

/** The configuration sections a function reads, as a slice of Services' `config`. */
export interface ConfigOf<K extends keyof Config> {
  readonly config: Pick<Config, K>;
}
