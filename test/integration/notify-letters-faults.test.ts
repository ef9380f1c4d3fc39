/**
 * docs/reliability.md rows 1 and 4 on unit letters. The mail process is killed (SIGKILL, a real
 * process) while letters wait out their debounce, with items of one moment from many task
 * workflows (one notice per assignment, 30 assignments of 10 units) parked in them, and started
 * again. Every letter arrives once per address; every carried notice is recorded SENT by the letter
 * that carried it; nothing goes alone and nothing twice (a repeat only where the resending process
 * logged the attempt as ambiguous). And Redis is killed (-9, no persistence) while the letters'
 * own notices wait as delayed jobs: the reconciler restores them from the outbox, each goes once.
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
import { freePort, kill9, logged, startProcessor, startRedisServer, type Child } from './notify-support/children';
import { startMailWorker } from '../../worker/mail-main';

jest.setTimeout(90_000);

const config = loadConfig();
const prefix = uniquePrefix('letters-crash');
const DEBOUNCE_MS = 4000;
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

test('killed while letters wait out their debounce and restarted: one letter per unit address, every item recorded once', async () => {
  const s = await seed(db.prisma, { tasks: 30, units: 10 });
  const port = createQueueNotificationPort({
    prisma: db.prisma,
    queue,
    logger: silentLogger,
    policy: { attempts: 5, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 },
  });
  const now = new Date();
  const subs = s.assignments.map((a) => submission(a.id, now, { payload: { plan: s.planSlug } }));
  for (const sub of subs) await port.submit(sub);
  const env = {
    T_DB_URL: db.url,
    T_REDIS_URL: config.redis.url,
    T_PREFIX: prefix,
    T_SMTP_PORT: String(sink.port),
    T_RATE: '1000',
    T_LETTERS: String(DEBOUNCE_MS),
    // the restarted process finds the letters' queued jobs (and any lost one through the outbox)
    T_RECONCILE_MS: '1000',
  };

  const first = startProcessor(env);
  children.push(first);
  await first.ready;
  // every notice parked in its unit's letter, the letters open and waiting
  await eventually(
    'all parked',
    () => db.prisma.delivery.count({ where: { status: 'PARKED' } }),
    (n) => n === subs.length,
    30_000,
  );
  const open = await db.prisma.letter.count({ where: { closedAt: null } });
  expect(open).toBeGreaterThan(0);
  await kill9(first.proc);
  expect(sink.received()).toHaveLength(0); // killed inside the debounce: nothing went yet

  const second = startProcessor(env);
  children.push(second);
  await second.ready;
  await eventually(
    'all carried notices sent',
    () => db.prisma.notice.count({ where: { key: { in: subs.map((x) => x.key) }, status: 'SENT' } }),
    (n) => n === subs.length,
    60_000,
  );
  await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 1000));

  const letters = await db.prisma.letter.findMany({ include: { items: true } });
  // one letter per (unit, address): the fixture's units each have a liaison
  const addresses = new Set(letters.map((l) => `${l.unitId}|${l.email}`));
  expect(letters).toHaveLength(addresses.size);
  expect(letters.every((l) => l.closedAt !== null && l.noticeId !== null)).toBe(true);
  const mails = sink.received();
  const counts = countByNotice(mails);
  const letterKeys = (await db.prisma.notice.findMany({ where: { kind: 'unit_letter' }, select: { key: true } })).map(
    (n) => n.key,
  );
  expect([...counts.keys()].sort()).toEqual([...letterKeys].sort()); // nothing went alone
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  const ambiguous = new Set(logged(second, /^ambiguous delivery/).map((e) => String(e.key)));
  for (const k of duplicated) expect(ambiguous.has(k)).toBe(true);
  // every carried notice recorded with the Message-ID of the letter that carried it
  const carried = await db.prisma.notice.findMany({
    where: { key: { in: subs.map((x) => x.key) } },
    include: { delivery: true },
  });
  expect(carried.every((n) => n.delivery?.status === 'SENT' && n.statusReason === '已随单位督办函送达')).toBe(true);
  expect(letters.reduce((n, l) => n + l.items.length, 0)).toBe(subs.length);
  process.stderr.write(
    `letter crash test: ${open} letters open at the kill, ${mails.length} letters received, ${duplicated.length} duplicate(s)\n`,
  );

  second.proc.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

test('kill -9 of Redis while letters wait: the reconciler restores the letters, each goes once with all its items', async () => {
  const s = await seed(db.prisma, { tasks: 8, units: 4 });
  const redisPort = await freePort();
  const redisUrl = `redis://127.0.0.1:${redisPort}/0`;
  let server = await startRedisServer(redisPort);
  const loss = uniquePrefix('letters-loss');
  const producer = createRedis(redisUrl, 'producer', silentLogger);
  const q = createNoticeQueue({ connection: producer, prefix: loss, logger: silentLogger });
  const policy = { attempts: 5, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
  const port = createQueueNotificationPort({ prisma: db.prisma, queue: q, logger: silentLogger, policy });
  const worker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    redisUrl,
    prefix: loss,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 3000, poolSize: 3 },
    jobPolicy: policy,
    concurrency: 10,
    ratePerSecond: 1000,
    reconcileEveryMs: 500,
    reconcileGraceMs: 0,
    letters: { enabled: true, debounceMs: DEBOUNCE_MS, central: true },
  });
  sink.clear();
  try {
    const subs = s.assignments.map((a) => submission(a.id, new Date(), { payload: { plan: s.planSlug } }));
    for (const sub of subs) await port.submit(sub);
    const keys = subs.map((x) => x.key);
    await eventually(
      'all parked',
      () => db.prisma.delivery.count({ where: { status: 'PARKED', notice: { key: { in: keys } } } }),
      (n) => n === subs.length,
      20_000,
    );
    const ids = (
      await db.prisma.letter.findMany({
        where: { items: { some: { notice: { key: { in: keys } } } } },
        select: { noticeId: true },
      })
    ).map((l) => l.noticeId!);
    const letterNotices = await db.prisma.notice.findMany({ where: { id: { in: ids } }, select: { key: true } });
    expect(letterNotices.length).toBeGreaterThan(0);
    await kill9(server);
    server = await startRedisServer(redisPort); // same port, empty: the letters' delayed jobs are gone
    await eventually(
      'all carried notices sent',
      () => db.prisma.notice.count({ where: { key: { in: keys }, status: 'SENT' } }),
      (n) => n === subs.length,
      40_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const counts = countByNotice(sink.received());
    expect([...counts.keys()].sort()).toEqual(letterNotices.map((n) => n.key).sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await worker.close();
    await q.close();
    producer.disconnect();
    await kill9(server);
  }
});
