/**
 * The restore drill, through the CLI an operator would use: `dubang db backup` while the mail
 * worker is sending, `dubang db restore --into <new database>`, the mail worker moved onto the
 * restored database. Notices delivered before the backup are not sent again (their delivery
 * records came back with the restore, and the reconciler finds nothing missing); notices that fell
 * due after the switch go out once, from the restored database. Counted at the SMTP sink.
 */
import type { Queue } from 'bullmq';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createPrisma } from '../../infra/db/client';
import { dropDatabase, withDatabase } from '../../infra/db/url';
import { silentLogger } from '../../infra/logger';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { createRedis } from '../../infra/queue/redis';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { runCli } from '../helpers/services';
import { closePipeline, countByNotice, eventually, seed, submission, uniquePrefix } from './notify-support/fixture';

const POLICY = { attempts: 5, backoffMs: 200, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
const config = loadConfig();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-backup-'));
const prefix = uniquePrefix('restore');

let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let restoredUrl: string | undefined;
const workers: MailWorker[] = [];

const startWorker = (databaseUrl: string) =>
  startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl,
    prefix,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 3000, poolSize: 2 },
    jobPolicy: POLICY,
    concurrency: 4,
    ratePerSecond: 1000,
    reconcileGraceMs: 0,
  });

beforeAll(async () => {
  [db, sink] = await Promise.all([createTestDatabase(), startMailSink({ port: 0 })]);
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
});

afterAll(async () => {
  for (const w of workers) await w.close().catch(() => undefined);
  await closePipeline({ queue, redis, sink, db });
  if (restoredUrl) await dropDatabase(restoredUrl);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('backup while sending, restore into a fresh database, carry on there: every notice arrives once', async () => {
  const s = await seed(db.prisma, { tasks: 4, units: 3 });
  const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  const [early, late] = [s.assignments.slice(0, 6), s.assignments.slice(6)];
  const a = await startWorker(db.url);
  workers.push(a);
  for (const x of early) await port.submit(submission(x.id, new Date()));
  await sink.waitFor(early.length, 20_000);
  await eventually(
    'early deliveries recorded',
    () => db.prisma.delivery.count({ where: { status: 'SENT' } }),
    (n) => n === early.length,
  );
  // Due shortly after the switch: queued now (delayed jobs in Redis), sent from the restored database.
  const lateAt = new Date(Date.now() + 8_000);
  for (const x of late) await port.submit(submission(x.id, lateAt));

  const file = path.join(dir, 'drill.dump');
  const backup = runCli(['db', 'backup', '--out', file, '--json'], { DATABASE_URL: db.url });
  expect(backup.stderr).toBe('');
  expect(backup.status).toBe(0);
  expect(backup.json<{ file: string; bytes: number }>()).toMatchObject({ file, bytes: fs.statSync(file).size });

  // The switch: the old mail worker stops, the database is restored under a new name, a mail worker
  // starts on it (an operator changes DATABASE_URL and restarts the services).
  await a.close();
  const into = `${db.name}_restored`;
  const restore = runCli(['db', 'restore', file, '--into', into], { DATABASE_URL: db.url });
  expect(restore.stderr).toBe('');
  expect(restore.stdout).toContain(`已将 ${file} 恢复到数据库 ${into}（新建）`);
  restoredUrl = withDatabase(db.url, into);
  const restored = createPrisma(restoredUrl, { max: 2 });
  try {
    expect(await restored.notice.count()).toBe(early.length + late.length);
    expect(await restored.delivery.count({ where: { status: 'SENT' } })).toBe(early.length);

    const b = await startWorker(restoredUrl);
    workers.push(b);
    // The reconciler on the restored database finds nothing to resend for the early notices.
    await b.reconcileNow();
    await sink.waitFor(early.length + late.length, 30_000);
    await eventually(
      'late deliveries recorded in the restored database',
      () => restored.delivery.count({ where: { status: 'SENT' } }),
      (n) => n === early.length + late.length,
    );
    await b.reconcileNow();
    await new Promise((r) => setTimeout(r, 1000));
    const counts = countByNotice(sink.received());
    expect(counts.size).toBe(early.length + late.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // the original database saw none of the late sends: they happened on the restored one
    expect(await db.prisma.delivery.count({ where: { status: 'SENT' } })).toBe(early.length);
  } finally {
    await restored.$disconnect();
  }
});

test('restore refuses a database that already holds tables, naming it and what to do', () => {
  const file = path.join(dir, 'drill.dump');
  const r = runCli(['db', 'restore', file], { DATABASE_URL: db.url });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`数据库 ${db.name} 已存在且有`);
  expect(r.stderr).toContain('请用 --into <新数据库名> 恢复到新库');
});

test('a missing backup file is a clear error', () => {
  const r = runCli(['db', 'restore', path.join(dir, 'nope.dump'), '--into', 'dubang_never_made'], {
    DATABASE_URL: db.url,
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`备份文件不存在：${path.join(dir, 'nope.dump')}`);
});
