/**
 * The task lifecycle on a real Temporal dev server with a real PostgreSQL database, under the policy
 * engine compressed into seconds (domain/policy/testing secondsPolicy): every input through its update,
 * every refusal (with its reason, changing nothing), the overdue flag, reminders and 催办 submitted
 * through the notification port at their moments, the 督办 ladder to red with one slip per step, an
 * extension asked before/after the deadline re-timing what was pending, completion rejected then
 * approved, reassign, cancel, catch-up at supervise start, a standing task crossing its cycle
 * (Continue-As-New) still planning its summary, and replay of saved histories.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { silentLogger } from '../../infra/logger';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { catchUpWorkflowId, stopSupervision, taskWorkflowId } from '../../app/supervise';
import { simulatedLifecycleInputs, startSimulatedSupervision } from '../../app/supervise/testing';
import { applyTaskInput } from '../../app/tasks';
import { inputUpdates, stateQuery, upcomingQuery } from '../../workflows/task-lifecycle';
import type { BusinessClock } from '../../contracts/testing';
import type { InputArgs, TaskLifecycleInput } from '../../contracts/workflows';
import type { LifecycleInputType } from '../../domain/lifecycle';
import type { Policy } from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { DUE, DUE_MS, seedPlan, sleep } from './support/fixture';
import { startTestWorker, temporalServer, workflowBundle, type TemporalServer, type TestWorker } from './temporal-env';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');
const ZONE = 'Asia/Shanghai';
const taskQueue = `lifecycle-test-${process.pid}-${Date.now()}`;
const slug = `t${Date.now().toString(36)}`;

let db: TestDatabase;
let server: TemporalServer;
let worker: TestWorker;
let client: Client;

const seed = (planSlug: string, tasks: { number: number; kind: 'deadline' | 'standing' }[]) =>
  seedPlan(db.prisma, planSlug, tasks);

async function start(task: number, clock: BusinessClock, policy: Policy = secondsPolicy()): Promise<WorkflowHandle> {
  const [input] = await simulatedLifecycleInputs(db.prisma, {
    planSlug: slug,
    zone: ZONE,
    policy,
    tasks: [task],
    clock,
  });
  return client.workflow.start('taskLifecycle', {
    taskQueue,
    workflowId: taskWorkflowId(slug, task),
    args: [input as TaskLifecycleInput],
  });
}

/** The outbox rows of a task (or of a plan's catch-up), oldest moment first, with unit and slip. */
async function outbox(where: { task?: number; plan?: string }) {
  const rows = await db.prisma.notice.findMany({
    where:
      where.task !== undefined
        ? { assignment: { task: { number: where.task, plan: { slug } } } }
        : { scope: { startsWith: `${where.plan}-` } },
    include: { assignment: { include: { unit: true } }, slip: true },
    orderBy: [{ dueAt: 'asc' }, { key: 'asc' }],
  });
  return rows
    .map((r) => {
      const pl = r.payload as {
        level?: number;
        period?: string;
        dueAt?: string;
        slip?: { number: string; colour: string } | null;
        items?: { task: number; unit: string }[];
        unit?: string | null;
      };
      return {
        ...r,
        unit: r.assignment?.unit.name ?? pl.unit ?? null,
        level: pl.level ?? null,
        period: pl.period ?? null,
        subjectDue: pl.dueAt ?? null,
        cited: pl.slip ?? null,
        items: pl.items ?? null,
      };
    })
    .sort(
      (a, b) =>
        a.dueAt.getTime() - b.dueAt.getTime() ||
        String(a.unit).localeCompare(String(b.unit)) ||
        a.key.localeCompare(b.key),
    );
}

function send<T extends LifecycleInputType>(h: WorkflowHandle, type: T, args: InputArgs<T>) {
  return h.executeUpdate(inputUpdates[type] as never, { args: [args] as never }) as Promise<{
    state: string;
    dueAt: string | null;
    action: string;
    newAssignmentId?: string;
  }>;
}

/** The refusal an update got: its reason (the ApplicationFailure's message) and type. */
async function refusal(p: Promise<unknown>): Promise<{ reason: string; type: string | undefined }> {
  try {
    await p;
  } catch (err) {
    expect((err as Error).name).toBe(WorkflowUpdateFailedError.name);
    const cause = (err as { cause?: { message: string; type?: string } }).cause;
    return { reason: cause?.message ?? '', type: cause?.type };
  }
  throw new Error('the update was accepted');
}

