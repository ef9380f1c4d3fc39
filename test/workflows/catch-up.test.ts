/**
 * Catch-up 督办单 on a real Temporal dev server and a real PostgreSQL database:
 *  - the real plan imported and supervised as of 2 Feb 2026: the catch-up issues exactly one slip per
 *    overdue assignment (lead and co-units of the 45 past-due tasks), numbered consecutively after
 *    the year's last slip, orange or red as the policy ladder stands; each unit notice cites its
 *    units' numbers item by item and the Office summary cites them all, as the recipients read them;
 *  - its activity fails once after committing (a worker lost mid-activity): Temporal retries it and
 *    nothing is issued twice; starting supervision again, running the workflow again under another
 *    id, and two concurrent runs of the activity issue nothing and take no number;
 *  - the task lifecycles started with it issue no second slip for the step the catch-up covered,
 *    even under a policy with no quiet time whose ladder has a step at the catch-up instant;
 *  - the annual assessment counts the catch-up slips like any other (one deduction per slip colour),
 *    once the unit letters citing them are delivered, and cites the letter.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../config';
import { loadAssessmentConfig } from '../../config/assessment';
import { readHolidayOverride } from '../../config/policy-schema';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { catchUpSlipKey } from '../../activities/catch-up';
import { currentDirectory, importPlan, loadPlan } from '../../app/plan-import';
import { officialWorkdays, runAssessment } from '../../app/assessment/run';
import { catchUpWorkflowId, SCHEDULED_ACTION, stopSupervision } from '../../app/supervise';
import { startSimulatedSupervision } from '../../app/supervise/testing';
import { composeMessageInput } from '../../app/notices/compose';
import { loadNotice } from '../../app/notices/delivery-store';
import { sqlFromPrisma } from '../../app/notices/sql';
import { renderNotice } from '../../domain/messages';
import { simpleParser } from 'mailparser';
import { assignmentDetail } from '../../app/dashboard/queries';
import { lightParams, lightPolicy } from '../../app/dashboard/lights';
import { createDeliverNotice } from '../../app/notices/deliver-notice';
import { createRecipientResolver } from '../../app/notices/recipients';
import { createLinkService } from '../../infra/links';
import { createMailer } from '../../infra/mail/mailer';
import { startMailSink } from '../../devtools/mail/sink';
import { assignmentPage } from '../../web/views/dashboard-assignment';
import type { Policy } from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { readDirectoryFile } from '../../app/units-file';
import { silentLogger } from '../../infra/logger';
import { createOutboxNotificationPort } from '../../infra/outbox';
import type { CatchUpInput, CatchUpResult } from '../../contracts/workflows';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';
import { startTestWorker, temporalServer, workflowBundle, type TemporalServer, type TestWorker } from './temporal-env';

const ZONE = 'Asia/Shanghai';
const REAL = 'nanchang-quality-city-2024';
const tag = `${process.pid}-${Date.now().toString(36)}`;
const taskQueue = `catchup-test-${tag}`;
const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');
const cfg = loadConfig();
const policy = cfg.policy as Policy;
const holidayOverride = readHolidayOverride(cfg.holidaysOverrideFile);
/** A Monday inside office hours: 2024 deadlines are red by now, 2025 ones orange (past the leadership step of 22 Jan, before its first red repeat). */
const REAL_START = Date.parse('2026-02-02T10:00:00+08:00');

let db: TestDatabase;
let server: TemporalServer;
let worker: TestWorker;
let client: Client;
/** plans whose catch-up activity fails once right after it has done its work (slips and notices committed) */
const failOnceAfterCommit = new Set<string>();
let activities: ReturnType<typeof createLifecycleActivities>;

