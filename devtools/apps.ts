/**
 * The application's own long-running processes on one machine: the Temporal worker, the mail
 * processor and the web server. `dubang dev up --apps` starts the missing ones detached (logs in
 * var/log, pid files in var/run like the infrastructure parts); `dev down` stops them first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import {
  DevError,
  processAlive,
  readPidRecord,
  removePidRecord,
  spawnDetached,
  stopProcess,
  tail,
  writePidRecord,
} from './process';
import { probeHttp } from './probes';

export type AppName = 'worker' | 'mailer' | 'web';

interface AppSpec {
  part: AppName;
  /** compiled entry point, relative to the project root */
  script: string;
  what: string;
  /** an HTTP health URL, when the app has one */
  health?: (cfg: Config) => string;
  /** environment the process needs from its start (read before any code of ours runs) */
  env?: Record<string, string>;
}

/**
 * The Temporal worker's allocator setting (docs/deploy.md#worker-sizing): glibc gives each thread
 * that allocates its own 64 MB malloc arena, and the SDK's Rust core, its gRPC client and Node's
 * workflow thread allocate from many threads, so freed memory stays spread over arenas and RSS
 * stays at its peak. Two arenas: at one plan 288 MB idle and 511 MB peak instead of 339 and 678
 * (`npm run bench -- scale`), with no measurable cost in start or storm time. glibc reads it at
 * process start, so it is set in the environment the process is started with (here, the systemd
 * unit, the benchmark); a value already in the environment wins.
 */
export const WORKER_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2' };

export const APPS: readonly AppSpec[] = [
  { part: 'worker', script: 'dist/worker/temporal-main.js', what: 'Temporal worker (任务督办流程)', env: WORKER_ENV },
  { part: 'mailer', script: 'dist/worker/mail-main.js', what: '邮件发送 (BullMQ mail processor + reconciler)' },
  {
    part: 'web',
    script: 'dist/worker/http-main.js',
    what: '督办平台 (HTTP API + dashboard)',
    health: (cfg) => `http://${cfg.http.host}:${cfg.http.port}/healthz`,
  },
];

export interface AppStatus {
  part: AppName;
  address: string;
  state: 'up' | 'unhealthy' | 'down';
  startedByUs: boolean;
  pid?: number;
  detail: string;
}

const runDir = (cfg: Config) => path.join(cfg.varDir, 'run');
const logFile = (cfg: Config, part: string) => path.join(cfg.varDir, 'log', `${part}.log`);

function live(cfg: Config, spec: AppSpec) {
  const rec = readPidRecord(runDir(cfg), spec.part);
  if (rec && processAlive(rec.pid, rec.match)) return rec;
  if (rec) removePidRecord(runDir(cfg), spec.part);
  return undefined;
}

export async function appsStatus(cfg: Config): Promise<AppStatus[]> {
  return Promise.all(
    APPS.map(async (spec) => {
      const rec = live(cfg, spec);
      const address = spec.health ? spec.health(cfg).replace(/\/healthz$/, '') : `${spec.what}`;
      if (!rec)
        return { part: spec.part, address, state: 'down' as const, startedByUs: false, detail: `${spec.what}: 未运行` };
      if (spec.health) {
        const p = await probeHttp(spec.health(cfg));
        return {
          part: spec.part,
          address,
          state: p.ok ? ('up' as const) : ('unhealthy' as const),
          startedByUs: true,
          pid: rec.pid,
          detail: `${spec.what}; ${p.detail}`,
        };
      }
      return {
        part: spec.part,
        address,
        state: 'up' as const,
        startedByUs: true,
        pid: rec.pid,
        detail: `${spec.what}; 日志 ${rec.logFile}`,
      };
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the apps that are not running; waits until each is alive (and healthy, when it has a health URL). */
export async function appsUp(cfg: Config): Promise<{ started: AppName[]; errors: string[] }> {
  const started: AppName[] = [];
  const errors: string[] = [];
  for (const spec of APPS) {
    if (live(cfg, spec)) continue;
    const script = path.join(cfg.root, spec.script);
    if (!fs.existsSync(script)) {
      errors.push(`${spec.part}: 找不到 ${script}: 先运行 npm run build`);
      continue;
    }
    const log = logFile(cfg, spec.part);
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const pid = spawnDetached(process.execPath, [script], {
      logFile: log,
      cwd: cfg.root,
      env: { ...spec.env, ...process.env },
    });
    writePidRecord(runDir(cfg), {
      part: spec.part,
      pid,
      kind: 'process',
      startedAt: new Date().toISOString(),
      command: [process.execPath, script],
      address: spec.health?.(cfg) ?? spec.part,
      match: path.basename(spec.script),
      logFile: log,
    });
    // Alive after a moment, and healthy within 30 s where there is a health check.
    const deadline = Date.now() + 30000;
    let ok = false;
    let detail = '';
    while (Date.now() < deadline) {
      await sleep(300);
      if (!processAlive(pid, path.basename(spec.script))) {
        detail = '进程已退出';
        break;
      }
      if (!spec.health) {
        ok = Date.now() > deadline - 28000;
        if (ok) break;
        continue;
      }
      const p = await probeHttp(spec.health(cfg));
      detail = p.detail;
      if (p.ok) {
        ok = true;
        break;
      }
    }
    if (ok) started.push(spec.part);
    else errors.push(`${spec.part} (${spec.what}) 没有正常启动 (${detail})。日志 ${log} 末尾:\n${tail(log)}`);
  }
  return { started, errors };
}

/** Stops the apps `appsUp` started, web first so nothing new comes in while the workers drain. */
export async function appsDown(cfg: Config): Promise<{ stopped: AppName[]; failed: string[] }> {
  const stopped: AppName[] = [];
  const failed: string[] = [];
  for (const spec of [...APPS].reverse()) {
    const rec = live(cfg, spec);
    if (!rec) continue;
    // SIGTERM: the worker drains in-flight activities, the mailer closes BullMQ and the SMTP pool.
    if (await stopProcess(rec.pid, rec.match, 30000)) {
      stopped.push(spec.part);
      removePidRecord(runDir(cfg), spec.part);
    } else failed.push(`${spec.part}: pid ${rec.pid} 没有退出`);
  }
  return { stopped, failed };
}

export { DevError };
