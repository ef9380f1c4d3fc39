/**
 * What the parts of the local stack (devtools/stack.ts and its part files) share: the var
 * directory's folders and the wait for a part to answer.
 */
import * as path from 'node:path';
import type { Config } from '../config';
import { DevError, tail } from './process';
import type { Probe } from './probes';

/** Folders under the var directory (DUBANG_VAR_DIR). */
export interface DevPaths {
  varDir: string;
  runDir: string;
  logDir: string;
  temporalDb: string;
  mailDir: string;
  /** what the robot sink keeps (messages.jsonl) */
  robotsDir: string;
  redisDir: string;
  pgDir: string;
}

export function devPaths(cfg: Pick<Config, 'varDir'>): DevPaths {
  const v = cfg.varDir;
  return {
    varDir: v,
    runDir: path.join(v, 'run'),
    logDir: path.join(v, 'log'),
    temporalDb: path.join(v, 'temporal', 'dubang.db'),
    mailDir: path.join(v, 'mail'),
    robotsDir: path.join(v, 'robots'),
    redisDir: path.join(v, 'redis'),
    pgDir: path.join(v, 'pg'),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(
  what: string,
  probe: () => Promise<Probe>,
  timeoutMs: number,
  logFile?: string,
  alive?: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Probe = { ok: false, detail: 'not probed' };
  while (Date.now() < deadline) {
    last = await probe();
    if (last.ok) return;
    if (alive && !alive()) break;
    await sleep(150);
  }
  throw new DevError(
    `${what} 没有在 ${Math.round(timeoutMs / 1000)} 秒内就绪 (${last.detail})${logFile ? `。日志 ${logFile} 末尾:\n${tail(logFile)}` : ''}`,
  );
}
