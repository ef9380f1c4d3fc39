/**
 * The input's own row of a recorded transition (activities/transition.ts `recordTransition`), by its
 * type: a report and its indicator values, an extension request or its decision, a reassignment's
 * new assignment, a completion request or its decision. Each runs inside the transition's transaction
 * and returns what the input adds to the audit event.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma } from '../generated/prisma/client';
import type { AssignmentView } from '../domain/lifecycle';
import { initialView } from '../domain/lifecycle';
import { audit } from '../app/audit';
import { ErrorType } from '../contracts/errors';
import type { RecordTransitionArgs, TaskRef } from '../contracts/workflows';

export type Tx = Prisma.TransactionClient;
type Input = RecordTransitionArgs['input'];
type InputOf<T extends Input['type']> = Extract<Input, { type: T }>;
/** What an input adds to its audit event's data, in the order it is written. */
export type Extra = Record<string, unknown>;

/** The view of an assignment row read with its unit. */
export function viewFromRow(row: {
  id: string;
  unitId: string;
  role: AssignmentView['role'];
  state: AssignmentView['state'];
  dueAt: Date | null;
  originalDueAt: Date | null;
  unit: { name: string };
}): AssignmentView {
  return {
    ...initialView({
      assignmentId: row.id,
      unitId: row.unitId,
      unit: row.unit.name,
      role: row.role,
      dueAt: row.dueAt?.toISOString() ?? null,
      state: row.state,
    }),
    originalDueAt: row.originalDueAt?.toISOString() ?? null,
  };
}

export const iso = (s: string | null) => (s ? new Date(s) : null);

/**
 * Records the input's own row, by its type: returns the assignment a reassignment creates and what
 * the input adds to the audit event.
 */
export async function recordInput(
  tx: Tx,
  args: RecordTransitionArgs,
): Promise<{ created: AssignmentView | null; extra: Extra }> {
  const { input } = args;
  const at = new Date(args.at);
  switch (input.type) {
    case 'submitReport':
      return { created: null, extra: await recordReport(tx, args.task, args.before, input, at) };
    case 'requestExtension':
      return { created: null, extra: await recordExtensionRequest(tx, args.before, input, at) };
    case 'approveExtension':
    case 'rejectExtension':
      return { created: null, extra: await decideExtension(tx, args, input, at) };
    case 'reassign':
      return reassign(tx, args, input, at);
    case 'requestCompletion':
      return { created: null, extra: await recordCompletionRequest(tx, args.before, input, at) };
    case 'approveCompletion':
    case 'rejectCompletion':
      return { created: null, extra: await decideCompletion(tx, args.before, input, at) };
    case 'cancel':
      return { created: null, extra: { reason: input.reason ?? null } };
    default:
      return { created: null, extra: {} };
  }
}

/**
 * Stores a progress report (once per period) and its indicator values. Indicator values are stored
 * against the plan's indicators; a code the plan does not have is recorded in the audit event as
 * refused rather than dropped unseen.
 */
async function recordReport(
  tx: Tx,
  task: TaskRef,
  before: AssignmentView,
  input: InputOf<'submitReport'>,
  at: Date,
): Promise<Extra> {
  const extra: Extra = {};
  const dueAt = at;
  const links = input.evidenceLinks ?? [];
  const report = await tx.report.upsert({
    where: { assignmentId_period: { assignmentId: before.assignmentId, period: input.period } },
    create: {
      assignmentId: before.assignmentId,
      period: input.period,
      dueAt,
      submittedAt: at,
      text: input.text,
      percent: input.percent ?? null,
      evidenceLinks: links,
    },
    update: {},
  });
  const values = input.indicatorValues ?? [];
  if (values.length) {
    const known = new Map(
      (
        await tx.indicator.findMany({
          where: { planId: task.planId, code: { in: values.map((v) => v.code) } },
          select: { id: true, code: true },
        })
      ).map((i) => [i.code, i.id]),
    );
    await tx.indicatorValue.createMany({
      data: values
        .filter((v) => known.has(v.code))
        .map((v) => ({ reportId: report.id, indicatorId: known.get(v.code)!, value: v.value })),
      skipDuplicates: true,
    });
    extra.indicatorValues = values.filter((v) => known.has(v.code));
    const unknown = values.filter((v) => !known.has(v.code)).map((v) => v.code);
    if (unknown.length) extra.unknownIndicators = unknown;
  }
  extra.period = input.period;
  extra.percent = input.percent ?? null;
  if (links.length) extra.evidenceLinks = links;
  return extra;
}

/** Stores an extension request with the deadline it would replace. */
async function recordExtensionRequest(
  tx: Tx,
  before: AssignmentView,
  input: InputOf<'requestExtension'>,
  at: Date,
): Promise<Extra> {
  await tx.extension.create({
    data: {
      assignmentId: before.assignmentId,
      requestedAt: at,
      requestedDueAt: new Date(input.newDueAt),
      previousDueAt: iso(before.dueAt),
      reason: input.reason,
    },
  });
  return { requestedDueAt: input.newDueAt, reason: input.reason };
}