beforeAll(async () => {
  [db, server] = await Promise.all([createTestDatabase(), temporalServer(), workflowBundle()]);
  const loaded = await loadPlan(REAL_PLAN, cfg, await currentDirectory(cfg, db.prisma));
  await importPlan(db.prisma, loaded, { slug: REAL, actor: 'test', seedDirectory: readDirectoryFile(cfg.unitsFile) });
  activities = createLifecycleActivities({
    db: db.prisma,
    notifications: createOutboxNotificationPort(db.prisma),
    logger: silentLogger,
    zone: ZONE,
  });
  worker = await startTestWorker({
    server,
    taskQueue,
    activities: {
      ...activities,
      async submitPlanNotices(args: CatchUpInput) {
        const out = await activities.submitPlanNotices(args);
        if (failOnceAfterCommit.has(args.planSlug) && Context.current().info.attempt === 1)
          throw new Error('worker lost after the commit (injected)');
        return out;
      },
    },
  });
  client = worker.client;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await server?.stop();
}, 30_000);

const parseNumber = (n: string) => {
  const m = /^督〔(\d{4})〕(\d{4})号$/.exec(n);
  if (!m) throw new Error(`not a slip number: ${n}`);
  return { year: Number(m[1]), seq: Number(m[2]) };
};

/** The catch-up slips of a plan, in number order, with task and unit. */
async function catchUpSlips(planSlug: string) {
  const rows = await db.prisma.supervisionSlip.findMany({
    where: { dedupeKey: { endsWith: '-catchup' }, assignment: { task: { plan: { slug: planSlug } } } },
    include: { assignment: { include: { unit: true, task: true } } },
    orderBy: [{ year: 'asc' }, { seq: 'asc' }],
  });
  return rows.map((s) => ({ ...s, ref: `${s.assignment.task.number}|${s.assignment.unit.name}` }));
}

type Item = { task: number; unit: string; what: string; slip: string | null; slipNumber?: string };
async function catchUpNotices(planSlug: string) {
  const rows = await db.prisma.notice.findMany({
    where: { scope: { startsWith: `${planSlug}-catchup` } },
    orderBy: { key: 'asc' },
  });
  return rows.map((r) => ({
    ...r,
    p: r.payload as { unit: string | null; items: Item[]; slips: string[]; colour?: string },
  }));
}

