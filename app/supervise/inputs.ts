/**
 * The workflow inputs of a plan's tasks, from the stored tasks and assignments (their state,
 * reports and pending extension), as a start hands them to the lifecycles.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { initialView, type AssignmentView } from '../../domain/lifecycle';
import type { AssignmentRole, AssignmentState } from '../../domain/model';
import type { TaskLifecycleInput, TaskRef } from '../../contracts/workflows';
import { SuperviseError, type SupervisionOptions } from './options';

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
    return input;
  });
}
