/**
 * The local stack behind `dubang dev up|down|status`: PostgreSQL, Redis, the Temporal dev server
 * (and its Web UI), the mail sink and the robot sink. `up` uses what the configuration points at when it answers,
 * and starts local servers only for what is missing; `down` stops only what `up` started (var/run
 * pid files); `status` probes every part.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../contracts/logger';
import { silentLogger } from '../infra/logger';
import { isLoopbackHost } from './mail/sink';
import {
  DevError,
  processAlive,
  readPidRecord,
  removePidRecord,
  spawnDetached,
  stopProcess,
  writePidRecord,
  type PidRecord,
} from './process';
import {
  databaseName,
  hostPort,
  isLocalHost,
  probeHttp,
  probePostgres,
  probeRedis,
  probeSmtp,
  probeTemporal,
  redisEvictionProblem,
  type Probe,
} from './probes';
import { resolveTemporalCli, startTemporalDevServer } from './temporal';
import { ErrorCodes, isDubangError } from '../contracts/errors';
import { devPaths, sleep, waitFor, type DevPaths } from './stack-common';
import { stopPostgresRecord, upPostgres } from './stack-postgres';
import { robotSinkStatus, upRobotSink } from './robot-sink/stack-part';

export { DevError } from './process';
export { devPaths, type DevPaths } from './stack-common';
export { asPgUser, chownToPostgres, pgBinDir } from './stack-postgres';

export type PartName = 'postgres' | 'redis' | 'temporal' | 'temporal-ui' | 'mail-sink' | 'robot-sink';
export const PARTS: readonly PartName[] = ['postgres', 'redis', 'temporal', 'temporal-ui', 'mail-sink', 'robot-sink'];

/** One row of `dubang dev status`. */
export interface PartStatus {
  part: PartName;
  address: string;
  /** up = healthy; unhealthy = answers but unfit (wrong Redis policy, missing database); down = no answer */
  state: 'up' | 'unhealthy' | 'down';
  /** true when `dev up` started it (a live process recorded in var/run) */
  startedByUs: boolean;
  pid?: number;
  detail: string;
}

/** Where each part is (or would be) listening. */
function addresses(cfg: Config) {
  const pg = hostPort(cfg.database.url, 5432);
  const redis = hostPort(cfg.redis.url, 6379);
  const temporal = hostPort(cfg.temporal.address, 7233);
  // The sink must listen on loopback; when SMTP_HOST points elsewhere the app uses a real relay.
  const sinkHost = isLoopbackHost(cfg.smtp.host) ? cfg.smtp.host : '127.0.0.1';
  return {
    pg,
    redis,
    temporal,
    ui: { host: temporal.host, port: cfg.temporal.uiPort },
    sink: { host: sinkHost, port: cfg.smtp.sinkPort },
  };
}

/** The live record of a part `dev up` started, or undefined (a stale file is removed). */
function ours(runDir: string, part: string): PidRecord | undefined {
  const rec = readPidRecord(runDir, part);
  if (!rec) return undefined;
  if (processAlive(rec.pid, rec.match)) return rec;
  removePidRecord(runDir, part);
  return undefined;
}

function countMail(dir: string): number {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).length;
  } catch {
    return 0;
  }
}

