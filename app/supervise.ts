/**
 * Supervision of an imported plan: start one lifecycle workflow per task (idempotent: the workflow
 * id is derived from plan and task), stop them, and report their status. Shared by the CLI, the
 * API and `npm run up`.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { HolidayOverride } from '../domain/calendar';
import { initialView, type AssignmentView } from '../domain/lifecycle';
import type { AssignmentRole, AssignmentState, SlipColour } from '../domain/model';
import { noticeKey, slipRequests } from '../domain/notices';
import {
  catchUpSlipColours,
  isPolicy,
  planCatchUp,
  policyCalendar,
  type CatchUpPlan,
  type Policy,
} from '../domain/policy';
import { audit } from './audit';
import { canonicalRoles, effectiveNotifyRoles, sameRoles } from './notify-roles';
import { unreachableMessage, unreachableUnits } from './contacts-check';
import {
  LIFECYCLE_QUERY,
  SUPERVISION_CATCH_UP_WORKFLOW,
  TASK_LIFECYCLE_WORKFLOW,
  type AssignmentSchedule,
  type CatchUpInput,
  type LifecycleState,
  type NoticeOrder,
  type TaskLifecycleInput,
  type TaskRef,
} from '../contracts/workflows';
import { ErrorCodes, DubangError } from '../contracts/errors';

/** Workflow id of a task's lifecycle: `dubang-<planSlug>-task-<n>`. */
export function taskWorkflowId(planSlug: string, task: number): string {
  return `dubang-${planSlug}-task-${task}`;
}

/** Workflow id of a plan's catch-up: fixed, so it runs once per plan however often supervision starts. */
export function catchUpWorkflowId(planSlug: string): string {
  return `dubang-${planSlug}-catchup`;
}

/** Audit action that records when each assignment came under supervision (and the catch-up), so a restart re-plans from the same instants. */
export const SCHEDULED_ACTION = 'supervision.scheduled';

export class SuperviseError extends DubangError {
  static override readonly code = ErrorCodes.SuperviseError;
}

interface AssignmentRow {
  id: string;
  unitId: string;
  role: AssignmentRole;
  state: AssignmentState;
  overdue: boolean;
  dueAt: Date | null;
  originalDueAt: Date | null;
  acknowledgedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  unit: { name: string };
  reports: { period: string; submittedAt: Date }[];
  extensions: { requestedDueAt: Date; reason: string; requestedAt: Date }[];
}

/** The workflow's view of a stored assignment (its current state, reports and pending extension). */
export function viewOf(r: AssignmentRow): AssignmentView {
  const pending = r.extensions[0] ?? null;
  const last = [...r.reports].sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime())[0];
  return {
    ...initialView({
      assignmentId: r.id,
      unitId: r.unitId,
      unit: r.unit.name,
      role: r.role,
      dueAt: r.dueAt?.toISOString() ?? null,
      state: r.state,
    }),
    originalDueAt: r.originalDueAt?.toISOString() ?? null,
    overdue: r.overdue,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    pendingExtension:
      pending && r.state === 'EXTENSION_REQUESTED'
        ? {
            requestedDueAt: pending.requestedDueAt.toISOString(),
            reason: pending.reason,
            requestedAt: pending.requestedAt.toISOString(),
          }
        : null,
    resumeState: r.state === 'EXTENSION_REQUESTED' ? (r.acknowledgedAt ? 'IN_PROGRESS' : 'ACKNOWLEDGED') : null,
    reportedPeriods: r.reports.map((x) => x.period),
    lastReportAt: last?.submittedAt.toISOString() ?? null,
  };
}

