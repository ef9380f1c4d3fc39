/**
 * The long-running mail sink that `dubang dev up` starts as a detached process:
 *   node dist/devtools/mail/sink-main.js --port 2525 --dir var/mail [--host 127.0.0.1] [--log-level info]
 * Everything comes from arguments (not config), so the supervisor decides, and tests can run one
 * on a free port with their own folder. Stops cleanly on SIGTERM/SIGINT.
 */
import type { LogLevel } from '../../contracts/logger';
import { createLogger } from '../../infra/logger';
import { startMailSink } from './sink';

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Runs the sink until a signal arrives; resolves when it has closed. */
export async function runSinkMain(argv: string[]): Promise<void> {
  const level = (arg(argv, 'log-level') ?? 'info') as LogLevel;
  const logger = createLogger(level, { service: 'mail-sink', pid: process.pid });
  const port = Number(arg(argv, 'port') ?? '2525');
  const dir = arg(argv, 'dir');
  const host = arg(argv, 'host') ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${arg(argv, 'port')}`);
  // Messages live on disk here; memory only keeps the latest few so a long-running sink stays small.
  const sink = await startMailSink({ host, port, ...(dir ? { dir } : {}), logger, maxInMemory: 100 });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal, ...sink.stats() });
      void sink.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

if (require.main === module) {
  runSinkMain(process.argv).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`mail sink: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
