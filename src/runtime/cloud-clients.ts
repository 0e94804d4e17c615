// The Google clients of cloud mode, with the optional endpoint overrides for testing and self-hosting
// (FIRESTORE_EMULATOR_HOST, BIGQUERY_API_URL, CLOUD_TASKS_API_ENDPOINT): a local emulator or double speaks
// plaintext and takes no credentials, so the clients must neither use TLS nor look for Google credentials.
import { BigQuery } from '@google-cloud/bigquery';
import { Firestore } from '@google-cloud/firestore';
import { CloudTasksClient } from '@google-cloud/tasks';
import type { GcpConfig } from '../config.js';

/** A Firestore client for the emulator, or undefined: the store then builds its own for Google's endpoint. */
export function emulatorFirestore(gcp: GcpConfig): Firestore | undefined {
  if (!gcp.firestoreEmulatorHost) return undefined;
  return new Firestore({
    projectId: gcp.projectId,
    databaseId: gcp.firestoreDatabaseId,
    host: gcp.firestoreEmulatorHost,
    ssl: false,
    ignoreUndefinedProperties: true,
  });
}

/**
 * A BigQuery client for BIGQUERY_API_URL, or undefined (the warehouse then builds its own for Google's).
 * The client would still ask Google for credentials (the metadata server, ADC) before every query, which a
 * double neither needs nor should receive: google-auth-library's PassThroughClient sends none.
 */
export async function overriddenBigQuery(gcp: GcpConfig): Promise<BigQuery | undefined> {
  if (!gcp.bigqueryApiUrl) return undefined;
  const { PassThroughClient } = await import('google-auth-library');
  return new BigQuery({
    projectId: gcp.projectId,
    location: gcp.bigqueryLocation,
    apiEndpoint: gcp.bigqueryApiUrl.replace(/\/+$/, ''),
    // As the warehouse's own client: it retries transient failures itself, each with a new job.
    autoRetry: false,
    authClient: new PassThroughClient() as never,
  });
}

/** Cloud Tasks' client: Google's endpoint with the service's credentials, or a plaintext local endpoint. */
export async function cloudTasksClient(gcp: GcpConfig): Promise<CloudTasksClient> {
  const endpoint = gcp.cloudTasksApiEndpoint;
  if (!endpoint) return new CloudTasksClient();
  const at = endpoint.lastIndexOf(':');
  // google-gax comes with @google-cloud/tasks; its grpc module makes the plaintext channel credentials,
  // which also keep the client from asking for Google credentials. Loaded only when the override is set.
  const { grpc } = await import('google-gax');
  return new CloudTasksClient({
    servicePath: endpoint.slice(0, at),
    port: Number(endpoint.slice(at + 1)),
    sslCreds: grpc.credentials.createInsecure(),
  });
}
