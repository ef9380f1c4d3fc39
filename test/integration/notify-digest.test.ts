/**
 * Optional daily digest: a contact flagged `digest` in the units directory (the database) gets one
 * email for all notices of a window, each notice still recorded on its own; stale ones are left
 * out; contacts not flagged still get single emails. Hour and debounce come from the config keys
 * MAIL_DIGEST_HOUR and MAIL_DIGEST_DEBOUNCE_MS.
 */
import { DateTime } from 'luxon';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { createDigestRecipients } from '../../app/notices/digest';
import { sqlFromPrisma } from '../../app/notices/sql';
import type { Sql } from '../../contracts/sql';
import {
  closePipeline,
  eventually,
  noticeHeader,
  parse,
  seed,
  submission,
  uniquePrefix,
} from './notify-support/fixture';

const config = loadConfig();
const POLICY = { attempts: 3, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
const prefix = uniquePrefix('digest');
let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let worker: MailWorker;

// the digest moment is the current hour's start: notices due exactly then belong to it
const moment = DateTime.now().setZone(config.timezone).startOf('hour');
// the worker's digest hour and debounce, through the environment keys as in production
const digestConfig = loadConfig({
  ...process.env,
  MAIL_DIGEST_HOUR: String(moment.hour),
  MAIL_DIGEST_DEBOUNCE_MS: '1500',
});

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startMailSink({ port: 0 });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
});
afterAll(async () => {
  await closePipeline({ worker, queue, redis, sink, db });
});

test('a contact flagged in the directory gets one digest email, every notice recorded with its Message-ID, stale ones left out; an unflagged one gets single emails', async () => {
  const s = await seed(db.prisma, { tasks: 4, units: 2 });
  const mine = s.assignments.filter((a) => a.liaison === 'liaison1@bureau.example');
  const others = s.assignments.filter((a) => a.liaison !== 'liaison1@bureau.example');
  // the Office's switch: the liaison of unit 1 opts in; unit 2's liaison does not
  expect(
    (
      await db.prisma.contact.updateMany({
        where: { email: 'liaison1@bureau.example', role: 'LIAISON' },
        data: { digest: true },
      })
    ).count,
  ).toBe(1);
  expect(digestConfig.smtp.digest).toEqual({ hour: moment.hour, debounceMs: 1500 });
  worker = await startMailWorker({
    config: digestConfig,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: sink.host, port: sink.port },
    jobPolicy: POLICY,
    concurrency: 5,
    ratePerSecond: 1000,
  });
  const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  const due = moment.toJSDate();
  // task 4 was acknowledged: its ack reminder must not appear in the digest
  await db.prisma.assignment.update({
    where: { id: mine[3]!.id },
    data: { state: 'ACKNOWLEDGED', acknowledgedAt: new Date() },
  });
  const subs = [
    submission(mine[0]!.id, due, { kind: 'deadline_reminder' }),
    submission(mine[1]!.id, due, {
      kind: 'report_reminder',
      payload: { period: '2026Q1', dueAt: '2026-04-10T23:59:59.999+08:00' },
    }),
    submission(mine[2]!.id, due, { kind: 'ack_reminder' }),
    submission(mine[3]!.id, due, { kind: 'ack_reminder' }),
  ];
  const ids: string[] = [];
  for (const sub of subs) ids.push((await port.submit(sub)).noticeId);
  // two notices for the unflagged liaison of unit 2: two emails of their own
  const alone = [
    await port.submit(submission(others[0]!.id, due, { kind: 'deadline_reminder' })),
    await port.submit(submission(others[1]!.id, due, { kind: 'ack_reminder' })),
  ];

  await sink.waitFor(3, 15_000);
  await new Promise((r) => setTimeout(r, 2500)); // longer than the debounce: nothing more may come
  const mails = sink.received();
  expect(mails).toHaveLength(3);
  const digests = mails.filter((m) => m.to[0] === 'liaison1@bureau.example');
  expect(digests).toHaveLength(1);
  const digest = digests[0]!;
  const singles = mails.filter((m) => m.to[0] === others[0]!.liaison);
  expect(singles.map((m) => noticeHeader(m)).sort()).toEqual(
    (await db.prisma.notice.findMany({ where: { id: { in: alone.map((a) => a.noticeId) } } })).map((n) => n.key).sort(),
  );
  expect(new Set(singles.map((m) => m.messageId)).size).toBe(2);
  const parsed = await parse(digest);
  expect(parsed.subject).toBe(`【每日督办摘要】${moment.year}年${moment.month}月${moment.day}日 共3条督办事项`);
  expect(parsed.text).toContain('1. 【到期提醒】关于督办任务(1)即将到期的提醒');
  expect(parsed.text).toContain('2. 【报告提醒】督办任务(2)');
  expect(parsed.text).toContain('3. 【签收提醒】督办任务(3)尚未签收');
  expect(parsed.text).not.toContain('督办任务(4)');
  expect(parsed.attachments.map((a) => a.filename).sort()).toEqual([
    '督办任务1-完成时限.ics',
    '督办任务2-2026Q1报告.ics',
  ]);

  const deliveries = await db.prisma.delivery.findMany({
    where: { noticeId: { in: ids } },
    orderBy: { noticeId: 'asc' },
  });
  const byNotice = new Map(deliveries.map((d) => [d.noticeId, d]));
  for (const id of ids.slice(0, 3)) {
    expect(byNotice.get(id)!.status).toBe('SENT');
    expect(byNotice.get(id)!.messageId).toBe(parsed.messageId);
  }
  expect((await db.prisma.notice.findUniqueOrThrow({ where: { id: ids[3]! } })).status).toBe('SKIPPED');
  for (const a of alone) {
    const n = await db.prisma.notice.findUniqueOrThrow({ where: { id: a.noticeId }, include: { delivery: true } });
    expect(n.status).toBe('SENT');
    expect(n.delivery!.messageId).not.toBe(parsed.messageId);
  }
  const digestNotice = await eventually(
    'digest recorded',
    () => db.prisma.notice.findFirst({ where: { kind: 'digest' }, include: { delivery: true } }),
    (n) => n?.delivery?.status === 'SENT',
  );
  expect(digestNotice!.delivery!.messageId).toBe(parsed.messageId);
});

