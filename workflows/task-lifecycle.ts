/**
 * One lifecycle per task (the design card: "each task's lifecycle"). The workflow holds the state
 * of every assignment of its task (listed and implicit units) and:
 *
 * - sleeps until the next planned notice — `condition(() => replan, untilNext)`, the updatable
 *   timer: any accepted input sets `replan`, which wakes the loop and restarts the wait against a
 *   fresh plan (an approved extension re-times everything; a closed assignment drops its notices);
 * - when a moment comes, hands every notice due by then to one activity that issues the slip (if
 *   any) and submits the notice through the notification port, idempotent by notice key;
 * - accepts inputs as updates whose validators refuse, with the reason, what the state does not
 *   allow (domain/lifecycle.ts); an accepted input is written (row + audit event, one transaction)
 *   by an activity before the workflow's own state changes;
 * - Continues-As-New at each yearly cycle of a standing task and whenever the history grows large.
 *
 * Deterministic: time is workflow time (`Date.now()` here is replay-safe), activities are proxied
 * as types, and no Node API is used.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { AuditAction } from '../domain/audit-actions';
import { checkPeriodOpen, decide, isClosed, isOverdue, type AssignmentView, type LifecycleInput, type LifecycleInputType } from '../domain/lifecycle';
import { noticeKey, type PlannedNotice } from '../domain/notices';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from './errors';
import { businessTime } from './business-time';
import { createPlanner, noticeIdentity, type TaskNotice } from './planner';
import {
  LIFECYCLE_QUERY,
  type AssignmentSchedule,
  type DeliveredNotice,
  type InputArgs,
  type InputResult,
  type LifecycleActivities,
  type LifecycleState,
  type NoticeOrder,
  type TaskLifecycleInput,
} from '../contracts/workflows';

// One proxy per retry policy (ENGINEERING.md habit 2). Database writes retry with backoff for a
// long time (PostgreSQL restarting must not lose a transition); refusals never retry.
const writes = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});
// Delivering a batch of notices (a quarter-end storm can be dozens per task) gets more time.
const delivery = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

/** Query: the task's state now. */
export const stateQuery = defineQuery<LifecycleState>(LIFECYCLE_QUERY.state);
/** Query: the notices still to come, in order (default the next 50). */
export const upcomingQuery = defineQuery<PlannedNotice[], [{ limit?: number }?]>(LIFECYCLE_QUERY.upcoming);

export const acknowledgeUpdate = defineUpdate<InputResult, [InputArgs<'acknowledge'>]>('acknowledge');
export const submitReportUpdate = defineUpdate<InputResult, [InputArgs<'submitReport'>]>('submitReport');
export const requestCompletionUpdate = defineUpdate<InputResult, [InputArgs<'requestCompletion'>]>('requestCompletion');
export const approveCompletionUpdate = defineUpdate<InputResult, [InputArgs<'approveCompletion'>]>('approveCompletion');
export const rejectCompletionUpdate = defineUpdate<InputResult, [InputArgs<'rejectCompletion'>]>('rejectCompletion');
export const requestExtensionUpdate = defineUpdate<InputResult, [InputArgs<'requestExtension'>]>('requestExtension');
export const approveExtensionUpdate = defineUpdate<InputResult, [InputArgs<'approveExtension'>]>('approveExtension');
export const rejectExtensionUpdate = defineUpdate<InputResult, [InputArgs<'rejectExtension'>]>('rejectExtension');
export const reassignUpdate = defineUpdate<InputResult, [InputArgs<'reassign'>]>('reassign');
export const cancelUpdate = defineUpdate<InputResult, [InputArgs<'cancel'>]>('cancel');

/** Update definitions by input type (the client and the CLI look them up here). */
export const inputUpdates = {
  acknowledge: acknowledgeUpdate,
  submitReport: submitReportUpdate,
  requestCompletion: requestCompletionUpdate,
  approveCompletion: approveCompletionUpdate,
  rejectCompletion: rejectCompletionUpdate,
  requestExtension: requestExtensionUpdate,
  approveExtension: approveExtensionUpdate,
  rejectExtension: rejectExtensionUpdate,
  reassign: reassignUpdate,
  cancel: cancelUpdate,
} as const;

