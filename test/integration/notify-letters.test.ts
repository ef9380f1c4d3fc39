/**
 * Unit letters end to end against real PostgreSQL, Redis and the SMTP sink: notices of one moment
 * from different assignments → parked in their unit's letters → one email per (unit, address),
 * read as a person reads it (subject, table rows, the calendar file, the XLSX 分工表), and every
 * carried notice recorded with the letter's Message-ID.
 */
import ExcelJS from 'exceljs';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startMailSink, type MailSink, type StoredMail } from '../../devtools/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import {
  closePipeline,
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
const DEBOUNCE_MS = 1500;

let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let port: ReturnType<typeof createQueueNotificationPort>;
let worker: MailWorker;
let s: Seeded;
const prefix = uniquePrefix('letters');
const config = loadConfig();

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startMailSink({ port: 0 });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
  port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  s = await seed(db.prisma, { tasks: 6, units: 3 });
  worker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 5000, poolSize: 2 },
    jobPolicy: POLICY,
    concurrency: 10,
    ratePerSecond: 1000,
    letters: { enabled: true, debounceMs: DEBOUNCE_MS, central: true },
  });
});

afterAll(async () => {
  await closePipeline({ worker, queue, redis, sink, db });
});

beforeEach(() => sink.clear());

const unitAssignments = (k: number) => {
  const names = [...new Set(s.assignments.map((a) => a.unit))];
  return s.assignments.filter((a) => a.unit === names[k - 1]);
};
const byRecipient = (mails: StoredMail[]) => new Map(mails.map((m) => [m.to.join(','), m]));
const calendarEvents = (ics: string) => ics.split('BEGIN:VEVENT').length - 1;

test('notices of one moment from different assignments go as one letter per address of the unit', async () => {
  const now = new Date();
  const first = unitAssignments(1).slice(0, 4);
  const second = unitAssignments(2).slice(0, 2);
  const subs = [
    ...first.map((a) => submission(a.id, now, { to: ['liaison', 'leader'], payload: { plan: s.planSlug } })),
    ...second.map((a) => submission(a.id, now, { payload: { plan: s.planSlug } })),
  ];
  for (const sub of subs) await port.submit(sub);

  const mails = await sink.waitFor(3, 20_000);
  await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 500));
  expect(sink.received()).toHaveLength(3); // unit 1's liaison and leader, unit 2's liaison; nothing per notice
  const got = byRecipient(mails);
  const u1 = first[0]!;
  const liaison = await parse(got.get(u1.liaison)!);
  expect(liaison.subject).toBe(`【督办函】${u1.unit}：到期提醒4项`);
  expect(liaison.text).toContain(`${u1.unit}：`);
  for (const a of first) {
    expect(liaison.text).toContain(`(${a.taskNumber})`);
    expect(liaison.text).toContain(`推进第${a.taskNumber}项质量提升工作，健全<质量>标准体系。`);
  }
  expect(liaison.text).toContain('到期提醒');
  expect(liaison.text).toContain('2025年底前（2025年12月31日）');
  expect(liaison.html).toContain('&lt;质量&gt;');
  const ics = liaison.attachments.find((x) => x.filename?.endsWith('.ics'));
  expect(ics?.filename).toBe(`${u1.unit}督办日程.ics`);
  expect(calendarEvents(ics!.content.toString('utf8'))).toBe(4);
  // the leader's letter carries the same four items; unit 2's liaison only unit 2's two
  expect((await parse(got.get(u1.leader)!)).subject).toBe(`【督办函】${u1.unit}：到期提醒4项`);
  const other = await parse(got.get(second[0]!.liaison)!);
  expect(other.subject).toBe(`【督办函】${second[0]!.unit}：到期提醒2项`);
  expect(other.text).not.toContain(u1.unit);

  // every carried notice is SENT, with the Message-ID of a letter that carried it
  const letterKeys = mails.map(noticeHeader);
  for (const sub of subs) {
    const n = await db.prisma.notice.findUniqueOrThrow({ where: { key: sub.key }, include: { delivery: true } });
    expect(n.status).toBe('SENT');
    expect(n.delivery?.status).toBe('SENT');
    expect(letterKeys.some((k) => n.delivery?.messageId?.includes(k!))).toBe(true);
  }
  const letters = await db.prisma.letter.findMany({ where: { planId: s.planId }, include: { items: true } });
  expect(letters).toHaveLength(3);
  expect(letters.every((l) => l.closedAt && l.openKey === null && l.noticeId)).toBe(true);
  expect(letters.map((l) => l.items.length).sort()).toEqual([2, 4, 4]);
});

test('an item that falls due after its letter went goes into the next letter, not lost and not twice', async () => {
  const [a, b] = unitAssignments(3);
  await port.submit(submission(a!.id, new Date(), { payload: { plan: s.planSlug } }));
  const [one] = await sink.waitFor(1, 20_000);
  expect((await parse(one!)).subject).toBe(`【督办函】${a!.unit}：到期提醒1项`);
  sink.clear();
  await port.submit(submission(b!.id, new Date(), { payload: { plan: s.planSlug } }));
  const [two] = await sink.waitFor(1, 20_000);
  const text = (await parse(two!)).text!;
  expect(text).toContain(`(${b!.taskNumber})`);
  expect(text).not.toContain(`推进第${a!.taskNumber}项`);
  await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 500));
  expect(sink.received()).toHaveLength(1);
});