test('the opted-in addresses are read from the directory once per cache period, not once per email', async () => {
  await db.prisma.unit.create({
    data: {
      name: '市摘要缓存测试局',
      kind: 'BUREAU',
      contacts: {
        create: [
          { role: 'LIAISON', name: '联络员', email: ' Cache.Liaison@Bureau.example', digest: true },
          { role: 'LEADER', name: '分管负责人', email: 'cache.leader@bureau.example' },
        ],
      },
    },
  });
  const inner = sqlFromPrisma(db.prisma);
  let queries = 0;
  const sql = (<T>(text: string, params: unknown[]) => {
    queries++;
    return inner<T>(text, params);
  }) as Sql;
  let now = 1_000_000;
  const optedIn = createDigestRecipients(sql, { cacheMs: 30_000, clock: () => now });
  // a burst of emails at start-up shares one read; addresses compare trimmed and in lower case
  const burst = await Promise.all(Array.from({ length: 50 }, () => optedIn.has('cache.liaison@bureau.example')));
  expect(burst.every((x) => x === true)).toBe(true);
  expect(await optedIn.has('cache.leader@bureau.example')).toBe(false);
  expect(queries).toBe(1);

  // the Office flags the leader: the running worker sees it once the cache expires, not before
  await db.prisma.contact.updateMany({ where: { email: 'cache.leader@bureau.example' }, data: { digest: true } });
  now += 29_999;
  expect(await optedIn.has('cache.leader@bureau.example')).toBe(false);
  expect(queries).toBe(1);
  now += 1;
  expect(await optedIn.has('cache.leader@bureau.example')).toBe(true);
  expect(queries).toBe(2);
});
