/**
 * Composition root of the mail processor: builds Prisma, Redis, the mailer and the queue, checks
 * Redis (noeviction), starts the processor and the reconciler, and drains on SIGINT/SIGTERM.
 *
 *   node dist/worker/mail-main.js
 */
import type { Worker } from 'bullmq';
import { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { createPrisma } from '../infra/db/client';
import { pgConnectionConfig } from '../infra/db/url';
import { createPostgresFileStore } from '../infra/export/file-store';
import { createLogger } from '../infra/logger';
import type { Logger } from '../contracts/logger';
import { createMailer } from '../infra/mail/mailer';
import { checkRedis, createRedis } from '../infra/queue/redis';
import { createNoticeQueue, DEFAULT_JOB_POLICY, NOTICE_QUEUE, type NoticeJobPolicy } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { startReconciler } from '../infra/queue/reconciler';
import { createDeliverNotice } from '../app/notices/deliver-notice';
import { createRecipientResolver } from '../app/notices/recipients';
import { sqlFromPg } from '../app/notices/sql';
import { createDigestPark, createDigestRecipients } from '../app/notices/digest';
import { createLetterPark } from '../app/notices/letters';
import { reportingOf } from '../app/notices/compose';
import { policyCalendar } from '../domain/policy';
import { readHolidayOverride } from '../config/policy-schema';
import type { LetterSettings } from '../domain/notices';
import type { Mailer } from '../contracts/mail';
import { createMailProcessor } from './mail-processor';
import { createChannels, type Channels } from '../app/notices/channels';
import { createRobotSender } from '../infra/channels/sender';
import { createRedisRobotLimiter } from '../infra/channels/limiter';
import { officialWorkdays } from '../app/assessment/run';
import { DateTime } from 'luxon';
import { createLinkService, linkKeysFromConfig } from '../infra/links';

export interface MailWorkerOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** overrides for tests and the benchmark */
  databaseUrl?: string;
  redisUrl?: string;
  prefix?: string;
  queueName?: string;
  smtp?: { host: string; port: number; timeoutMs?: number; poolSize?: number };
  jobPolicy?: NoticeJobPolicy;
  concurrency?: number;
  /** unit letters (default config smtp.letters) */
  letters?: LetterSettings;
  /** sends per second for this relay (default config smtp.ratePerSecond) */
  ratePerSecond?: number;
  reconcileEveryMs?: number;
  /** the reconciler leaves notices younger than this alone (default 10 s) */
  reconcileGraceMs?: number;
  /** crash recovery timing (see createMailProcessor) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** fail start-up unless Redis is noeviction (default true) */
  checkRedis?: boolean;
  /**
   * group robots (docs/channels.md): the per-robot window (default 20 per 60 s, the services'
   * limit; tests shorten it), the request timeout (config channels.timeoutMs), and how often the
   * daily slip summary is checked for (default every minute; 0: never)
   */
  channels?: { perWindow?: number; windowMs?: number; timeoutMs?: number; summaryEveryMs?: number };
}

/** A running mail worker. */
export interface MailWorker {
  worker: Worker;
  prisma: PrismaClient;
  mailer: Mailer;
  channels: Channels;
  reconcileNow(): Promise<{ checked: number; added: number }>;
  close(): Promise<void>;
}