test('an item no longer due when the letter goes is left out, and its notice is skipped with the reason', async () => {
  const [a, b] = unitAssignments(1).slice(4);
  const ack = submission(a!.id, new Date(), { kind: 'ack_reminder', payload: { plan: s.planSlug } });
  const due = submission(b!.id, new Date(), { payload: { plan: s.planSlug } });
  await port.submit(ack);
  await port.submit(due);
  // the unit signs for task a while the letter waits
  await eventually(
    'parked',
    () => db.prisma.delivery.count({ where: { notice: { key: { in: [ack.key, due.key] } }, status: 'PARKED' } }),
    (n) => n === 2,
  );
  await db.prisma.assignment.update({
    where: { id: a!.id },
    data: { state: 'ACKNOWLEDGED', acknowledgedAt: new Date() },
  });
  const [m] = await sink.waitFor(1, 20_000);
  const mail = await parse(m!);
  expect(mail.subject).toBe(`【督办函】${a!.unit}：到期提醒1项`);
  expect(mail.text).not.toContain('签收提醒');
  const skipped = await db.prisma.notice.findUniqueOrThrow({ where: { key: ack.key } });
  expect(skipped.status).toBe('SKIPPED');
  const item = await db.prisma.letterItem.findFirstOrThrow({ where: { noticeId: skipped.id } });
  expect(item.skipped).toContain('签收');
});

