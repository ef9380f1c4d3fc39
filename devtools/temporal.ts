/**
 * The Temporal dev server (`temporal server start-dev`, SQLite, with the Web UI): finding the CLI
 * and starting a server, shared by `dubang dev up` and the integration tests' global setup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DevError, processAlive, spawnDetached, stopProcess, tail } from './process';
import { probeTemporal, tcpOpen } from './probes';

/**
 * Path of the Temporal CLI: `explicit` (config TEMPORAL_CLI), else `temporal` on PATH, else the
 * per-user cache, else built once with `go install`. scripts/ensure-temporal.sh does the looking
 * and building, so the shell scripts and this code can never disagree.
 */
export function resolveTemporalCli(root: string, explicit?: string): string {
  const script = path.join(root, 'scripts', 'ensure-temporal.sh');
  const env = { ...process.env };
  if (explicit) env.TEMPORAL_CLI = explicit;
  else delete env.TEMPORAL_CLI;
  // stderr is inherited: a first-time build reports its progress to the person waiting.
  const r = spawnSync('bash', [script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const found = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !found)
    throw new DevError(
      `找不到 Temporal CLI, 也无法构建 (${script} exit ${r.status}). 可设置 TEMPORAL_CLI 指向 temporal 可执行文件。`,
    );
  return found;
}

export interface TemporalStartOptions {
  cli: string;
  ip: string;
  port: number;
  /** Web UI port; omit for a headless server (tests) */
  uiPort?: number;
  /** SQLite file; omit for an in-memory server that forgets everything when it stops */
  dbFile?: string;
  namespace?: string;
  logFile: string;
  /** how long to wait for the frontend to answer (the first start creates the SQLite schema) */
  timeoutMs?: number;
}

/** The argument list for `temporal server start-dev` (flags as of CLI v1.5.1). */
export function temporalArgs(o: TemporalStartOptions): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port), '--log-level', 'warn'];
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  if (o.uiPort !== undefined) args.push('--ui-port', String(o.uiPort));
  else args.push('--headless');
  // "default" always exists; any other configured namespace is created at launch.
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  return args;
}

/**
 * Starts a detached dev server and waits until it answers describeNamespace. Throws a DevError
 * with the end of its log when it exits or does not become healthy in time (and stops it then).
 */
export async function startTemporalDevServer(o: TemporalStartOptions): Promise<{ pid: number; args: string[] }> {
  if (await tcpOpen(o.ip, o.port, 500)) {
    throw new DevError(
      `端口 ${o.ip}:${o.port} 已被其他程序占用, 但它不是可用的 Temporal 服务; 请释放该端口或修改 TEMPORAL_ADDRESS`,
    );
  }
  if (o.dbFile) fs.mkdirSync(path.dirname(o.dbFile), { recursive: true });
  const args = temporalArgs(o);
  const pid = spawnDetached(o.cli, args, { logFile: o.logFile });
  const address = `${o.ip}:${o.port}`;
  const timeoutMs = o.timeoutMs ?? 60000;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!processAlive(pid, 'start-dev')) {
      throw new DevError(`Temporal 开发服务器启动后退出了 (${address})。日志 ${o.logFile} 末尾:\n${tail(o.logFile)}`);
    }
    const p = await probeTemporal(address, o.namespace ?? 'default', 1000);
    if (p.ok) return { pid, args };
    last = p.detail;
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopProcess(pid, 'start-dev', 3000);
  throw new DevError(
    `Temporal 开发服务器 ${address} 在 ${Math.round(timeoutMs / 1000)} 秒内没有就绪 (${last})。日志 ${o.logFile} 末尾:\n${tail(o.logFile)}`,
  );
}
