/**
 * Starting and killing real processes for the crash tests: TypeScript entry points forked through
 * ts-child.js (mail processors, Temporal workers), throwaway Redis servers.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { canConnect } from '../../helpers/services';
export { freePort } from '../../helpers/services';

export interface Child {
  proc: ChildProcess;
  /** stderr lines so far (JSON log lines) */
  lines: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
}

export interface ForkOptions {
  /** arguments after the entry */
  args?: string[];
  /** added to this process's environment */
  env?: Record<string, string>;
  /** in the failure message: "<name> exited (<code>) before it was ready" */
  name?: string;
  /** a stderr line that means the child is ready; without it, the child says so with process.send('ready') */
  readyLine?: (line: string) => boolean;
}

/** Forks the TypeScript file `entry` (compiled on require by ts-child.js) with its stderr collected line by line. */
export function forkTs(entry: string, o: ForkOptions = {}): Child {
  const proc = fork(path.join(__dirname, 'ts-child.js'), [entry, ...(o.args ?? [])], {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  let buf = '';
  let markReady: () => void = () => undefined;
  proc.stderr!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    if (o.readyLine && parts.some(o.readyLine)) markReady();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    if (!o.readyLine) proc.on('message', (m) => m === 'ready' && resolve());
    void exited.then((code) =>
      reject(new Error(`${o.name ?? path.basename(entry)} exited (${code}) before it was ready:\n${lines.join('\n')}`)),
    );
  });
  return { proc, lines, ready, exited };
}

/** Forks processor-child.ts with the given T_* settings. */
export function startProcessor(env: Record<string, string>): Child {
  return forkTs(path.join(__dirname, 'processor-child.ts'), { env, name: 'processor' });
}

/** Log entries (parsed) whose msg matches. */
export function logged(c: Child, msg: RegExp): Record<string, unknown>[] {
  return c.lines.flatMap((l) => {
    try {
      const e = JSON.parse(l) as Record<string, unknown>;
      return msg.test(String(e.msg)) ? [e] : [];
    } catch {
      return [];
    }
  });
}

/** A redis-server of our own, without persistence: kill -9 loses everything, as a crashed Redis without AOF would. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const end = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > end || proc.exitCode !== null) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

export function kill9(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function terminate(p: ChildProcess, graceMs = 5000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  await kill9(p);
}