/** Probes every part. Never throws for a service that is down. */
export async function devStatus(cfg: Config): Promise<PartStatus[]> {
  const p = devPaths(cfg);
  const a = addresses(cfg);
  const recordAddress: Record<string, string> = {
    postgres: `${a.pg.host}:${a.pg.port}`,
    redis: `${a.redis.host}:${a.redis.port}`,
    temporal: cfg.temporal.address,
    'mail-sink': `${a.sink.host}:${a.sink.port}`,
    'robot-sink': `127.0.0.1:${cfg.channels.sinkPort}`,
  };
  const row = (
    part: PartName,
    address: string,
    probe: Probe,
    unhealthy = false,
    recPart: string = part,
  ): PartStatus => {
    // A process we started for another address (the configuration changed since) is not this part.
    const live = ours(p.runDir, recPart);
    const rec = live && live.address === recordAddress[recPart] ? live : undefined;
    return {
      part,
      address,
      state: probe.ok ? 'up' : unhealthy ? 'unhealthy' : 'down',
      startedByUs: Boolean(rec),
      ...(rec ? { pid: rec.pid } : {}),
      detail: probe.detail,
    };
  };
  const [pg, redis, temporal, ui, sink, robots] = await Promise.all([
    probePostgres(cfg.database.url),
    probeRedis(cfg.redis.url),
    probeTemporal(cfg.temporal.address, cfg.temporal.namespace),
    probeHttp(`http://${a.ui.host}:${a.ui.port}/`),
    probeSmtp(a.sink.host, a.sink.port),
    robotSinkStatus(cfg, p),
  ]);
  const mails = countMail(p.mailDir);
  const relay =
    cfg.smtp.host !== a.sink.host || cfg.smtp.port !== a.sink.port
      ? `; 应用发信到 ${cfg.smtp.host}:${cfg.smtp.port}`
      : '';
  return [
    row('postgres', `${a.pg.host}:${a.pg.port}/${databaseName(cfg.database.url)}`, pg, pg.server),
    row('redis', `${a.redis.host}:${a.redis.port}`, redis, Boolean(redis.policy)),
    row('temporal', `${cfg.temporal.address} (namespace ${cfg.temporal.namespace})`, temporal),
    row('temporal-ui', `http://${a.ui.host}:${a.ui.port}`, ui, false, 'temporal'),
    row('mail-sink', `smtp://${a.sink.host}:${a.sink.port}`, {
      ok: sink.ok,
      detail: `${sink.detail}; ${mails} 封邮件在 ${p.mailDir}${relay}`,
    }),
    row('robot-sink', robots.address, robots.probe),
  ];
}

async function upRedis(cfg: Config, p: DevPaths, log: Logger): Promise<string | undefined> {
  const { host, port } = hostPort(cfg.redis.url, 6379);
  const probe = await probeRedis(cfg.redis.url);
  if (probe.policy) {
    const problem = redisEvictionProblem(cfg.redis.url, probe.policy);
    if (problem) throw new DevError(problem);
    return undefined;
  }
  if (!isLocalHost(host))
    throw new DevError(`Redis ${host}:${port} (REDIS_URL) 连接不上, 而且不在本机, 无法替你启动: ${probe.detail}`);
  fs.mkdirSync(p.redisDir, { recursive: true });
  const logFile = path.join(p.logDir, 'redis.log');
  const password = decodeURIComponent(new URL(cfg.redis.url).password);
  // Jobs must survive a restart (AOF) and never be evicted (docs/reliability.md rows 4 and 6).
  const args = [
    '--bind',
    host,
    '--port',
    String(port),
    '--dir',
    p.redisDir,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    ...(password ? ['--requirepass', password] : []),
  ];
  log.info('starting redis-server', { address: `${host}:${port}`, dir: p.redisDir });
  const pid = spawnDetached('redis-server', args, { logFile });
  writePidRecord(p.runDir, {
    part: 'redis',
    pid,
    kind: 'process',
    startedAt: new Date().toISOString(),
    command: ['redis-server', ...args],
    address: `${host}:${port}`,
    match: 'redis-server',
    logFile,
  });
  await waitFor(
    `Redis ${host}:${port}`,
    () => probeRedis(cfg.redis.url),
    15000,
    logFile,
    () => processAlive(pid, 'redis-server'),
  );
  return 'redis';
}

async function upTemporal(cfg: Config, p: DevPaths, log: Logger): Promise<string | undefined> {
  const probe = await probeTemporal(cfg.temporal.address, cfg.temporal.namespace);
  if (probe.ok) return undefined;
  const { host, port } = hostPort(cfg.temporal.address, 7233);
  if (!isLocalHost(host))
    throw new DevError(
      `Temporal ${cfg.temporal.address} (TEMPORAL_ADDRESS) 连接不上, 而且不在本机, 无法替你启动: ${probe.detail}`,
    );
  const cli = resolveTemporalCli(cfg.root, cfg.temporal.cli);
  const logFile = path.join(p.logDir, 'temporal.log');
  log.info('starting the Temporal dev server', {
    address: cfg.temporal.address,
    db: p.temporalDb,
    ui: cfg.temporal.uiPort,
  });
  const { pid, args } = await startTemporalDevServer({
    cli,
    ip: host,
    port,
    uiPort: cfg.temporal.uiPort,
    dbFile: p.temporalDb,
    namespace: cfg.temporal.namespace,
    logFile,
  });
  writePidRecord(p.runDir, {
    part: 'temporal',
    pid,
    kind: 'process',
    startedAt: new Date().toISOString(),
    command: [cli, ...args],
    address: cfg.temporal.address,
    match: 'start-dev',
    logFile,
  });
  return 'temporal';
}

