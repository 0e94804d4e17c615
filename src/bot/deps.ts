import type { ChatPort } from '../chat/port.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { DocumentStore } from '../store/port.js';
import type { RetryStatus } from '../store/retry-queue.js';
import type { TaskQueue } from '../tasks/port.js';
import type { DigestInput } from '../views/digest.js';
import type { HomeInput } from '../views/home.js';
import type {
  BreakerRow,
  PipelineHealthInput,
  RetryQueueRow,
  ScraperStatusRow,
  TimeFormatter,
} from '../views/types.js';
import type { Warehouse } from '../warehouse/port.js';

/**
 * What the dashboards (slash commands, App Home, the digest) read. Implemented on the Warehouse and the
 * Store by src/dashboard/data.ts; surfaces take it as a dependency so they are tested with plain rows.
 */
export interface DashboardData {
  scraperStatus(now: Date): Promise<ScraperStatusRow[]>;
  pipelineHealth(date: string, now: Date): Promise<PipelineHealthInput>;
  breakers(now: Date): Promise<BreakerRow[]>;
  retryQueue(status?: RetryStatus): Promise<RetryQueueRow[]>;
  /** Everything Home shows except `now`/`fmt`. */
  home(now: Date): Promise<Omit<HomeInput, 'now' | 'fmt'>>;
  /** The digest for the day before `now` (ET), except `now`/`fmt`. */
  digest(now: Date): Promise<Omit<DigestInput, 'now' | 'fmt'>>;
}

/** Everything the Slack surfaces and task routes need, built once by the runtime (src/runtime). */
export interface BotDeps {
  readonly config: Config;
  readonly store: DocumentStore;
  readonly warehouse: Warehouse;
  readonly tasks: TaskQueue;
  readonly chat: ChatPort;
  readonly clock: Clock;
  readonly fmt: TimeFormatter;
  readonly log: Logger;
  readonly data: DashboardData;
  readonly isOperator: (userId: string) => Promise<boolean>;
  /** Mentions for "needs a person" replies: `<@U…>` per operator id, `<!subteam^S…>` for the group. */
  readonly operatorMentions: readonly string[];
  /** Slack channel alerts go to (the digest too). */
  readonly alertChannel: string;
  /** Resolve the incident and edit its alert when a retry recovered it (idempotent). */
  readonly onRecovered: (incidentId: string) => Promise<void>;
  /** Re-render an incident's alert after ack/snooze/pause/retry state changes (idempotent). */
  readonly refreshAlert: (incidentId: string) => Promise<void>;
}
