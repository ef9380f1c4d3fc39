/**
 * Process plumbing shared by the composition roots (worker/*-main.ts): one graceful shutdown on
 * SIGINT/SIGTERM, and a start-up failure that is logged as JSON and exits non-zero.
 */
import { createLogger } from '../infra/logger';
import type { Logger } from '../contracts/logger';

/**
 * Calls `close` once on the first SIGINT/SIGTERM, then exits 0 (or 1 when closing fails). A second
 * signal while closing is ignored: the worker is draining in-flight work.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Runs a process entry point, logging a start-up failure as JSON before exiting 1. */
export function runMain(what: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    createLogger('error').error(`${what} failed to start`, { err });
    process.exit(1);
  });
}
