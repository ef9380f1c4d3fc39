/**
 * The Office's reviews end to end, on the real stack (Temporal lifecycle, PostgreSQL, the mail
 * pipeline into an SMTP sink): what the unit sends with its completion request is stored and shown
 * to the Office (/reviews with the unit, the assignment page); each of the four decisions reaches the
 * unit as an email that says what was decided, with the Office's comment (parsed subject and body);
 * an item's open 督办单 closes when it is completed or re-timed by an approved extension, recorded
 * and audited, and the dashboard figure and the annual assessment count it as closed.
 */
import { simpleParser } from 'mailparser';
import { createSlip, lockSlipYear, slipYear } from '../../app/slips';
import { loadConfig } from '../../config';
import { loadAssessmentConfig } from '../../config/assessment';
import { runAssessment } from '../../app/assessment/run';
import { createDeliverNotice } from '../../app/notices/deliver-notice';
import { createRecipientResolver } from '../../app/notices/recipients';
import { sqlFromPrisma } from '../../app/notices/sql';
import { createLogger } from '../../infra/logger';
import { createMailer } from '../../infra/mail/mailer';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { startHarness, signIn, OFFICE, ZONE, type Harness } from './http-support/harness';

const quiet = createLogger('error', {}, () => undefined);
let h: Harness;
let sink: MailSink;
let mailer: ReturnType<typeof createMailer>;

beforeAll(async () => {
  h = await startHarness();
  sink = await startMailSink({ port: 0, logger: quiet });
  mailer = createMailer({
    host: sink.host,
    port: sink.port,
    secure: false,
    poolSize: 1,
    timeoutMs: 5000,
    logger: quiet,
  });
}, 90_000);
afterAll(async () => {
  await mailer?.close();
  await sink?.close();
  await h?.close();
}, 30_000);

/** A 督办单 on the assignment, issued the way every issuer does (numbered under the year's lock, audited). */
async function issueSlip(assignmentId: string): Promise<string> {
  const db = h.db.prisma;
  const a = await db.assignment.findUniqueOrThrow({ where: { id: assignmentId }, include: { task: true } });
  const issuedAt = new Date();
  const year = slipYear(issuedAt, ZONE);
  const slip = await db.$transaction(async (tx) => {
    const seq = (await lockSlipYear(tx, year)) + 1;
    return createSlip(tx, {
      year,
      seq,
      assignmentId,
      colour: 'RED',
      reason: '测试：逾期未完成',
      dedupeKey: `slip-test-${assignmentId}`,
      issuedAt,
      planId: a.task.planId,
      taskId: a.taskId,
      unitId: a.unitId,
      detail: { kind: 'supervision' },
    });
  });
  // its 督办通知, delivered as the mail pipeline records it: the assessment counts a slip only once the unit was sent it
  await db.notice.create({
    data: {
      key: `notice-${assignmentId}-supervision-${issuedAt.getTime()}`,
      kind: 'supervision',
      assignmentId,
      slipId: slip.id,
      dueAt: issuedAt,
      recipients: ['liaison'],
      payload: { to: ['liaison'], slip: { number: slip.number, colour: 'RED' } },
      status: 'SENT',
      delivery: { create: { status: 'SENT', messageId: `<${slip.id}@dubang.test>`, attempts: 1, sentAt: issuedAt } },
    },
  });
  return slip.id;
}

/** Sends the decision notice(s) of an assignment not sent yet through the real use case; returns the parsed emails. */
let seen = 0;
async function decisionMails(assignmentId: string) {
  const db = h.db.prisma;
  const deliver = createDeliverNotice({
    sql: sqlFromPrisma(db),
    mailer,
    notify: createOutboxNotificationPort(db),
    recipients: createRecipientResolver(db),
    logger: quiet,
    zone: ZONE,
    from: '南昌市质量强市领导小组办公室 <duban@office.test>',
    linkFor: h.links.linkFor,
  });
  const pending = await db.notice.findMany({
    where: { assignmentId, kind: 'decision', status: 'PENDING' },
    orderBy: { createdAt: 'asc' },
  });
  for (const n of pending)
    expect(await deliver({ noticeId: n.id, attempt: 1, maxAttempts: 3 })).toMatchObject({ outcome: 'sent' });
  const raw = await sink.waitFor(seen + pending.length, 10_000);
  const mine = raw.slice(seen);
  seen = raw.length;
  return Promise.all(mine.map(async (m) => ({ ...(await simpleParser(m.raw)), rcpt: [...m.to].sort() })));
}

