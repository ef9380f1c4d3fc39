/**
 * Group robots end to end against real PostgreSQL, Redis, the SMTP sink and the robot sink: a unit
 * letter's email, then one IM message per robot that points to it; a wrong DingTalk secret refused
 * and alerted; a burst past the 20-a-window limit merged with nothing lost; an outage retried and
 * delivered once. What is checked is what the group sees (the sink's messages) and the records.
 */
import { simpleParser } from 'mailparser';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { startRobotSink, type RobotSink } from '../../devtools/robot-sink/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { ROOT } from '../helpers/services';
import { noticeKey } from '../../domain/notices';
import {
  closePipeline,
  eventually,
  OFFICE_EMAIL,
  seed,
  submission,
  uniquePrefix,
  type Seeded,
} from './notify-support/fixture';

jest.setTimeout(120_000);

const POLICY = { attempts: 6, backoffMs: 300, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
/** the services' 20 a minute, on a shorter window so the suite does not wait minutes */
const WINDOW_MS = 4000;

let db: TestDatabase;
let mail: MailSink;
let robots: RobotSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let port: ReturnType<typeof createQueueNotificationPort>;
let worker: MailWorker;
let s: Seeded;
const prefix = uniquePrefix('channels');
const config = loadConfig();
const units = () => [...new Set(s.assignments.map((a) => a.unit))];

async function addRobot(unit: string, r: { channel: 'dingtalk' | 'wecom'; token: string; secret?: string }) {
  const u = await db.prisma.unit.findUniqueOrThrow({ where: { name: unit } });
  const n = await db.prisma.unitRobot.count({ where: { unitId: u.id } });
  return db.prisma.unitRobot.create({
    data: {
      unitId: u.id,
      ordinal: n + 1,
      channel: r.channel,
      webhook: robots.url(r.channel, r.token),
      secret: r.secret ?? null,
      kinds: ['letter'],
      mentions: r.channel === 'dingtalk' ? ['13800000001'] : ['liaison01'],
    },
  });
}

/** An IM message submitted as the pipeline does, about a letter-like title (no letter row). */
function imSubmission(robotId: string, tag: string) {
  const scope = `im-${robotId}`;
  return {
    key: noticeKey(`${scope}-${tag}`, 'im_message' as const, 0),
    kind: 'im_message' as const,
    assignmentId: null,
    scope,
    dueAt: new Date().toISOString(),
    slipId: null,
    payload: { to: [], robotId, about: 'letter' as const, robotUnit: 'x', title: `【督办函】消息${tag}` },
  };
}

const imNotices = (robotId: string) =>
  db.prisma.notice.findMany({ where: { scope: `im-${robotId}` }, include: { delivery: true } });

beforeAll(async () => {
  db = await createTestDatabase();
  mail = await startMailSink({ port: 0 });
  robots = await startRobotSink({
    port: 0,
    robots: {
      dingtalk: { 'tok-signed': 'SECright-one', 'tok-wrong': 'SECright-two' },
      wecom: ['key-burst', 'key-outage'],
    },
    perWindow: 20,
    windowMs: WINDOW_MS,
  });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
  port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  s = await seed(db.prisma, { tasks: 3, units: 2 });
  worker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: mail.host, port: mail.port, timeoutMs: 5000, poolSize: 2 },
    jobPolicy: POLICY,
    concurrency: 10,
    ratePerSecond: 1000,
    letters: { enabled: true, debounceMs: 500, central: true },
    channels: { perWindow: 20, windowMs: WINDOW_MS, timeoutMs: 2000, summaryEveryMs: 0 },
  });
});

afterAll(async () => {
  await closePipeline({ worker, queue, redis, sink: mail, db });
  await robots?.close();
});

beforeEach(() => {
  mail.clear();
  robots.clear();
});

