import { CloudTasksClient } from '@google-cloud/tasks';
import * as grpc from '@grpc/grpc-js';
import { googleAuthLibrary } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { buildCreateTaskRequest, createCloudTasksQueue } from '../../src/tasks/cloud-tasks.js';
import type { Json } from '../../src/tasks/port.js';
import { describeTaskQueueContract } from './contract.js';
import { type CloudTasksDouble, startCloudTasksDouble } from './grpc-double.js';

const settings = {
  project: 'nba-props-platform',
  location: 'us-west2',
  queue: 'shotclock-recovery',
  baseUrl: 'https://shotclock.example.run.app',
  serviceAccountEmail: 'shotclock-tasks@nba-props-platform.iam.gserviceaccount.com',
};
const parent = 'projects/nba-props-platform/locations/us-west2/queues/shotclock-recovery';

/**
 * The real client, aimed at the double over plaintext gRPC. PassThroughClient keeps google-auth-library from
 * looking for credentials (it would probe the GCE metadata server on every client); taken from google-gax's
 * own copy of the library so its type matches the client's options.
 */
function realClient(port: number): CloudTasksClient {
  return new CloudTasksClient({
    servicePath: '127.0.0.1',
    port,
    sslCreds: grpc.credentials.createInsecure(),
    authClient: new googleAuthLibrary.PassThroughClient(),
  });
}

describeTaskQueueContract('Cloud Tasks (real client, gRPC double)', async () => {
  const double = await startCloudTasksDouble();
  const clock = new ManualClock('2026-01-20T09:00:00Z');
  const queue = createCloudTasksQueue({ ...settings, client: realClient(double.port), clock });
  return {
    queue,
    clock,
    async observe(name) {
      const t = double.created.find((c) => c.name === `${parent}/tasks/${name}`);
      if (!t) return undefined;
      return {
        route: t.url.slice(settings.baseUrl.length),
        body: JSON.parse(t.body.toString('utf8')) as Json,
        scheduleTime: t.scheduleTime,
      };
    },
    count: async () => double.created.length,
    async cleanup() {
      await queue.close();
      await double.stop();
    },
  };
});

describe('Cloud Tasks adapter', () => {
  let double: CloudTasksDouble;
  beforeAll(async () => {
    double = await startCloudTasksDouble();
  });
  afterAll(async () => {
    await double.stop();
  });

  it('sends the full task: resource name, POST to baseUrl+route, JSON body, OIDC token, microsecond time', async () => {
    const clock = new ManualClock('2026-01-20T09:00:00Z');
    const queue = createCloudTasksQueue({
      ...settings,
      baseUrl: `${settings.baseUrl}/`,
      client: realClient(double.port),
      clock,
    });
    const scheduleTime = new Date('2026-01-20T13:00:00.123Z');
    const result = await queue.enqueue({
      name: 'retry-bdl_box_scores-2026-01-19-1',
      route: '/tasks/retry',
      body: { item: 'bdl_box_scores_2026-01-19' },
      scheduleTime,
    });
    expect(result).toBe('created');
    const sent = double.created.at(-1);
    expect(sent).toMatchObject({
      parent,
      name: `${parent}/tasks/retry-bdl_box_scores-2026-01-19-1`,
      url: 'https://shotclock.example.run.app/tasks/retry',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json' },
      oidcToken: { serviceAccountEmail: settings.serviceAccountEmail, audience: settings.baseUrl },
    });
    expect(sent?.scheduleTime.toISOString()).toBe('2026-01-20T13:00:00.123Z');
    expect(JSON.parse(sent?.body.toString('utf8') ?? '')).toEqual({ item: 'bdl_box_scores_2026-01-19' });
    await queue.close();
  });

  it('maps ALREADY_EXISTS to exists but lets other gRPC errors through', async () => {
    const queue = createCloudTasksQueue({ ...settings, client: realClient(double.port) });
    const task = { name: 'dup-1', route: '/tasks/retry', body: null, scheduleTime: new Date() };
    const before = double.calls;
    expect(await queue.enqueue(task)).toBe('created');
    expect(await queue.enqueue(task)).toBe('exists');
    expect(double.calls - before).toBe(2); // the duplicate really reached the server
    // The double refuses a task whose name is not under its parent: INVALID_ARGUMENT must surface.
    const client = realClient(double.port);
    await expect(
      client.createTask({ parent, task: { name: 'projects/x/locations/y/queues/z/tasks/n' } }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await client.close();
    await queue.close();
  });

  it('sets an explicit audience and dispatch deadline when configured, and refuses one outside 15 s - 30 min', () => {
    const req = buildCreateTaskRequest(
      { ...settings, client: {} as never, audience: 'shotclock-tasks', dispatchDeadlineSeconds: 900 },
      { name: 'n', route: '/tasks/backfill', body: [1, 2], scheduleTime: new Date('2026-02-01T00:00:00.5Z') },
    );
    expect(req.task?.httpRequest?.oidcToken?.audience).toBe('shotclock-tasks');
    expect(req.task?.dispatchDeadline).toEqual({ seconds: 900 });
    expect(req.task?.scheduleTime).toEqual({
      seconds: Date.parse('2026-02-01T00:00:00Z') / 1000,
      nanos: 500_000_000,
    });
    expect(Buffer.from(String(req.task?.httpRequest?.body), 'base64').toString()).toBe('[1,2]');
    expect(() =>
      createCloudTasksQueue({ ...settings, client: {} as never, dispatchDeadlineSeconds: 5 }),
    ).toThrow(/15-1800/);
  });
});