/** The compiled sink entry point (dev up runs the built code, like bin/dubang.js). */
export function sinkMainScript(cfg: Pick<Config, 'root'>): string {
  return path.join(cfg.root, 'dist', 'devtools', 'mail', 'sink-main.js');
}

async function upSink(cfg: Config, p: DevPaths, log: Logger): Promise<string | undefined> {
  const { host, port } = addresses(cfg).sink;
  const probe = await probeSmtp(host, port);
  if (probe.ok) return undefined;
  const script = sinkMainScript(cfg);
  if (!fs.existsSync(script)) throw new DevError(`找不到 ${script}: 先运行 npm run build`);
  const logFile = path.join(p.logDir, 'mail-sink.log');
  const args = [script, '--host', host, '--port', String(port), '--dir', p.mailDir, '--log-level', cfg.logLevel];
  log.info('starting the mail sink', { address: `${host}:${port}`, dir: p.mailDir });
  const pid = spawnDetached(process.execPath, args, { logFile });
  writePidRecord(p.runDir, {
    part: 'mail-sink',
    pid,
    kind: 'process',
    startedAt: new Date().toISOString(),
    command: [process.execPath, ...args],
    address: `${host}:${port}`,
    match: 'sink-main',
    logFile,
  });
  await waitFor(
    `邮件接收器 ${host}:${port}`,
    () => probeSmtp(host, port),
    10000,
    logFile,
    () => processAlive(pid, 'sink-main'),
  );
  return 'mail-sink';
}

/**
 * Serialises `dev up`/`dev down` in one var directory: several people share a checkout, and two
 * concurrent `up`s would both start a Redis. A lock left by a dead process is taken over.
 */
async function withLock<T>(p: DevPaths, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(p.runDir, { recursive: true });
  const lock = path.join(p.runDir, 'dev.lock');
  const deadline = Date.now() + 180000;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}@${os.hostname()}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lock, 'utf8').split('@')[0]);
      if (!holder || !processAlive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new DevError(`另一个 dubang dev 命令 (pid ${holder}) 正在运行; 锁文件 ${lock}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

export interface UpResult {
  parts: PartStatus[];
  /** parts this run started */
  started: string[];
  /** one message per part that could not be brought up (the others are still up) */
  errors: string[];
}

/**
 * Brings every part up (in parallel; Temporal's first start is the slow one) and creates the
 * application database. Errors of one part do not stop the others; they are returned.
 */
export async function devUp(cfg: Config, opts: { logger?: Logger } = {}): Promise<UpResult> {
  const log = (opts.logger ?? silentLogger).child({ component: 'dev' });
  const p = devPaths(cfg);
  for (const d of [p.runDir, p.logDir, p.mailDir]) fs.mkdirSync(d, { recursive: true });
  return withLock(p, async () => {
    const steps = [upPostgres, upRedis, upTemporal, upSink, upRobotSink];
    const results = await Promise.allSettled(steps.map((s) => s(cfg, p, log)));
    const started: string[] = [];
    const errors: string[] = [];
    for (const r of results) {
      if (r.status === 'fulfilled') {
        if (r.value) started.push(r.value);
      } else {
        const e = r.reason as Error;
        errors.push(isDubangError(e, ErrorCodes.DevError) ? e.message : (e.stack ?? String(e)));
      }
    }
    return { parts: await devStatus(cfg), started, errors };
  });
}

async function stopRecord(rec: PidRecord): Promise<boolean> {
  if (stopPostgresRecord(rec)) return !processAlive(rec.pid, rec.match);
  // Redis writes its AOF on SIGTERM; Temporal and the sink shut down cleanly on it too.
  return stopProcess(rec.pid, rec.match, 15000);
}

/** Stops what `dev up` started (live pid records), newest dependants first; leaves everything else. */
export async function devDown(cfg: Config): Promise<{ stopped: string[]; failed: string[] }> {
  const p = devPaths(cfg);
  return withLock(p, async () => {
    const stopped: string[] = [];
    const failed: string[] = [];
    for (const part of ['robot-sink', 'mail-sink', 'temporal', 'redis', 'postgres']) {
      const rec = ours(p.runDir, part);
      if (!rec) continue;
      try {
        if (await stopRecord(rec)) {
          stopped.push(part);
          removePidRecord(p.runDir, part);
        } else failed.push(`${part}: pid ${rec.pid} 没有退出`);
      } catch (e) {
        failed.push(`${part}: ${(e as Error).message}`);
      }
    }
    return { stopped, failed };
  });
}