async function assignment(task: number, unit: string) {
  return db.prisma.assignment.findFirstOrThrow({
    where: { task: { number: task, plan: { slug } }, unit: { name: unit } },
  });
}

// Histories are stored as protobuf objects in JSON (longs and bytes as strings). The SDK's own
// historyToJSON/historyFromJSON fail in this install ("type must be a Type": @temporalio/common and
// @temporalio/proto each carry a separate protobufjs copy), so we convert with the proto classes.
const History = temporal.api.history.v1.History;
function saveHistory(h: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(
    History.toObject(History.fromObject(h), { longs: String, enums: String, bytes: String }),
    null,
    1,
  );
}
function loadHistory(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text));
}

const auditCount = () => db.prisma.auditEvent.count();
const until = async (pred: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  [db, server] = await Promise.all([createTestDatabase(), temporalServer(), workflowBundle()]);
  await seed(slug, [
    { number: 1, kind: 'deadline' },
    { number: 2, kind: 'deadline' },
    { number: 3, kind: 'standing' },
    { number: 4, kind: 'deadline' },
    { number: 5, kind: 'deadline' },
  ]);
  worker = await startTestWorker({
    server,
    taskQueue,
    activities: createLifecycleActivities({
      db: db.prisma,
      notifications: createOutboxNotificationPort(db.prisma),
      logger: silentLogger,
      zone: ZONE,
    }),
  });
  client = worker.client;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await server?.stop();
}, 30_000);

const BEFORE_DEADLINE: BusinessClock = { startAtMs: Date.parse('2025-11-03T10:00:00+08:00'), speed: 1 };

