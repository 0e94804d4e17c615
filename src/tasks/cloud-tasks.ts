import type { CloudTasksClient, protos } from '@google-cloud/tasks';
import { type Clock, systemClock } from '../clock.js';
import { assertValidTask, type TaskQueue, type TaskRequest } from './port.js';

type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

/** gRPC status ALREADY_EXISTS: the task name is taken (queued, or ran less than ~1 h ago). */
const ALREADY_EXISTS = 6;

export interface CloudTasksQueueOptions {
  /** Built by main.ts (or a test pointing it at a gRPC double); closed by close(). */
  readonly client: Pick<CloudTasksClient, 'createTask' | 'close'>;
  readonly project: string;
  readonly location: string;
  readonly queue: string;
  /** Public base URL of the bot (TASKS_TARGET_URL); a task calls baseUrl + route. */
  readonly baseUrl: string;
  /** Service account Cloud Tasks mints the OIDC token as; /tasks/* accepts only it. */
  readonly serviceAccountEmail: string;
  /** OIDC audience; defaults to baseUrl (without a trailing slash) so one verifier serves every /tasks/* route. */
  readonly audience?: string;
  /** Only for the 30-day check; Cloud Tasks itself runs on real time. */
  readonly clock?: Clock;
  /** Cloud Tasks' HTTP dispatch deadline (15 s - 30 min, default 10 min when unset). */
  readonly dispatchDeadlineSeconds?: number;
}

export function queuePath(project: string, location: string, queue: string): string {
  return `projects/${project}/locations/${location}/queues/${queue}`;
}

/** The CreateTask request for a task: pure, so its shape is testable without a server. */
export function buildCreateTaskRequest(
  options: CloudTasksQueueOptions,
  task: TaskRequest,
): CreateTaskRequest {
  const parent = queuePath(options.project, options.location, options.queue);
  const ms = task.scheduleTime.getTime();
  const seconds = Math.floor(ms / 1000);
  const deadline = options.dispatchDeadlineSeconds;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    parent,
    task: {
      name: `${parent}/tasks/${task.name}`,
      scheduleTime: { seconds, nanos: (ms - seconds * 1000) * 1_000_000 },
      ...(deadline === undefined ? {} : { dispatchDeadline: { seconds: deadline } }),
      httpRequest: {
        url: `${baseUrl}${task.route}`,
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(task.body), 'utf8').toString('base64'),
        oidcToken: {
          serviceAccountEmail: options.serviceAccountEmail,
          audience: options.audience ?? baseUrl,
        },
      },
    },
  };
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** TaskQueue on Google Cloud Tasks: named HTTP tasks with an explicit schedule_time and an OIDC token. */
export function createCloudTasksQueue(options: CloudTasksQueueOptions): TaskQueue {
  const clock = options.clock ?? systemClock;
  const deadline = options.dispatchDeadlineSeconds;
  if (deadline !== undefined && !(deadline >= 15 && deadline <= 1800)) {
    throw new Error(`dispatchDeadlineSeconds ${deadline} is outside Cloud Tasks' 15-1800 s`);
  }
  return {
    async enqueue(task) {
      assertValidTask(task, clock.now());
      try {
        await options.client.createTask(buildCreateTaskRequest(options, task));
        return 'created';
      } catch (error) {
        if (grpcCode(error) === ALREADY_EXISTS) return 'exists';
        throw error;
      }
    },
    close: () => options.client.close(),
  };
}