/** Builds and starts everything; the caller (main or a test) owns close(). */
export async function startMailWorker(o: MailWorkerOptions): Promise<MailWorker> {
  const cfg = o.config;
  const logger = o.logger;
  const prefix = o.prefix ?? cfg.redis.queuePrefix;
  const queueName = o.queueName ?? NOTICE_QUEUE;
  const policy = o.jobPolicy ?? DEFAULT_JOB_POLICY;
  const concurrency = o.concurrency ?? Math.max(20, cfg.smtp.poolSize * 8);
  // refuses the published or a short link key for a real PUBLIC_URL, before anything connects
  const linkKeys = linkKeysFromConfig(cfg.http);
  const dbUrl = o.databaseUrl ?? cfg.database.url;
  const prisma = createPrisma(dbUrl, { max: 4 });
  // the send path's three statements per email go straight to pg (app/notices/sql.ts)
  const pg = new Pool({ ...pgConnectionConfig(dbUrl), max: Math.min(20, concurrency) });
  pg.on('error', (err) => logger.error('postgres pool error', { err }));
  const workerRedis: Redis = createRedis(o.redisUrl ?? cfg.redis, 'worker', logger);
  const producerRedis: Redis = createRedis(o.redisUrl ?? cfg.redis, 'producer', logger);
  try {
    if (o.checkRedis ?? true) await checkRedis(producerRedis, logger);
  } catch (err) {
    workerRedis.disconnect();
    producerRedis.disconnect();
    await prisma.$disconnect();
    await pg.end();
    throw err;
  }
  const queue = createNoticeQueue({ connection: producerRedis, prefix, name: queueName, logger });
  const port = createQueueNotificationPort({ prisma, queue, logger, policy });
  const mailer = createMailer({
    host: o.smtp?.host ?? cfg.smtp.host,
    port: o.smtp?.port ?? cfg.smtp.port,
    secure: cfg.smtp.secure,
    ...(cfg.smtp.user ? { user: cfg.smtp.user, pass: cfg.smtp.pass ?? '' } : {}),
    poolSize: o.smtp?.poolSize ?? cfg.smtp.poolSize,
    timeoutMs: o.smtp?.timeoutMs ?? cfg.smtp.timeoutMs,
    // the relay's limit, on messages sent (a job that parks a notice in a letter sends none)
    ratePerSecond: o.ratePerSecond ?? cfg.smtp.ratePerSecond,
    logger,
  });
  const sql = sqlFromPg(pg);
  // the daily digest, for the contacts flagged in the units directory (config smtp.digest for
  // hour and debounce); always on: the opted-in list is one cached read per 30 s, not per email
  const digest = createDigestPark({
    sql,
    notify: port,
    zone: cfg.timezone,
    recipients: createDigestRecipients(sql),
    hour: cfg.smtp.digest.hour,
    debounceMs: cfg.smtp.digest.debounceMs,
  });
  // unit letters (config smtp.letters): a unit's contacts get one email per moment
  const letters = createLetterPark({ sql, notify: port, settings: o.letters ?? cfg.smtp.letters, logger });
  const links = createLinkService({ db: prisma, ...linkKeys });
  const windowMs = o.channels?.windowMs ?? 60_000;
  const channels = createChannels({
    sql,
    notify: port,
    sender: createRobotSender({ timeoutMs: o.channels?.timeoutMs ?? cfg.channels.timeoutMs }),
    limiter: createRedisRobotLimiter({ redis: producerRedis, prefix, max: o.channels?.perWindow ?? 20, windowMs }),
    logger,
    zone: cfg.timezone,
    unitLinkFor: links.workspaceFor,
    officeUrl: cfg.http.publicUrl,
    windowMs,
  });
  const deliver = createDeliverNotice({
    sql,
    digest,
    letters,
    mailer,
    notify: port,
    recipients: createRecipientResolver(prisma),
    logger,
    zone: cfg.timezone,
    from: cfg.smtp.from,
    // files named in a notice's payload (the assessment's exports), from PostgreSQL: never a local disk
    files: createPostgresFileStore(sql),
    // every notice about an assignment carries its unit's signed, expiring form link (web/),
    // in the assignment's current link epoch (read at render time: after a revocation the next email works)
    linkFor: links.linkFor,
    // a unit letter carries one link: the unit's workspace for the plan (本单位督办事项), jti = the letter
    unitLinkFor: links.workspaceFor,
    // the Office's catch-up summary links each item to its assignment page
    officeUrl: cfg.http.publicUrl,
    // the 交办 tells each task's reporting calendar under the configured policy (as the dashboard reads it)
    reporting: reportingOf(cfg.policy, policyCalendar(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile))),
    // group robots: im_message notices, and a message per robot once a unit letter went
    channels,
  });
  const worker = createMailProcessor({
    connection: workerRedis,
    prefix,
    queueName,
    deliver,
    concurrency,
    logger,
    ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs } : {}),
    ...(o.stalledIntervalMs ? { stalledIntervalMs: o.stalledIntervalMs } : {}),
  });
  const reconciler = startReconciler({
    prisma,
    queue,
    logger,
    policy,
    intervalMs: o.reconcileEveryMs ?? 60_000,
    ...(o.reconcileGraceMs !== undefined ? { graceMs: o.reconcileGraceMs } : {}),
  });
  const summaries = startSlipSummaries(cfg, channels, logger, o.channels?.summaryEveryMs ?? 60_000);
  logger.info('mail worker started', {
    queue: queueName,
    prefix,
    concurrency,
    smtp: `${o.smtp?.host ?? cfg.smtp.host}:${o.smtp?.port ?? cfg.smtp.port}`,
  });

  let closing: Promise<void> | null = null;
  return {
    worker,
    prisma,
    mailer,
    channels,
    reconcileNow: () => reconciler.runNow(),
    close() {
      if (!closing) {
        closing = (async () => {
          summaries.stop();
          await reconciler.stop();
          // Worker.close() waits for jobs in flight to finish: no send is cut off half way
          await worker.close();
          await queue.close();
          await mailer.close();
          await prisma.$disconnect();
          await pg.end();
          workerRedis.disconnect();
          producerRedis.disconnect();
          logger.info('mail worker stopped');
        })();
      }
      return closing;
    },
  };
}

/**
 * The daily slip summary's timer: on an office day, once its local hour (config
 * channels.summaryHour) has come, the summary of that day is submitted for every robot that
 * receives it. Every worker runs it; the notice key per (robot, day) makes it once a day.
 */
function startSlipSummaries(cfg: Readonly<Config>, channels: Channels, logger: Logger, everyMs: number) {
  if (!everyMs) return { stop: () => undefined };
  const workday = officialWorkdays(cfg.timezone, cfg.holidaysOverrideFile);
  const tick = () => {
    const now = DateTime.now().setZone(cfg.timezone);
    const date = now.toISODate()!;
    if (now.hour < cfg.channels.summaryHour || !workday(date)) return;
    const atMs = now.startOf('day').plus({ hours: cfg.channels.summaryHour }).toMillis();
    channels
      .planDailySlips({ date, atMs })
      .catch((err: unknown) => logger.warn('daily slip summary not planned yet; next minute', { err }));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Process entry: config from the environment, graceful shutdown on SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { service: 'mail-worker' });
  const w = await startMailWorker({ config, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    w.close().then(
      () => process.exit(0),
      (err) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    createLogger('error').error('mail worker failed to start', { err });
    process.exit(1);
  });
}