/**
 * A notice whose moment passed more than this much workflow time ago was missed (the workers or the
 * server were down across it) and is settled by the policy instead of sent as planned. Timers fire
 * within milliseconds of their moment, so a minute separates "just came" from "missed" safely.
 */
const MISSED_AFTER_MS = 60_000;
/** History length after which a run hands over to a fresh one (well under Temporal's 50k limit). */
const HISTORY_LIMIT = 8_000;
/** Notices per delivery activity: keeps each activity's payload and duration bounded in a storm. */
const DELIVERY_CHUNK = 100;

function refusal(reason: string, code: string): ApplicationFailure {
  return ApplicationFailure.create({ message: reason, type: ErrorType.InputRefused, nonRetryable: true, details: [{ code }] });
}

export async function taskLifecycle(input: TaskLifecycleInput): Promise<{ closed: boolean; runs: number }> {
  const { task, policy } = input;
  // Business time: workflow time, or a simulation of it (tests, bench). Replay-safe.
  const time = businessTime(input);
  const bizNow = time.now;
  const realDelay = time.realDelay;
  const run = input.run ?? 0;
  // The calendar is built once per run from the frozen policy and the override carried in the input.
  const planner = createPlanner(policy, input.holidayOverride, task.zone);
  const assignments: AssignmentView[] = input.assignments.map((a) => ({ ...a }));
  let handledThroughMs = input.handledThroughMs ?? bizNow();
  let handledKeys = new Set(input.handledKeys ?? []);
  const assignedAt = input.assignedAt ?? new Date(handledThroughMs).toISOString();
  const schedule: Record<string, AssignmentSchedule> = { ...(input.schedule ?? {}) };
  const cycle = input.cycle !== undefined ? input.cycle : planner.cycleOf(task.kind, bizNow());
  const missedAfter = time.missedAfterMs(MISSED_AFTER_MS);
  let replan = false;
  let busy = false;
  let nextWakeMs: number | null = null;
  let seq = 0;

  const plan = (): TaskNotice[] => planner.planNotices({ task, assignments, schedule, defaultAssignedAt: assignedAt, fromMs: handledThroughMs });

  setHandler(stateQuery, () => ({
    task,
    cycle,
    run,
    assignments,
    nextWakeAt: nextWakeMs === null ? null : new Date(nextWakeMs).toISOString(),
    handledThrough: new Date(handledThroughMs).toISOString(),
  }));
  setHandler(upcomingQuery, (opts) =>
    plan()
      .filter(({ n }) => !isHandled(n))
      .map(({ n }) => n)
      .slice(0, opts?.limit ?? 50),
  );

  function orderFor(a: AssignmentView | null, n: PlannedNotice): NoticeOrder {
    const scope = a ? null : `${task.planSlug}-task-${task.number}`;
    return { key: noticeKey(a?.assignmentId ?? scope!, n.kind, Date.parse(n.nominalAt)), assignmentId: a?.assignmentId ?? null, scope, notice: n };
  }
  function isHandled(n: PlannedNotice): boolean {
    const at = Date.parse(n.at);
    return at < handledThroughMs || (at === handledThroughMs && handledKeys.has(noticeIdentity(n)));
  }

  function find(unit: string): AssignmentView | undefined {
    return assignments.find((a) => (a.unit === unit || a.unitId === unit) && a.state !== 'CANCELLED') ?? assignments.find((a) => a.unit === unit || a.unitId === unit);
  }

  function check<T extends LifecycleInputType>(type: T, args: InputArgs<T>): { a: AssignmentView; input: LifecycleInput; next: AssignmentView; action: AuditAction } {
    const a = find(args.unit);
    if (!a) throw refusal(`任务(${task.number})没有「${args.unit}」的责任分工`, 'UNKNOWN_UNIT');
    const { unit: _unit, actor: _actor, ...fields } = args;
    const li = { type, ...fields } as LifecycleInput;
    if (li.type === 'reassign' && assignments.some((x) => x.unit === li.toUnit && x.state !== 'CANCELLED')) {
      throw refusal(`${li.toUnit}已承担任务(${task.number})，不能改派给它`, 'DUPLICATE');
    }
    const d = decide(a, task.kind, li, bizNow(), task.zone);
    if (!d.ok) throw refusal(d.reason, d.code);
    return { a, input: li, next: d.next, action: d.action };
  }

  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    // Inputs and deliveries both await activities; one at a time keeps each decision on fresh state
    // (the safe-message-handlers pattern).
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  async function applyInput<T extends LifecycleInputType>(type: T, args: InputArgs<T>): Promise<InputResult> {
    return exclusive(async () => {
      // Validated when accepted; decided again now, since an earlier input may have changed the state.
      const c = check(type, args);
      const at = new Date(bizNow()).toISOString();
      const r = await writes.recordTransition({
        task,
        transitionId: `${workflowInfo().runId}/${seq++}`,
        actor: args.actor ?? 'system',
        action: c.action,
        input: c.input,
        before: c.a,
        after: c.next,
        at,
      });
      Object.assign(c.a, c.next);
      if (r.created) {
        assignments.push(r.created);
        // the new unit's notices (assignment notice, acknowledgement chase, reports) count from now
        schedule[r.created.assignmentId] = { assignedAt: at };
      }
      if (isClosed(c.next.state)) await writes.cancelPendingNotices({ assignmentId: c.a.assignmentId });
      // An approved extension re-times the deadline: what was pending about the old one is void.
      if (c.action === 'extension.approved') await writes.cancelPendingNotices({ assignmentId: c.a.assignmentId, kinds: ['deadline_reminder', 'supervision'] });
      if (['completion.approved', 'completion.rejected', 'extension.approved', 'extension.rejected'].includes(c.action) && patched('decision-notice')) {
        // Tell the unit what the Office decided, at the next office-hours opening.
        const n: PlannedNotice = {
          kind: 'decision',
          at: planner.nextOpening(bizNow()),
          nominalAt: at,
          task: task.number,
          unit: c.a.unit,
          to: ['liaison', 'leader'],
          slip: null,
          ...(c.next.dueAt ? { dueAt: c.next.dueAt } : {}),
        };
        const reason = 'reason' in c.input ? (c.input.reason ?? null) : null;
        await delivery.deliverNotices({ task, orders: [{ ...orderFor(c.a, n), extra: { decision: c.action, reason } }] });
      }
      replan = true;
      return { task: task.number, unit: c.a.unit, action: c.action, state: c.a.state, dueAt: c.a.dueAt, ...(r.created ? { newAssignmentId: r.created.assignmentId } : {}) };
    });
  }

  /**
   * A report for a period that has not started yet is refused (domain/lifecycle checkPeriodOpen):
   * it would mark the period reported and silence its reminders in advance. Validator only: a
   * validator writes no history (and is not run on replay), so lifecycles whose histories hold
   * such a report accepted before this rule still replay; the handler decides as it always did.
   */
  function checkReportPeriod(args: InputArgs<'submitReport'>): void {
    const a = find(args.unit)!;
    const assignedAtMs = Date.parse(schedule[a.assignmentId]?.assignedAt ?? assignedAt);
    const r = checkPeriodOpen(args.period, planner.periodOpening(task.kind, args.period, assignedAtMs), bizNow());
    if (!r.ok) throw refusal(r.reason, r.code);
  }

  for (const type of Object.keys(inputUpdates) as LifecycleInputType[]) {
    setHandler(inputUpdates[type] as ReturnType<typeof defineUpdate<InputResult, [InputArgs<typeof type>]>>, (args: InputArgs<typeof type>) => applyInput(type, args), {
      validator: (args: InputArgs<typeof type>) => {
        check(type, args);
        if (type === 'submitReport') checkReportPeriod(args as InputArgs<'submitReport'>);
      },
    });
  }

  async function markOverdue(now: number): Promise<void> {
    for (const a of assignments) {
      const over = isOverdue(a, now);
      if (over === a.overdue) continue;
      const next = { ...a, overdue: over };
      await writes.recordTransition({
        task,
        transitionId: `${workflowInfo().runId}/${seq++}`,
        actor: 'system',
        action: over ? 'assignment.overdue' : 'assignment.back_on_time',
        input: { type: 'overdue' },
        before: a,
        after: next,
        at: new Date(now).toISOString(),
      });
      a.overdue = over;
    }
  }

  async function deliverDue(now: number): Promise<DeliveredNotice[]> {
    const due = plan().filter(({ n }) => Date.parse(n.at) <= now && !isHandled(n));
    // What just came goes as planned; what was missed while the workers were down is settled by the
    // policy (stale reminders dropped, a repeated series collapsed to its latest, marked late).
    const fresh = planner.dueNow(due, now, missedAfter);
    const out: DeliveredNotice[] = [];
    for (let i = 0; i < fresh.length; i += DELIVERY_CHUNK) {
      const orders = fresh.slice(i, i + DELIVERY_CHUNK).map(({ a, n }) => orderFor(a, n));
      out.push(...(await delivery.deliverNotices({ task, orders })));
    }
    const keys = new Set<string>();
    for (const { n } of due) if (Date.parse(n.at) === now) keys.add(noticeIdentity(n));
    handledThroughMs = now;
    handledKeys = keys;
    return out;
  }

  for (;;) {
    await exclusive(async () => {
      const now = bizNow();
      await markOverdue(now);
      await deliverDue(now);
    });

    if (assignments.every((a) => isClosed(a.state))) {
      await condition(allHandlersFinished);
      return { closed: true, runs: run + 1 };
    }

    const now = bizNow();
    const nextCycle = cycle !== null && planner.cycleOf(task.kind, now) !== cycle;
    if (nextCycle || workflowInfo().historyLength > HISTORY_LIMIT || workflowInfo().continueAsNewSuggested) {
      // Let in-flight inputs finish so none is lost across the hand-over.
      await condition(() => allHandlersFinished() && !busy);
      const carried: AssignmentView[] = assignments
        .filter((a) => a.state !== 'CANCELLED' || a.cancelledAt === null || Date.parse(a.cancelledAt) > now - 400 * 86_400_000)
        .map((a) => ({ ...a, reportedPeriods: a.reportedPeriods.slice(-8) }));
      return continueAsNew<typeof taskLifecycle>({
        ...input,
        assignments: carried,
        handledThroughMs,
        handledKeys: [...handledKeys],
        schedule,
        assignedAt,
        cycle: planner.cycleOf(task.kind, now),
        ...time.carried(),
        run: run + 1,
      });
    }

    // What came due while that pass ran (a long delivery, a worker's first replay after a restart)
    // goes now: waiting for the next planned moment would hold it until then and count it missed.
    const dueMeanwhile = plan().some(({ n }) => !isHandled(n) && Date.parse(n.at) <= now) || assignments.some((a) => isOverdue(a, now) !== a.overdue);
    if (dueMeanwhile && patched('due-during-pass')) continue;

    const upcoming = plan().find(({ n }) => !isHandled(n) && Date.parse(n.at) > now);
    const dueCrossing = assignments
      .filter((a) => !isClosed(a.state) && !a.overdue && a.dueAt !== null && Date.parse(a.dueAt) > now)
      .map((a) => Date.parse(a.dueAt!) + 1);
    const cycleEnd = planner.cycleEndOf(task.kind, now);
    // Planning looks `horizonMs` ahead; with nothing planned before it, wake there and look further.
    const candidates = [upcoming ? Date.parse(upcoming.n.at) : now + planner.horizonMs, ...dueCrossing, ...(cycleEnd !== null ? [cycleEnd] : [])].filter(Number.isFinite);
    nextWakeMs = candidates.length ? Math.min(...candidates) : null;
    replan = false;
    if (nextWakeMs === null) await condition(() => replan);
    else await condition(() => replan, Math.max(1, Math.ceil(realDelay(nextWakeMs - now))));
  }

}
