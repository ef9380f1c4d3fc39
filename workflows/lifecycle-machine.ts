/**
 * The state of one run of a task's lifecycle and its transitions: what workflows/task-lifecycle.ts
 * wires to Temporal's queries, updates and main loop. One instance per run, built from the run's
 * input; Continue-As-New hands `nextRunInput` to the next one.
 *
 * It holds every assignment of the task, the watermark of notices handled (`handledThroughMs` and
 * the keys handled exactly at it), the schedule the policy plans from, and two flags: `busy` (an
 * input or a pass is awaiting its activities; they take turns, the safe-message-handlers pattern)
 * and `replan` (an input was accepted: the main loop's wait ends and plans again).
 *
 * Deterministic like the workflow that runs it: time is business time (workflows/business-time.ts,
 * from workflow time), the activities are the workflow's proxies, and each method issues its
 * activities in a fixed order, so recorded histories replay (test/workflows/replay.test.ts).
 *
 * 400 lines on purpose: one class holding one run's state, a third of it comments; splitting its
 * transitions would scatter the state they share. Its pure helpers are in lifecycle-helpers.ts.
 */
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import type {
  AssignmentSchedule,
  DeliveredNotice,
  InputArgs,
  InputResult,
  LifecycleActivities,
  LifecycleState,
  TaskLifecycleInput,
  TaskRef,
} from '../contracts/workflows';
import type { AuditAction } from '../domain/audit-actions';
import {
  checkPeriodOpen,
  decide,
  isClosed,
  isOverdue,
  type AssignmentView,
  type LifecycleInput,
  type LifecycleInputType,
} from '../domain/lifecycle';
import { noticeIdentity, type PlannedNotice } from '../domain/notices';
import { businessTime, type BusinessTime } from './business-time';
import {
  carriedAssignments,
  decisionOrder,
  dueCrossings,
  findAssignment,
  noticeOrder,
  refusal,
  type Decided,
} from './lifecycle-helpers';
import { createPlanner, type Planner, type TaskNotice } from './planner';

/**
 * A notice whose moment passed more than this much workflow time ago was missed (the workers or the
 * server were down across it) and is settled by the policy instead of sent as planned. Timers fire
 * within milliseconds of their moment, so a minute separates "just came" from "missed" safely.
 */
const MISSED_AFTER_MS = 60_000;
/** Notices per delivery activity: keeps each activity's payload and duration bounded in a storm. */
const DELIVERY_CHUNK = 100;
/** Office decisions the unit is told of (a decision notice at the next office-hours opening). */
const DECISIONS: readonly AuditAction[] = [
  'completion.approved',
  'completion.rejected',
  'extension.approved',
  'extension.rejected',
];

/** The activities the machine calls, through the workflow's proxies (one per retry policy). */
export interface LifecycleProxies {
  /** database writes: retried with backoff for a long time */
  writes: Pick<LifecycleActivities, 'recordTransition' | 'cancelPendingNotices'>;
  /** notice delivery: more time per attempt */
  delivery: Pick<LifecycleActivities, 'deliverNotices'>;
}

export class LifecycleMachine {
  readonly task: TaskRef;
  /** how many runs came before this one */
  readonly run: number;
  /** the yearly (or fixed-length) cycle of a standing task this run covers; null for deadline tasks */
  readonly cycle: number | null;
  private readonly input: TaskLifecycleInput;
  private readonly proxies: LifecycleProxies;
  private readonly time: BusinessTime;
  private readonly planner: Planner;
  private readonly assignments: AssignmentView[];
  private readonly schedule: Record<string, AssignmentSchedule>;
  /** default assignedAt of assignments missing from `schedule` */
  private readonly assignedAt: string;
  private readonly missedAfterMs: number;
  /** notices planned before this instant are handled; at it, the ones in `handledKeys` */
  private handledThroughMs: number;
  private handledKeys: Set<string>;
  private replan = false;
  private busy = false;
  private nextWakeMs: number | null = null;
  /** transitions recorded in this run: with the run id, each one's idempotency key */
  private seq = 0;

