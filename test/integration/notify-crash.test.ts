/**
 * docs/reliability.md row 1: the mail processor is killed (SIGKILL, a real process) in the middle of a
 * batch and started again. Every notice must arrive; none twice, except a notice whose earlier
 * attempt died between the SMTP server's 250 and the delivery record's commit, and every such
 * notice must have been logged as ambiguous by the process that resent it.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { countByNotice, eventually, seed, submission, uniquePrefix } from './notify-support/fixture';
import { kill9, logged, startProcessor, type Child } from './notify-support/children';

jest.setTimeout(60_000);

const config = loadConfig();
const prefix = uniquePrefix('crash');
let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
const children: Child[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startMailSink({ port: 0 });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
});

afterAll(async () => {
  for (const c of children) await kill9(c.proc);
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis?.disconnect();
  await sink?.close();
  await db?.drop();
});

test('killed mid-batch and restarted: every notice arrives, and only logged-ambiguous ones can repeat', async () => {
  const s = await seed(db.prisma, { tasks: 30, units: 10 });
  const port = createQueueNotificationPort({
    prisma: db.prisma,
    queue,
    logger: silentLogger,
    policy: { attempts: 5, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 },
  });
  const now = new Date();
  const subs = s.assignments.map((a) => submission(a.id, now));
  for (const sub of subs) await port.submit(sub);
  const env = {
    T_DB_URL: db.url,
    T_REDIS_URL: config.redis.url,
    T_PREFIX: prefix,
    T_SMTP_PORT: String(sink.port),
    T_RATE: '150',
  };

  const first = startProcessor(env);
  children.push(first);
  await first.ready;
  await sink.waitFor(60, 20_000);
  await kill9(first.proc);
  const atKill = sink.received().length;
  expect(atKill).toBeLessThan(subs.length); // really mid-batch

  const second = startProcessor({ ...env, T_RATE: '1000' });
  children.push(second);
  await second.ready;
  await eventually(
    'all delivered',
    () => db.prisma.delivery.count({ where: { status: 'SENT' } }),
    (n) => n === subs.length,
    40_000,
  );
  await new Promise((r) => setTimeout(r, 500));

  const counts = countByNotice(sink.received());
  for (const sub of subs) expect(counts.get(sub.key) ?? 0).toBeGreaterThanOrEqual(1);
  expect(counts.size).toBe(subs.length);
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  const ambiguousKeys = new Set(logged(second, /^ambiguous delivery/).map((e) => String(e.key)));
  for (const k of duplicated) expect(ambiguousKeys.has(k)).toBe(true);
  // every delivery recorded once, with its Message-ID; the notices all SENT
  expect(await db.prisma.notice.count({ where: { status: 'SENT' } })).toBe(subs.length);
  expect(await db.prisma.delivery.count({ where: { messageId: null } })).toBe(0);
  process.stderr.write(
    `crash test: ${atKill} received before the kill, ${duplicated.length} duplicate(s), ${ambiguousKeys.size} ambiguous logged\n`,
  );

  second.proc.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});