test("a unit letter's email, then one signed DingTalk message pointing to it and to the unit's workspace", async () => {
  const unit = units()[0]!;
  const robot = await addRobot(unit, { channel: 'dingtalk', token: 'tok-signed', secret: 'SECright-one' });
  const mine = s.assignments.filter((a) => a.unit === unit);
  for (const a of mine)
    await port.submit(submission(a.id, new Date(), { to: ['liaison', 'leader'], payload: { plan: s.planSlug } }));
  // two letters (liaison and leader), one IM message: both letters carry the same items
  await mail.waitFor(2, 30_000);
  const [m] = await robots.waitFor(1, 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(robots.accepted()).toHaveLength(1);
  expect(m!.channel).toBe('dingtalk');
  expect(m!.title).toBe(mail.received()[0]!.subject);
  expect(m!.title).toMatch(new RegExp(`^【督办函】${unit}：`));
  expect(m!.text).toContain('[查看本单位督办事项](');
  expect(m!.text).toMatch(/正式督办函已于\d{4}年\d+月\d+日（星期.）.*通过电子邮件送达本单位联系人，请以邮件为准/);
  expect(m!.text).toContain('@13800000001');
  expect(m!.mentions).toEqual(['13800000001']);
  const [n] = await imNotices(robot.id);
  expect([n!.status, n!.delivery?.status, n!.delivery?.smtpResponse]).toEqual([
    'SENT',
    'SENT',
    '{"errcode":0,"errmsg":"ok"}',
  ]);
});

test('a wrong secret: the sink refuses the signature, the message is FAILED and the Office is alerted by email', async () => {
  const unit = units()[1]!;
  const robot = await addRobot(unit, { channel: 'dingtalk', token: 'tok-wrong', secret: 'SECnot-the-one' });
  await port.submit(imSubmission(robot.id, 'wrong'));
  const [n] = await eventually(
    'the IM notice failed',
    () => imNotices(robot.id),
    (x) => x[0]?.status === 'FAILED',
    20_000,
  );
  expect(n!.delivery?.status).toBe('FAILED');
  expect(n!.statusReason).toBe('群机器人拒收：{"errcode":310000,"errmsg":"sign not match"}');
  expect(robots.messages().map((x) => [x.accepted, x.reply.errcode])).toEqual([[false, 310000]]);
  const [alert] = await mail.waitFor(1, 20_000);
  expect(alert!.to).toEqual([OFFICE_EMAIL]);
  expect(alert!.subject).toBe(`【投递失败】群机器人消息未能送达钉钉群机器人（${unit}，第1个）`);
  // the body says it was a robot message, refused by the robot service, and what to check
  const body = (await simpleParser(alert!.raw)).text ?? '';
  expect(body).toContain('一条群机器人消息');
  expect(body).toContain('被群机器人服务拒收');
  expect(body).toContain('请核实该群机器人的地址和加签密钥');
  expect(body).not.toContain('邮件服务器');
  // no retry of a permanent refusal
  await new Promise((r) => setTimeout(r, 1500));
  expect(robots.messages()).toHaveLength(1);
});

test('a burst of 60 messages to one robot arrives merged, within 20 per window, nothing lost', async () => {
  const robot = await addRobot(units()[0]!, { channel: 'wecom', token: 'key-burst' });
  await Promise.all(Array.from({ length: 60 }, (_, i) => port.submit(imSubmission(robot.id, `b${i + 1}`))));
  const all = await eventually(
    'all 60 recorded SENT',
    () => imNotices(robot.id),
    (x) => x.length === 60 && x.every((n) => n.status === 'SENT'),
    60_000,
  );
  const got = robots.accepted();
  // every title is in exactly one accepted message
  const titles = Array.from({ length: 60 }, (_, i) => `【督办函】消息b${i + 1}`);
  // a message's lines: its title (bold) alone, or one line per merged title
  const carries = (text: string, t: string) => text.split('\n').some((l) => l === t || l === `**${t}**`);
  for (const t of titles) expect([t, got.filter((m) => carries(m.text, t)).length]).toEqual([t, 1]);
  expect(got.length).toBeLessThan(60);
  expect(got.some((m) => m.text.startsWith('**【督办消息汇总】'))).toBe(true);
  // never more than 20 in any window, as the sink counts (it refused nothing)
  expect(robots.messages().filter((m) => !m.accepted)).toEqual([]);
  expect(all.every((n) => n.delivery?.status === 'SENT')).toBe(true);
  expect(all.filter((n) => n.statusReason === '发送频率已达上限，已合并为一条群消息发送').length).toBeGreaterThan(0);
});

test('an outage of the robot service: retried, delivered once', async () => {
  const robot = await addRobot(units()[1]!, { channel: 'wecom', token: 'key-outage' });
  await robots.pause();
  await port.submit(imSubmission(robot.id, 'outage'));
  await eventually(
    'a failed attempt recorded',
    () => imNotices(robot.id),
    (x) => (x[0]?.delivery?.attempts ?? 0) >= 1 && x[0]?.delivery?.status === 'RETRY',
    20_000,
  );
  await robots.resume();
  const [n] = await eventually(
    'sent after the outage',
    () => imNotices(robot.id),
    (x) => x[0]?.status === 'SENT',
    30_000,
  );
  expect(n!.delivery!.attempts).toBeGreaterThanOrEqual(2);
  await new Promise((r) => setTimeout(r, 1000));
  expect(robots.accepted().map((m) => m.text.split('\n')[0])).toEqual(['**【督办函】消息outage**']);
});

test('dubang channels test <unit> --json: one test message per robot of the unit, with channel, delivered and reply', async () => {
  await new Promise((r) => setTimeout(r, WINDOW_MS)); // the burst's window is over
  const unit = units()[0]!;
  // not runCli: it blocks this process, and the robot sink answers from here
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, [path.join(ROOT, 'bin', 'dubang.js'), ...args], {
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
      encoding: 'utf8',
    });
  const { stdout } = await run(['channels', 'test', unit, '--json']);
  const rows = JSON.parse(stdout) as { robot: string; channel: string; delivered: boolean; reply: string }[];
  expect(rows).toEqual([
    {
      robot: `钉钉群机器人（${unit}，第1个）`,
      channel: 'dingtalk',
      delivered: true,
      reply: '{"errcode":0,"errmsg":"ok"}',
    },
    {
      robot: `企业微信群机器人（${unit}，第2个）`,
      channel: 'wecom',
      delivered: true,
      reply: '{"errcode":0,"errmsg":"ok"}',
    },
  ]);
  expect(robots.accepted().map((m) => m.text.split('\n')[0])).toEqual([
    '#### 【测试消息】督办系统群机器人连通测试',
    '**【测试消息】督办系统群机器人连通测试**',
  ]);
  // the human form, and a unit without robots
  expect((await run(['channels', 'test', unit])).stdout).toContain(
    `钉钉群机器人（${unit}，第1个）  钉钉  已送达  {"errcode":0,"errmsg":"ok"}`,
  );
  const none = await run(['channels', 'test', '市不存在局']).catch((e: { code: number; stderr: string }) => e);
  expect(none).toMatchObject({ code: 1 });
  expect((none as { stderr: string }).stderr).toContain('「市不存在局」没有配置群机器人');
});