  constructor(input: TaskLifecycleInput, proxies: LifecycleProxies) {
    this.input = input;
    this.proxies = proxies;
    this.task = input.task;
    // Business time: workflow time, or a simulation of it (tests, bench). Replay-safe.
    this.time = businessTime(input);
    this.run = input.run ?? 0;
    // The calendar is built once per run from the frozen policy and the override carried in the input.
    this.planner = createPlanner(input.policy, input.holidayOverride, input.task.zone);
    this.assignments = input.assignments.map((a) => ({ ...a }));
    this.handledThroughMs = input.handledThroughMs ?? this.now();
    this.handledKeys = new Set(input.handledKeys ?? []);
    this.assignedAt = input.assignedAt ?? new Date(this.handledThroughMs).toISOString();
    this.schedule = { ...(input.schedule ?? {}) };
    this.cycle = input.cycle !== undefined ? input.cycle : this.planner.cycleOf(this.task.kind, this.now());
    this.missedAfterMs = this.time.missedAfterMs(MISSED_AFTER_MS);
  }

  /** Business time now, epoch ms. */
  now(): number {
    return this.time.now();
  }

  // --- queries ---------------------------------------------------------------------------------

  /** Query `state`: the task's state now. */
  state(): LifecycleState {
    return {
      task: this.task,
      cycle: this.cycle,
      run: this.run,
      assignments: this.assignments,
      nextWakeAt: this.nextWakeMs === null ? null : new Date(this.nextWakeMs).toISOString(),
      handledThrough: new Date(this.handledThroughMs).toISOString(),
    };
  }

  /** Query `upcoming`: the notices still to come, in order (default the next 50). */
  upcoming(limit?: number | null): PlannedNotice[] {
    return this.plan()
      .filter(({ n }) => !this.isHandled(n))
      .map(({ n }) => n)
      .slice(0, limit ?? 50);
  }

  // --- inputs (updates) ------------------------------------------------------------------------

  /**
   * Update validator: throws the refusal, with its reason, of an input the state does not allow.
   * A report for a period that has not started yet is refused here too (domain/lifecycle
   * checkPeriodOpen): it would mark the period reported and silence its reminders in advance.
   * Validator only: a validator writes no history (and is not run on replay), so lifecycles whose
   * histories hold such a report accepted before this rule still replay; `apply` decides as it
   * always did.
   */
  validate(type: LifecycleInputType, args: InputArgs<LifecycleInputType>): void {
    this.decideInput(type, args);
    if (type === 'submitReport') this.checkReportPeriod(args as InputArgs<'submitReport'>);
  }

  /**
   * Update handler: decides the input again on the current state (an earlier input may have
   * changed it), records the transition (row + audit event, one activity), applies it, cancels what
   * it voids and tells the unit of an Office decision; then the main loop plans again.
   */
  async apply<T extends LifecycleInputType>(type: T, args: InputArgs<T>): Promise<InputResult> {
    return this.exclusive(async () => {
      const c = this.decideInput(type, args);
      const at = new Date(this.now()).toISOString();
      const r = await this.proxies.writes.recordTransition({
        task: this.task,
        transitionId: this.nextTransitionId(),
        actor: args.actor ?? 'system',
        action: c.action,
        input: c.input,
        before: c.a,
        after: c.next,
        at,
      });
      Object.assign(c.a, c.next);
      if (r.created) {
        this.assignments.push(r.created);
        // the new unit's notices (assignment notice, acknowledgement chase, reports) count from now
        this.schedule[r.created.assignmentId] = { assignedAt: at };
      }
      await this.cancelVoided(c);
      if (DECISIONS.includes(c.action) && patched('decision-notice')) await this.tellDecision(c, at);
      this.replan = true;
      return {
        task: this.task.number,
        unit: c.a.unit,
        action: c.action,
        state: c.a.state,
        dueAt: c.a.dueAt,
        ...(r.created ? { newAssignmentId: r.created.assignmentId } : {}),
      };
    });
  }

  // --- the main loop's steps -------------------------------------------------------------------

