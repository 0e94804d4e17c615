import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * A small Cloud Tasks gRPC server built on the .proto files @google-cloud/tasks ships, so the REAL client
 * (its serialization, resource names, error mapping) is what the tests exercise. Only CreateTask is served;
 * like Cloud Tasks it answers a taken task name with ALREADY_EXISTS (code 6).
 */
export interface RecordedTask {
  readonly name: string;
  readonly scheduleTime: Date;
  readonly url: string;
  readonly httpMethod: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly oidcToken: { serviceAccountEmail: string; audience: string } | undefined;
  readonly parent: string;
}

export interface CloudTasksDouble {
  readonly port: number;
  /** Every CreateTask that was accepted, in order. */
  readonly created: RecordedTask[];
  /** Every CreateTask call, accepted or not. */
  readonly calls: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

function packageRoot(specifier: string): string {
  let dir = dirname(require.resolve(specifier));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'build', 'protos'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package root of ${specifier}`);
    dir = up;
  }
  return dir;
}

interface Timestamp {
  seconds: string;
  nanos: number;
}
interface CreateTaskCall {
  parent: string;
  task: {
    name: string;
    scheduleTime?: Timestamp;
    httpRequest?: {
      url: string;
      httpMethod: string;
      headers: Record<string, string>;
      body: Buffer;
      oidcToken?: { serviceAccountEmail: string; audience: string };
    };
  };
}

export async function startCloudTasksDouble(): Promise<CloudTasksDouble> {
  const tasksProtos = join(packageRoot('@google-cloud/tasks'), 'build', 'protos');
  const commonProtos = join(packageRoot('google-gax'), 'build', 'protos');
  const definition = await protoLoader.load(join(tasksProtos, 'google/cloud/tasks/v2/cloudtasks.proto'), {
    includeDirs: [tasksProtos, commonProtos],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { tasks: { v2: { CloudTasks: grpc.ServiceClientConstructor } } } };
  };
  const service = loaded.google.cloud.tasks.v2.CloudTasks.service;
  const created: RecordedTask[] = [];
  let calls = 0;

  const createTask: grpc.handleUnaryCall<CreateTaskCall, unknown> = (call, callback) => {
    calls += 1;
    const { parent, task } = call.request;
    if (created.some((t) => t.name === task.name)) {
      callback({ code: grpc.status.ALREADY_EXISTS, details: 'Requested entity already exists' });
      return;
    }
    const http = task.httpRequest;
    if (!http || !task.scheduleTime || !task.name.startsWith(`${parent}/tasks/`)) {
      callback({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'name, schedule_time and http_request required',
      });
      return;
    }
    const ts = task.scheduleTime;
    created.push({
      parent,
      name: task.name,
      scheduleTime: new Date(Number(ts.seconds) * 1000 + ts.nanos / 1e6),
      url: http.url,
      httpMethod: http.httpMethod,
      headers: http.headers,
      body: Buffer.from(http.body),
      oidcToken: http.oidcToken,
    });
    callback(null, { name: task.name, scheduleTime: ts, httpRequest: { url: http.url }, dispatchCount: 0 });
  };

  const server = new grpc.Server();
  server.addService(service, { CreateTask: createTask });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port,
    created,
    get calls() {
      return calls;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
