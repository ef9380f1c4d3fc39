/**
 * Composition root of the Temporal worker: builds Prisma, the notification port and the Temporal
 * connection from config, runs the lifecycle workflows and activities, and drains on SIGINT/SIGTERM
 * (the worker finishes in-flight activity attempts, then Prisma and the connection close).
 *
 * Notices go through the BullMQ adapter (infra/queue/: Notice row + delayed job); callers that run
 * without Redis (tests, simulations) pass `notifications: 'outbox'` to write Notice rows only.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel as TemporalLogLevel,
} from '@temporalio/worker';
import { loadConfig, type Config } from '../config';
import { createPrisma } from '../infra/db/client';
import { closeOnSignals, runMain } from './process';
import { createLogger } from '../infra/logger';
import type { Logger } from '../contracts/logger';
import { createOutboxNotificationPort } from '../infra/outbox';
import { createWorkerConnection } from '../infra/temporal';
import { tcpOpen } from '../infra/probes';
import { createLifecycleActivities } from '../activities/lifecycle';
import { createAssessmentActivities } from '../activities/assessment';
import { loadAssessmentConfig } from '../config/assessment';
import { officialWorkdays } from '../app/assessment/run';
import type { NotificationPort } from '../contracts/notification';
import type { PrismaClient } from '../generated/prisma/client';
import { createRedis } from '../infra/queue/redis';
import { createNoticeQueue } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { createPostgresFileStore } from '../infra/export/file-store';
import { sqlFromPrisma } from '../app/notices/sql';

/** Where the workflow code is: the TypeScript sources under jest/ts-node, the compiled file otherwise. */
export function workflowsPath(): string {
  const ts = path.join(__dirname, '..', 'workflows', 'index.ts');
  return fs.existsSync(ts) && !__filename.endsWith('.js') ? ts : path.join(__dirname, '..', 'workflows', 'index.js');
}

/**
 * The notification port: BullMQ's (infra/queue: Notice row + delayed job) by default, or the bare
 * outbox (rows only, for tests and for running without Redis).
 */
export async function chooseNotificationPort(
  cfg: Config,
  db: PrismaClient,
  logger: Logger,
  kind: 'queue' | 'outbox' = 'queue',
): Promise<{ port: NotificationPort; kind: 'queue' | 'outbox'; close: () => Promise<void> }> {
  if (kind === 'outbox') return { port: createOutboxNotificationPort(db), kind, close: async () => undefined };
  const redis = createRedis(cfg.redis, 'producer', logger);
  const queue = createNoticeQueue({ connection: redis, prefix: cfg.redis.queuePrefix, logger });
  const port = createQueueNotificationPort({ prisma: db, queue, logger });
  return {
    port,
    kind,
    close: async () => {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** PostgreSQL connections of the worker, and so the activities it runs at once. */
const DB_POOL = 10;

export interface RunningWorker {
  worker: Worker;
  /** resolves when the worker has stopped and everything is closed */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** Builds and starts the worker; the caller decides when to shut it down. */
export async function startTemporalWorker(
  cfg: Config,
  logger: Logger,
  opts: { notifications?: 'queue' | 'outbox' } = {},
): Promise<RunningWorker> {
  const db = createPrisma(cfg.database.url, { max: DB_POOL });
  const notifications = await chooseNotificationPort(cfg, db, logger, opts.notifications);
  let connection: NativeConnection | null = null;
  try {
    connection = await createWorkerConnection(cfg.temporal);
    const worker = await Worker.create({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      workflowsPath: workflowsPath(),
      activities: {
        ...createLifecycleActivities({
          db,
          notifications: notifications.port,
          logger: logger.child({ component: 'activities' }),
          zone: cfg.timezone,
        }),
        // the annual assessment (workflows/assessment.ts), started by its Temporal Schedule or on demand
        ...createAssessmentActivities({
          db,
          notifications: notifications.port,
          logger: logger.child({ component: 'assessment' }),
          zone: cfg.timezone,
          config: loadAssessmentConfig(cfg),
          files: createPostgresFileStore(sqlFromPrisma(db)),
          isWorkday: officialWorkdays(cfg.timezone, cfg.holidaysOverrideFile),
        }),
      },
      // Many sleeping workflows, few busy ones: keep the sticky cache bounded.
      maxCachedWorkflows: 500,
      // an activity runs one transaction at a time: more of them than connections only queue inside
      // Prisma, where a wait past 2 s fails the attempt (docs/deploy.md, Worker sizing)
      maxConcurrentActivityTaskExecutions: DB_POOL,
      // luxon evaluated once for every workflow, not once per workflow (docs/deploy.md, Worker sizing)
      bundlerOptions: { preloadModules: ['luxon'] },
    });
    logger.info('temporal worker started', {
      taskQueue: cfg.temporal.taskQueue,
      address: cfg.temporal.address,
      notifications: notifications.kind,
    });
    const conn = connection;
    const watch = watchServer(cfg.temporal.address, logger);
    const done = worker.run().finally(async () => {
      watch.stop();
      await notifications.close();
      await db.$disconnect();
      await conn.close();
      logger.info('temporal worker stopped');
    });
    return {
      worker,
      done,
      async shutdown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      },
    };
  } catch (err) {
    await notifications.close();
    await db.$disconnect();
    await connection?.close();
    throw err;
  }
}

/**
 * The SDK rides out a Temporal server outage silently (its polls retry with backoff), which leaves an
 * operator reading the worker's log blind. Every `everyMs` this checks that the server's address
 * accepts a connection (2 s timeout; a gRPC call would not do: the native client retries it for
 * ~9 s whatever the deadline) and logs the outage once when it starts and once when it ends, with
 * its length.
 */
export function watchServer(address: string, logger: Logger, everyMs = 5_000): { stop(): void } {
  const [host, portText] = [address.slice(0, address.lastIndexOf(':')), address.slice(address.lastIndexOf(':') + 1)];
  let downSince: number | null = null;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void tcpOpen(host, Number(portText), 2_000)
      .then((up) => {
        if (up && downSince !== null) {
          logger.warn('temporal server reachable again; workers resume polling', {
            address,
            downForMs: Date.now() - downSince,
          });
          downSince = null;
        } else if (!up && downSince === null) {
          downSince = Date.now();
          logger.error(
            'temporal server unreachable; timers and polls wait until it is back (the worker keeps retrying)',
            { address },
          );
        }
      })
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function installRuntimeLogger(logger: Logger, level: Config['logLevel']): void {
  const map: Record<string, 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'debug',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    logger: new DefaultLogger(level.toUpperCase() as TemporalLogLevel, (entry) =>
      logger[map[entry.level] ?? 'info'](entry.message, { component: 'temporal', ...(entry.meta ?? {}) }),
    ),
    // SIGINT/SIGTERM are handled below, so the worker drains before Prisma closes.
    shutdownSignals: [],
  });
}

export async function main(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger(cfg.logLevel, { service: 'temporal-worker' });
  installRuntimeLogger(logger, cfg.logLevel);
  // `--outbox`: notices become Notice rows only (no Redis), for running the lifecycle without the mail pipeline.
  const running = await startTemporalWorker(cfg, logger, {
    notifications: process.argv.includes('--outbox') ? 'outbox' : 'queue',
  });
  // shutdown() drains in-flight activities, then closes Prisma, Redis and the connection.
  closeOnSignals(logger, () => running.shutdown());
  await running.done;
}

if (require.main === module) runMain('temporal worker', main);
