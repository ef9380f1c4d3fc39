/**
 * The notification pipeline end to end against real PostgreSQL, Redis and the SMTP sink:
 * submit → BullMQ → processor → nodemailer → sink, counted at the sink and in the database.
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
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { noticeKey as noticeKeyOf } from '../../domain/notices';
import { verifyLinkToken } from '../../domain/links';
import { hmacSha256 } from '../../infra/links';
import {
  closePipeline,
  countByNotice,
  eventually,
  noticeHeader,
  OFFICE_EMAIL,
  parse,
  seed,
  submission,
  uniquePrefix,
  type Seeded,
} from './notify-support/fixture';

const POLICY = { attempts: 3, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };

let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let port: ReturnType<typeof createQueueNotificationPort>;
let worker: MailWorker;
let s: Seeded;
const prefix = uniquePrefix('pipe');
const config = loadConfig();

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startMailSink({ port: 0 });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
  port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  s = await seed(db.prisma, { tasks: 3, units: 3 });
  worker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 1500, poolSize: 2 },
    jobPolicy: POLICY,
    concurrency: 10,
    ratePerSecond: 1000,
  });
});

afterAll(async () => {
  await closePipeline({ worker, queue, redis, sink, db });
});

beforeEach(() => sink.clear());

const delivery = (noticeId: string) => db.prisma.delivery.findUnique({ where: { noticeId } });
const notice = (noticeId: string) => db.prisma.notice.findUniqueOrThrow({ where: { id: noticeId } });

test('a due notice arrives once, in Chinese, with HTML, text, ICS and its delivery recorded', async () => {
  const a = s.assignments[0]!;
  const r = await port.submit(submission(a.id, new Date(), { kind: 'assignment', to: ['liaison', 'leader'] }));
  expect(r.created).toBe(true);
  const [m] = await sink.waitFor(1, 10_000);
  const mail = await parse(m!);
  expect(mail.subject).toBe('【任务交办】关于落实督办任务(1)的通知');
  expect(mail.text).toContain('市市场监管局：');
  expect(mail.text).toContain('推进第1项质量提升工作，健全<质量>标准体系。');
  expect(mail.text).toContain('2025年底前（2025年12月31日）');
  expect(mail.html).toContain('健全&lt;质量&gt;标准体系');
  // the unit's own signed form link, verifiable with the configured key
  const link = /http:\/\/127\.0\.0\.1:8080\/f\/[^\s"<>]+/.exec(mail.text ?? '')?.[0];
  expect(link).toBeDefined();
  const token = new URL(link!).searchParams.get('t')!;
  expect(
    verifyLinkToken(token, hmacSha256(config.http.linkSecret), { now: Date.now(), assignmentId: a.id }),
  ).toMatchObject({ ok: true });
  expect(m!.to.sort()).toEqual([a.leader, a.liaison].sort());
  const ics = mail.attachments.find((x) => x.contentType.startsWith('text/calendar'));
  expect(ics?.filename).toBe('督办任务1-完成时限.ics');
  expect(ics!.content.toString('utf8')).toContain('DTSTART;VALUE=DATE:20251231');
  const d = await eventually(
    'delivery record',
    () => delivery(r.noticeId),
    (x) => x?.status === 'SENT',
  );
  expect(d!.messageId).toBe(mail.messageId);
  expect(d!.smtpResponse).toMatch(/^250/);
  expect(d!.attempts).toBe(1);
  const n = await notice(r.noticeId);
  expect(n.status).toBe('SENT');
  expect(n.recipients.sort()).toEqual([a.leader, a.liaison].sort());
});

test('a repeated enqueue (activity retried after success) sends nothing more', async () => {
  const a = s.assignments[1]!;
  const sub = submission(a.id, new Date());
  const first = await port.submit(sub);
  await sink.waitFor(1, 10_000);
  await eventually(
    'sent',
    () => notice(first.noticeId),
    (n) => n.status === 'SENT',
  );
  const again = await port.submit(sub);
  const third = await port.submit(sub);
  expect(again).toEqual({ noticeId: first.noticeId, created: false });
  expect(third.created).toBe(false);
  // the job id is still taken by the completed job, so BullMQ did not even create a job
  expect(await queue.getJobState(sub.key)).toBe('completed');
  await new Promise((r) => setTimeout(r, 500));
  expect(sink.received()).toHaveLength(1);
});

test('stale notices are skipped at send time: acknowledged, extension approved, cancelled', async () => {
  const [a, b, c] = [s.assignments[2]!, s.assignments[3]!, s.assignments[4]!];
  await db.prisma.assignment.update({
    where: { id: a.id },
    data: { state: 'ACKNOWLEDGED', acknowledgedAt: new Date() },
  });
  await db.prisma.assignment.update({ where: { id: b.id }, data: { dueAt: new Date('2026-06-30T15:59:59.999Z') } });
  const ack = await port.submit(submission(a.id, new Date(), { kind: 'ack_reminder' }));
  const dl = await port.submit(submission(b.id, new Date(), { kind: 'deadline_reminder' }));
  // cancelled while pending: cancelPending marks it and removes its job
  const later = await port.submit(submission(c.id, new Date(Date.now() + 60_000), { kind: 'deadline_reminder' }));
  expect(await port.cancelPending(c.id)).toBe(1);
  expect(await queue.getJobState(submission(c.id, new Date(Date.now() + 60_000)).key)).toBe('unknown');
  const skipped = await eventually(
    'skips',
    () => Promise.all([notice(ack.noticeId), notice(dl.noticeId), notice(later.noticeId)]),
    (ns) => ns.every((n) => n.status === 'SKIPPED'),
  );
  expect(skipped.map((n) => n.statusReason)).toEqual([
    '任务已签收',
    '完成时限已调整（延期已批准）',
    '任务状态已变化，该通知已取消',
  ]);
  await new Promise((r) => setTimeout(r, 300));
  expect(sink.received()).toHaveLength(0);
  expect(await delivery(ack.noticeId)).toBeNull();
});

test('4xx answers are retried with backoff, then the notice is delivered once', async () => {
  const a = s.assignments[5]!;
  sink.failNext(2, 451, 'Requested action aborted: local error');
  const sub = submission(a.id, new Date());
  const r = await port.submit(sub);
  const [m] = await sink.waitFor(1, 10_000);
  expect(countByNotice([m!]).get(sub.key)).toBe(1);
  const d = await eventually(
    'delivery',
    () => delivery(r.noticeId),
    (x) => x?.status === 'SENT',
  );
  expect(d!.attempts).toBe(3);
  expect(sink.stats().rejected).toBe(2);
  await new Promise((r2) => setTimeout(r2, 300));
  expect(sink.received()).toHaveLength(1);
});

test('a 5xx answer fails the notice once, records it and alerts the Office; no retry', async () => {
  const a = s.assignments[6]!;
  sink.failNext(1, 550, 'Mailbox unavailable');
  const r = await port.submit(submission(a.id, new Date()));
  const [alert] = await sink.waitFor(1, 10_000);
  expect(alert!.to).toEqual([OFFICE_EMAIL]);
  const mail = await parse(alert!);
  expect(mail.subject).toBe(`【投递失败】到期提醒未能送达${a.liaison}`);
  expect(mail.text).toContain('550');
  const d = await eventually(
    'failed record',
    () => delivery(r.noticeId),
    (x) => x?.status === 'FAILED',
  );
  expect(d!.attempts).toBe(1);
  expect(d!.error).toContain('550');
  expect((await notice(r.noticeId)).status).toBe('FAILED');
  await new Promise((r2) => setTimeout(r2, 500));
  expect(sink.stats().rejected).toBe(1);
  expect(sink.received()).toHaveLength(1);
});

test('an invalid address fails at once without contacting the server, and the Office is told', async () => {
  const a = s.assignments[7]!;
  const unit = await db.prisma.unit.findUniqueOrThrow({ where: { name: a.unit } });
  await db.prisma.contact.updateMany({ where: { unitId: unit.id, role: 'LEADER' }, data: { email: 'not an address' } });
  const r = await port.submit(submission(a.id, new Date(), { kind: 'ack_escalation', to: ['leader'] }));
  const [alert] = await sink.waitFor(1, 10_000);
  expect(alert!.to).toEqual([OFFICE_EMAIL]);
  const d = await eventually(
    'failed record',
    () => delivery(r.noticeId),
    (x) => x?.status === 'FAILED',
  );
  expect(d!.attempts).toBe(0);
  expect(d!.error).toContain('收件地址无效');
});

test('4xx until the retries run out: dead letter, visible, and the Office is told', async () => {
  const a = s.assignments[8]!;
  sink.failNext(3, 421, 'Service not available');
  const r = await port.submit(submission(a.id, new Date(), { kind: 'deadline_reminder' }));
  const d = await eventually(
    'dead letter',
    () => delivery(r.noticeId),
    (x) => x?.status === 'DEAD',
  );
  expect(d!.attempts).toBe(3);
  expect((await notice(r.noticeId)).status).toBe('DEAD');
  // the processor records DEAD, then throws; BullMQ moves the job to failed just after
  const key = (await notice(r.noticeId)).key;
  await eventually(
    'job failed in the queue',
    () => queue.getJobState(key),
    (state) => state === 'failed',
  );
  const [alert] = await sink.waitFor(1, 10_000);
  expect(alert!.to).toEqual([OFFICE_EMAIL]);
  expect((await parse(alert!)).text).toContain('经3次尝试仍未送达');
});

test('a hanging server hits the per-send timeout, the pool is rebuilt, and the notice still goes out', async () => {
  const a = s.assignments[0]!;
  sink.hangNext(1, 5000);
  const r = await port.submit(submission(a.id, new Date(Date.now() + 1), { kind: 'deadline_reminder' }));
  await sink.waitFor(1, 15_000);
  const d = await eventually(
    'sent',
    () => delivery(r.noticeId),
    (x) => x?.status === 'SENT',
  );
  expect(d!.attempts).toBe(2);
  await new Promise((r2) => setTimeout(r2, 300));
  expect(sink.received()).toHaveLength(1);
});

test("a catch-up notice about a unit (no single assignment) reaches that unit's liaison and leader", async () => {
  // the first unit: the invalid-address test above spoils another unit's leader address
  const a = s.assignments[0]!;
  const unit = { name: a.unit, liaison: a.liaison, leader: a.leader };
  const dueAt = new Date();
  const key = noticeKeyOf(`catchup-${a.id}`, 'catchup_unit', dueAt.getTime());
  const r = await port.submit({
    key,
    kind: 'catchup_unit',
    assignmentId: null,
    scope: 'plan-catchup',
    dueAt: dueAt.toISOString(),
    slipId: null,
    payload: {
      to: ['liaison', 'leader'],
      unit: unit.name,
      task: 0,
      items: [
        {
          task: 1,
          unit: unit.name,
          text: '推进第1项质量提升工作',
          dueAt: '2025-12-31T23:59:59.999+08:00',
          overdueDays: 330,
        },
      ],
    },
  });
  const m = await eventually(
    'the catch-up email',
    async () => sink.received().find((x) => noticeHeader(x) === key),
    (x) => x !== undefined,
  );
  expect(m!.to.sort()).toEqual([unit.leader, unit.liaison].sort());
  const mail = await parse(m!);
  expect(mail.text).toContain('推进第1项质量提升工作');
  const d = await eventually(
    'delivery record',
    () => delivery(r.noticeId),
    (x) => x?.status === 'SENT',
  );
  expect(d!.attempts).toBe(1);
});