const unitApi = (assignmentId: string) => {
  const { token } = h.links.sign(assignmentId);
  return (action: string, payload: Record<string, unknown> = {}) =>
    h.app.inject({
      method: 'POST',
      url: `/api/unit/${assignmentId}/${action}`,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
};

describe('completion: the note reaches the Office, the decisions reach the unit, the slip closes', () => {
  it('stores the 完成情况说明 and evidence, shows them with the unit on /reviews and the assignment page', async () => {
    const id = h.seeded.t1a;
    await issueSlip(id);
    const unit = unitApi(id);
    expect((await unit('acknowledge')).statusCode).toBe(200);
    const asked = await unit('completion', {
      note: '已建成质量基础设施“一站式”服务平台3个，详见佐证',
      evidenceLinks: 'https://example.gov.cn/zhengju-1.pdf\nhttps://example.gov.cn/zhengju-2.pdf',
    });
    expect(asked.statusCode).toBe(200);

    const req = await h.db.prisma.completionRequest.findFirstOrThrow({ where: { assignmentId: id } });
    expect(req).toMatchObject({
      status: 'REQUESTED',
      note: '已建成质量基础设施“一站式”服务平台3个，详见佐证',
      evidenceLinks: ['https://example.gov.cn/zhengju-1.pdf', 'https://example.gov.cn/zhengju-2.pdf'],
    });
    const ev = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: id, action: 'completion.requested' },
    });
    expect(ev.data).toMatchObject({ note: req.note, evidenceLinks: req.evidenceLinks });

    const office = await signIn(h.app, OFFICE);
    const reviews = (await h.app.inject({ method: 'GET', url: '/reviews', headers: { cookie: office.cookie } })).body;
    const table = /<table id="completion-reviews">([\s\S]*?)<\/table>/.exec(reviews)![1]!;
    expect(table).toContain('<th>责任单位</th>');
    expect(table).toContain('市市场监管局');
    expect(table).toContain('已建成质量基础设施“一站式”服务平台3个，详见佐证');
    expect(table).toContain('href="https://example.gov.cn/zhengju-2.pdf"');
    const page = (await h.app.inject({ method: 'GET', url: `/assignments/${id}`, headers: { cookie: office.cookie } }))
      .body;
    expect(/<div class="card" id="completion-request">([\s\S]*?)<\/div>\s*<form/.exec(page)![1]).toContain(
      '已建成质量基础设施“一站式”服务平台3个，详见佐证',
    );
  });

  it('a rejected completion tells the unit so, with the Office comment; its slip stays open', async () => {
    const id = h.seeded.t1a;
    const office = await signIn(h.app, OFFICE);
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${id}/actions/rejectCompletion`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '佐证材料缺少验收报告' },
    });
    expect(res.statusCode).toBe(200);
    const [mail, more] = await decisionMails(id);
    expect(more).toBeUndefined();
    expect(mail!.subject).toBe('【审核结果】督办任务(1)销号申请未通过');
    expect(mail!.text).toContain('贵单位督办任务(1)的销号申请未通过审核，请按审核意见继续办理后重新申请。');
    expect(mail!.text).toContain('审核意见：佐证材料缺少验收报告');
    expect(mail!.text).not.toContain('延期');
    expect(mail!.rcpt).toEqual(['leader@a.test', 'liaison@a.test']);
    expect(await h.db.prisma.completionRequest.findFirstOrThrow({ where: { assignmentId: id } })).toMatchObject({
      status: 'REJECTED',
      decisionReason: '佐证材料缺少验收报告',
    });
    expect(await h.db.prisma.supervisionSlip.findFirstOrThrow({ where: { assignmentId: id } })).toMatchObject({
      closedAt: null,
      closedBecause: null,
    });
  });

  it('an approved completion says 已销号 with the comment, closes the slip (row, audit, dashboard figure, assessment)', async () => {
    const id = h.seeded.t1a;
    const db = h.db.prisma;
    expect((await unitApi(id)('completion', { note: '补充验收报告' })).statusCode).toBe(200);
    const office = await signIn(h.app, OFFICE);
    const before = (await h.app.inject({ method: 'GET', url: '/', headers: { cookie: office.cookie } })).body;
    expect(/id="kpi-slips-open">(\d+)</.exec(before)![1]).toBe('1');
    expect(/id="kpi-slips-closed">(\d+)</.exec(before)![1]).toBe('0');

    const res = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${id}/actions/approveCompletion`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '佐证齐全，同意销号' },
    });
    expect(res.statusCode).toBe(200);
    const [mail] = await decisionMails(id);
    expect(mail!.subject).toBe('【审核结果】督办任务(1)销号申请已通过');
    expect(mail!.text).toContain('贵单位督办任务(1)的销号申请已经办公室审核通过，该任务已销号。');
    expect(mail!.text).toContain('审核意见：佐证齐全，同意销号');
    expect(mail!.text).not.toMatch(/延期|未获批准|原时限/);

    const slip = await db.supervisionSlip.findFirstOrThrow({ where: { assignmentId: id } });
    const done = await db.assignment.findUniqueOrThrow({ where: { id } });
    expect(slip.closedBecause).toBe('COMPLETED');
    expect(slip.closedAt?.getTime()).toBe(done.completedAt?.getTime());
    const closed = await db.auditEvent.findFirstOrThrow({ where: { action: 'slip.closed', entityId: slip.id } });
    expect(closed.actor).toBe(`office:${OFFICE.email}`);
    expect(closed.data).toMatchObject({ number: slip.number, because: 'COMPLETED', by: 'completion.approved' });

    const after = (await h.app.inject({ method: 'GET', url: '/', headers: { cookie: office.cookie } })).body;
    expect(/id="kpi-slips-open">(\d+)</.exec(after)![1]).toBe('0');
    expect(/id="kpi-slips-closed">(\d+)</.exec(after)![1]).toBe('1');
    const slips = (await h.app.inject({ method: 'GET', url: '/slips?open=0', headers: { cookie: office.cookie } }))
      .body;
    expect(slips).toContain(slip.number);
    expect(slips).toContain('（任务已销号）');

    const year = new Date().getFullYear();
    const run = await runAssessment(db, {
      year,
      now: Date.now(),
      zone: ZONE,
      config: loadAssessmentConfig(loadConfig()),
      planSlug: h.seeded.planSlug,
      isWorkday: () => true,
    });
    const market = run.result.units.find((u) => u.unit === '市市场监管局')!;
    expect(market.counts).toMatchObject({ slipsClosed: 1, slipsOpen: 0 });
    expect(run.result.totals).toMatchObject({ slipsClosed: 1, slipsOpen: 0 });
    expect(market.deductions.find((d) => d.slip === slip.number)!.reason).toContain('关闭（任务已销号）');
    expect(run.bulletin).toContain('已关闭1份，未关闭0份');
  });
});