test('a 交办 letter lists every task with its role and carries the XLSX 分工表 of the same rows', async () => {
  const tasks = unitAssignments(2);
  for (const a of tasks) {
    await port.submit(
      submission(a.id, new Date(), { kind: 'assignment', to: ['liaison'], payload: { plan: s.planSlug } }),
    );
  }
  const [m] = await sink.waitFor(1, 20_000);
  const mail = await parse(m!);
  expect(mail.subject).toBe(`【督办函】${tasks[0]!.unit}：任务交办${tasks.length}项`);
  expect(mail.text).toContain(`现将涉及贵单位的${tasks.length}项任务交办如下（配合${tasks.length}项）`);
  expect(mail.text).toContain('任务分工表见附件');
  expect(mail.text).toContain('一次签收全部任务');
  const xlsx = mail.attachments.find((x) => x.filename?.endsWith('.xlsx'));
  expect(xlsx?.filename).toBe(`${tasks[0]!.unit}任务分工表.xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx!.content as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('任务分工表')!;
  expect(ws.getRow(2).values).toEqual([undefined, '序号', '任务', '事项', '任务内容', '本单位角色', '时限', '督办单']);
  expect(ws.rowCount).toBe(2 + tasks.length);
  expect(ws.getRow(3).getCell(3).value).toBe('任务交办');
  expect(ws.getRow(3).getCell(4).value).toBe(`推进第${tasks[0]!.taskNumber}项质量提升工作，健全<质量>标准体系。`);
  expect(ws.getRow(3).getCell(5).value).toBe('配合');
});

test("a letter links the unit's workspace once, with the letter as the token id; an Office resend goes once more, marked 重发", async () => {
  const tasks = unitAssignments(3);
  const subs = tasks.map((a) =>
    submission(a.id, new Date(), { kind: 'report_reminder', payload: { plan: s.planSlug, period: '2026Q4' } }),
  );
  for (const sub of subs) await port.submit(sub);
  const [m] = await sink.waitFor(1, 20_000);
  const mail = await parse(m!);
  const letter = await db.prisma.letter.findFirstOrThrow({
    where: { items: { some: { notice: { key: subs[0]!.key } } } },
  });
  // one link: the unit's workspace for the plan, its token naming this letter
  const links = [...new Set(mail.text!.match(/https?:\/\/\S+\/u\/\S+/g) ?? [])];
  expect(links).toHaveLength(1);
  expect(links[0]).toContain(`/u/${letter.unitId}/${letter.planId}?t=u1.`);
  expect(decodeURIComponent(links[0]!)).toContain(`.${letter.id}.`);
  expect(mail.text).not.toMatch(/\/f\/[0-9a-f-]{36}/);
  expect(mail.text).toContain('进入本单位督办事项');
  // recorded once the SMTP server accepted the letter (just after the sink has it)
  await eventually(
    'carried notice recorded',
    async () => (await db.prisma.notice.findUniqueOrThrow({ where: { key: subs[0]!.key } })).statusReason,
    (r) => r === '已随单位督办函送达',
  );

  sink.clear();
  const { resendLetter } = await import('../../app/notices/letters');
  const { sqlFromPrisma } = await import('../../app/notices/sql');
  const r = await resendLetter({ sql: sqlFromPrisma(db.prisma), notify: port }, letter.id);
  expect(r).not.toBeNull();
  const [again] = await sink.waitFor(1, 20_000);
  const resent = await parse(again!);
  expect(resent.subject).toBe(mail.subject!.replace('【督办函】', '【督办函·重发】'));
  expect(resent.text).toContain('重发此前的督办函');
  for (const a of tasks) expect(resent.text).toContain(`(${a.taskNumber})`);
  await new Promise((res) => setTimeout(res, DEBOUNCE_MS + 500));
  expect(sink.received()).toHaveLength(1);
  expect((await db.prisma.letter.findUniqueOrThrow({ where: { id: r!.letterId } })).resendOf).toBe(letter.id);
  // the carried notices keep their first record
  expect((await db.prisma.notice.findUniqueOrThrow({ where: { key: subs[0]!.key } })).status).toBe('SENT');
});

test('notices to units and the Office: each unit reads its own in its letter, the Office one summary letter of the moment', async () => {
  const [a, b] = unitAssignments(2).slice(-2);
  const [c] = unitAssignments(3).slice(-1);
  // the 催办 copied to the Office (as the 督办 after the leadership step goes to the Office, the
  // unit's leader and leadership), for two units at one moment
  const chase = (id: string) =>
    submission(id, new Date(), {
      kind: 'report_chase',
      to: ['office', 'liaison'],
      payload: { plan: s.planSlug, period: '2026Q3', dueAt: '2026-10-10T23:59:59.999+08:00', level: 1 },
    });
  const mixed = [chase(a!.id), chase(c!.id)];
  const other = submission(b!.id, new Date(), { payload: { plan: s.planSlug } });
  for (const sub of [...mixed, other]) await port.submit(sub);
  const mails = await sink.waitFor(3, 20_000);
  await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 500));
  expect(sink.received()).toHaveLength(3); // two unit letters and the Office's one
  const got = byRecipient(mails);
  const office = await parse(got.get(OFFICE_EMAIL)!);
  expect(office.subject).toBe('【督办汇总】催办2项，涉及2个单位');
  expect(office.text).toContain('市质量强市领导小组办公室：');
  expect(office.text).toMatch(
    /督办事项共2项，涉及2个单位，已分别以单位督办函送达各单位；按督办程序抄送办公室，汇总如下。/,
  );
  for (const x of [a!, c!]) {
    expect(office.text).toContain(x.unit);
    expect(office.text).toContain(`(${x.taskNumber})`);
    // each row opens the task's page on the dashboard, never the unit's own signed form
    expect(office.html).toContain(`/assignments/${x.id}`);
  }
  expect(office.text).toContain('催办（2026年第三季度进展报告）');
  expect(office.html).not.toContain('?t=');
  expect(office.text).not.toContain('到期提醒'); // b's reminder went to the unit only
  const letter = await parse(got.get(a!.liaison)!);
  expect(letter.subject).toMatch(new RegExp(`^【督办函】${a!.unit}：`));
  expect(letter.text).toContain(`(${a!.taskNumber})`);
  expect(letter.text).toContain(`(${b!.taskNumber})`);
  expect((await parse(got.get(c!.liaison)!)).text).toContain(`(${c!.taskNumber})`);
  // each notice: one record, with the Message-ID of a letter that carried it; it is an item of its
  // unit's letter and of the Office's
  const keys = mails.map(noticeHeader);
  for (const sub of mixed) {
    const n = await db.prisma.notice.findUniqueOrThrow({ where: { key: sub.key }, include: { delivery: true } });
    expect(n.status).toBe('SENT');
    expect(keys.some((k) => n.delivery?.messageId?.includes(k!))).toBe(true);
    expect(await db.prisma.letterItem.count({ where: { noticeId: n.id, skipped: null } })).toBe(2);
  }
  const central = await db.prisma.letter.findMany({ where: { planId: s.planId, central: true } });
  expect(central.map((l) => l.email)).toEqual([OFFICE_EMAIL.toLowerCase()]);
});

test('an item that cannot be written is left out of its letter and recorded FAILED with the reason; the rest still goes', async () => {
  const [a, b] = unitAssignments(3).slice(-2);
  // a 督办 without its slip cannot be rendered
  const bad = submission(a!.id, new Date(), { kind: 'supervision', payload: { plan: s.planSlug } });
  const good = submission(b!.id, new Date(), { payload: { plan: s.planSlug } });
  await port.submit(bad);
  await port.submit(good);
  const [m] = await sink.waitFor(1, 20_000);
  const mail = await parse(m!);
  expect(mail.subject).toBe(`【督办函】${b!.unit}：到期提醒1项`);
  expect(mail.text).toContain(`(${b!.taskNumber})`);
  await eventually(
    'the bad item failed',
    async () => (await db.prisma.notice.findUniqueOrThrow({ where: { key: bad.key } })).status,
    (st) => st === 'FAILED',
  );
  const n = await db.prisma.notice.findUniqueOrThrow({ where: { key: bad.key }, include: { delivery: true } });
  expect(n.statusReason).toContain('无法写入单位督办函');
  expect(n.delivery?.status).toBe('FAILED');
  expect((await db.prisma.letterItem.findFirstOrThrow({ where: { noticeId: n.id } })).skipped).toContain(
    '无法写入单位督办函',
  );
});