  /** One pass at business time now, after any input in flight: the overdue flags, then every notice due. */
  pass(): Promise<void> {
    return this.exclusive(async () => {
      const now = this.now();
      await this.markOverdue(now);
      await this.deliverDue(now);
    });
  }

  /** Whether every assignment is closed (completed or cancelled): the lifecycle is over. */
  allClosed(): boolean {
    return this.assignments.every((a) => isClosed(a.state));
  }

  /** Whether `now` lies in another cycle than this run's (a standing task hands over to the next run). */
  cycleChanged(now: number): boolean {
    return this.cycle !== null && this.planner.cycleOf(this.task.kind, now) !== this.cycle;
  }

  /** Whether no input or pass is awaiting its activities. */
  idle(): boolean {
    return !this.busy;
  }

  /** Whether an input was accepted since the last `armWake`: the wait ends and the loop plans again. */
  replanRequested(): boolean {
    return this.replan;
  }

  /**
   * The input of the next run (Continue-As-New at `now`): the assignments (without those cancelled
   * long ago, with their latest reported periods), the watermark, the schedule, the default
   * assignedAt, the cycle at `now` and the business time; the rest as this run got it.
   */
  nextRunInput(now: number): TaskLifecycleInput {
    return {
      ...this.input,
      assignments: carriedAssignments(this.assignments, now),
      handledThroughMs: this.handledThroughMs,
      handledKeys: [...this.handledKeys],
      schedule: this.schedule,
      assignedAt: this.assignedAt,
      cycle: this.planner.cycleOf(this.task.kind, now),
      ...this.time.carried(),
      run: this.run + 1,
    };
  }

  /**
   * Whether something came due while the last pass ran (a long delivery, a worker's first replay
   * after a restart): a notice not yet handled, or a deadline crossed without its overdue flag.
   */
  dueMeanwhile(now: number): boolean {
    return (
      this.plan().some(({ n }) => !this.isHandled(n) && Date.parse(n.at) <= now) ||
      this.assignments.some((a) => isOverdue(a, now) !== a.overdue)
    );
  }

  /**
   * Plans the next wake-up after `now`: the next notice, a deadline crossing or the cycle's end,
   * whichever comes first; with nothing planned inside the planner's horizon, its end (to plan
   * further). Clears `replan`. Returns the wait in workflow ms, or null when nothing will ever come
   * (wait for an input).
   */
  armWake(now: number): number | null {
    const upcoming = this.plan().find(({ n }) => !this.isHandled(n) && Date.parse(n.at) > now);
    const dueCrossing = dueCrossings(this.assignments, now);
    const cycleEnd = this.planner.cycleEndOf(this.task.kind, now);
    const candidates = [
      upcoming ? Date.parse(upcoming.n.at) : now + this.planner.horizonMs,
      ...dueCrossing,
      ...(cycleEnd !== null ? [cycleEnd] : []),
    ].filter(Number.isFinite);
    this.nextWakeMs = candidates.length ? Math.min(...candidates) : null;
    this.replan = false;
    return this.nextWakeMs === null ? null : Math.max(1, Math.ceil(this.time.realDelay(this.nextWakeMs - now)));
  }

  // --- internals -------------------------------------------------------------------------------

  /** Every notice of the task from the watermark on, as the policy plans it from the current state. */
  private plan(): TaskNotice[] {
    return this.planner.planNotices({
      task: this.task,
      assignments: this.assignments,
      schedule: this.schedule,
      defaultAssignedAt: this.assignedAt,
      fromMs: this.handledThroughMs,
    });
  }

  private isHandled(n: PlannedNotice): boolean {
    const at = Date.parse(n.at);
    return at < this.handledThroughMs || (at === this.handledThroughMs && this.handledKeys.has(noticeIdentity(n)));
  }

  private nextTransitionId(): string {
    return `${workflowInfo().runId}/${this.seq++}`;
  }

  /** The assignment of `unit` (name or id): the one not cancelled, else the first (cancelled) one. */
  private find(unit: string): AssignmentView | undefined {
    return findAssignment(this.assignments, unit);
  }

