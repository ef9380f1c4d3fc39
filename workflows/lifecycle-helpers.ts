/**
 * Pure helpers of workflows/lifecycle-machine.ts: the refusal of an input, which assignment a unit
 * names, the delivery order of a notice, the decision notice of an Office decision, what a run
 * carries into the next one, and the candidates of the next wake-up. No state and no activities:
 * the machine calls them in the order it always did, so recorded histories replay unchanged.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { NoticeOrder, TaskRef } from '../contracts/workflows';
import type { AuditAction } from '../domain/audit-actions';
import { isClosed, type AssignmentView, type LifecycleInput } from '../domain/lifecycle';
import { noticeKey, type PlannedNotice } from '../domain/notices';
import { ErrorType } from '../contracts/errors';

/** A cancelled assignment is carried into the next run for this long after its cancellation. */
const CARRY_CANCELLED_MS = 400 * 86_400_000;
/** Reported periods carried into the next run, per assignment (the latest ones). */
const CARRY_REPORTED_PERIODS = 8;

/** An input decided against the current state: the assignment, the input, its next state and audit action. */
export interface Decided {
  a: AssignmentView;
  input: LifecycleInput;
  next: AssignmentView;
  action: AuditAction;
}

/** The refusal of an input (non-retryable; the reason is what the unit or the Office reads). */
export function refusal(reason: string, code: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: reason,
    type: ErrorType.InputRefused,
    nonRetryable: true,
    details: [{ code }],
  });
}

/** The assignment of `unit` (name or id): the one not cancelled, else the first (cancelled) one. */
export function findAssignment(assignments: readonly AssignmentView[], unit: string): AssignmentView | undefined {
  const named = (a: AssignmentView) => a.unit === unit || a.unitId === unit;
  return assignments.find((a) => named(a) && a.state !== 'CANCELLED') ?? assignments.find(named);
}

/** The delivery order of a notice: about an assignment, or (null) about the whole task. */
export function noticeOrder(task: TaskRef, a: AssignmentView | null, n: PlannedNotice): NoticeOrder {
  const scope = a ? null : `${task.planSlug}-task-${task.number}`;
  return {
    key: noticeKey(a?.assignmentId ?? scope!, n.kind, Date.parse(n.nominalAt)),
    assignmentId: a?.assignmentId ?? null,
    scope,
    notice: n,
  };
}

/** The notice telling the unit of an Office decision, at `opening` (the next office-hours opening). */
export function decisionOrder(task: TaskRef, c: Decided, at: string, opening: string): NoticeOrder {
  const n: PlannedNotice = {
    kind: 'decision',
    at: opening,
    nominalAt: at,
    task: task.number,
    unit: c.a.unit,
    to: ['liaison', 'leader'],
    slip: null,
    ...(c.next.dueAt ? { dueAt: c.next.dueAt } : {}),
  };
  const reason = 'reason' in c.input ? (c.input.reason ?? null) : null;
  return { ...noticeOrder(task, c.a, n), extra: { decision: c.action, reason } };
}

/** The assignments the next run carries at `now`: without those cancelled long ago, with their latest reported periods. */
export function carriedAssignments(assignments: readonly AssignmentView[], now: number): AssignmentView[] {
  const kept = (a: AssignmentView) =>
    a.state !== 'CANCELLED' || a.cancelledAt === null || Date.parse(a.cancelledAt) > now - CARRY_CANCELLED_MS;
  return assignments
    .filter(kept)
    .map((a) => ({ ...a, reportedPeriods: a.reportedPeriods.slice(-CARRY_REPORTED_PERIODS) }));
}

/** The deadline crossings after `now` the lifecycle must wake for (an open assignment not yet overdue), epoch ms. */
export function dueCrossings(assignments: readonly AssignmentView[], now: number): number[] {
  return assignments
    .filter((a) => !isClosed(a.state) && !a.overdue && a.dueAt !== null && Date.parse(a.dueAt) > now)
    .map((a) => Date.parse(a.dueAt!) + 1);
}
