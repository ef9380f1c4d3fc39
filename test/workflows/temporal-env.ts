/**
 * The Temporal server for workflow tests: the dedicated dev server global-setup starts
 * (TEMPORAL_TEST_ADDRESS), or, when that is absent, a dev server of our own on a free port with a
 * throw-away SQLite file, stopped in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../helpers/services';


export interface TemporalServer {
  address: string;
  stop(): Promise<void>;
}

export async function temporalServer(): Promise<TemporalServer> {
  const given = process.env.TEMPORAL_TEST_ADDRESS;
  if (given) return { address: given, stop: async () => undefined };
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-temporal-'));
  const bin = process.env.TEMPORAL_CLI ?? path.join(os.homedir(), '.cache', 'dubang', 'bin', 'temporal');
  const child: ChildProcess = spawn(bin, ['server', 'start-dev', '--headless', '--port', String(port), '--db-filename', path.join(dir, 'temporal.db'), '--log-level', 'error'], { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: '1s' });
      await c.workflowService.getSystemInfo({});
      await c.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    address,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