test('the daily slip summary: once per robot and office day, the open red and orange 督办单 listed', async () => {
  const office = await db.prisma.unit.findFirstOrThrow({ where: { kind: 'OFFICE' } });
  const robot = await db.prisma.unitRobot.create({
    data: {
      unitId: office.id,
      ordinal: 1,
      channel: 'wecom',
      webhook: robots.url('wecom', 'key-outage'),
      kinds: ['slips'],
      mentions: [],
    },
  });
  const [a, b] = s.assignments;
  const slip = (n: number, colour: 'RED' | 'ORANGE' | 'BLUE', assignmentId: string, closedAt: Date | null = null) =>
    db.prisma.supervisionSlip.create({
      data: {
        number: `督〔2026〕${String(n).padStart(4, '0')}号`,
        year: 2026,
        seq: n,
        assignmentId,
        colour,
        reason: '逾期未完成',
        dedupeKey: `t-${n}`,
        issuedAt: new Date(),
        closedAt,
      },
    });
  await slip(1, 'ORANGE', a!.id);
  await slip(2, 'RED', b!.id);
  await slip(3, 'BLUE', a!.id);
  await slip(4, 'RED', a!.id, new Date());
  const day = { date: '2026-12-03', atMs: Date.now() };
  await worker.channels.planDailySlips(day);
  await worker.channels.planDailySlips(day); // every worker's timer: the key makes it once
  const [m] = await robots.waitFor(1, 20_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(robots.accepted().filter((x) => x.text.includes('督办单日报'))).toHaveLength(1);
  const lines = m!.text.split('\n\n');
  expect(lines[0]).toMatch(/^\*\*【督办单日报】\d{4}年\d+月\d+日：未销号红色督办单1张、橙色督办单1张\*\*$/);
  expect(lines.slice(1, 3)).toEqual([
    `【红】督〔2026〕0002号 ${b!.unit} 第${b!.taskNumber}项：${(await db.prisma.task.findFirstOrThrow({ where: { number: b!.taskNumber, planId: s.planId } })).text.slice(0, 40)}`,
    expect.stringMatching(new RegExp(`^【橙】督〔2026〕0001号 ${a!.unit} 第${a!.taskNumber}项：`)),
  ]);
  expect(m!.text).toContain('/slips)');
  expect(await db.prisma.notice.count({ where: { scope: `im-${robot.id}`, status: 'SENT' } })).toBe(1);
});

test("a message parked by another job's merge that did not go is still sent, by its own job (it was left QUEUED)", async () => {
  // The race the 10-plan storm hit: job A, holding the robot's lock, parks B into a merge
  // (Delivery PARKED), B's job runs meanwhile, then A releases B because it need not merge. B's job
  // must not take PARKED for done (as a letter or digest member would be): under the lock it finds
  // the merge gone and sends B itself.
  const robot = await addRobot(units()[0]!, { channel: 'wecom', token: 'key-burst' });
  const sub = { ...imSubmission(robot.id, 'parked'), dueAt: new Date(Date.now() + 1500).toISOString() };
  await port.submit(sub);
  const row = await db.prisma.notice.findUniqueOrThrow({ where: { key: sub.key } });
  await db.prisma.delivery.create({ data: { noticeId: row.id, attempts: 0, status: 'PARKED' } });
  const [n] = await eventually(
    'sent by its own job',
    () => imNotices(robot.id).then((x) => x.filter((m) => m.key === sub.key)),
    (x) => x[0]?.status === 'SENT',
    20_000,
  );
  expect(n!.delivery!.status).toBe('SENT');
  expect(robots.accepted().map((m) => m.text.split('\n')[0])).toEqual(['**【督办函】消息parked**']);
});