describe('inputs through updates', () => {
  it('walks a deadline assignment through every state; each step is a row and an audit event', async () => {
    const h = await start(1, BEFORE_DEADLINE);
    expect(await send(h, 'acknowledge', { unit: '市市场监管局', actor: 'unit:test' })).toMatchObject({
      state: 'ACKNOWLEDGED',
      action: 'assignment.acknowledged',
    });
    expect(
      await send(h, 'submitReport', { unit: '市市场监管局', period: '2025Q3', text: '已完成调研', percent: 30 }),
    ).toMatchObject({ state: 'IN_PROGRESS' });
    expect(await send(h, 'requestCompletion', { unit: '市市场监管局' })).toMatchObject({
      state: 'COMPLETION_REQUESTED',
    });
    expect(
      await send(h, 'rejectCompletion', { unit: '市市场监管局', reason: '佐证材料不全', actor: 'office:a@b' }),
    ).toMatchObject({ state: 'IN_PROGRESS' });
    expect(await send(h, 'requestCompletion', { unit: '市市场监管局' })).toMatchObject({
      state: 'COMPLETION_REQUESTED',
    });
    expect(await send(h, 'approveCompletion', { unit: '市市场监管局', actor: 'office:a@b' })).toMatchObject({
      state: 'COMPLETED',
    });

    const row = await assignment(1, '市市场监管局');
    expect(row).toMatchObject({ state: 'COMPLETED', overdue: false });
    expect(row.acknowledgedAt?.toISOString()).toMatch(/^2025-11-03T02:00/);
    const report = await db.prisma.report.findFirstOrThrow({ where: { assignmentId: row.id } });
    expect(report).toMatchObject({ period: '2025Q3', text: '已完成调研', percent: 30 });
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { assignmentId: row.id }, orderBy: { id: 'asc' } })
    ).map((e) => e.action);
    // each Office decision is also told to the unit (a `decision` notice in the outbox)
    // the assignment notice went out first (the workflow's first moment is its start)
    expect(actions).toEqual([
      'notice.submitted',
      'assignment.acknowledged',
      'report.submitted',
      'completion.requested',
      'completion.rejected',
      'notice.submitted',
      'completion.requested',
      'completion.approved',
      'notice.submitted',
    ]);
    expect(
      (await db.prisma.notice.findMany({ where: { assignmentId: row.id, kind: 'assignment' } })).map(
        (n) => n.recipients,
      ),
    ).toEqual([['liaison', 'leader']]);
    const decisions = await db.prisma.notice.findMany({
      where: { assignmentId: row.id, kind: 'decision' },
      orderBy: { createdAt: 'asc' },
    });
    // the payload says what was decided (domain/messages decisionOf reads it, and the bare action older lifecycles stored)
    expect(
      decisions.map((n) => [
        n.status,
        n.recipients,
        (n.payload as { decision: unknown }).decision,
        (n.payload as { reason?: string }).reason ?? null,
      ]),
    ).toEqual([
      [
        'PENDING',
        ['liaison', 'leader'],
        { action: 'completion.rejected', subject: 'completion', approved: false },
        '佐证材料不全',
      ],
      [
        'PENDING',
        ['liaison', 'leader'],
        { action: 'completion.approved', subject: 'completion', approved: true },
        null,
      ],
    ]);
    const rejected = await db.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: row.id, action: 'completion.rejected' },
    });
    expect(rejected.actor).toBe('office:a@b');
    expect(rejected.data).toMatchObject({ reason: '佐证材料不全', from: 'COMPLETION_REQUESTED', to: 'IN_PROGRESS' });

    // the other assignments of the task are tracked separately and untouched
    const state = await h.query(stateQuery);
    expect(state.assignments.map((a) => [a.unit, a.state])).toEqual([
      ['市市场监管局', 'COMPLETED'],
      ['市工信局', 'ASSIGNED'],
      ['东湖区人民政府', 'ASSIGNED'],
    ]);
  });

  it('refuses what the state does not allow, with the reason, and changes nothing', async () => {
    const h = client.workflow.getHandle(taskWorkflowId(slug, 1));
    const before = await auditCount();
    expect(await refusal(send(h, 'acknowledge', { unit: '市市场监管局' }))).toEqual({
      reason: '市市场监管局的任务已销号，不能再签收',
      type: 'InputRefused',
    });
    expect((await refusal(send(h, 'submitReport', { unit: '市工信局', period: '2025Q3', text: 'x' }))).reason).toBe(
      '市工信局尚未签收该任务，请先签收再报送进展',
    );
    expect((await refusal(send(h, 'approveCompletion', { unit: '市工信局' }))).reason).toContain('不能同意销号');
    expect((await refusal(send(h, 'rejectExtension', { unit: '东湖区人民政府', reason: 'x' }))).reason).toContain(
      '只有「延期待审」的任务可以审核延期',
    );
    expect((await refusal(send(h, 'acknowledge', { unit: '市教育局' }))).reason).toBe(
      '任务(1)没有「市教育局」的责任分工',
    );
    expect((await refusal(send(h, 'cancel', { unit: '市工信局', reason: '' }))).reason).toBe('撤销须写明理由');
    expect(await auditCount()).toBe(before);
    expect((await assignment(1, '市工信局')).state).toBe('ASSIGNED');
  });

  it('reassigns to another unit (a new assignment) and finishes the lifecycle when all are closed', async () => {
    const h = client.workflow.getHandle(taskWorkflowId(slug, 1));
    expect(
      (await refusal(send(h, 'reassign', { unit: '市工信局', toUnit: '东湖区人民政府', reason: '职能调整' }))).reason,
    ).toBe('东湖区人民政府已承担任务(1)，不能改派给它');
    const r = await send(h, 'reassign', { unit: '市工信局', toUnit: '市商务局', reason: '职能调整' });
    expect(r.newAssignmentId).toBeDefined();
    expect((await assignment(1, '市工信局')).state).toBe('CANCELLED');
    expect(await assignment(1, '市商务局')).toMatchObject({ id: r.newAssignmentId, state: 'ASSIGNED', role: 'CO' });
    // the new unit is supervised from the workflow's instant of the reassignment (what a later start re-plans from)
    const made = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'assignment.created', assignmentId: r.newAssignmentId },
    });
    const reassignedAt = (made.data as { assignedAt?: string }).assignedAt;
    expect(reassignedAt).toBeDefined();
    expect((await assignment(1, '市商务局')).supervisedFrom?.getTime()).toBe(Date.parse(reassignedAt!));
    expect(await send(h, 'acknowledge', { unit: '市商务局' })).toMatchObject({ state: 'ACKNOWLEDGED' });
    await send(h, 'cancel', { unit: '市商务局', reason: '方案修订' });
    await send(h, 'cancel', { unit: '东湖区人民政府', reason: '方案修订' });
    expect(await h.result()).toEqual({ closed: true, runs: 1 });
  });
});

