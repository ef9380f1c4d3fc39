/**
 * Helpers for tests that need real local services beyond the shared ones: free ports, a
 * throwaway redis-server, and running the built `dubang` CLI with its own environment.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** A TCP port nobody listens on right now (on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The dedicated Temporal server of this test run (started by global-setup.js). */
export function temporalTestAddress(): string {
  const a = process.env.TEMPORAL_TEST_ADDRESS;
  if (!a)
    throw new Error(
      'TEMPORAL_TEST_ADDRESS is not set: run integration tests through jest --selectProjects integration (global-setup.js starts the server)',
    );
  return a;
}

export interface ThrowawayRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free port without persistence, with extra arguments; stop() ends it. */
export async function startThrowawayRedis(extraArgs: string[] = []): Promise<ThrowawayRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-redis-'));
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`throwaway redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs) */
  json<T = unknown>(): T;
}

/**
 * Runs the built CLI (dist/, made by `npm run build`; scripts/test.sh builds first) with `env`
 * added to the current environment.
 */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 90000): CliRun {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does it) before the CLI tests');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'dubang.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json<T>() {
      try {
        return JSON.parse(r.stdout) as T;
      } catch {
        throw new Error(`not JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      }
    },
  };
}
