/**
 * The robot sink as a part of `dubang dev up|status|down` (devtools/stack.ts): started detached on
 * 127.0.0.1:IM_SINK_PORT with var/robots, knowing the robots of the units directory file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../../config';
import type { Logger } from '../../contracts/logger';
import { DevError, processAlive, spawnDetached, writePidRecord } from '../process';
import { probeHttp, type Probe } from '../probes';
import { waitFor, type DevPaths } from '../stack-common';
import { readRobotMessages } from './store';

const HOST = '127.0.0.1';

export function robotSinkMainScript(cfg: Pick<Config, 'root'>): string {
  return path.join(cfg.root, 'dist', 'devtools', 'robot-sink', 'main.js');
}

const probe = (port: number) => probeHttp(`http://${HOST}:${port}/`);

/** The status row's address and probe, with how many messages the sink kept. */
export async function robotSinkStatus(cfg: Config, p: DevPaths): Promise<{ address: string; probe: Probe }> {
  const port = cfg.channels.sinkPort;
  const r = await probe(port);
  const n = readRobotMessages(p.robotsDir).length;
  return {
    address: `http://${HOST}:${port}`,
    probe: { ok: r.ok, detail: `${r.detail}; ${n} 条群机器人消息在 ${p.robotsDir}` },
  };
}

export async function upRobotSink(cfg: Config, p: DevPaths, log: Logger): Promise<string | undefined> {
  const port = cfg.channels.sinkPort;
  if ((await probe(port)).ok) return undefined;
  const script = robotSinkMainScript(cfg);
  if (!fs.existsSync(script)) throw new DevError(`找不到 ${script}: 先运行 npm run build`);
  const logFile = path.join(p.logDir, 'robot-sink.log');
  const args = [
    script,
    '--host',
    HOST,
    '--port',
    String(port),
    '--dir',
    p.robotsDir,
    '--units',
    cfg.unitsFile,
    '--log-level',
    cfg.logLevel,
  ];
  log.info('starting the robot sink', { address: `${HOST}:${port}`, dir: p.robotsDir });
  const pid = spawnDetached(process.execPath, args, { logFile });
  writePidRecord(p.runDir, {
    part: 'robot-sink',
    pid,
    kind: 'process',
    startedAt: new Date().toISOString(),
    command: [process.execPath, ...args],
    address: `${HOST}:${port}`,
    match: 'robot-sink',
    logFile,
  });
  await waitFor(
    `群机器人接收器 ${HOST}:${port}`,
    () => probe(port),
    10000,
    logFile,
    () => processAlive(pid, 'robot-sink'),
  );
  return 'robot-sink';
}