describe('notices at their moments', () => {
  it('submits the assignment notice, acknowledgement chase, report reminder and 催办 ladder through the port when they fall due', async () => {
    // periods of 6 s due 1 s after they end: P1 reminder at +6, due +7, 催办 at +8 (liaison), +9 (leader), +10 (Office)
    const policy = secondsPolicy({ reportEvery: 6, reportDueAfter: 1, reportReminder: 1, reportChase: [1, 2, 3] });
    const t0 = Date.parse('2025-11-03T10:00:00+08:00');
    const h = await start(4, { startAtMs: t0, speed: 1 }, policy);
    // the co-unit acknowledges and reports P1 at once: it is neither chased nor reminded about P1
    await send(h, 'acknowledge', { unit: '市工信局' });
    await send(h, 'submitReport', { unit: '市工信局', period: 'P1', text: '已启动' });
    const upcoming = await h.query(upcomingQuery, { limit: 8 });
    expect(upcoming.map((n) => [n.kind, n.unit, n.at, n.period ?? null])).toEqual([
      ['ack_reminder', '市市场监管局', '2025-11-03T10:00:04.000+08:00', null],
      ['report_reminder', '市市场监管局', '2025-11-03T10:00:06.000+08:00', 'P1'],
      ['ack_escalation', '市市场监管局', '2025-11-03T10:00:08.000+08:00', null],
      ['report_chase', '市市场监管局', '2025-11-03T10:00:08.000+08:00', 'P1'],
      ['report_chase', '市市场监管局', '2025-11-03T10:00:09.000+08:00', 'P1'],
      ['report_chase', '市市场监管局', '2025-11-03T10:00:10.000+08:00', 'P1'],
      ['report_reminder', '市工信局', '2025-11-03T10:00:12.000+08:00', 'P2'],
      ['report_reminder', '市市场监管局', '2025-11-03T10:00:12.000+08:00', 'P2'],
    ]);
    await until(
      async () => (await outbox({ task: 4 })).some((n) => n.kind === 'report_chase' && n.level === 3),
      15_000,
    );
    await h.cancel();
    const rows = (await outbox({ task: 4 })).filter((n) => n.dueAt.getTime() <= t0 + 10_000);
    expect(
      rows.map((n) => [n.kind, n.unit, (n.dueAt.getTime() - t0) / 1000, n.recipients.join('+'), n.period, n.level]),
    ).toEqual([
      ['assignment', '市工信局', 0, 'liaison+leader', null, null],
      ['assignment', '市市场监管局', 0, 'liaison+leader', null, null],
      ['ack_reminder', '市市场监管局', 4, 'liaison', null, 1],
      ['report_reminder', '市市场监管局', 6, 'liaison', 'P1', null],
      ['ack_escalation', '市市场监管局', 8, 'leader', null, 2],
      ['report_chase', '市市场监管局', 8, 'liaison', 'P1', 1],
      ['report_chase', '市市场监管局', 9, 'leader', 'P1', 2],
      ['report_chase', '市市场监管局', 10, 'office', 'P1', 3],
    ]);
    // each went out when its moment came (business time runs at real speed here), not in a burst
    const origin = rows[0]!.createdAt.getTime();
    for (const n of rows)
      expect(Math.abs(n.createdAt.getTime() - origin - (n.dueAt.getTime() - t0))).toBeLessThan(1500);
    // the implicit unit is supervised but, per policy.notifyRoles, gets no email
    expect(rows.some((n) => n.unit === '东湖区人民政府')).toBe(false);
  }, 30_000);

  it('escalates a stalled deadline blue → orange → leadership → red, one 督办单 per step, each notice citing its slip', async () => {
    const policy = secondsPolicy({ overdueEvery: 2, leadershipAfter: 3, leadershipEvery: 2 });
    const h = await start(5, { startAtMs: DUE_MS - 3500, speed: 1 }, policy);
    await until(async () => (await outbox({ task: 5 })).filter((n) => n.slip?.colour === 'RED').length >= 2, 15_000);
    await h.cancel();
    const sup = (await outbox({ task: 5 })).filter(
      (n) => n.kind === 'supervision' && n.dueAt.getTime() <= DUE_MS + 5000,
    );
    for (const unit of ['市市场监管局', '市工信局']) {
      const mine = sup.filter((n) => n.unit === unit);
      expect(
        mine.map((n) => [
          Math.round((n.dueAt.getTime() - DUE_MS) / 1000),
          n.level,
          n.slip?.colour,
          n.recipients.join('+'),
        ]),
      ).toEqual([
        [-3, 1, 'BLUE', 'liaison+leader'],
        [0, 2, 'ORANGE', 'office+leader'],
        [2, 2, 'ORANGE', 'office+leader'],
        [3, 3, 'ORANGE', 'office+leader+leadership'],
        [5, 3, 'RED', 'office+leader+leadership'],
      ]);
    }
    // one slip per notice, numbered 督〔YYYY〕NNNN号 (the year of its moment), cited by the notice
    const numbers = sup.map((n) => n.slip!.number);
    expect(new Set(numbers).size).toBe(sup.length);
    for (const n of sup) {
      expect(n.slip!.number).toMatch(n.dueAt.getTime() <= DUE_MS ? /^督〔2025〕\d{4}号$/ : /^督〔2026〕\d{4}号$/);
      expect(n.cited).toEqual({ number: n.slip!.number, colour: n.slip!.colour });
    }
    const slips = await db.prisma.supervisionSlip.count({
      where: { assignment: { task: { number: 5, plan: { slug } } } },
    });
    expect(slips).toBe((await outbox({ task: 5 })).filter((n) => n.slip).length);
    // the 1-workday... here 3 s reminder is replaced by the blue slip; the 6 s one was before supervision began
    expect((await outbox({ task: 5 })).filter((n) => n.kind === 'deadline_reminder')).toEqual([]);
  }, 30_000);
});