/** What supervision runs under: the frozen policy and holiday override, and when it starts. */
export interface SupervisionOptions {
  planSlug: string;
  zone: string;
  /**
   * config/policy.json as loaded (frozen into each workflow's input). `{}` supervises states and
   * inputs only, with no notice and no catch-up (harnesses that test other parts).
   */
  policy: Policy | Record<string, never>;
  /** config/holidays-override.json as parsed (config/policy-schema.ts readHolidayOverride) */
  holidayOverride?: HolidayOverride | null;
  /** only these task numbers */
  tasks?: number[];
  /**
   * The instant supervision starts at, epoch ms (default: now): what new schedules, the catch-up and
   * each run's first watermark count from. Harnesses that simulate business time pass its start.
   */
  now?: number;
  /**
   * Applied to each workflow input before it starts (default: none). Only harnesses use it, to add
   * simulated business time (test/helpers/simulated-time.ts); production passes nothing.
   */
  extendInput?: (input: TaskLifecycleInput) => TaskLifecycleInput;
  /**
   * When assignments new to supervision count as made (ISO); default: now. Simulations use it to
   * start supervision inside a plan's life (reports already owed) without replaying its past.
   */
  assignedAt?: string;
  /**
   * `supervise start --notify-roles`: the roles this plan's lifecycles notify instead of the
   * policy's notifyRoles, stored on the plan so every later start keeps them (app/notify-roles.ts).
   * Without it, the roles stored earlier for the plan, else the policy's.
   */
  notifyRoles?: AssignmentRole[];
}

