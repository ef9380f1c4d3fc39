/**
 * The long-running robot sink that `dubang dev up` starts as a detached process:
 *   node dist/devtools/robot-sink/main.js --port 2626 --dir var/robots --units config/units.json [--host 127.0.0.1]
 * It knows the robots of the units directory file whose webhooks point at its port (the demo
 * robots, with their DingTalk secrets). Stops cleanly on SIGTERM/SIGINT.
 */
import type { LogLevel } from '../../contracts/logger';
import { createLogger } from '../../infra/logger';
import { readDirectoryJson } from './store';
import { sinkRobotsOf, startRobotSink } from './sink';

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function runRobotSinkMain(argv: string[]): Promise<void> {
  const logger = createLogger((arg(argv, 'log-level') ?? 'info') as LogLevel, {
    service: 'robot-sink',
    pid: process.pid,
  });
  const port = Number(arg(argv, 'port') ?? '2626');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port must be 1..65535, got ${arg(argv, 'port')}`);
  const units = arg(argv, 'units');
  const robots = units ? sinkRobotsOf(readDirectoryJson(units), port) : { dingtalk: {}, wecom: [] };
  const dir = arg(argv, 'dir');
  const sink = await startRobotSink({
    host: arg(argv, 'host') ?? '127.0.0.1',
    port,
    robots,
    ...(dir ? { dir } : {}),
    logger,
    maxInMemory: 100,
  });
  logger.info('robots known', { dingtalk: Object.keys(robots.dingtalk).length, wecom: robots.wecom.length });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      void sink.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

if (require.main === module) {
  runRobotSinkMain(process.argv).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`robot sink: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