describe('deadlines', () => {
  it('grants an extension asked before the deadline, re-timing what was pending, and refuses one asked after it', async () => {
    // business time starts 8 s before the deadline: reminders at -6 s, blue slip at -3 s
    const h = await start(2, { startAtMs: DUE_MS - 8000, speed: 1 });
    await send(h, 'acknowledge', { unit: '市市场监管局' });
    await send(h, 'acknowledge', { unit: '市工信局' });
    const before = (await h.query(upcomingQuery, {})).filter((n) => n.unit === '市市场监管局');
    expect(before.slice(0, 2).map((n) => [n.kind, n.at, n.dueAt])).toEqual([
      ['deadline_reminder', '2025-12-31T23:59:53.999+08:00', DUE],
      ['supervision', '2025-12-31T23:59:56.999+08:00', DUE],
    ]);
    const newDue = '2026-01-01T00:00:19.999+08:00';
    expect(
      await send(h, 'requestExtension', { unit: '市市场监管局', newDueAt: newDue, reason: '资金未到位' }),
    ).toMatchObject({ state: 'EXTENSION_REQUESTED' });
    expect(await send(h, 'approveExtension', { unit: '市市场监管局', reason: '同意' })).toMatchObject({
      state: 'ACKNOWLEDGED',
      dueAt: '2025-12-31T16:00:19.999Z',
    });
    // everything about the deadline now counts from the new one
    const after = (await h.query(upcomingQuery, {})).filter(
      (n) => n.unit === '市市场监管局' && (n.kind === 'deadline_reminder' || n.kind === 'supervision'),
    );
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after.map((n) => Date.parse(n.dueAt!)))).toEqual(new Set([Date.parse(newDue)]));
    expect(after[0]).toMatchObject({ kind: 'deadline_reminder', at: '2026-01-01T00:00:13.999+08:00' });

    // the deadline passes: the one without an extension turns overdue and is supervised, the extended one is not
    await until(async () => (await assignment(2, '市工信局')).overdue);
    await until(async () =>
      (await outbox({ task: 2 })).some((n) => n.kind === 'supervision' && n.slip?.colour === 'ORANGE'),
    );
    expect((await assignment(2, '市市场监管局')).overdue).toBe(false);
    const late = await refusal(
      send(h, 'requestExtension', {
        unit: '市工信局',
        newDueAt: '2026-06-30T23:59:59.999+08:00',
        reason: '资金未到位',
      }),
    );
    // the deadline as a reader in Shanghai says it, never an ISO instant
    expect(late.reason).toBe(
      '完成时限2025年12月31日（星期三）已过，只能在时限之前申请延期；确需调整时限请联系市质量强市领导小组办公室',
    );
    const sent = await outbox({ task: 2 });
    expect(
      sent
        .filter((n) => n.unit === '市工信局' && n.kind !== 'assignment' && n.dueAt.getTime() <= DUE_MS + 1000)
        .map((n) => [n.kind, n.slip?.colour ?? null]),
    ).toEqual([
      ['deadline_reminder', null],
      ['supervision', 'BLUE'],
      ['supervision', 'ORANGE'],
    ]);
    // no reminder or 督办 about the old deadline went to the unit whose extension was approved
    expect(
      sent
        .filter((n) => n.unit === '市市场监管局' && n.kind !== 'assignment' && n.subjectDue === DUE)
        .map((n) => n.kind),
    ).toEqual([]);
    expect(
      sent.filter((n) => n.unit === '市市场监管局' && n.dueAt.getTime() <= DUE_MS + 1000).map((n) => n.kind),
    ).toEqual(['assignment', 'decision']);

    const ext = await db.prisma.extension.findFirstOrThrow({
      where: { assignmentId: (await assignment(2, '市市场监管局')).id },
    });
    expect(ext).toMatchObject({ status: 'APPROVED', reason: '资金未到位', decisionReason: '同意' });
    expect(ext.previousDueAt?.toISOString()).toBe('2025-12-31T15:59:59.999Z');
    const row = await assignment(2, '市市场监管局');
    expect(row.dueAt?.toISOString()).toBe('2025-12-31T16:00:19.999Z');
    expect(row.originalDueAt?.toISOString()).toBe('2025-12-31T15:59:59.999Z');
    const overdue = await db.prisma.auditEvent.findMany({
      where: { action: 'assignment.overdue', taskId: row.taskId },
    });
    expect(overdue.map((e) => (e.data as { unit: string }).unit).sort()).toEqual(['东湖区人民政府', '市工信局']);
    await h.cancel();
  }, 30_000);
});

