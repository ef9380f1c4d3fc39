/**
 * Child processes for the benchmarks: a project module (e.g. 'worker/mail-main') forked as its own
 * process, compiled (dist/) or, from sources, through the test suite's TypeScript loader.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const compiled = !__filename.endsWith('.ts');
const root = path.join(__dirname, '..', '..');

/** Forks `module` (a path from the project root, no extension) with the given argv, env and execArgv. */
export function forkModule(
  module: string,
  args: string[] = [],
  opts: Pick<ForkOptions, 'env' | 'execArgv'> = {},
): ChildProcess {
  // the child's stdout goes to stderr: a benchmark's stdout is its table or JSON
  const stdio: ForkOptions['stdio'] = ['ignore', 2, 2, 'ipc'];
  if (compiled) return fork(path.join(root, `${module}.js`), args, { ...opts, stdio });
  const env = { ...(opts.env ?? process.env), TS_CHILD_MAIN: '1' };
  const loader = path.join(root, 'test', 'integration', 'notify-support', 'ts-child.js');
  return fork(loader, [path.join(root, `${module}.ts`), ...args], { ...opts, env, stdio });
}

/** Stops a child with SIGTERM (SIGKILL after `graceMs`) and waits for it to exit. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in bytes (Linux /proc; NaN elsewhere or once it has exited). */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `everyMs`; `peak` since start (or the last reset), `now` the latest. */
export function sampleRss(
  pid: number,
  everyMs = 100,
): { readonly peak: number; now(): number; reset(): void; stop(): void } {
  let peak = 0;
  const take = () => {
    const r = rssOf(pid);
    if (r > peak) peak = r;
    return r;
  };
  const timer = setInterval(take, everyMs);
  return {
    get peak() {
      return peak;
    },
    now: take,
    reset: () => {
      peak = 0;
    },
    stop: () => clearInterval(timer),
  };
}