/** Loads the workflow inputs of every live task of a plan (or of the given task numbers). */
export async function lifecycleInputs(
  db: PrismaClient,
  opts: Omit<SupervisionOptions, 'assignedAt'>,
): Promise<TaskLifecycleInput[]> {
  const plan = await db.plan.findUnique({ where: { slug: opts.planSlug } });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案；请先运行 dubang plan import <文件>`);
  const tasks = await db.task.findMany({
    where: { planId: plan.id, cancelledAt: null, ...(opts.tasks ? { number: { in: opts.tasks } } : {}) },
    orderBy: { number: 'asc' },
    include: {
      assignments: {
        orderBy: { ordinal: 'asc' },
        include: {
          unit: { select: { name: true } },
          reports: { select: { period: true, submittedAt: true } },
          extensions: { where: { status: 'REQUESTED' }, orderBy: { requestedAt: 'desc' }, take: 1 },
        },
      },
    },
  });
  return tasks.map((t) => {
    const task: TaskRef = {
      planId: plan.id,
      planSlug: plan.slug,
      taskId: t.id,
      number: t.number,
      kind: t.kind,
      text: t.text,
      dueAt: t.dueAt?.toISOString() ?? null,
      zone: opts.zone,
      ...(t.cadence ? { cadence: t.cadence } : {}),
    };
    const input: TaskLifecycleInput = {
      task,
      policy: opts.policy,
      holidayOverride: opts.holidayOverride ?? null,
      assignments: t.assignments.map(viewOf),
      ...(opts.now !== undefined ? { handledThroughMs: opts.now } : {}),
    };
    return opts.extendInput ? opts.extendInput(input) : input;
  });
}

interface ScheduledEvent {
  schedule: Record<string, AssignmentSchedule>;
  catchUp?: CatchUpInput | null;
}

/**
 * Every schedule recorded for the plan's assignments, and the catch-up recorded at the first start.
 * A start records the assignments it schedules (the earliest record wins); a reassignment, made
 * inside a lifecycle, records its new (or re-opened) assignment in its `assignment.created` event
 * with the instant the workflow planned from, and the latest reassignment wins over any start. So
 * a later start re-plans a reassigned unit from its reassignment: no second assignment notice,
 * no re-timed chase.
 */
async function storedSchedules(
  db: PrismaClient,
  planId: string,
): Promise<{ schedule: Map<string, AssignmentSchedule>; catchUp: CatchUpInput | null }> {
  const [events, reassigned] = await Promise.all([
    db.auditEvent.findMany({
      where: { planId, action: SCHEDULED_ACTION },
      orderBy: { id: 'asc' },
      select: { data: true },
    }),
    db.auditEvent.findMany({
      where: { planId, action: 'assignment.created' },
      orderBy: { id: 'asc' },
      select: { assignmentId: true, at: true, data: true },
    }),
  ]);
  const schedule = new Map<string, AssignmentSchedule>();
  let catchUp: CatchUpInput | null = null;
  for (const e of events) {
    const d = e.data as unknown as ScheduledEvent;
    for (const [id, s] of Object.entries(d.schedule ?? {})) if (!schedule.has(id)) schedule.set(id, s);
    if (!catchUp && d.catchUp) catchUp = d.catchUp;
  }
  for (const e of reassigned) {
    const d = (e.data ?? {}) as { reassignedFrom?: string; assignedAt?: string };
    if (!e.assignmentId || d.reassignedFrom === undefined) continue;
    // events written before assignedAt was recorded: the event's own instant (the same transaction)
    schedule.set(e.assignmentId, { assignedAt: d.assignedAt ?? e.at.toISOString() });
  }
  return { schedule, catchUp };
}

/** The catch-up of a plan as orders for the notification port (keys from plan, unit and moment). */
export function catchUpOrders(
  planSlug: string,
  cu: CatchUpPlan,
  unitIds: Map<string, string>,
  taskTexts: Map<number, string> = new Map(),
): NoticeOrder[] {
  return cu.notices.map((n) => {
    const scope =
      n.kind === 'catchup_unit' ? `${planSlug}-catchup-${unitIds.get(n.unit ?? '') ?? 'unit'}` : `${planSlug}-catchup`;
    // Each item names its task's text, so the unit sees what is overdue without looking it up.
    const items = n.items?.map((it) => (taskTexts.has(it.task) ? { ...it, text: taskTexts.get(it.task)! } : it));
    return {
      key: noticeKey(scope, n.kind, Date.parse(n.nominalAt)),
      assignmentId: null,
      scope,
      notice: items ? { ...n, items } : n,
    };
  });
}

/**
 * Gives every assignment of the inputs its schedule: the one recorded at an earlier start, or a new
 * one (assigned now). At the plan's first start it also plans the catch-up across every task
 * (domain/policy planCatchUp): the assignments it covers carry `catchUpAt`, so their workflows send
 * no assignment notice and keep 督办/催办 quiet for a while instead of repeating what it says.
 * New schedules (and the catch-up) are recorded in the audit log before anything starts, and each
 * assignment's schedule instant on its row (`supervisedFrom`, set once).
 */
async function scheduleInputs(
  db: PrismaClient,
  inputs: TaskLifecycleInput[],
  opts: SupervisionOptions,
): Promise<CatchUpInput | null> {
  if (!inputs.length) return null;
  const planId = inputs[0]!.task.planId;
  const nowMs = opts.now ?? Date.now();
  const assignedAt = opts.assignedAt ?? new Date(nowMs).toISOString();
  const stored = await storedSchedules(db, planId);
  const fresh: Record<string, AssignmentSchedule> = {};
  let catchUp: CatchUpInput | null = null;
  if (stored.schedule.size === 0 && isPolicy(opts.policy)) {
    const calendar = policyCalendar(opts.policy, opts.holidayOverride ?? null);
    const entries = inputs.flatMap((i) =>
      i.assignments.map((a) => ({
        task: { number: i.task.number, kind: i.task.kind, dueAt: i.task.dueAt, cadence: i.task.cadence ?? null },
        assignment: {
          ...a,
          assignedAt,
          pendingExtension: a.pendingExtension
            ? { requestedDueAt: a.pendingExtension.requestedDueAt, requestedAt: a.pendingExtension.requestedAt }
            : null,
        },
      })),
    );
    const cu = planCatchUp({ entries, policy: opts.policy, calendar, now: nowMs });
    const covered = new Set(cu.covered);
    // an assignment the catch-up issues a 督办单 for issues none of its own at that moment
    const slips = catchUpSlipColours(cu);
    const unitIds = new Map(inputs.flatMap((i) => i.assignments.map((a) => [a.unit, a.unitId] as const)));
    for (const i of inputs) {
      for (const a of i.assignments) {
        const k = `${i.task.number}|${a.unit}`;
        fresh[a.assignmentId] = {
          assignedAt,
          ...(covered.has(k) ? { catchUpAt: cu.at } : {}),
          ...(slips.has(k) ? { catchUpSlip: slips.get(k)! } : {}),
        };
      }
    }
    const texts = new Map(inputs.map((i) => [i.task.number, i.task.text] as const));
    if (cu.notices.length)
      catchUp = { planId, planSlug: opts.planSlug, orders: catchUpOrders(opts.planSlug, cu, unitIds, texts) };
  } else {
    for (const i of inputs)
      for (const a of i.assignments) if (!stored.schedule.has(a.assignmentId)) fresh[a.assignmentId] = { assignedAt };
  }
  if (Object.keys(fresh).length) {
    await audit(db, {
      actor: 'system',
      action: SCHEDULED_ACTION,
      entityType: 'Plan',
      entityId: planId,
      planId,
      data: { schedule: fresh, catchUp } as unknown as Prisma.InputJsonValue,
    });
  }
  for (const i of inputs) {
    i.schedule = Object.fromEntries(
      i.assignments.map((a) => [a.assignmentId, stored.schedule.get(a.assignmentId) ?? fresh[a.assignmentId]!]),
    );
    i.assignedAt = assignedAt;
    // The watermark starts where the schedule does: a notice at the supervision instant itself (the
    // assignment notice during office hours) is not history, whatever the delay before the run starts.
    i.handledThroughMs ??= nowMs;
  }
  await recordSupervisedFrom(db, inputs);
  return catchUp ?? stored.catchUp;
}

/**
 * Stores on each assignment the instant its lifecycle plans from (`supervisedFrom`, the schedule's
 * assignedAt), so the traffic lights and the unit form count owed reports from the same instant.
 * Only where none is stored yet: a later start never moves it (a reassignment sets its own, in the
 * lifecycle's activity). One statement per distinct instant (usually one for the whole plan).
 */
async function recordSupervisedFrom(db: PrismaClient, inputs: TaskLifecycleInput[]): Promise<void> {
  const byInstant = new Map<number, string[]>();
  for (const i of inputs) {
    for (const [id, s] of Object.entries(i.schedule ?? {})) {
      const ms = Date.parse(s.assignedAt);
      if (!Number.isFinite(ms))
        throw new SuperviseError(`分工 ${id} 的督办起点「${s.assignedAt}」不是有效的时间（应为 ISO 8601）`);
      const ids = byInstant.get(ms);
      if (ids) ids.push(id);
      else byInstant.set(ms, [id]);
    }
  }
  const CHUNK = 5000; // well under PostgreSQL's bind-parameter limit
  for (const [ms, ids] of byInstant) {
    for (let k = 0; k < ids.length; k += CHUNK) {
      await db.assignment.updateMany({
        where: { id: { in: ids.slice(k, k + CHUNK) }, supervisedFrom: null },
        data: { supervisedFrom: new Date(ms) },
      });
    }
  }
}

/** How much a catch-up covers: the units and tasks with something overdue, and the 督办单 it issues. */
export interface CatchUpCounts {
  units: number;
  tasks: number;
  slips: number;
  slipColours: Record<SlipColour, number>;
}

/** Counts a catch-up's overdue items (one per task and unit) and the slips it issues. */
export function catchUpCounts(
  items: readonly { task: number; unit: string }[],
  slips: readonly { colour: SlipColour }[],
): CatchUpCounts {
  const slipColours: Record<SlipColour, number> = { RED: 0, ORANGE: 0, BLUE: 0 };
  for (const s of slips) slipColours[s.colour] += 1;
  return {
    units: new Set(items.map((i) => i.unit)).size,
    tasks: new Set(items.map((i) => i.task)).size,
    slips: slips.length,
    slipColours,
  };
}

/**
 * The counts of a planned catch-up, from its orders: the items its unit notices list, and the slips
 * its activity issues for them (domain/notices/catch-up-slips.ts `slipRequests`, the rule the activity applies).
 */
export function catchUpOrderCounts(orders: readonly NoticeOrder[]): CatchUpCounts {
  const items = orders
    .filter((o) => o.notice.kind === 'catchup_unit')
    .flatMap((o) => (o.notice.items ?? []).map((i) => ({ task: i.task, unit: i.unit })));
  return catchUpCounts(items, slipRequests([...orders]));
}

export interface StartResult {
  plan: string;
  /** the roles this start's lifecycles notify (the plan's choice, else the policy's); empty with no policy */
  notifyRoles: AssignmentRole[];
  /** where they come from: chosen now (`--notify-roles`), chosen at an earlier start, or the policy file */
  notifyRolesFrom: 'option' | 'plan' | 'policy' | 'none';
  started: string[];
  alreadyRunning: string[];
  /**
   * the catch-up: started now, already run at an earlier start, or none needed; with what it covers
   * and the 督办单 it issues, as planned (the catch-up workflow issues them on the worker, after
   * `supervise start` returns; one whose assignment closed meanwhile is not issued)
   */
  catchUp: { workflowId: string; status: 'started' | 'already' | 'none'; notices: number } & CatchUpCounts;
}

/**
 * Starts the lifecycle of every task of the plan that is not already running. Running it again
 * starts nothing new; a stopped or finished lifecycle is started again from the stored state.
 */
export async function startSupervision(
  deps: { db: PrismaClient; client: Client; taskQueue: string },
  opts: SupervisionOptions & { onProgress?: (done: number, total: number) => void },
): Promise<StartResult> {
  const unreachable = await unreachableUnits(deps.db, opts);
  if (unreachable.length) throw new SuperviseError(unreachableMessage(unreachable));
  const roles = await planNotifyRoles(deps, opts);
  opts = { ...opts, policy: roles.policy };
  // The schedule (and catch-up) covers the whole plan even when only some tasks start now.
  const all = await lifecycleInputs(deps.db, { ...opts, tasks: undefined });
  const cuInput = await scheduleInputs(deps.db, all, opts);
  const inputs = opts.tasks ? all.filter((i) => opts.tasks!.includes(i.task.number)) : all;
  const catchUp = await startCatchUp(deps, opts.planSlug, cuInput);
  const started: string[] = [];
  const alreadyRunning: string[] = [];
  let done = 0;
  for (const input of inputs) {
    const workflowId = taskWorkflowId(opts.planSlug, input.task.number);
    const running = await isRunning(deps.client, workflowId);
    if (running) alreadyRunning.push(workflowId);
    else {
      // USE_EXISTING makes a race with another starter harmless: both end up with the same run.
      await deps.client.workflow.start(TASK_LIFECYCLE_WORKFLOW, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        memo: { plan: opts.planSlug, task: input.task.number },
      });
      started.push(workflowId);
    }
    opts.onProgress?.(++done, inputs.length);
  }
  return {
    plan: opts.planSlug,
    notifyRoles: roles.policy && isPolicy(roles.policy) ? roles.policy.notifyRoles : [],
    notifyRolesFrom: roles.from,
    started,
    alreadyRunning,
    catchUp,
  };
}

/**
 * The policy this start freezes into the plan's workflows: the given one with the plan's
 * notifyRoles (app/notify-roles.ts). A choice made now is stored on the plan first (audited); it is
 * refused while any lifecycle of the plan runs with other roles, since a running lifecycle keeps
 * the policy it started with (stop the plan, then start it with the new roles).
 */
async function planNotifyRoles(
  deps: { db: PrismaClient; client: Client },
  opts: SupervisionOptions,
): Promise<{ policy: SupervisionOptions['policy']; from: StartResult['notifyRolesFrom'] }> {
  if (!isPolicy(opts.policy)) return { policy: opts.policy, from: 'none' };
  const plan = await deps.db.plan.findUnique({
    where: { slug: opts.planSlug },
    select: { id: true, notifyRoles: true, tasks: { where: { cancelledAt: null }, select: { number: true } } },
  });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案；请先运行 dubang plan import <文件>`);
  const before = effectiveNotifyRoles(plan.notifyRoles, opts.policy);
  if (!opts.notifyRoles) {
    const from = plan.notifyRoles.length ? 'plan' : 'policy';
    return { policy: { ...opts.policy, notifyRoles: before }, from };
  }
  const chosen = canonicalRoles(opts.notifyRoles);
  if (!chosen.length) throw new SuperviseError('通知角色不能为空：应为 LEAD、CO、IMPLICIT 中的一个或几个');
  if (!sameRoles(chosen, before)) {
    for (const t of plan.tasks) {
      if (await isRunning(deps.client, taskWorkflowId(opts.planSlug, t.number)))
        throw new SuperviseError(
          `方案「${opts.planSlug}」已在督办中，通知角色为 ${before.join(',')}；运行中的任务按启动时的角色通知，不能改为 ${chosen.join(',')}。请先 dubang supervise stop ${opts.planSlug}，再用 --notify-roles ${chosen.join(',')} 启动`,
        );
    }
  }
  if (!sameRoles(chosen, plan.notifyRoles)) {
    await deps.db.$transaction(async (tx) => {
      await tx.plan.update({ where: { id: plan.id }, data: { notifyRoles: chosen } });
      await audit(tx, {
        actor: 'system',
        action: 'plan.notify_roles',
        entityType: 'Plan',
        entityId: plan.id,
        planId: plan.id,
        data: { before, after: chosen },
      });
    });
  }
  return { policy: { ...opts.policy, notifyRoles: chosen }, from: 'option' };
}