  /** Decides an input against the current state (domain/lifecycle decide); throws its refusal. */
  private decideInput<T extends LifecycleInputType>(type: T, args: InputArgs<T>): Decided {
    const a = this.find(args.unit);
    if (!a) throw refusal(`任务(${this.task.number})没有「${args.unit}」的责任分工`, 'UNKNOWN_UNIT');
    const { unit: _unit, actor: _actor, ...fields } = args;
    const li = { type, ...fields } as LifecycleInput;
    if (li.type === 'reassign' && this.assignments.some((x) => x.unit === li.toUnit && x.state !== 'CANCELLED')) {
      throw refusal(`${li.toUnit}已承担任务(${this.task.number})，不能改派给它`, 'DUPLICATE');
    }
    const d = decide(a, this.task.kind, li, this.now(), this.task.zone);
    if (!d.ok) throw refusal(d.reason, d.code);
    return { a, input: li, next: d.next, action: d.action };
  }

  /** Refuses a report for a period that has not opened yet (see `validate`). */
  private checkReportPeriod(args: InputArgs<'submitReport'>): void {
    const a = this.find(args.unit)!;
    const assignedAtMs = Date.parse(this.schedule[a.assignmentId]?.assignedAt ?? this.assignedAt);
    const opening = this.planner.periodOpening(this.task.kind, args.period, assignedAtMs);
    const r = checkPeriodOpen(args.period, opening, this.now());
    if (!r.ok) throw refusal(r.reason, r.code);
  }

  /**
   * Cancels the pending notices an applied input voids: all of them when it closes the assignment;
   * those about the old deadline when it approves an extension.
   */
  private async cancelVoided(c: Decided): Promise<void> {
    const assignmentId = c.a.assignmentId;
    if (isClosed(c.next.state)) await this.proxies.writes.cancelPendingNotices({ assignmentId });
    // An approved extension re-times the deadline: what was pending about the old one is void.
    if (c.action === 'extension.approved') {
      await this.proxies.writes.cancelPendingNotices({ assignmentId, kinds: ['deadline_reminder', 'supervision'] });
    }
  }

  /** Tells the unit what the Office decided, at the next office-hours opening. */
  private async tellDecision(c: Decided, at: string): Promise<void> {
    const order = decisionOrder(this.task, c, at, this.planner.nextOpening(this.now()));
    await this.proxies.delivery.deliverNotices({ task: this.task, orders: [order] });
  }

  /** Records every change of an assignment's overdue flag at `now` (one transition each, in order). */
  private async markOverdue(now: number): Promise<void> {
    for (const a of this.assignments) {
      const over = isOverdue(a, now);
      if (over === a.overdue) continue;
      const next = { ...a, overdue: over };
      await this.proxies.writes.recordTransition({
        task: this.task,
        transitionId: this.nextTransitionId(),
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

  /** Delivers every notice due by `now` not yet handled, in chunks, and moves the watermark to `now`. */
  private async deliverDue(now: number): Promise<DeliveredNotice[]> {
    const due = this.plan().filter(({ n }) => Date.parse(n.at) <= now && !this.isHandled(n));
    // What just came goes as planned; what was missed while the workers were down is settled by the
    // policy (stale reminders dropped, a repeated series collapsed to its latest, marked late).
    const fresh = this.planner.dueNow(due, now, this.missedAfterMs);
    const out: DeliveredNotice[] = [];
    for (let i = 0; i < fresh.length; i += DELIVERY_CHUNK) {
      const orders = fresh.slice(i, i + DELIVERY_CHUNK).map(({ a, n }) => noticeOrder(this.task, a, n));
      out.push(...(await this.proxies.delivery.deliverNotices({ task: this.task, orders })));
    }
    const keys = new Set<string>();
    for (const { n } of due) if (Date.parse(n.at) === now) keys.add(noticeIdentity(n));
    this.handledThroughMs = now;
    this.handledKeys = keys;
    return out;
  }

  /**
   * Runs `fn` when no other input or pass is awaiting its activities: both await activities, and
   * one at a time keeps each decision on fresh state (the safe-message-handlers pattern).
   */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.busy);
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }
}
