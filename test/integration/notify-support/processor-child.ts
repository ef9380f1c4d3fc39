/**
 * A mail processor in its own process, for the crash tests: the parent kills it with SIGKILL
 * mid-batch and starts another. Settings come from T_* environment variables.
 */
import { loadConfig } from '../../../config';
import { createLogger } from '../../../infra/logger';
import { startMailWorker } from '../../../worker/mail-main';

async function run() {
  const env = process.env;
  const logger = createLogger('info', { pid: process.pid });
  const w = await startMailWorker({
    config: loadConfig(),
    logger,
    databaseUrl: env.T_DB_URL!,
    redisUrl: env.T_REDIS_URL!,
    prefix: env.T_PREFIX!,
    smtp: { host: '127.0.0.1', port: Number(env.T_SMTP_PORT), timeoutMs: 3000, poolSize: 3 },
    jobPolicy: { attempts: 5, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 },
    concurrency: 12,
    ratePerSecond: Number(env.T_RATE ?? 1000),
    reconcileEveryMs: Number(env.T_RECONCILE_MS ?? 60_000),
    lockDurationMs: 1500,
    stalledIntervalMs: 500,
    checkRedis: false,
    // T_LETTERS=<debounce ms>: unit letters on (the letter fault tests); otherwise as the environment says
    ...(env.T_LETTERS ? { letters: { enabled: true, debounceMs: Number(env.T_LETTERS), central: true } } : {}),
  });
  process.send?.('ready');
  const stop = () => void w.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