/** Starts the plan's catch-up once: its id is fixed and never reused, so a second start finds it and does nothing. */
async function startCatchUp(
  deps: { client: Client; taskQueue: string },
  planSlug: string,
  input: CatchUpInput | null,
): Promise<StartResult['catchUp']> {
  const workflowId = catchUpWorkflowId(planSlug);
  if (!input) return { workflowId, status: 'none', notices: 0, ...catchUpCounts([], []) };
  const counts = catchUpOrderCounts(input.orders);
  try {
    await deps.client.workflow.start(SUPERVISION_CATCH_UP_WORKFLOW, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { plan: planSlug },
    });
    return { workflowId, status: 'started', notices: input.orders.length, ...counts };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { workflowId, status: 'already', notices: input.orders.length, ...counts };
    throw err;
  }
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false; // the SDK's instanceof is realm-safe
    throw err;
  }
}

/** Stops supervision: cancels every running lifecycle of the plan (assignments keep their state). */
export async function stopSupervision(
  deps: { db: PrismaClient; client: Client },
  opts: { planSlug: string },
): Promise<{ plan: string; stopped: string[] }> {
  const plan = await deps.db.plan.findUnique({
    where: { slug: opts.planSlug },
    include: { tasks: { select: { number: true }, orderBy: { number: 'asc' } } },
  });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案`);
  const stopped: string[] = [];
  for (const t of plan.tasks) {
    const id = taskWorkflowId(opts.planSlug, t.number);
    if (await isRunning(deps.client, id)) {
      await deps.client.workflow.getHandle(id).cancel();
      stopped.push(id);
    }
  }
  return { plan: opts.planSlug, stopped };
}

export interface TaskStatus {
  task: number;
  workflowId: string;
  status: string;
  openAssignments: number;
  overdue: number;
  nextWakeAt: string | null;
}

/** Status of every task's lifecycle: workflow status, open and overdue assignments, next wake-up. */
export async function supervisionStatus(
  deps: { db: PrismaClient; client: Client },
  opts: { planSlug: string },
): Promise<{ plan: string; tasks: TaskStatus[] }> {
  const plan = await deps.db.plan.findUnique({
    where: { slug: opts.planSlug },
    include: {
      tasks: {
        where: { cancelledAt: null },
        orderBy: { number: 'asc' },
        include: { assignments: { select: { state: true, overdue: true } } },
      },
    },
  });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案`);
  const tasks: TaskStatus[] = [];
  for (const t of plan.tasks) {
    const workflowId = taskWorkflowId(opts.planSlug, t.number);
    let status = 'NOT_STARTED';
    let nextWakeAt: string | null = null;
    try {
      const h = deps.client.workflow.getHandle(workflowId);
      status = (await h.describe()).status.name;
      if (status === 'RUNNING') nextWakeAt = (await h.query<LifecycleState>(LIFECYCLE_QUERY.state)).nextWakeAt;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    const open = t.assignments.filter((a) => a.state !== 'COMPLETED' && a.state !== 'CANCELLED');
    tasks.push({
      task: t.number,
      workflowId,
      status,
      openAssignments: open.length,
      overdue: open.filter((a) => a.overdue).length,
      nextWakeAt,
    });
  }
  return { plan: opts.planSlug, tasks };
}