describe('standing tasks', () => {
  it('continue as new at each cycle, keep their state and plan the next cycle summary', async () => {
    // seconds policy: 60-second cycles counted from the epoch, summary due 10 s before a cycle ends
    const startAt = Date.parse('2026-12-31T23:59:58+08:00');
    const cycle = Math.floor(startAt / 60_000);
    const h = await start(3, { startAtMs: startAt, speed: 1 });
    expect((await h.query(stateQuery)).cycle).toBe(cycle);
    expect(await send(h, 'acknowledge', { unit: '市市场监管局' })).toMatchObject({ state: 'ONGOING' });
    await send(h, 'submitReport', { unit: '市市场监管局', period: `C${cycle}`, text: '年度总结' });
    expect((await refusal(send(h, 'requestCompletion', { unit: '市市场监管局' }))).reason).toBe(
      '长期任务持续推进，不设销号；请按期报送年度总结',
    );
    const first = (await h.describe()).runId;
    await until(async () => (await client.workflow.getHandle(h.workflowId).describe()).runId !== first, 8000);
    const next = client.workflow.getHandle(h.workflowId);
    const state = await next.query(stateQuery);
    expect(state).toMatchObject({ cycle: cycle + 1, run: 1 });
    expect(state.assignments[0]).toMatchObject({
      unit: '市市场监管局',
      state: 'ONGOING',
      reportedPeriods: [`C${cycle}`],
    });
    // the new cycle's summary is planned: reminder 2 s before it is due, 10 s before the cycle ends
    const summary = (await next.query(upcomingQuery, { limit: 200 })).filter((n) => n.period === `C${cycle + 1}`);
    expect(summary.map((n) => [n.kind, n.unit, n.at])).toEqual(
      expect.arrayContaining([
        ['report_reminder', '市市场监管局', '2027-01-01T00:00:48.000+08:00'],
        ['report_reminder', '市工信局', '2027-01-01T00:00:48.000+08:00'],
      ]),
    );
    // inputs keep working on the new run
    expect(
      (await refusal(send(next, 'submitReport', { unit: '市市场监管局', period: `C${cycle}`, text: '再报' }))).reason,
    ).toBe(`市市场监管局已报送 C${cycle} 的进展报告`);
    await next.cancel();
  });
});

