// Cloud mode's adapters: BigQuery, Firestore, Cloud Tasks with OIDC-verified callbacks and the real
// scraper services. A module of its own, loaded only in cloud mode: the Google clients cost ~40 MB of
// memory and most of a second of start-up that the demo and self-hosted modes have no use for.
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createHttpProcessorService, createHttpScraperService } from '../recovery/http-services.js';
import { createFirestoreStore } from '../store/firestore.js';
import { createCloudTasksQueue } from '../tasks/cloud-tasks.js';
import { createOidcVerifier, googleKeySource } from '../tasks/oidc.js';
import { createBigQueryWarehouse } from '../warehouse/bigquery.js';
import type { Adapters } from './adapters.js';
import { cloudTasksClient, emulatorFirestore, overriddenBigQuery } from './cloud-clients.js';
import { instanceId, slackOf } from './production.js';

/** Cloud mode: BigQuery, Firestore, Cloud Tasks with OIDC-verified callbacks, the real scraper services. */
export async function cloudAdapters(config: Config): Promise<Adapters> {
  const gcp = config.gcp;
  const slack = config.slack;
  if (!gcp || !slack) throw new Error('cloud mode needs Slack and Google Cloud configuration');
  // The endpoint overrides (testing, self-hosting) point the clients at local emulators and doubles.
  const firestore = emulatorFirestore(gcp);
  const bigquery = await overriddenBigQuery(gcp);
  const store = createFirestoreStore({
    projectId: gcp.projectId,
    databaseId: gcp.firestoreDatabaseId,
    ...(firestore ? { firestore } : {}),
  });
  const warehouse = createBigQueryWarehouse({
    projectId: gcp.projectId,
    location: gcp.bigqueryLocation,
    maxBytesBilled: gcp.bigqueryMaxBytesBilled,
    ...(bigquery ? { client: bigquery } : {}),
  });
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
        client: await cloudTasksClient(gcp),
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
      await firestore?.terminate();
      await warehouse.close();
    },
  };
}