/** Marks the latest pending extension request approved or rejected. */
async function decideExtension(
  tx: Tx,
  args: RecordTransitionArgs,
  input: InputOf<'approveExtension' | 'rejectExtension'>,
  at: Date,
): Promise<Extra> {
  const { before, after } = args;
  const ext = await tx.extension.findFirst({
    where: { assignmentId: before.assignmentId, status: 'REQUESTED' },
    orderBy: { requestedAt: 'desc' },
  });
  if (ext) {
    await tx.extension.update({
      where: { id: ext.id },
      data: {
        status: input.type === 'approveExtension' ? 'APPROVED' : 'REJECTED',
        decidedAt: at,
        decisionReason: input.reason ?? null,
      },
    });
  }
  return { reason: input.reason ?? null, dueAt: after.dueAt };
}

/**
 * Hands the assignment to another unit (named or by alias): creates its assignment row, or re-opens
 * the one it had, and audits `assignment.created`. Refuses (non-retryable) an unknown unit and one
 * that already carries the task.
 */
async function reassign(
  tx: Tx,
  args: RecordTransitionArgs,
  input: InputOf<'reassign'>,
  at: Date,
): Promise<{ created: AssignmentView; extra: Extra }> {
  const { task, before } = args;
  const unit = await tx.unit.findFirst({
    where: { OR: [{ name: input.toUnit }, { aliases: { some: { alias: input.toUnit } } }] },
  });
  if (!unit)
    throw ApplicationFailure.nonRetryable(`单位名录中没有「${input.toUnit}」，无法改派`, ErrorType.UnknownUnit);
  const prev = await tx.assignment.findUnique({
    where: { taskId_unitId: { taskId: task.taskId, unitId: unit.id } },
  });
  if (prev && !prev.cancelledAt)
    throw ApplicationFailure.nonRetryable(
      `${unit.name}已承担任务(${task.number})，不能重复改派`,
      ErrorType.InputRefused,
    );
  const data = {
    role: before.role,
    state: 'ASSIGNED' as const,
    overdue: false,
    dueAt: iso(before.dueAt),
    originalDueAt: iso(before.originalDueAt),
    acknowledgedAt: null,
    completedAt: null,
    cancelledAt: null,
    // supervised from the workflow's instant of the reassignment (its schedule's assignedAt,
    // recorded below), also for a re-opened row: the lights and the unit form count from it
    supervisedFrom: at,
  };
  const row = prev
    ? await tx.assignment.update({ where: { id: prev.id }, data, include: { unit: true } })
    : await tx.assignment.create({
        data: { taskId: task.taskId, unitId: unit.id, ordinal: 1000, ...data },
        include: { unit: true },
      });
  const created = viewFromRow(row);
  await audit(tx, {
    actor: args.actor,
    action: 'assignment.created',
    entityType: 'Assignment',
    entityId: row.id,
    planId: task.planId,
    taskId: task.taskId,
    assignmentId: row.id,
    unitId: unit.id,
    // assignedAt: the workflow's instant of the reassignment, which its notices are planned
    // from; a later `supervise start` reads it back (app/supervise.ts) so it re-plans the same.
    data: {
      task: task.number,
      unit: unit.name,
      role: before.role,
      reassignedFrom: before.unit,
      reason: input.reason,
      assignedAt: args.at,
    },
  });
  return { created, extra: { toUnit: unit.name, reason: input.reason } };
}

/** Stores a completion request: the 完成情况说明 and evidence the Office reviews (/reviews, the assignment page). */
async function recordCompletionRequest(
  tx: Tx,
  before: AssignmentView,
  input: InputOf<'requestCompletion'>,
  at: Date,
): Promise<Extra> {
  const extra: Extra = {};
  const note = input.note ?? '';
  const links = input.evidenceLinks ?? [];
  await tx.completionRequest.create({
    data: { assignmentId: before.assignmentId, requestedAt: at, note, evidenceLinks: links },
  });
  if (note) extra.note = note;
  if (links.length) extra.evidenceLinks = links;
  return extra;
}

/**
 * Marks the pending completion request approved or rejected; at most one is pending: the state
 * machine takes no second request while one waits.
 */
async function decideCompletion(
  tx: Tx,
  before: AssignmentView,
  input: InputOf<'approveCompletion' | 'rejectCompletion'>,
  at: Date,
): Promise<Extra> {
  await tx.completionRequest.updateMany({
    where: { assignmentId: before.assignmentId, status: 'REQUESTED' },
    data: {
      status: input.type === 'approveCompletion' ? 'APPROVED' : 'REJECTED',
      decidedAt: at,
      decisionReason: input.reason ?? null,
    },
  });
  return { reason: input.reason ?? null };
}
