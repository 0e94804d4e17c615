import { hostname } from 'node:os';
import { CloudTasksClient } from '@google-cloud/tasks';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createHttpProcessorService, createHttpScraperService } from '../recovery/http-services.js';
import type { ProcessorService, ScraperService } from '../recovery/ports.js';
import { createFirestoreStore } from '../store/firestore.js';
import { createCloudTasksQueue } from '../tasks/cloud-tasks.js';
import { createOidcVerifier, googleKeySource, verifyLocalTaskCaller } from '../tasks/verify.js';
import { createBigQueryWarehouse } from '../warehouse/bigquery.js';
import { openEmbedded } from './embedded.js';
import type { Logger } from './logger.js';
import type { Adapters } from './start.js';

const instanceId = () => `${hostname()}:${process.pid}`;

function slackOf(config: Config): Adapters['slack'] {
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

/** Cloud mode: BigQuery, Firestore, Cloud Tasks with OIDC-verified callbacks, the real scraper services. */
export async function cloudAdapters(config: Config): Promise<Adapters> {
  const gcp = config.gcp;
  const slack = config.slack;
  if (!gcp || !slack) throw new Error('cloud mode needs Slack and Google Cloud configuration');
  const store = createFirestoreStore({ projectId: gcp.projectId, databaseId: gcp.firestoreDatabaseId });
  const warehouse = createBigQueryWarehouse({ projectId: gcp.projectId, location: gcp.bigqueryLocation });
  const verify = createOidcVerifier({
    audience: gcp.tasksTargetUrl.replace(/\/+$/, ''),
    serviceAccountEmail: gcp.tasksServiceAccountEmail,
    keySource: googleKeySource(),
  });
  return {
    warehouse,
    store,
    clock: systemClock,
    scraper: createHttpScraperService({ url: gcp.scraperServiceUrl, token: gcp.scraperServiceToken }),
    processor: createHttpProcessorService({ url: gcp.processorServiceUrl, token: gcp.processorServiceToken }),
    async makeTasks() {
      return createCloudTasksQueue({
        client: new CloudTasksClient(),
        project: gcp.projectId,
        location: gcp.tasksLocation,
        queue: gcp.tasksQueue,
        baseUrl: gcp.tasksTargetUrl,
        serviceAccountEmail: gcp.tasksServiceAccountEmail,
      });
    },
    verifyTaskCaller: (headers) => verify(headers),
    slack: slackOf(config),
    alertChannel: slack.alertChannel,
    scheduler: 'cron',
    inFlightMs: config.recovery.scraperTimeoutMs + 60_000,
    instanceId: instanceId(),
    close: async () => {
      await store.close();
      await warehouse.close();
    },
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