describe('report periods', () => {
  const early = `${slug}r`;

  it('refuses a period that has not started, changing nothing; accepts the open period early and past ones', async () => {
    await seed(early, [{ number: 1, kind: 'deadline' }]);
    // periods of 6 s from the assignment (P2 opens at +6 s); business time in November 2025 (2025Q4 running)
    const policy = secondsPolicy({ reportEvery: 6 });
    const t0 = Date.parse('2025-11-03T10:00:00+08:00');
    const [input] = await simulatedLifecycleInputs(db.prisma, {
      planSlug: early,
      zone: ZONE,
      policy,
      clock: { startAtMs: t0, speed: 1 },
    });
    const startedReal = Date.now();
    const h = await client.workflow.start('taskLifecycle', {
      taskQueue,
      workflowId: taskWorkflowId(early, 1),
      args: [input as TaskLifecycleInput],
    });
    await send(h, 'acknowledge', { unit: '市市场监管局' });
    const reports = () => db.prisma.report.count({ where: { assignment: { task: { plan: { slug: early } } } } });
    const before = await auditCount();

    for (const [period, reason] of [
      ['P2', 'P2 报告期尚未开始（2025年11月3日 10:00:06起可报送）'],
      ['2030Q1', '2030Q1 报告期尚未开始（2030年1月1日起可报送）'],
      ['2026Q1', '2026Q1 报告期尚未开始（2026年1月1日起可报送）'],
      ['2026Y', '2026Y 报告期尚未开始（2026年1月1日起可报送）'],
    ]) {
      expect(
        await refusal(
          send(h, 'submitReport', { unit: '市市场监管局', period: period!, text: '提前报送', percent: 50 }),
        ),
      ).toEqual({ reason, type: 'InputRefused' });
    }
    // the CLI (`dubang task report`) and the API go through applyTaskInput: a refusal with its code (INVALID_INPUT → 422)
    await expect(
      applyTaskInput(client, {
        planSlug: early,
        task: 1,
        type: 'submitReport',
        args: { unit: '市市场监管局', period: '2030Q1', text: '提前报送' },
      }),
    ).rejects.toMatchObject({
      name: 'TaskInputRefused',
      refusalCode: 'INVALID_INPUT',
      reason: '2030Q1 报告期尚未开始（2030年1月1日起可报送）',
    });
    // nothing changed: no row, no audit event, the state and the reminders of P2 as they were
    expect(await auditCount()).toBe(before);
    expect(await reports()).toBe(0);
    expect((await h.query(stateQuery)).assignments[0]).toMatchObject({
      unit: '市市场监管局',
      state: 'ACKNOWLEDGED',
      reportedPeriods: [],
      lastReportAt: null,
    });
    expect(
      (await h.query(upcomingQuery, { limit: 50 })).some(
        (n) => n.kind === 'report_reminder' && n.unit === '市市场监管局' && n.period === 'P2',
      ),
    ).toBe(true);

    // the running quarter early, a past quarter, the running P1
    for (const period of ['2025Q4', '2025Q3', 'P1'])
      await send(h, 'submitReport', { unit: '市市场监管局', period, text: `${period}进展` });
    expect((await h.query(stateQuery)).assignments[0]).toMatchObject({
      state: 'IN_PROGRESS',
      reportedPeriods: ['2025Q4', '2025Q3', 'P1'],
    });
    expect(await reports()).toBe(3);

    // once P2 has started it is accepted (business time runs at real speed from the workflow's start)
    await sleep(Math.max(0, startedReal + 7500 - Date.now()));
    expect(await send(h, 'submitReport', { unit: '市市场监管局', period: 'P2', text: '第2期进展' })).toMatchObject({
      action: 'report.submitted',
    });
    expect((await h.query(stateQuery)).assignments[0]!.reportedPeriods).toEqual(['2025Q4', '2025Q3', 'P1', 'P2']);
    await h.cancel();
  }, 30_000);
});

