import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Firestore } from '@google-cloud/firestore';

/**
 * Google's official Firestore emulator (Debian package google-cloud-cli-firestore-emulator), started per test
 * file on a free port. Missing Java or JAR is a loud failure, never a skip: a Store change must not pass
 * without the Firestore contract having run.
 */
export const EMULATOR_JAR =
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
const MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
const READY_LINE = 'Dev App Server is now running.';
const HOST = '127.0.0.1';

export interface FirestoreEmulator {
  readonly host: string;
  readonly port: number;
  readonly projectId: string;
  readonly pid: number;
  /** Milliseconds from spawn to the ready line. */
  readonly startupMs: number;
  /** A client pointed at this emulator; the caller terminates it. */
  client(): Firestore;
  /** Delete every document in the project's default database. */
  reset(): Promise<void>;
  /** Stop the JVM and wait until it is gone. */
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  readonly projectId?: string;
  readonly timeoutMs?: number;
  /** Overrides for the failure-path tests. */
  readonly jar?: string;
  readonly java?: string;
}

export async function startFirestoreEmulator(options: EmulatorOptions = {}): Promise<FirestoreEmulator> {
  const projectId = options.projectId ?? 'shotclock-test';
  const jar = options.jar ?? EMULATOR_JAR;
  if (!existsSync(jar)) {
    throw new Error(
      `Firestore emulator JAR not found at ${jar}. Install the Debian package ` +
        'google-cloud-cli-firestore-emulator (README, Quick start). The Firestore contract suite does not skip.',
    );
  }
  // The client must never go looking for GCE credentials on a test machine.
  process.env.METADATA_SERVER_DETECTION = 'none';
  const port = await freePort();
  const started = performance.now();
  const child = spawn(options.java ?? 'java', ['-cp', jar, MAIN_CLASS, `--host=${HOST}`, `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForReady(child, options.timeoutMs ?? 30_000);
  const startupMs = Math.round(performance.now() - started);
  const pid = child.pid as number;
  const watchdog = startWatchdog(pid);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);

  return {
    host: HOST,
    port,
    projectId,
    pid,
    startupMs,
    client: () =>
      new Firestore({ projectId, host: `${HOST}:${port}`, ssl: false, ignoreUndefinedProperties: true }),
    async reset() {
      const url = `http://${HOST}:${port}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
      const res = await fetch(url, { method: 'DELETE' });
      if (!res.ok) throw new Error(`emulator reset failed: ${res.status} ${await res.text()}`);
    },
    async stop() {
      process.removeListener('exit', onExit);
      await killAndWait(child);
      watchdog.unref();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`Firestore emulator did not start: ${why}\n--- emulator output ---\n${output}`));
    };
    const timer = setTimeout(() => fail(`no "${READY_LINE}" within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        resolve();
      }
    };
    const onEarlyExit = (code: number | null) => fail(`the JVM exited with code ${code}`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onEarlyExit);
    child.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'ENOENT'
          ? 'java is not installed or not on PATH (apt-get install default-jre)'
          : err.message,
      ),
    );
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * If this test process dies hard (SIGKILL, crash) no afterAll runs; a detached shell kills the JVM once the
 * test process is gone, so no orphan java keeps a port and memory.
 */
function startWatchdog(javaPid: number): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 1; done; kill ${javaPid} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
  watchdog.unref();
  return watchdog;
}
