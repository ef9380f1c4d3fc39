/**
 * Supervision of a running plan: whether a lifecycle runs, stopping a plan's lifecycles, and the
 * status of each.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PrismaClient } from '../../generated/prisma/client';
import { LIFECYCLE_QUERY, type LifecycleState } from '../../contracts/workflows';
import { SuperviseError, taskWorkflowId } from './options';

export async function isRunning(client: Client, workflowId: string): Promise<boolean> {
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
