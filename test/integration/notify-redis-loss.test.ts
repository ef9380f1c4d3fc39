/**
 * docs/reliability.md rows 4 and 5: Redis loses every queued job (kill -9 of a Redis without persistence,
 * or the queue's keys deleted). The worker reconnects by itself; the reconciler re-enqueues every
 * open notice under its original job id; each notice is delivered exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import { loadConfig } from '../../config';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { reconcileNotices } from '../../infra/queue/reconciler';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { countByNotice, deletePrefix, eventually, seed, submission, uniquePrefix } from './notify-support/fixture';
import { freePort, kill9, startRedisServer } from './notify-support/children';

jest.setTimeout(60_000);

const config = loadConfig();
const POLICY = { attempts: 5, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
let db: TestDatabase;
let sink: MailSink;

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startMailSink({ port: 0 });
});
afterAll(async () => {
  await sink?.close();
  await db?.drop();
});
beforeEach(() => sink.clear());

test('kill -9 of Redis: the worker reconnects, the reconciler restores the lost jobs, each notice goes out once', async () => {
  const s = await seed(db.prisma, { tasks: 10, units: 6 });
  const redisPort = await freePort();
  const redisUrl = `redis://127.0.0.1:${redisPort}/0`;
  let server: ChildProcess = await startRedisServer(redisPort);
  const prefix = uniquePrefix('loss');
  const producer = createRedis(redisUrl, 'producer', silentLogger);
  const queue: Queue<NoticeJobData> = createNoticeQueue({ connection: producer, prefix, logger: silentLogger });
  const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  const worker: MailWorker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    redisUrl,
    prefix,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 3000, poolSize: 3 },
    jobPolicy: POLICY,
    concurrency: 10,
    ratePerSecond: 1000,
    reconcileEveryMs: 500,
    reconcileGraceMs: 0,
  });
  try {
    // the first 20 go out now; the other 40 are due in a few seconds, waiting as delayed jobs
    const now = Date.now();
    const early = s.assignments.slice(0, 20).map((a) => submission(a.id, new Date(now)));
    const late = s.assignments.slice(20).map((a) => submission(a.id, new Date(now + 2500)));
    for (const sub of [...early, ...late]) await port.submit(sub);
    await sink.waitFor(20, 10_000);
    await eventually(
      'early ones recorded',
      () => db.prisma.delivery.count({ where: { status: 'SENT' } }),
      (n) => n === 20,
    );
    expect(await queue.getDelayedCount()).toBe(40);

    await kill9(server);
    server = await startRedisServer(redisPort); // same port, empty: everything queued is gone
    await eventually(
      'worker reconnected and jobs restored',
      () => db.prisma.delivery.count({ where: { status: 'SENT' } }),
      (n) => n === 60,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 800));

    const counts = countByNotice(sink.received());
    expect(counts.size).toBe(60);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // the notices sent before the loss were not re-enqueued (their jobs are gone but they are SENT)
    const pass = await reconcileNotices({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY, graceMs: 0 });
    expect(pass).toEqual({ checked: 0, added: 0 });
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    await kill9(server);
  }
});

test('queue keys deleted (flush of our prefix): the reconciler re-enqueues only what was never sent, with the same ids', async () => {
  const s = await seed(db.prisma, { tasks: 5, units: 2 });
  const prefix = uniquePrefix('flush');
  const producer = createRedis(config.redis.url, 'producer', silentLogger);
  const queue: Queue<NoticeJobData> = createNoticeQueue({ connection: producer, prefix, logger: silentLogger });
  const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  try {
    const before = await db.prisma.notice.count();
    const subs = s.assignments.map((a) => submission(a.id, new Date()));
    for (const sub of subs) await port.submit(sub);
    expect(await queue.getWaitingCount()).toBe(10);
    expect(await deletePrefix(producer, prefix)).toBeGreaterThan(0);
    expect(await queue.getJobState(subs[0]!.key)).toBe('unknown');

    const pass = await reconcileNotices({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY, graceMs: 0 });
    expect(pass.added).toBe(10);
    expect(pass.checked).toBe(10);
    for (const sub of subs) expect(await queue.getJobState(sub.key)).toBe('waiting');
    // a second pass finds every job in place
    expect(
      (await reconcileNotices({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY, graceMs: 0 })).added,
    ).toBe(0);

    const worker = await startMailWorker({
      config,
      logger: silentLogger,
      databaseUrl: db.url,
      prefix,
      smtp: { host: sink.host, port: sink.port },
      jobPolicy: POLICY,
      concurrency: 5,
      ratePerSecond: 1000,
    });
    try {
      await sink.waitFor(10, 10_000);
      await new Promise((r) => setTimeout(r, 500));
      const counts = countByNotice(sink.received());
      for (const sub of subs) expect(counts.get(sub.key)).toBe(1);
      expect(sink.received()).toHaveLength(10);
      expect(await db.prisma.notice.count()).toBe(before + 10);
    } finally {
      await worker.close();
    }
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
  }
});
