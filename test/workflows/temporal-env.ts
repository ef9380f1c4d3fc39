/**
 * Temporal for the workflow tests:
 *  - temporalServer(): the dedicated dev server global-setup starts (TEMPORAL_TEST_ADDRESS), or,
 *    when that is absent, a dev server of our own on a free port with a throw-away SQLite file;
 *  - startDevServer(): a dev server of the test's own on a given port and directory (a test that
 *    kills the server starts it again on the same port and SQLite file);
 *  - workflowBundle(): the workflow code, bundled once per test file;
 *  - startTestWorker(): a worker in this process on the test's task queue, with a client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { probeTemporal } from '../../devtools/probes';
import { resolveTemporalCli, temporalArgs } from '../../devtools/temporal';
import { kill9, terminate } from '../integration/notify-support/children';
import { freePort, ROOT } from '../helpers/services';

export interface TemporalServer {
  address: string;
  stop(): Promise<void>;
}

export interface DevServer extends TemporalServer {
  proc: ChildProcess;
  /** SIGKILL: no goodbye to the workers, nothing flushed */
  kill9(): Promise<void>;
}

/**
 * `temporal server start-dev` on 127.0.0.1:`port`, headless, its SQLite file (temporal.db) and log
 * (temporal.log) in `dir`; resolves once it answers. stop() ends it (SIGTERM, then SIGKILL) and
 * leaves `dir` alone.
 */
export async function startDevServer(port: number, dir: string): Promise<DevServer> {
  const logFile = path.join(dir, 'temporal.log');
  const out = fs.openSync(logFile, 'a');
  const cli = resolveTemporalCli(ROOT, loadConfig().temporal.cli);
  const proc = spawn(
    cli,
    temporalArgs({ cli, ip: '127.0.0.1', port, dbFile: path.join(dir, 'temporal.db'), logFile }),
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  const address = `127.0.0.1:${port}`;
  const log = () => fs.readFileSync(logFile, 'utf8').slice(-3000);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the Temporal dev server exited (${proc.exitCode}):\n${log()}`);
    const probe = await probeTemporal(address, 'default', 1000);
    if (probe.ok) break;
    if (Date.now() > deadline) {
      await kill9(proc);
      throw new Error(`the Temporal dev server on ${address} did not answer in 30 s (${probe.detail}):\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { address, proc, kill9: () => kill9(proc), stop: () => terminate(proc) };
}

export async function temporalServer(): Promise<TemporalServer> {
  const given = process.env.TEMPORAL_TEST_ADDRESS;
  if (given) return { address: given, stop: async () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-temporal-'));
  const server = await startDevServer(await freePort(), dir);
  return {
    address: server.address,
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let bundling: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflows/ bundle, built once per test file (jest gives each file its own module registry). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundling ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return bundling;
}

export interface TestWorker {
  client: Client;
  /** shuts the worker down (waiting for it) and closes both connections */
  stop(): Promise<void>;
}

/** A worker running workflowBundle() with `activities` on `taskQueue`, and a client of the same server. */
export async function startTestWorker(o: {
  server: TemporalServer;
  taskQueue: string;
  activities: object;
}): Promise<TestWorker> {
  const nativeConnection = await NativeConnection.connect({ address: o.server.address });
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: o.taskQueue,
      workflowBundle: await workflowBundle(),
      activities: o.activities,
    });
  } catch (err) {
    await nativeConnection.close();
    throw err;
  }
  const running = worker.run();
  const stopWorker = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await nativeConnection.close();
  };
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: o.server.address });
  } catch (err) {
    await stopWorker();
    throw err;
  }
  return {
    client: new Client({ connection }),
    async stop() {
      await connection.close();
      await stopWorker();
    },
  };
}