describe('catch-up at supervise start', () => {
  const late = `${slug}c`;

  it('sends one consolidated notice per unit and one summary instead of the historical burst, once', async () => {
    await seed(late, [
      { number: 1, kind: 'deadline' },
      { number: 2, kind: 'deadline' },
      { number: 3, kind: 'standing' },
    ]);
    // supervision starts a month after the 2025 deadlines
    const clock = { startAtMs: Date.parse('2026-02-02T10:00:00+08:00'), speed: 1 };
    const r = await startSimulatedSupervision(
      { db: db.prisma, client, taskQueue },
      { planSlug: late, zone: ZONE, policy: secondsPolicy(), clock },
    );
    expect(r.started).toHaveLength(3);
    // every assignment is now supervised from the instant its workflow plans from (the lights and the
    // unit form count owed reports from it), not from when the plan was imported
    const supervised = async () =>
      new Map(
        (await db.prisma.assignment.findMany({ where: { task: { plan: { slug: late } } } })).map((a) => [a.id, a]),
      );
    const first = await supervised();
    expect(first.size).toBe(9);
    for (const a of first.values()) {
      expect(a.supervisedFrom?.getTime()).toBe(clock.startAtMs);
      expect(a.createdAt.getTime()).not.toBe(clock.startAtMs);
    }
    for (const n of [1, 2, 3]) {
      const hist = await client.workflow.getHandle(taskWorkflowId(late, n)).fetchHistory();
      const input = defaultPayloadConverter.fromPayload<TaskLifecycleInput>(
        hist.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!,
      );
      const given = Object.entries(input.schedule ?? {});
      expect(given.length).toBeGreaterThan(0);
      for (const [id, sched] of given)
        expect(first.get(id)?.supervisedFrom?.getTime()).toBe(Date.parse(sched.assignedAt));
    }
    // what it covers and the 督办单 it issues (the deadlines are long past: red under this policy)
    expect(r.catchUp).toEqual({
      workflowId: catchUpWorkflowId(late),
      status: 'started',
      notices: 3,
      units: 2,
      tasks: 2,
      slips: 4,
      slipColours: { RED: 4, ORANGE: 0, BLUE: 0 },
    });
    await client.workflow.getHandle(catchUpWorkflowId(late)).result();
    await sleep(2500);

    const cu = (await outbox({ plan: late })).sort(
      (a, b) => a.kind.localeCompare(b.kind) || String(a.unit).localeCompare(String(b.unit)),
    );
    expect(cu.map((n) => [n.kind, n.unit, n.recipients.join('+'), n.items!.map((i) => `${i.task}|${i.unit}`)])).toEqual(
      [
        ['catchup_summary', null, 'office', ['1|市市场监管局', '1|市工信局', '2|市市场监管局', '2|市工信局']],
        ['catchup_unit', '市工信局', 'liaison+leader', ['1|市工信局', '2|市工信局']],
        ['catchup_unit', '市市场监管局', 'liaison+leader', ['1|市市场监管局', '2|市市场监管局']],
      ],
    );
    // they go out at the first opening (seconds policy: at once), listing the worst colour reached
    expect(new Set(cu.map((n) => n.dueAt.getTime()))).toEqual(new Set([clock.startAtMs]));
    expect(cu.filter((n) => n.kind === 'catchup_unit').map((n) => (n.payload as { colour?: string }).colour)).toEqual([
      'RED',
      'RED',
    ]);
    // the overdue assignments get neither an assignment notice nor a 督办 burst; the standing task's do
    const perTask = await db.prisma.notice.findMany({
      where: { assignment: { task: { plan: { slug: late } } } },
      include: { assignment: { include: { task: true } } },
    });
    expect(perTask.map((n) => [n.assignment!.task.number, n.kind]).sort()).toEqual([
      [3, 'assignment'],
      [3, 'assignment'],
    ]);

    // starting again starts nothing and repeats no catch-up
    const again = await startSimulatedSupervision(
      { db: db.prisma, client, taskQueue },
      {
        planSlug: late,
        zone: ZONE,
        policy: secondsPolicy(),
        clock: { ...clock, startAtMs: clock.startAtMs + 60_000 },
      },
    );
    expect(again.started).toEqual([]);
    expect(again.alreadyRunning).toHaveLength(3);
    expect(again.catchUp).toMatchObject({ status: 'already', units: 2, tasks: 2, slips: 4 });
    // a later start (a minute on) does not move when supervision started
    const later = await supervised();
    expect(Object.fromEntries([...later.values()].map((a) => [a.id, a.supervisedFrom?.getTime()]))).toEqual(
      Object.fromEntries([...first.keys()].map((id) => [id, clock.startAtMs])),
    );
    expect(
      await db.prisma.supervisionSlip.count({
        where: { dedupeKey: { endsWith: '-catchup' }, assignment: { task: { plan: { slug: late } } } },
      }),
    ).toBe(4);
    expect(await outbox({ plan: late })).toHaveLength(3);
    await stopSupervision({ db: db.prisma, client }, { planSlug: late });
  });
});

describe('replay', () => {
  it('replays every saved history with the current workflow code', async () => {
    // Record this run's completed history of task (1) under the policy engine once, so the suite
    // keeps it as a fixture beside the one recorded before the engine was wired.
    const recorded = path.join(HISTORIES, 'task-lifecycle-policy.json');
    if (!fs.existsSync(recorded)) {
      const history = await client.workflow.getHandle(taskWorkflowId(slug, 1)).fetchHistory();
      fs.mkdirSync(HISTORIES, { recursive: true });
      fs.writeFileSync(recorded, saveHistory(history));
    }
    const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(1);
    const histories = files.map((f) => ({
      workflowId: f,
      history: loadHistory(fs.readFileSync(path.join(HISTORIES, f), 'utf8')),
    }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories))
      results.push(r);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [f, null]));
  });
});
