/**
 * Supervision of an imported plan: start one lifecycle workflow per task (idempotent: the workflow
 * id is derived from plan and task), stop them, and report their status. Shared by the CLI, the
 * API and `npm run up`.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';
import { initialView, type AssignmentView } from '../domain/lifecycle';
import type { AssignmentRole, AssignmentState } from '../domain/model';
import type { BusinessClock, LifecycleState, TaskLifecycleInput, TaskRef } from '../workflows/types';

/** Workflow id of a task's lifecycle: `dubang-<planSlug>-task-<n>`. */
export function taskWorkflowId(planSlug: string, task: number): string {
  return `dubang-${planSlug}-task-${task}`;
}

export class SuperviseError extends Error {
  override name = 'SuperviseError';
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
    ...initialView({ assignmentId: r.id, unitId: r.unitId, unit: r.unit.name, role: r.role, dueAt: r.dueAt?.toISOString() ?? null, state: r.state }),
    originalDueAt: r.originalDueAt?.toISOString() ?? null,
    overdue: r.overdue,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    pendingExtension: pending && r.state === 'EXTENSION_REQUESTED' ? { requestedDueAt: pending.requestedDueAt.toISOString(), reason: pending.reason, requestedAt: pending.requestedAt.toISOString() } : null,
    resumeState: r.state === 'EXTENSION_REQUESTED' ? (r.acknowledgedAt ? 'IN_PROGRESS' : 'ACKNOWLEDGED') : null,
    reportedPeriods: r.reports.map((x) => x.period),
    lastReportAt: last?.submittedAt.toISOString() ?? null,
  };
}

/** Loads the workflow inputs of every live task of a plan (or of the given task numbers). */
export async function lifecycleInputs(db: PrismaClient, opts: { planSlug: string; zone: string; policy: unknown; tasks?: number[]; clock?: BusinessClock }): Promise<TaskLifecycleInput[]> {
  const plan = await db.plan.findUnique({ where: { slug: opts.planSlug } });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案；请先运行 dubang plan import <文件>`);
  const tasks = await db.task.findMany({
    where: { planId: plan.id, cancelledAt: null, ...(opts.tasks ? { number: { in: opts.tasks } } : {}) },
    orderBy: { number: 'asc' },
    include: {
      assignments: {
        orderBy: { ordinal: 'asc' },
        include: { unit: { select: { name: true } }, reports: { select: { period: true, submittedAt: true } }, extensions: { where: { status: 'REQUESTED' }, orderBy: { requestedAt: 'desc' }, take: 1 } },
      },
    },
  });
  return tasks.map((t) => {
    const task: TaskRef = { planId: plan.id, planSlug: plan.slug, taskId: t.id, number: t.number, kind: t.kind, text: t.text, dueAt: t.dueAt?.toISOString() ?? null, zone: opts.zone };
    return {
      task,
      policy: opts.policy,
      assignments: t.assignments.map(viewOf),
      ...(opts.clock ? { clock: opts.clock, handledThroughMs: opts.clock.startAtMs } : {}),
    };
  });
}

export interface StartResult {
  plan: string;
  started: string[];
  alreadyRunning: string[];
}

/**
 * Starts the lifecycle of every task of the plan that is not already running. Running it again
 * starts nothing new; a stopped or finished lifecycle is started again from the stored state.
 */
export async function startSupervision(
  deps: { db: PrismaClient; client: Client; taskQueue: string },
  opts: { planSlug: string; zone: string; policy: unknown; tasks?: number[]; clock?: BusinessClock; onProgress?: (done: number, total: number) => void },
): Promise<StartResult> {
  const inputs = await lifecycleInputs(deps.db, opts);
  const started: string[] = [];
  const alreadyRunning: string[] = [];
  let done = 0;
  for (const input of inputs) {
    const workflowId = taskWorkflowId(opts.planSlug, input.task.number);
    const running = await isRunning(deps.client, workflowId);
    if (running) alreadyRunning.push(workflowId);
    else {
      // USE_EXISTING makes a race with another starter harmless: both end up with the same run.
      await deps.client.workflow.start('taskLifecycle', {
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
  return { plan: opts.planSlug, started, alreadyRunning };
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

/** Stops supervision: cancels every running lifecycle of the plan (assignments keep their state). */
export async function stopSupervision(deps: { db: PrismaClient; client: Client }, opts: { planSlug: string }): Promise<{ plan: string; stopped: string[] }> {
  const plan = await deps.db.plan.findUnique({ where: { slug: opts.planSlug }, include: { tasks: { select: { number: true }, orderBy: { number: 'asc' } } } });
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
export async function supervisionStatus(deps: { db: PrismaClient; client: Client }, opts: { planSlug: string }): Promise<{ plan: string; tasks: TaskStatus[] }> {
  const plan = await deps.db.plan.findUnique({ where: { slug: opts.planSlug }, include: { tasks: { where: { cancelledAt: null }, orderBy: { number: 'asc' }, include: { assignments: { select: { state: true, overdue: true } } } } } });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案`);
  const tasks: TaskStatus[] = [];
  for (const t of plan.tasks) {
    const workflowId = taskWorkflowId(opts.planSlug, t.number);
    let status = 'NOT_STARTED';
    let nextWakeAt: string | null = null;
    try {
      const h = deps.client.workflow.getHandle(workflowId);
      status = (await h.describe()).status.name;
      if (status === 'RUNNING') nextWakeAt = (await h.query<LifecycleState>('state')).nextWakeAt;
    } catch (err) {
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
    }
    const open = t.assignments.filter((a) => a.state !== 'COMPLETED' && a.state !== 'CANCELLED');
    tasks.push({ task: t.number, workflowId, status, openAssignments: open.length, overdue: open.filter((a) => a.overdue).length, nextWakeAt });
  }
  return { plan: opts.planSlug, tasks };
}
