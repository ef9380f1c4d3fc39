/**
 * Composition root of the Temporal worker: builds Prisma, the notification port and the Temporal
 * connection from config, runs the lifecycle workflows and activities, and drains on SIGINT/SIGTERM
 * (the worker finishes in-flight activity attempts, then Prisma and the connection close).
 *
 * Notices go through the BullMQ adapter (infra/queue/: Notice row + delayed job); callers that run
 * without Redis (tests, simulations) pass `notifications: 'outbox'` to write Notice rows only.
 */
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
import type { AssessmentDeps } from '../activities/assessment';
import type { AssessmentActivities } from '../contracts/assessment';
import { loadAssessmentConfig } from '../config/assessment';
import type { NotificationPort } from '../contracts/notification';
import type { PrismaClient } from '../generated/prisma/client';
import { createRedis } from '../infra/queue/redis';
import { createNoticeQueue } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { createPostgresFileStore } from '../infra/export/file-store';
import { sqlFromPrisma } from '../app/notices/sql';
import { workflowCode } from './workflow-bundle';

export { workflowsPath } from './workflow-bundle';

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
/** Workflow tasks the worker holds at once (its one workflow thread runs them in turn). */
const WORKFLOW_TASK_SLOTS = 10;

/**
 * The annual assessment's activity, its module loaded at its first run (once a year) instead of at
 * start-up: with it come exceljs and the XLSX/CSV writers, ≈ 400 modules and ≈ 30 MB of RSS that
 * the lifecycles never use (docs/deploy.md, Worker sizing). Its config is read and checked at
 * start-up all the same (the caller's loadAssessmentConfig).
 */
function assessmentActivities(
  deps: Omit<AssessmentDeps, 'isWorkday'> & { holidaysOverrideFile?: string },
): AssessmentActivities {
  let loaded: Promise<AssessmentActivities> | null = null;
  const load = () =>
    (loaded ??= Promise.all([import('../activities/assessment'), import('../app/assessment/run')]).then(([a, r]) =>
      a.createAssessmentActivities({ ...deps, isWorkday: r.officialWorkdays(deps.zone, deps.holidaysOverrideFile) }),
    ));
  return { runAnnualAssessment: async (input) => (await load()).runAnnualAssessment(input) };
}

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
    const code = workflowCode();
    if (!code.prebuilt) logger.info('bundling the workflow code at start-up', { reason: code.reason });
    const worker = await Worker.create({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      ...code.options,
      activities: {
        ...createLifecycleActivities({
          db,
          notifications: notifications.port,
          logger: logger.child({ component: 'activities' }),
          zone: cfg.timezone,
        }),
        // the annual assessment (workflows/assessment.ts), started by its Temporal Schedule or on demand
        ...assessmentActivities({
          db,
          notifications: notifications.port,
          logger: logger.child({ component: 'assessment' }),
          zone: cfg.timezone,
          config: loadAssessmentConfig(cfg),
          files: createPostgresFileStore(sqlFromPrisma(db)),
          holidaysOverrideFile: cfg.holidaysOverrideFile,
        }),
      },
      // the settings and their reasons: docs/deploy.md, Worker sizing
      maxCachedWorkflows: cfg.temporal.maxCachedWorkflows,
      // one workflow thread: more tasks in hand than it runs in a few seconds only wait in it, and
      // one that waits past its 10 s timeout is handed out again with its whole history (a replay)
      maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
      // a busy worker still holds its cached workflows: leave their tasks on its sticky queue for
      // a minute (default 10 s) rather than hand them to the normal queue, which means a replay
      stickyQueueScheduleToStartTimeout: '1m',
      // an activity runs one transaction at a time: more of them than connections only queue inside
      // Prisma, where a wait past 2 s fails the attempt
      maxConcurrentActivityTaskExecutions: DB_POOL,
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
