/**
 * The task lifecycle on a real Temporal dev server with a real PostgreSQL database: every input
 * through its update, every refusal (with its reason, changing nothing), the overdue flag, extension
 * before/after the deadline, completion rejected then approved, reassign, cancel, a standing task
 * crossing its yearly cycle (Continue-As-New), and replay of saved histories.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { silentLogger } from '../../infra/logger';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { lifecycleInputs, taskWorkflowId } from '../../app/supervise';
import { inputUpdates, stateQuery } from '../../workflows/task-lifecycle';
import type { BusinessClock, InputArgs, TaskLifecycleInput } from '../../workflows/types';
import type { LifecycleInputType } from '../../domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { temporalServer, type TemporalServer } from './temporal-env';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');
const ZONE = 'Asia/Shanghai';
const taskQueue = `lifecycle-test-${process.pid}-${Date.now()}`;
const slug = `t${Date.now().toString(36)}`;

let db: TestDatabase;
let server: TemporalServer;
let bundle: WorkflowBundleWithSourceMap;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let connection: Connection;
let client: Client;

async function seed(): Promise<void> {
  const p = db.prisma;
  const plan = await p.plan.create({ data: { slug, title: '测试方案', sourceName: 'test.txt', sourceSha256: 'x' } });
  const section = await p.section.create({ data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '测试' } });
  const units = await Promise.all(['市市场监管局', '市工信局', '市商务局', '东湖区人民政府'].map((name) => p.unit.create({ data: { name, kind: name.endsWith('政府') ? 'COUNTY' : 'BUREAU' } })));
  const due = new Date('2025-12-31T23:59:59.999+08:00');
  const tasks: { number: number; kind: 'deadline' | 'standing' }[] = [
    { number: 1, kind: 'deadline' },
    { number: 2, kind: 'deadline' },
    { number: 3, kind: 'standing' },
    { number: 4, kind: 'deadline' },
    { number: 5, kind: 'deadline' },
  ];
  for (const t of tasks) {
    const row = await p.task.create({
      data: { planId: plan.id, number: t.number, text: `测试任务${t.number}`, sectionId: section.id, unitsText: '市市场监管局、市工信局', units: ['市市场监管局', '市工信局'], deadlinePhrase: t.kind === 'standing' ? '长期' : '2025年前', dueAt: t.kind === 'standing' ? null : due, kind: t.kind, sourceLine: t.number },
    });
    const bound = [
      { unit: units[0]!, role: 'LEAD' as const },
      { unit: units[1]!, role: 'CO' as const },
      { unit: units[3]!, role: 'IMPLICIT' as const },
    ];
    for (const [i, b] of bound.entries()) {
      await p.assignment.create({ data: { taskId: row.id, unitId: b.unit.id, role: b.role, ordinal: i, dueAt: row.dueAt, originalDueAt: row.dueAt } });
    }
  }
}

async function start(task: number, clock: BusinessClock): Promise<WorkflowHandle> {
  const [input] = await lifecycleInputs(db.prisma, { planSlug: slug, zone: ZONE, policy: {}, tasks: [task], clock });
  return client.workflow.start('taskLifecycle', { taskQueue, workflowId: taskWorkflowId(slug, task), args: [input as TaskLifecycleInput] });
}

function send<T extends LifecycleInputType>(h: WorkflowHandle, type: T, args: InputArgs<T>) {
  return h.executeUpdate(inputUpdates[type] as never, { args: [args] as never }) as Promise<{ state: string; dueAt: string | null; action: string; newAssignmentId?: string }>;
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
  return db.prisma.assignment.findFirstOrThrow({ where: { task: { number: task, plan: { slug } }, unit: { name: unit } } });
}

// Histories are stored as protobuf objects in JSON (longs and bytes as strings). The SDK's own
// historyToJSON/historyFromJSON fail in this install ("type must be a Type": @temporalio/common and
// @temporalio/proto each carry a separate protobufjs copy), so we convert with the proto classes.
const History = temporal.api.history.v1.History;
function saveHistory(h: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(History.toObject(History.fromObject(h), { longs: String, enums: String, bytes: String }), null, 1);
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
  [db, server, bundle] = await Promise.all([createTestDatabase(), temporalServer(), bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } })]);
  await seed();
  nativeConnection = await NativeConnection.connect({ address: server.address });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createLifecycleActivities({ db: db.prisma, notifications: createOutboxNotificationPort(db.prisma), logger: silentLogger, zone: ZONE }),
  });
  running = worker.run();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
}, 60_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await nativeConnection?.close();
  await db?.drop();
  await server?.stop();
}, 30_000);

const BEFORE_DEADLINE: BusinessClock = { startAtMs: Date.parse('2025-11-03T10:00:00+08:00'), speed: 1 };

describe('inputs through updates', () => {
  it('walks a deadline assignment through every state; each step is a row and an audit event', async () => {
    const h = await start(1, BEFORE_DEADLINE);
    expect(await send(h, 'acknowledge', { unit: '市市场监管局', actor: 'unit:test' })).toMatchObject({ state: 'ACKNOWLEDGED', action: 'assignment.acknowledged' });
    expect(await send(h, 'submitReport', { unit: '市市场监管局', period: '2025Q3', text: '已完成调研', percent: 30 })).toMatchObject({ state: 'IN_PROGRESS' });
    expect(await send(h, 'requestCompletion', { unit: '市市场监管局' })).toMatchObject({ state: 'COMPLETION_REQUESTED' });
    expect(await send(h, 'rejectCompletion', { unit: '市市场监管局', reason: '佐证材料不全', actor: 'office:a@b' })).toMatchObject({ state: 'IN_PROGRESS' });
    expect(await send(h, 'requestCompletion', { unit: '市市场监管局' })).toMatchObject({ state: 'COMPLETION_REQUESTED' });
    expect(await send(h, 'approveCompletion', { unit: '市市场监管局', actor: 'office:a@b' })).toMatchObject({ state: 'COMPLETED' });

    const row = await assignment(1, '市市场监管局');
    expect(row).toMatchObject({ state: 'COMPLETED', overdue: false });
    expect(row.acknowledgedAt?.toISOString()).toMatch(/^2025-11-03T02:00/);
    const report = await db.prisma.report.findFirstOrThrow({ where: { assignmentId: row.id } });
    expect(report).toMatchObject({ period: '2025Q3', text: '已完成调研', percent: 30 });
    const actions = (await db.prisma.auditEvent.findMany({ where: { assignmentId: row.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    // each Office decision is also told to the unit (a `decision` notice in the outbox)
    expect(actions).toEqual(['assignment.acknowledged', 'report.submitted', 'completion.requested', 'completion.rejected', 'notice.submitted', 'completion.requested', 'completion.approved', 'notice.submitted']);
    const decisions = await db.prisma.notice.findMany({ where: { assignmentId: row.id, kind: 'decision' }, orderBy: { createdAt: 'asc' } });
    expect(decisions.map((n) => [n.status, n.recipients, (n.payload as { decision: string }).decision, (n.payload as { reason?: string }).reason ?? null])).toEqual([
      ['PENDING', ['liaison', 'leader'], 'completion.rejected', '佐证材料不全'],
      ['PENDING', ['liaison', 'leader'], 'completion.approved', null],
    ]);
    const rejected = await db.prisma.auditEvent.findFirstOrThrow({ where: { assignmentId: row.id, action: 'completion.rejected' } });
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
    expect(await refusal(send(h, 'acknowledge', { unit: '市市场监管局' }))).toEqual({ reason: '市市场监管局的任务已销号，不能再签收', type: 'InputRefused' });
    expect((await refusal(send(h, 'submitReport', { unit: '市工信局', period: '2025Q3', text: 'x' }))).reason).toBe('市工信局尚未签收该任务，请先签收再报送进展');
    expect((await refusal(send(h, 'approveCompletion', { unit: '市工信局' }))).reason).toContain('不能同意销号');
    expect((await refusal(send(h, 'rejectExtension', { unit: '东湖区人民政府', reason: 'x' }))).reason).toContain('只有「延期待审」的任务可以审核延期');
    expect((await refusal(send(h, 'acknowledge', { unit: '市教育局' }))).reason).toBe('任务(1)没有「市教育局」的责任分工');
    expect((await refusal(send(h, 'cancel', { unit: '市工信局', reason: '' }))).reason).toBe('撤销须写明理由');
    expect(await auditCount()).toBe(before);
    expect((await assignment(1, '市工信局')).state).toBe('ASSIGNED');
  });

  it('reassigns to another unit (a new assignment) and finishes the lifecycle when all are closed', async () => {
    const h = client.workflow.getHandle(taskWorkflowId(slug, 1));
    expect((await refusal(send(h, 'reassign', { unit: '市工信局', toUnit: '东湖区人民政府', reason: '职能调整' }))).reason).toBe('东湖区人民政府已承担任务(1)，不能改派给它');
    const r = await send(h, 'reassign', { unit: '市工信局', toUnit: '市商务局', reason: '职能调整' });
    expect(r.newAssignmentId).toBeDefined();
    expect((await assignment(1, '市工信局')).state).toBe('CANCELLED');
    expect(await assignment(1, '市商务局')).toMatchObject({ id: r.newAssignmentId, state: 'ASSIGNED', role: 'CO' });
    expect(await send(h, 'acknowledge', { unit: '市商务局' })).toMatchObject({ state: 'ACKNOWLEDGED' });
    await send(h, 'cancel', { unit: '市商务局', reason: '方案修订' });
    await send(h, 'cancel', { unit: '东湖区人民政府', reason: '方案修订' });
    expect(await h.result()).toEqual({ closed: true, runs: 1 });
  });
});

describe('deadlines', () => {
  it('grants an extension asked before the deadline and refuses one asked after it', async () => {
    // business time starts 3 s before the deadline and runs at real speed
    const h = await start(2, { startAtMs: Date.parse('2025-12-31T23:59:57+08:00'), speed: 1 });
    await send(h, 'acknowledge', { unit: '市市场监管局' });
    await send(h, 'acknowledge', { unit: '市工信局' });
    expect(await send(h, 'requestExtension', { unit: '市市场监管局', newDueAt: '2026-06-30T23:59:59.999+08:00', reason: '资金未到位' })).toMatchObject({ state: 'EXTENSION_REQUESTED' });
    expect(await send(h, 'approveExtension', { unit: '市市场监管局', reason: '同意' })).toMatchObject({ state: 'ACKNOWLEDGED', dueAt: '2026-06-30T15:59:59.999Z' });

    // the deadline passes: the one without an extension turns overdue, the extended one does not
    await until(async () => (await assignment(2, '市工信局')).overdue);
    expect((await assignment(2, '市市场监管局')).overdue).toBe(false);
    const late = await refusal(send(h, 'requestExtension', { unit: '市工信局', newDueAt: '2026-06-30T23:59:59.999+08:00', reason: '资金未到位' }));
    expect(late.reason).toMatch(/^完成时限 .* 已过，只能在时限之前申请延期$/);

    const ext = await db.prisma.extension.findFirstOrThrow({ where: { assignmentId: (await assignment(2, '市市场监管局')).id } });
    expect(ext).toMatchObject({ status: 'APPROVED', reason: '资金未到位', decisionReason: '同意' });
    expect(ext.previousDueAt?.toISOString()).toBe('2025-12-31T15:59:59.999Z');
    const row = await assignment(2, '市市场监管局');
    expect(row.dueAt?.toISOString()).toBe('2026-06-30T15:59:59.999Z');
    expect(row.originalDueAt?.toISOString()).toBe('2025-12-31T15:59:59.999Z');
    const overdue = await db.prisma.auditEvent.findMany({ where: { action: 'assignment.overdue', taskId: row.taskId } });
    expect(overdue.map((e) => (e.data as { unit: string }).unit).sort()).toEqual(['东湖区人民政府', '市工信局']);
    await h.cancel();
  });
});

describe('standing tasks', () => {
  it('continue as new at the yearly cycle and keep their state', async () => {
    const h = await start(3, { startAtMs: Date.parse('2026-12-31T23:59:58+08:00'), speed: 1 });
    expect(await send(h, 'acknowledge', { unit: '市市场监管局' })).toMatchObject({ state: 'ONGOING' });
    await send(h, 'submitReport', { unit: '市市场监管局', period: '2026Y', text: '年度总结' });
    expect((await refusal(send(h, 'requestCompletion', { unit: '市市场监管局' }))).reason).toBe('长期任务持续推进，不设销号；请按期报送年度总结');
    const first = (await h.describe()).runId;
    await until(async () => (await client.workflow.getHandle(h.workflowId).describe()).runId !== first, 8000);
    const state = await client.workflow.getHandle(h.workflowId).query(stateQuery);
    expect(state).toMatchObject({ cycle: 2027, run: 1 });
    expect(state.assignments[0]).toMatchObject({ unit: '市市场监管局', state: 'ONGOING', reportedPeriods: ['2026Y'] });
    // inputs keep working on the new run
    expect((await refusal(send(client.workflow.getHandle(h.workflowId), 'submitReport', { unit: '市市场监管局', period: '2026Y', text: '再报' }))).reason).toBe('市市场监管局已报送 2026Y 的进展报告');
    await client.workflow.getHandle(h.workflowId).cancel();
  });
});

describe('replay', () => {
  it('replays every saved history with the current workflow code', async () => {
    // Record this run's completed history of task (1) once, so the suite keeps it as a fixture.
    const recorded = path.join(HISTORIES, 'task-lifecycle-transitions.json');
    if (!fs.existsSync(recorded)) {
      const history = await client.workflow.getHandle(taskWorkflowId(slug, 1)).fetchHistory();
      fs.mkdirSync(HISTORIES, { recursive: true });
      fs.writeFileSync(recorded, saveHistory(history));
    }
    const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((f) => ({ workflowId: f, history: loadHistory(fs.readFileSync(path.join(HISTORIES, f), 'utf8')) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(r);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [f, null]));
  });
});
