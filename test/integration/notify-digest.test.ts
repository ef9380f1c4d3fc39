/**
 * Optional daily digest: a recipient who opted in gets one email for all notices of a window,
 * each notice still recorded on its own; stale ones are left out; others still get single emails.
 */
import { DateTime } from 'luxon';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startMailSink, type MailSink } from '../../infra/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { closePipeline, eventually, parse, seed, submission, uniquePrefix } from './notify-support/fixture';

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

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startMailSink({ port: 0 });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
});
afterAll(async () => {
  await closePipeline({ worker, queue, redis, sink, db });
});

test('one digest email per opted-in recipient, every notice recorded with its Message-ID, stale ones left out', async () => {
  const s = await seed(db.prisma, { tasks: 4, units: 2 });
  const mine = s.assignments.filter((a) => a.liaison === 'liaison1@bureau.example');
  const other = s.assignments.find((a) => a.liaison !== 'liaison1@bureau.example')!;
  worker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: sink.host, port: sink.port },
    jobPolicy: POLICY,
    concurrency: 5,
    ratePerSecond: 1000,
    digestRecipients: ['Liaison1@bureau.example'],
    digestHour: moment.hour,
    digestDebounceMs: 1500,
  });
  const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  const due = moment.toJSDate();
  // task 4 was acknowledged: its ack reminder must not appear in the digest
  await db.prisma.assignment.update({ where: { id: mine[3]!.id }, data: { state: 'ACKNOWLEDGED', acknowledgedAt: new Date() } });
  const subs = [
    submission(mine[0]!.id, due, { kind: 'deadline_reminder' }),
    submission(mine[1]!.id, due, { kind: 'report_reminder', payload: { period: '2026Q1', dueAt: '2026-04-10T23:59:59.999+08:00' } }),
    submission(mine[2]!.id, due, { kind: 'ack_reminder' }),
    submission(mine[3]!.id, due, { kind: 'ack_reminder' }),
  ];
  const ids: string[] = [];
  for (const sub of subs) ids.push((await port.submit(sub)).noticeId);
  const alone = await port.submit(submission(other.id, due, { kind: 'deadline_reminder' }));

  await sink.waitFor(2, 15_000);
  await new Promise((r) => setTimeout(r, 2500)); // longer than the debounce: nothing more may come
  const mails = sink.received();
  expect(mails).toHaveLength(2);
  const digest = mails.find((m) => m.to[0] === 'liaison1@bureau.example')!;
  const single = mails.find((m) => m.to[0] === other.liaison)!;
  expect(single).toBeDefined();
  const parsed = await parse(digest);
  expect(parsed.subject).toBe(`【每日督办摘要】${moment.year}年${moment.month}月${moment.day}日 共3条督办事项`);
  expect(parsed.text).toContain('1. 【到期提醒】关于督办任务(1)即将到期的提醒');
  expect(parsed.text).toContain('2. 【报告提醒】督办任务(2)');
  expect(parsed.text).toContain('3. 【签收提醒】督办任务(3)尚未签收');
  expect(parsed.text).not.toContain('督办任务(4)');
  expect(parsed.attachments.map((a) => a.filename).sort()).toEqual(['督办任务1-完成时限.ics', '督办任务2-2026Q1报告.ics']);

  const deliveries = await db.prisma.delivery.findMany({ where: { noticeId: { in: ids } }, orderBy: { noticeId: 'asc' } });
  const byNotice = new Map(deliveries.map((d) => [d.noticeId, d]));
  for (const id of ids.slice(0, 3)) {
    expect(byNotice.get(id)!.status).toBe('SENT');
    expect(byNotice.get(id)!.messageId).toBe(parsed.messageId);
  }
  expect((await db.prisma.notice.findUniqueOrThrow({ where: { id: ids[3]! } })).status).toBe('SKIPPED');
  expect((await db.prisma.notice.findUniqueOrThrow({ where: { id: alone.noticeId } })).status).toBe('SENT');
  const digestNotice = await eventually('digest recorded', () => db.prisma.notice.findFirst({ where: { kind: 'digest' }, include: { delivery: true } }), (n) => n?.delivery?.status === 'SENT');
  expect(digestNotice!.delivery!.messageId).toBe(parsed.messageId);
});
