/**
 * Use cases on one task's lifecycle: show it, and drive its inputs (acknowledge, report, request
 * or decide completion and extensions, reassign, cancel). Shared by the CLI and the API.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';
import type { LifecycleInputType } from '../domain/lifecycle';
import type { PlannedNotice } from '../domain/notices';
import { LIFECYCLE_QUERY, type InputArgs, type InputResult, type LifecycleState } from '../contracts/workflows';
import { taskWorkflowId } from './supervise';
import { ErrorCodes, DubangError } from '../contracts/errors';

/**
 * An input the lifecycle refused: `reason` is the Chinese text for the user, `refusalCode` the
 * lifecycle's stable refusal code (INVALID_INPUT …).
 */
export class TaskInputRefused extends DubangError {
  static override readonly code = ErrorCodes.TaskInputRefused;
  constructor(
    readonly reason: string,
    readonly refusalCode: string | null,
  ) {
    super(reason);
  }
}

export class TaskNotSupervised extends DubangError {
  static override readonly code = ErrorCodes.TaskNotSupervised;
}

export interface TaskView {
  plan: string;
  task: number;
  text: string;
  kind: string;
  deadlinePhrase: string;
  dueAt: string | null;
  workflowId: string;
  workflowStatus: string;
  assignments: {
    unit: string;
    role: string;
    state: string;
    overdue: boolean;
    dueAt: string | null;
    originalDueAt: string | null;
  }[];
  upcoming: PlannedNotice[];
  nextWakeAt: string | null;
}

/** A task as stored, with its lifecycle's status and upcoming notices when it is supervised. */
export async function showTask(
  deps: { db: PrismaClient; client: Client },
  opts: { planSlug: string; task: number },
): Promise<TaskView> {
  const t = await deps.db.task.findFirst({
    where: { number: opts.task, plan: { slug: opts.planSlug } },
    include: { assignments: { orderBy: { ordinal: 'asc' }, include: { unit: { select: { name: true } } } } },
  });
  if (!t) throw new TaskNotSupervised(`方案「${opts.planSlug}」中没有任务(${opts.task})`);
  const workflowId = taskWorkflowId(opts.planSlug, opts.task);
  let workflowStatus = 'NOT_STARTED';
  let upcoming: PlannedNotice[] = [];
  let nextWakeAt: string | null = null;
  try {
    const h = deps.client.workflow.getHandle(workflowId);
    workflowStatus = (await h.describe()).status.name;
    if (workflowStatus === 'RUNNING') {
      upcoming = await h.query<PlannedNotice[], [{ limit?: number }]>(LIFECYCLE_QUERY.upcoming, { limit: 20 });
      nextWakeAt = (await h.query<LifecycleState>(LIFECYCLE_QUERY.state)).nextWakeAt;
    }
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  return {
    plan: opts.planSlug,
    task: t.number,
    text: t.text,
    kind: t.kind,
    deadlinePhrase: t.deadlinePhrase,
    dueAt: t.dueAt?.toISOString() ?? null,
    workflowId,
    workflowStatus,
    assignments: t.assignments.map((a) => ({
      unit: a.unit.name,
      role: a.role,
      state: a.state,
      overdue: a.overdue,
      dueAt: a.dueAt?.toISOString() ?? null,
      originalDueAt: a.originalDueAt?.toISOString() ?? null,
    })),
    upcoming,
    nextWakeAt,
  };
}

/** Sends one input to a task's lifecycle and returns its answer; a refusal becomes TaskInputRefused. */
export async function applyTaskInput<T extends LifecycleInputType>(
  client: Client,
  opts: { planSlug: string; task: number; type: T; args: InputArgs<T> },
): Promise<InputResult> {
  const h = client.workflow.getHandle(taskWorkflowId(opts.planSlug, opts.task));
  try {
    return await h.executeUpdate<InputResult, [InputArgs<T>]>(opts.type, { args: [opts.args] });
  } catch (err) {
    // the SDK's errors answer instanceof across realms (a symbol marker), unlike plain classes
    const details = (err as { cause?: { details?: { code?: string }[] } }).cause?.details;
    if (err instanceof WorkflowUpdateFailedError && err.cause?.message)
      throw new TaskInputRefused(err.cause.message, details?.[0]?.code ?? null);
    if (err instanceof WorkflowNotFoundError)
      throw new TaskNotSupervised(`任务(${opts.task})尚未纳入督办；请先运行 dubang supervise start ${opts.planSlug}`);
    throw err;
  }
}