describe('extensions: both decisions read right', () => {
  it('an approved extension gives the new date and the comment, and closes the slip as re-timed', async () => {
    const id = h.seeded.t2a;
    await issueSlip(id);
    const unit = unitApi(id);
    await unit('acknowledge');
    expect((await unit('extension', { newDueAt: '2030-06-30', reason: '资金未到位' })).statusCode).toBe(200);
    const office = await signIn(h.app, OFFICE);
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${id}/actions/approveExtension`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '理由充分，同意延期' },
    });
    expect(res.statusCode).toBe(200);
    const [mail] = await decisionMails(id);
    expect(mail!.subject).toBe('【审核结果】督办任务(2)延期申请已批准，完成时限调整为2030年6月30日');
    expect(mail!.text).toContain('贵单位督办任务(2)的延期申请已获批准，完成时限调整为2030年6月30日');
    expect(mail!.text).toContain('审核意见：理由充分，同意延期');
    expect(mail!.attachments.map((a) => a.filename)).toEqual(['督办任务2-完成时限.ics']);
    const slip = await h.db.prisma.supervisionSlip.findFirstOrThrow({ where: { assignmentId: id } });
    expect(slip.closedBecause).toBe('EXTENDED');
    expect(
      (await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'slip.closed', entityId: slip.id } })).data,
    ).toMatchObject({ because: 'EXTENDED', dueAt: '2030-06-30T15:59:59.999Z' });
  });

  it('a rejected extension says the deadline stands, with the comment', async () => {
    const id = h.seeded.t1b;
    const unit = unitApi(id);
    await unit('acknowledge');
    expect((await unit('extension', { newDueAt: '2030-12-31', reason: '人手不足' })).statusCode).toBe(200);
    const office = await signIn(h.app, OFFICE);
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${id}/actions/rejectExtension`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '理由不充分，请按期完成' },
    });
    expect(res.statusCode).toBe(200);
    const [mail] = await decisionMails(id);
    expect(mail!.subject).toBe('【审核结果】督办任务(1)延期申请未获批准');
    expect(mail!.text).toContain('贵单位督办任务(1)的延期申请未获批准，完成时限不变，请按原时限完成。');
    expect(mail!.text).toContain('审核意见：理由不充分，请按期完成');
    expect(mail!.rcpt).toEqual(['liaison@b.test']);
  });
});
