// Slices of Services for tests: a logger that keeps its lines, the default configuration with sections
// overridden, and the incident messages on a test's store.

import type { ChatPort } from '../../src/chat/port.js';
import type { Clock } from '../../src/clock.js';
import { type Config, readConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createIncidentMessages } from '../../src/pipeline/incident-messages.js';
import type { AutoHealPolicy } from '../../src/recovery/policies.js';
import type { DocumentStore } from '../../src/store/port.js';
import { zonedFormatter } from '../../src/views/format.js';

/** A logger whose lines (pretty, without timestamps' meaning) are kept in `lines`. */
export function testLogger(
  level: 'debug' | 'info' | 'warn' | 'error' = 'debug',
): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ level, format: 'pretty', secrets: [], write: (l) => lines.push(l) });
  return Object.assign(log, { lines });
}

/** The configuration with nothing set (the demo's defaults), with whole sections replaced. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...readConfig({}), ...overrides };
}

/** The default recovery settings with some replaced. */
export function recoveryConfig(overrides: Partial<Config['recovery']> = {}): Pick<Config, 'recovery'> {
  return { recovery: { ...readConfig({}).recovery, ...overrides } };
}

/** The incident messages a test's store and chat show, with these auto-heal policies. */
export function testIncidentMessages(
  deps: { store: DocumentStore; chat: ChatPort; clock: Clock },
  policies: readonly AutoHealPolicy[] = [],
) {
  return createIncidentMessages({
    ...deps,
    fmt: zonedFormatter(),
    config: { autoHeal: { ...readConfig({}).autoHeal, policies } },
  });
}
