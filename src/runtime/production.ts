import { hostname } from 'node:os';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ProcessorService, ScraperService } from '../recovery/ports.js';
import { verifyLocalTaskCaller } from '../tasks/verify.js';
import type { Adapters } from './adapters.js';
import { openEmbedded } from './embedded.js';

export const instanceId = () => `${hostname()}:${process.pid}`;

export function slackOf(config: Config): Adapters['slack'] {
  const slack = config.slack;
  if (!slack) throw new Error('Slack is not configured');
  return {
    transport: slack.socketMode ? 'socket' : 'http',
    processBeforeResponse: slack.processBeforeResponse,
    botToken: slack.botToken,
    ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
    ...(slack.appToken ? { appToken: slack.appToken } : {}),
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
  };
}

/** No scraper service is configured in self-hosted mode: say what to set instead of failing obscurely. */
const unconfigured = (what: string): ScraperService & ProcessorService => {
  const fail = async () => {
    throw new Error(`${what} is not configured (set SCRAPER_SERVICE_URL and SCRAPER_SERVICE_TOKEN)`);
  };
  return { scrape: fail, run: fail };
};

/** Self-hosted mode: real Slack (HTTP or Socket Mode) on the embedded DuckDB warehouse, store and queue. */
export async function selfHostedAdapters(config: Config, log: Logger, secret: string): Promise<Adapters> {
  const slack = config.slack;
  if (!slack) throw new Error('self-hosted mode needs Slack configuration');
  const embedded = await openEmbedded(config.embedded.dbPath);
  const services = unconfigured('the scraper service');
  return {
    warehouse: embedded.warehouse,
    store: embedded.store,
    clock: systemClock,
    scraper: services,
    processor: services,
    makeTasks: (url) => embedded.makeTasks(url, systemClock, secret, log),
    verifyTaskCaller: (headers) => verifyLocalTaskCaller(headers, secret),
    slack: slackOf(config),
    alertChannel: slack.alertChannel,
    scheduler: 'cron',
    inFlightMs: config.recovery.scraperTimeoutMs + 60_000,
    instanceId: instanceId(),
    close: () => embedded.close(),
  };
}
