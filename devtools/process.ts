/**
 * Process supervision for the local stack: detached children with their output in var/log, and
 * one pid file per part in var/run recording exactly what `dev up` started, so `dev down` stops
 * only that. A pid file whose process is gone, or whose pid now belongs to another program, is
 * treated as "not ours".
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, DubangError } from '../contracts/errors';

export class DevError extends DubangError {
  static override readonly code = ErrorCodes.DevError;
}

/** How a part was started, which decides how it is stopped. */
export type StartKind = 'process' | 'pg_ctlcluster' | 'pg_ctl';

/** Contents of var/run/<part>.json. */
export interface PidRecord {
  part: string;
  pid: number;
  kind: StartKind;
  startedAt: string;
  /** what was run, for people reading the file */
  command: string[];
  address: string;
  /** a substring of /proc/<pid>/cmdline that proves the pid is still our program */
  match: string;
  logFile?: string;
  /** pg_ctlcluster: version and cluster name; pg_ctl: data dir */
  pg?: { version?: string; cluster?: string; dataDir?: string; binDir?: string };
}

export function pidFile(runDir: string, part: string): string {
  return path.join(runDir, `${part}.json`);
}

export function writePidRecord(runDir: string, rec: PidRecord): void {
  fs.mkdirSync(runDir, { recursive: true });
  const file = pidFile(runDir, rec.part);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

export function readPidRecord(runDir: string, part: string): PidRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(pidFile(runDir, part), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

export function removePidRecord(runDir: string, part: string): void {
  fs.rmSync(pidFile(runDir, part), { force: true });
}

/** True when `pid` runs and its command line contains `match` (guards against pid reuse). */
export function processAlive(pid: number, match?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to another user, so it is not what we started.
    return false;
  }
  if (!match) return true;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    // A zombie has an empty command line: it is as good as gone.
    return cmdline.includes(match);
  } catch {
    // No /proc (not Linux): trust the signal check. With /proc, an unreadable entry means it exited.
    return !fs.existsSync('/proc/self');
  }
}

/**
 * Starts `cmd` detached in its own process group with stdout and stderr appended to `logFile`.
 * Returns the pid; the child outlives this process.
 */
export function spawnDetached(
  cmd: string,
  args: string[],
  opts: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): number {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  fs.writeSync(out, `\n--- ${new Date().toISOString()} starting: ${[cmd, ...args].join(' ')}\n`);
  try {
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', out, out],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
    });
    if (child.pid === undefined) throw new DevError(`could not start ${cmd} (is it installed?)`);
    // Without a listener a failed exec (ENOENT) would be an unhandled 'error' event.
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a process group started by spawnDetached: SIGTERM, then SIGKILL after `graceMs`.
 * Resolves true once the process is gone.
 */
export async function stopProcess(pid: number, match: string | undefined, graceMs = 10000): Promise<boolean> {
  if (!processAlive(pid, match)) return true;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid, match)) return true;
    await sleep(50);
  }
  signal('SIGKILL');
  for (let i = 0; i < 40; i++) {
    if (!processAlive(pid, match)) return true;
    await sleep(50);
  }
  return false;
}

/** Runs a command to completion; throws a DevError with its output when it fails. */
export function run(cmd: string, args: string[], what: string, env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, timeout: 120000 });
  if (r.error) throw new DevError(`${what}: ${r.error.message}`);
  if (r.status !== 0)
    throw new DevError(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-800)}`);
  return r.stdout;
}

/** Last `lines` lines of a log file, for error messages (empty when it does not exist). */
export function tail(file: string | undefined, lines = 15): string {
  if (!file) return '';
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