describe('catch-up of the real plan as of 2 Feb 2026', () => {
  let expected: { ref: string; due: string }[];
  let input: CatchUpInput;
  let maxSeqAfter: number;

  beforeAll(async () => {
    // the year already has a slip (a blue one about a task not yet due): catch-up numbers follow it
    const other = await db.prisma.assignment.findFirstOrThrow({
      where: { task: { plan: { slug: REAL }, dueAt: null } },
    });
    await db.prisma.supervisionSlip.create({
      data: {
        number: '督〔2026〕0001号',
        year: 2026,
        seq: 1,
        assignmentId: other.id,
        colour: 'BLUE',
        reason: '测试',
        dedupeKey: 'slip-earlier',
        issuedAt: new Date('2026-01-15T09:00:00+08:00'),
      },
    });
    const rows = await db.prisma.assignment.findMany({
      where: {
        task: { plan: { slug: REAL }, dueAt: { lt: new Date(REAL_START) } },
        role: { in: policy.notifyRoles },
        cancelledAt: null,
      },
      include: { unit: true, task: true },
    });
    expected = rows.map((a) => ({ ref: `${a.task.number}|${a.unit.name}`, due: a.task.dueAt!.toISOString() }));
  });

  it('issues one slip per overdue assignment, numbered consecutively, even though its activity failed once after committing', async () => {
    failOnceAfterCommit.add(REAL);
    const r = await startSimulatedSupervision(
      { db: db.prisma, client, taskQueue },
      {
        planSlug: REAL,
        zone: ZONE,
        policy,
        holidayOverride,
        tasks: [],
        clock: { startAtMs: REAL_START, speed: 1 },
      },
    );
    // what `supervise start` reports (as planned: the workflow issues them right after)
    const red = expected.filter((e) => e.due.startsWith('2024-12-31')).length;
    expect(r.catchUp).toMatchObject({
      status: 'started',
      units: new Set(expected.map((e) => e.ref.split('|')[1])).size,
      tasks: 45,
      slips: expected.length,
      slipColours: { RED: red, ORANGE: expected.length - red, BLUE: 0 },
    });
    expect(red).toBeGreaterThan(0);
    const h = client.workflow.getHandle(catchUpWorkflowId(REAL));
    const result = (await h.result()) as CatchUpResult;
    // the second attempt found every notice already submitted by the first
    const units = new Set(expected.map((e) => e.ref.split('|')[1])).size;
    expect(result).toEqual({ submitted: 0, alreadyThere: units + 1, slips: expected.length });
    const attempts = (await h.fetchHistory())
      .events!.filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([2]);

    const slips = await catchUpSlips(REAL);
    expect(expected.length).toBeGreaterThan(100); // every notified assignment of 45 tasks (policy.notifyRoles)
    expect(new Set(expected.map((e) => Number(e.ref.split('|')[0]))).size).toBe(45);
    expect(slips.map((s) => s.ref).sort()).toEqual(expected.map((e) => e.ref).sort());
    expect(new Set(slips.map((s) => s.assignmentId)).size).toBe(slips.length);
    // consecutive, after the year's earlier slip, no gap and no number used twice
    expect(slips.map((s) => s.seq)).toEqual(slips.map((_, k) => k + 2));
    expect(slips.map((s) => s.number)).toEqual(slips.map((s) => `督〔2026〕${String(s.seq).padStart(4, '0')}号`));
    // issued at the catch-up's moment, coloured as the ladder stands on that day
    expect(new Set(slips.map((s) => s.issuedAt.getTime()))).toEqual(new Set([REAL_START]));
    for (const s of slips)
      expect([s.ref, s.colour]).toEqual([
        s.ref,
        s.assignment.task.dueAt!.toISOString().startsWith('2024-12-31') ? 'RED' : 'ORANGE',
      ]);
    expect(slips.filter((s) => s.colour === 'RED').map((s) => s.assignment.task.deadlinePhrase)).toEqual(
      slips.filter((s) => s.colour === 'RED').map(() => '2024年前'),
    );
    expect(slips[0]!.reason).toMatch(
      /^.+承担的任务\(\d+\)已超过完成时限（202[45]年12月31日）\d+天，仍未完成（逾期事项汇总督办）$/,
    );
    // every slip leaves its audit event, on the assignment's timeline
    const issued = await db.prisma.auditEvent.findMany({
      where: { action: 'slip.issued', planId: slips[0]!.assignment.task.planId },
    });
    expect(issued.map((e) => [e.assignmentId, (e.data as { number: string }).number]).sort()).toEqual(
      slips.map((s) => [s.assignmentId, s.number]).sort(),
    );
    // the lifecycles learn which assignments the catch-up issued a slip for
    const scheduled = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: SCHEDULED_ACTION, planId: slips[0]!.assignment.task.planId },
    });
    const schedule = (scheduled.data as { schedule: Record<string, { catchUpSlip?: string }> }).schedule;
    expect(slips.every((s) => schedule[s.assignmentId]?.catchUpSlip === s.colour)).toBe(true);
    expect(Object.values(schedule).filter((s) => s.catchUpSlip).length).toBe(slips.length);
    maxSeqAfter = slips[slips.length - 1]!.seq;
    failOnceAfterCommit.delete(REAL);
  });

  it('each unit notice cites its own slips item by item, the Office summary cites them all', async () => {
    const slips = await catchUpSlips(REAL);
    const byRef = new Map(slips.map((s) => [s.ref, s.number]));
    const notices = await catchUpNotices(REAL);
    const unitNotices = notices.filter((n) => n.kind === 'catchup_unit');
    expect(unitNotices).toHaveLength(new Set(expected.map((e) => e.ref.split('|')[1])).size);
    for (const n of unitNotices) {
      const mine = n.p.items.map((it) => [`${it.task}|${it.unit}`, it.slipNumber]);
      expect(mine).toEqual(n.p.items.map((it) => [`${it.task}|${it.unit}`, byRef.get(`${it.task}|${it.unit}`)]));
      expect(n.p.slips).toEqual(n.p.items.map((it) => it.slipNumber));
      // a unit's slips follow one another
      const seqs = n.p.slips.map((x) => parseNumber(x).seq);
      expect(seqs).toEqual(seqs.map((_, k) => seqs[0]! + k));
    }
    const summary = notices.find((n) => n.kind === 'catchup_summary')!;
    expect(summary.p.slips.slice().sort()).toEqual(slips.map((s) => s.number).sort());
    expect(summary.p.items.every((it) => it.slipNumber === byRef.get(`${it.task}|${it.unit}`))).toBe(true);

    // as the recipients read them (the mail processor's own load → compose → render)
    const sql = sqlFromPrisma(db.prisma);
    const read = async (id: string) =>
      renderNotice(
        composeMessageInput((await loadNotice(sql, id))!, {
          zone: ZONE,
          sender: '南昌市质量强市领导小组办公室',
          now: new Date(REAL_START),
          link: 'https://dubang.example/f/x',
        }),
      );
    const market = unitNotices.find((n) => n.p.unit === '市市场监管局')!;
    const m = await read(market.id);
    const k = market.p.slips.length;
    expect(k).toBeGreaterThan(1);
    expect(m.subject).toBe(`【逾期汇总】市市场监管局共有${k}项督办事项已逾期，已发出督办单${k}份`);
    expect(m.text).toMatch(new RegExp(`现对上述${k}项任务一并发出(橙色|红色)?督办单${k}份(（.+）)?，编号见下表。`));
    expect(m.text).toContain(`督办单编号：${market.p.slips[0]}至${market.p.slips[k - 1]}`);
    market.p.items.forEach((it, i) =>
      expect(m.text).toMatch(
        new RegExp(
          `\\n${i + 1}\\. 任务：\\(${it.task}\\)；.*；督办单：${it.slipNumber!.replace(/[〔〕]/g, '.')}（(橙色|红色)）`,
        ),
      ),
    );
    const s = await read(summary.id);
    expect(s.subject).toBe(
      `【督办汇总】逾期事项${slips.length}项，涉及${unitNotices.length}个单位，已发出督办单${slips.length}份`,
    );
    const red = slips.filter((x) => x.colour === 'RED').length;
    expect(s.text).toContain(
      `已分别向各责任单位发出逾期汇总通知，并对上述${slips.length}项发出督办单${slips.length}份（红色${red}份、橙色${slips.length - red}份），编号${slips[0]!.number}至${slips[slips.length - 1]!.number}；不再逐项补发历史提醒。`,
    );
    for (const x of slips) expect(s.html).toContain(`${x.number}（${x.colour === 'RED' ? '红色' : '橙色'}）`);
  });

  it("the unit's letter gives every overdue item its own working form link; the Office's page of a covered assignment shows the letter", async () => {
    const notices = await catchUpNotices(REAL);
    const market = notices.find((n) => n.kind === 'catchup_unit' && n.p.unit === '市市场监管局')!;
    const rows = await db.prisma.assignment.findMany({
      where: { task: { plan: { slug: REAL } }, unit: { name: '市市场监管局' } },
      include: { task: true },
    });
    const idOf = new Map(rows.map((a) => [a.task.number, a.id]));
    // every item names its assignment
    expect(market.p.items.map((it) => (it as Item & { assignmentId?: string }).assignmentId)).toEqual(
      market.p.items.map((it) => idOf.get(it.task)),
    );

    // sent by the mail processor's own use case, with the production link signer, into an SMTP sink
    const sink = await startMailSink({ port: 0, logger: silentLogger });
    const mailer = createMailer({
      host: sink.host,
      port: sink.port,
      secure: false,
      poolSize: 1,
      timeoutMs: 5000,
      logger: silentLogger,
    });
    try {
      const links = createLinkService({
        db: db.prisma,
        secret: 'catch-up-test-secret-0123456789',
        publicUrl: 'https://dubang.example',
      });
      const deliver = createDeliverNotice({
        sql: sqlFromPrisma(db.prisma),
        mailer,
        notify: createOutboxNotificationPort(db.prisma),
        recipients: createRecipientResolver(db.prisma),
        logger: silentLogger,
        zone: ZONE,
        from: '南昌市质量强市领导小组办公室 <duban@office.example>',
        linkFor: links.linkFor,
        officeUrl: 'https://dubang.example',
        clock: () => new Date(REAL_START),
      });
      expect(await deliver({ noticeId: market.id, attempt: 1, maxAttempts: 3 })).toMatchObject({ outcome: 'sent' });
      const [mail] = await sink.waitFor(1, 10_000);
      const parsed = await simpleParser(mail!.raw);
      const text = String(parsed.text);
      // no link to the Office's sign-in page; one signed form link per item, for that item's assignment
      expect(text).not.toMatch(/https:\/\/dubang\.example\/(\s|$)/);
      for (const [k, it] of market.p.items.entries()) {
        const line = text.split('\n').find((l) => l.startsWith(`${k + 1}. 任务：(${it.task})；`))!;
        const url = /办理链接：(https:\/\/dubang\.example\/f\/([0-9a-f-]+)\?t=(\S+))$/.exec(line);
        expect(url?.[2]).toBe(idOf.get(it.task));
        expect(await links.verify(decodeURIComponent(url![3]!), url![2]!)).toMatchObject({
          ok: true,
          claims: { assignmentId: idOf.get(it.task), jti: market.id },
        });
        expect(String(parsed.html)).toContain(`href="${url![1]!.replace(/&/g, '&amp;')}"`);
      }
      // the Office's summary links each item to its assignment page
      const summary = notices.find((n) => n.kind === 'catchup_summary')!;
      expect(await deliver({ noticeId: summary.id, attempt: 1, maxAttempts: 3 })).toMatchObject({ outcome: 'sent' });
      const [, office] = await sink.waitFor(2, 10_000);
      const first = (await loadNotice(sqlFromPrisma(db.prisma), summary.id))!;
      const it0 = (first.payload as { items: (Item & { assignmentId: string })[] }).items[0]!;
      expect(String((await simpleParser(office!.raw)).text)).toContain(
        `查看分工：https://dubang.example/assignments/${it0.assignmentId}`,
      );
    } finally {
      await mailer.close();
      await sink.close();
    }

    // an assignment the letter covers and nothing else has mentioned: its page lists the letter, not 「暂无通知」
    const covered = market.p.items.map((it) => idOf.get(it.task)!);
    const quiet = (
      await db.prisma.assignment.findMany({
        where: { id: { in: covered }, notices: { none: {} } },
        select: { id: true },
      })
    )[0];
    expect(quiet).toBeDefined();
    const d = (await assignmentDetail(
      db.prisma,
      lightParams(REAL_START, lightPolicy(policy, holidayOverride)),
      quiet!.id,
    ))!;
    expect(d.notices.map((n) => n.id)).toEqual([market.id]);
    const page = String(
      assignmentPage(d, {
        zone: ZONE,
        session: { role: 'office', csrfToken: 'x', email: 'duban@office.example' } as never,
      }),
    );
    const section = /<h2>通知<\/h2>([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(section).not.toContain('暂无通知');
    expect(section.match(/<tr>/g)).toHaveLength(2);
    expect(section).toContain('市市场监管局全部逾期事项（含本任务）');
    expect(section).not.toContain(`<td>${REAL}-catchup`);
  });

  it('issues nothing twice and takes no number when supervision starts again, the workflow runs again or two activities race', async () => {
    const before = await catchUpSlips(REAL);
    const noticesBefore = (await catchUpNotices(REAL)).map((n) => [n.key, n.p.slips]);
    const again = await startSimulatedSupervision(
      { db: db.prisma, client, taskQueue },
      {
        planSlug: REAL,
        zone: ZONE,
        policy,
        holidayOverride,
        tasks: [],
        clock: { startAtMs: REAL_START + 3_600_000, speed: 1 },
      },
    );
    expect(again.catchUp).toMatchObject({ status: 'already', slips: before.length });
    // the same catch-up (as recorded at the first start) run by a second workflow
    const scheduled = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: SCHEDULED_ACTION, planId: before[0]!.assignment.task.planId },
    });
    input = (scheduled.data as unknown as { catchUp: CatchUpInput }).catchUp;
    const rerun = (await client.workflow.execute('supervisionCatchUp', {
      taskQueue,
      workflowId: `${catchUpWorkflowId(REAL)}-again-${tag}`,
      args: [input],
    })) as CatchUpResult;
    expect(rerun).toEqual({ submitted: 0, alreadyThere: noticesBefore.length, slips: before.length });
    // two attempts at once (a retry racing a slow first attempt)
    await Promise.all([activities.submitPlanNotices(input), activities.submitPlanNotices(input)]);

    const after = await catchUpSlips(REAL);
    expect(after.map((s) => [s.id, s.number])).toEqual(before.map((s) => [s.id, s.number]));
    expect((await db.prisma.supervisionSlip.aggregate({ where: { year: 2026 }, _max: { seq: true } }))._max.seq).toBe(
      maxSeqAfter,
    );
    expect((await catchUpNotices(REAL)).map((n) => [n.key, n.p.slips])).toEqual(noticesBefore);
    expect(
      await db.prisma.auditEvent.count({ where: { action: 'slip.issued', planId: before[0]!.assignment.task.planId } }),
    ).toBe(before.length);
    expect(before.every((s) => s.dedupeKey === catchUpSlipKey(s.assignmentId))).toBe(true);
  });

  it('the annual assessment deducts for each catch-up slip by its colour, citing its number', async () => {
    const config = loadAssessmentConfig(cfg);
    const all = await catchUpSlips(REAL);
    // the plan names the Office itself as a responsible unit on some tasks: it gets its slip, but
    // the rubric does not score the Office (excludedUnitKinds), as for any other slip
    const excluded = all.filter((s) => config.excludedUnitKinds.includes(s.assignment.unit.kind));
    expect(new Set(excluded.map((s) => s.assignment.unit.name))).toEqual(new Set(['市质量强市领导小组办公室']));
    const slips = all.filter((s) => !excluded.includes(s));
    // the letters delivered, as the mail processor records them: a slip counts once the letter citing it was sent
    const letters = await db.prisma.notice.findMany({
      where: { kind: 'catchup_unit', scope: { startsWith: `${REAL}-catchup-` } },
    });
    expect(letters.length).toBeGreaterThan(0);
    for (const n of letters) {
      // an earlier case may have delivered a letter through the real pipeline already: keep that record
      const sent = { status: 'SENT' as const, messageId: `<${n.id}@dubang.test>`, attempts: 1, sentAt: n.dueAt };
      await db.prisma.notice.update({
        where: { id: n.id },
        data: { status: 'SENT', delivery: { upsert: { create: sent, update: {} } } },
      });
    }
    const assessed = await runAssessment(db.prisma, {
      year: 2026,
      asOf: REAL_START + 86_400_000,
      now: REAL_START + 86_400_000,
      zone: ZONE,
      config,
      planSlug: REAL,
      isWorkday: officialWorkdays(ZONE),
    });
    const slipDeductions = assessed.result.units.flatMap((u) =>
      u.deductions.filter((d) => d.slip && d.slip !== '督〔2026〕0001号').map((d) => ({ unit: u.unit, ...d })),
    );
    expect(slipDeductions.map((d) => [d.slip, d.kind, d.unit, d.assignmentId]).sort()).toEqual(
      slips
        .map((s) => [s.number, s.colour === 'RED' ? 'slipRed' : 'slipOrange', s.assignment.unit.name, s.assignmentId])
        .sort(),
    );
    for (const d of slipDeductions)
      expect(d.points).toBe(
        d.kind === 'slipRed' ? config.deductions.slipRed.points : config.deductions.slipOrange.points,
      );
    expect(slipDeductions.every((d) => d.reason.includes(d.slip!) && d.reason.includes('逾期事项汇总督办'))).toBe(true);
    // each cites the unit's letter that carried its number (resolved from the letter's items)
    expect(
      slipDeductions.every(
        (d) =>
          d.notice?.kind === '逾期事项汇总通知' &&
          d.notice.slip === d.slip &&
          letters.some((n) => n.id === d.notice!.id),
      ),
    ).toBe(true);
    expect(assessed.result.totals.slips.RED + assessed.result.totals.slips.ORANGE).toBe(slips.length);
  });
});

