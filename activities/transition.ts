/**
 * The `recordTransition` activity (activities/lifecycle.ts), as named steps: find an already recorded
 * transition, apply the new state to the assignment row, record the input's own row (report,
 * extension, reassignment, completion request), close the 督办单 the transition ends, write the audit
 * event. All of them run in the one transaction `recordTransition` opens; a second call with the same
 * transitionId changes nothing.
 *
 * The input's own row is written by activities/transition-inputs.ts.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma, PrismaClient, SlipClosure } from '../generated/prisma/client';
import type { AssignmentView } from '../domain/lifecycle';
import { audit } from '../app/audit';
import { ErrorType } from '../contracts/errors';
import type { RecordTransitionArgs, RecordTransitionResult } from '../contracts/workflows';
import { closeSlips } from '../app/slips';
import { iso, recordInput, viewFromRow, type Extra, type Tx } from './transition-inputs';

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
