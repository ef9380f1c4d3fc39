/**
 * Composition root of the HTTP server: builds Prisma, the Temporal client (for the lifecycle use
 * cases and workflow metrics), Redis and the notice queue (queue dashboard, queue metrics, health),
 * the link service, and the Fastify app; listens; closes everything on SIGINT/SIGTERM.
 *
 *   node dist/worker/http-main.js        (or `dubang serve`)
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { queueBoardMounter } from '../web/queue-board';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { loadConfig, type Config } from '../config';
import { readHolidayOverride } from '../config/policy-schema';
import type { PrismaClient } from '../generated/prisma/client';
import { applyTaskInput } from '../app/tasks';
import { createPrisma } from '../infra/db/client';
import { probeSmtp } from '../infra/probes';
import { buildServer } from '../web/server';
import type { HealthCheck, TaskActions } from '../web/context';
import { queueMetrics, workflowMetrics } from '../web/metrics';
import { hashPassword } from '../web/passwords';
import { purgeExpiredSessions } from '../web/sessions';
import { purgeSignInThrottle } from '../web/routes/auth';
import type { LinkService } from '../contracts/links';
import { createLinkService, linkKeysFromConfig } from '../infra/links';
import { closeOnSignals, runMain } from './process';
import { createLogger } from '../infra/logger';
import type { Logger } from '../contracts/logger';
import { createNoticeQueue, NOTICE_QUEUE } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { createRedis } from '../infra/queue/redis';
import { createTemporalClient } from '../infra/temporal';

export interface HttpServerOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** overrides for tests */
  databaseUrl?: string;
  port?: number;
  host?: string;
  /** skip Temporal (no actions, no workflow metrics) — for read-only demos and the benchmark */
  withoutTemporal?: boolean;
  /** skip Redis (no queue dashboard, no queue metrics) */
  withoutRedis?: boolean;
}

export interface RunningHttpServer {
  app: FastifyInstance;
  url: string;
  db: PrismaClient;
  links: LinkService;
  close(): Promise<void>;
}

/** The lifecycle use cases over a Temporal client (app/tasks.ts). */
export function temporalTaskActions(client: Client): TaskActions {
  return {
    apply: (o) => applyTaskInput(client, { planSlug: o.planSlug, task: o.task, type: o.type, args: o.args as never }),
  };
}

export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const cfg = o.config;
  const logger = o.logger;
  // refuses the published or a short link key for a real PUBLIC_URL, before anything connects
  const linkKeys = linkKeysFromConfig(cfg.http);
  const db = createPrisma(o.databaseUrl ?? cfg.database.url, { max: 10 });
  const closers: (() => Promise<void>)[] = [async () => db.$disconnect()];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch((err) => logger.warn('close failed', { err }));
  };
  try {
    let client: Client | null = null;
    if (!o.withoutTemporal) {
      const t = await createTemporalClient(cfg.temporal);
      client = t.client;
      closers.push(t.close);
    }
    let redis: Redis | null = null;
    let queue: Queue | null = null;
    if (!o.withoutRedis) {
      redis = createRedis(cfg.redis, 'producer', logger);
      queue = createNoticeQueue({ connection: redis, prefix: cfg.redis.queuePrefix, name: NOTICE_QUEUE, logger });
      const r = redis;
      const qq = queue;
      closers.push(async () => {
        await qq.close();
        r.disconnect();
      });
    }
    const links = createLinkService({ db, ...linkKeys });
    const tasks: TaskActions = client
      ? temporalTaskActions(client)
      : {
          apply: async () => {
            const e = new Error('工作流服务未连接，暂时不能办理') as Error & { reason: string; code: string };
            e.name = 'TaskNotSupervised';
            throw e;
          },
        };
    const health: HealthCheck[] = [];
    if (redis) {
      const r = redis;
      health.push({ name: 'redis', check: async () => ({ ok: (await r.ping()) === 'PONG' }) });
    }
    if (client) {
      const c = client;
      health.push({
        name: 'temporal',
        check: async () => ({ ok: Boolean(await c.workflowService.getSystemInfo({})), detail: cfg.temporal.address }),
      });
    }
    health.push({ name: 'smtp', check: async () => probeSmtp(cfg.smtp.host, cfg.smtp.port) });

    const app = await buildServer({
      db,
      links,
      tasks,
      logger: logger.child({ component: 'http' }),
      zone: cfg.timezone,
      policy: cfg.policy,
      holidayOverride: readHolidayOverride(cfg.holidaysOverrideFile),
      publicUrl: cfg.http.publicUrl,
      trustProxy: cfg.http.trustProxy,
      health,
      metrics: async () => {
        let text = '';
        if (queue) text += await queueMetrics([queue]);
        if (client) text += await workflowMetrics(client).catch(() => '# workflow counts unavailable\n');
        return text;
      },
      ...(queue
        ? {
            mountQueueBoard: queueBoardMounter([queue]),
            notify: createQueueNotificationPort({ prisma: db, queue, logger }),
          }
        : {}),
      ...(redis ? { throttleRedis: { client: redis, prefix: `${cfg.redis.queuePrefix}:rate-limit:` } } : {}),
    });
    const purge = setInterval(
      () =>
        void Promise.all([purgeExpiredSessions(db), purgeSignInThrottle(db)]).catch((err) =>
          logger.warn('session purge failed', { err }),
        ),
      3600_000,
    );
    purge.unref();
    closers.push(async () => clearInterval(purge));
    const host = o.host ?? cfg.http.host;
    const port = o.port ?? cfg.http.port;
    await app.listen({ host, port });
    closers.push(async () => app.close());
    const addr = app.server.address();
    const url = `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}`;
    logger.info('http server listening', { url, publicUrl: cfg.http.publicUrl });
    let closing: Promise<void> | null = null;
    return {
      app,
      url,
      db,
      links,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Demo sign-ins for `npm run up`: gives a password to the Office's 督办员 and a leader, if none has one. */
export async function ensureDemoLogins(
  db: PrismaClient,
  password: string,
): Promise<{ email: string; role: string; passwordSet: boolean }[]> {
  const out: { email: string; role: string; passwordSet: boolean }[] = [];
  for (const kind of ['OFFICE', 'LEADERSHIP'] as const) {
    const contacts = await db.contact.findMany({
      where: { unit: { kind } },
      orderBy: [{ role: 'asc' }, { email: 'asc' }],
    });
    if (!contacts.length) continue;
    const withPassword = contacts.find((c) => c.passwordHash);
    const target = withPassword ?? contacts[0]!;
    if (!withPassword)
      await db.contact.updateMany({
        where: { email: target.email, unit: { kind } },
        data: { passwordHash: await hashPassword(password) },
      });
    out.push({ email: target.email, role: kind === 'OFFICE' ? 'office' : 'leadership', passwordSet: !withPassword });
  }
  return out;
}

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { service: 'http' });
  const s = await startHttpServer({ config, logger });
  closeOnSignals(logger, () => s.close());
}

if (require.main === module) runMain('http server', main);