describe('the task lifecycles after the catch-up', () => {
  const slug = `cu${Date.now().toString(36)}`;
  const DUE = '2025-12-31T23:59:59.999+08:00';
  const DUE_MS = Date.parse(DUE);

  it('issue no second slip for the step the catch-up covered, even with no quiet time and a ladder step at the catch-up instant', async () => {
    const p = db.prisma;
    const plan = await p.plan.create({ data: { slug, title: '测试方案', sourceName: 'test.txt', sourceSha256: 'x' } });
    const section = await p.section.create({
      data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '测试' },
    });
    const task = await p.task.create({
      data: {
        planId: plan.id,
        number: 1,
        text: '测试任务1',
        sectionId: section.id,
        unitsText: '市市场监管局、市工信局',
        units: ['市市场监管局', '市工信局'],
        deadlinePhrase: '2025年前',
        dueAt: new Date(DUE),
        kind: 'deadline',
        sourceLine: 1,
      },
    });
    for (const [i, name] of ['市市场监管局', '市工信局'].entries()) {
      const unit = await p.unit.findUniqueOrThrow({ where: { name } });
      await p.assignment.create({
        data: {
          taskId: task.id,
          unitId: unit.id,
          role: i === 0 ? 'LEAD' : 'CO',
          ordinal: i,
          dueAt: new Date(DUE),
          originalDueAt: new Date(DUE),
        },
      });
    }
    // orange every 4 s from the deadline (+1 ms, +4.001 s, +8.001 s), leadership at +10 s; no quiet time
    const sp: Policy = {
      ...secondsPolicy({ overdueEvery: 4, leadershipAfter: 10, leadershipEvery: 10 }),
      catchUp: { ...secondsPolicy().catchUp, quietFor: null },
    };
    // supervision starts exactly at the third orange of the ladder
    const startAtMs = DUE_MS + 8001;
    const r = await startSimulatedSupervision(
      { db: p, client, taskQueue },
      { planSlug: slug, zone: ZONE, policy: sp, clock: { startAtMs, speed: 1 } },
    );
    expect(r.started).toHaveLength(1);
    await client.workflow.getHandle(catchUpWorkflowId(slug)).result();
    const mine = () =>
      p.supervisionSlip.findMany({
        where: { assignment: { taskId: task.id } },
        include: { assignment: { include: { unit: true } } },
        orderBy: [{ issuedAt: 'asc' }, { seq: 'asc' }],
      });
    const end = Date.now() + 15_000;
    while ((await mine()).filter((s) => s.issuedAt.getTime() >= DUE_MS + 10_000).length < 2) {
      if (Date.now() > end) throw new Error('the leadership step was not issued in time');
      await new Promise((res) => setTimeout(res, 200));
    }
    await stopSupervision({ db: p, client }, { planSlug: slug });
    const slips = (await mine()).filter((s) => s.issuedAt.getTime() < DUE_MS + 20_000);
    for (const unit of ['市市场监管局', '市工信局']) {
      // the catch-up's orange at the start, then the ladder's next step (leadership, orange): no orange of the lifecycle at the start
      expect(
        slips
          .filter((s) => s.assignment.unit.name === unit)
          .map((s) => [s.issuedAt.getTime() - DUE_MS, s.colour, s.dedupeKey.endsWith('-catchup')]),
      ).toEqual([
        [8001, 'ORANGE', true],
        [10_000, 'ORANGE', false],
      ]);
    }
    const notices = await p.notice.findMany({ where: { assignment: { taskId: task.id }, kind: 'supervision' } });
    expect(notices.every((n) => n.dueAt.getTime() >= DUE_MS + 10_000)).toBe(true);
  }, 40_000);
});

describe('replay', () => {
  it('replays the catch-up history recorded before catch-up issued slips', async () => {
    const History = temporal.api.history.v1.History;
    const file = 'catch-up-notices-only.json';
    const history = History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [
      { workflowId: file, history },
    ]))
      results.push(r);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual([[file, null]]);
  });
});
