/**
 * The `recordTransition` activity (activities/lifecycle.ts), as named steps: find an already recorded
 * transition, apply the new state to the assignment row, record the input's own row (report,
 * extension, reassignment, completion request), close the 督办单 the transition ends, write the audit
 * event. All of them run in the one transaction `recordTransition` opens; a second call with the same
 * transitionId changes nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma, PrismaClient, SlipClosure } from '../generated/prisma/client';
import type { AssignmentView } from '../domain/lifecycle';
import { initialView } from '../domain/lifecycle';
import { audit } from '../app/audit';
import { ErrorType } from '../contracts/errors';
import type { RecordTransitionArgs, RecordTransitionResult, TaskRef } from '../contracts/workflows';
import { closeSlips } from '../app/slips';

type Tx = Prisma.TransactionClient;
type Input = RecordTransitionArgs['input'];
type InputOf<T extends Input['type']> = Extract<Input, { type: T }>;
/** What an input adds to its audit event's data, in the order it is written. */
type Extra = Record<string, unknown>;

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

const iso = (s: string | null) => (s ? new Date(s) : null);

/**
 * Whether a transition closes the assignment's open 督办单, and why: every slip is about the
 * deadline (docs/lifecycle.md "Slips close"), so it closes when the item is completed (销号), when
 * the assignment is cancelled or reassigned away, or when an approved extension re-times the deadline.
 */
export function slipClosure(
  action: string,
  before: Pick<AssignmentView, 'state'>,
  after: Pick<AssignmentView, 'state'>,
): SlipClosure | null {
  if (after.state === 'COMPLETED' && before.state !== 'COMPLETED') return 'COMPLETED';
  if (after.state === 'CANCELLED' && before.state !== 'CANCELLED') return 'CANCELLED';
  if (action === 'extension.approved') return 'EXTENDED';
  return null;
}

/**
 * Writes one accepted input: the assignment row, the input's own record (report, extension) and
 * the audit event, in one transaction. A second call with the same transitionId changes nothing.
 */
export async function recordTransition(db: PrismaClient, args: RecordTransitionArgs): Promise<RecordTransitionResult> {
  return db.$transaction(async (tx) => {
    const done = await findRecorded(tx, args);
    if (done) return done;
    await applyTransition(tx, args);
    const { created, extra } = await recordInput(tx, args);
    await closeEndedSlips(tx, args);
    await auditTransition(tx, args, extra);
    return { created };
  });
}

/**
 * The idempotency check: when this transition's audit event exists, the result of the first attempt
 * (for a reassignment, the row it created, whose unit `toUnit` may name by an alias); otherwise null.
 */
async function findRecorded(tx: Tx, args: RecordTransitionArgs): Promise<RecordTransitionResult | null> {
  const { task, before, input } = args;
  const done = await tx.auditEvent.findFirst({
    where: {
      assignmentId: before.assignmentId,
      action: args.action,
      data: { path: ['transitionId'], equals: args.transitionId },
    },
    select: { id: true },
  });
  if (!done) return null;
  if (input.type !== 'reassign') return { created: null };
  // toUnit may be an alias, as on the first attempt
  const row = await tx.assignment.findFirst({
    where: {
      taskId: task.taskId,
      unit: { OR: [{ name: input.toUnit }, { aliases: { some: { alias: input.toUnit } } }] },
      cancelledAt: null,
    },
    include: { unit: true },
  });
  return { created: row ? viewFromRow(row) : null };
}

/** Writes the state after the transition to the assignment row; refuses (non-retryable) a row that is gone. */
async function applyTransition(tx: Tx, args: RecordTransitionArgs): Promise<void> {
  const { task, before, after } = args;
  const current = await tx.assignment.findUnique({ where: { id: before.assignmentId }, select: { id: true } });
  if (!current)
    throw ApplicationFailure.nonRetryable(
      `assignment ${before.assignmentId} of task (${task.number}) no longer exists`,
      ErrorType.MissingRow,
    );

  await tx.assignment.update({
    where: { id: before.assignmentId },
    data: {
      state: after.state,
      overdue: after.overdue,
      dueAt: iso(after.dueAt),
      acknowledgedAt: iso(after.acknowledgedAt),
      completedAt: iso(after.completedAt),
      cancelledAt: iso(after.cancelledAt),
    },
  });
}

/**
 * Records the input's own row, by its type: returns the assignment a reassignment creates and what
 * the input adds to the audit event.
 */
async function recordInput(
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

/** Closes the assignment's open 督办单 when the transition ends them (slipClosure). */
async function closeEndedSlips(tx: Tx, args: RecordTransitionArgs): Promise<void> {
  const { task, before, after } = args;
  const closes = slipClosure(args.action, before, after);
  if (!closes) return;
  await closeSlips(tx, {
    assignmentId: before.assignmentId,
    because: closes,
    at: new Date(args.at),
    actor: args.actor,
    planId: task.planId,
    taskId: task.taskId,
    unitId: before.unitId,
    detail: {
      transitionId: args.transitionId,
      by: args.action,
      task: task.number,
      unit: before.unit,
      ...(closes === 'EXTENDED' ? { dueAt: after.dueAt } : {}),
    },
  });
}

/** Writes the transition's audit event; its transitionId is what `findRecorded` looks for. */
async function auditTransition(tx: Tx, args: RecordTransitionArgs, extra: Extra): Promise<void> {
  const { task, before, after } = args;
  await audit(tx, {
    actor: args.actor,
    action: args.action,
    entityType: 'Assignment',
    entityId: before.assignmentId,
    planId: task.planId,
    taskId: task.taskId,
    assignmentId: before.assignmentId,
    unitId: before.unitId,
    at: new Date(args.at),
    data: {
      transitionId: args.transitionId,
      task: task.number,
      unit: before.unit,
      from: before.state,
      to: after.state,
      overdue: after.overdue,
      ...extra,
    } as Prisma.InputJsonValue,
  });
}
