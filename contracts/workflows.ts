/**
 * Contract of the task lifecycle and catch-up workflows (workflows/) with their activities
 * (activities/lifecycle.ts, activities/catch-up.ts) and their clients (app/supervise.ts,
 * app/tasks.ts): the workflow and query names, and the payload types of the workflows, their
 * updates, queries and activities. Types and constants only. Plain JSON, one object per call;
 * evolve only by adding optional fields (histories already recorded must still decode).
 */
import type { HolidayOverride } from '../domain/calendar';
import type { AssignmentView, LifecycleInput } from '../domain/lifecycle';
import type { AuditAction } from '../domain/audit-actions';
import type { SlipColour, TaskKind } from '../domain/model';
import type { Cadence } from '../domain/deadline';
import type { NoticeKind, PlannedNotice } from '../domain/notices';

/** Workflow type names, for clients that start a workflow by name (the functions in workflows/ bear them). */
export const TASK_LIFECYCLE_WORKFLOW = 'taskLifecycle';
export const SUPERVISION_CATCH_UP_WORKFLOW = 'supervisionCatchUp';

/** Query names of `taskLifecycle`: `state` answers LifecycleState, `upcoming` the PlannedNotice[] still to come. */
export const LIFECYCLE_QUERY = { state: 'state', upcoming: 'upcoming' } as const;

/** What the workflow needs about its task; frozen at start (a plan revision restarts the workflow). */
export interface TaskRef {
  planId: string;
  planSlug: string;
  taskId: string;
  number: number;
  kind: TaskKind;
  /** the task text, for notices */
  text: string;
  /** the due instant the plan set, ISO; null for standing tasks */
  dueAt: string | null;
  /** IANA zone of the plan (cycles are calendar years there) */
  zone: string;
  /** a recurring standing task (每年 / 每季度 / 每月) reports at this cadence; absent otherwise (and in runs started before cadences) */
  cadence?: Cadence | null;
}

/** When an assignment was made and whether catch-up covered it: what the policy plans from (AssignmentView has neither). */
export interface AssignmentSchedule {
  /** when the assignment was made (supervision start, or the reassignment), ISO with offset */
  assignedAt: string;
  /** the send instant of the catch-up notice that covered it (no assignment notice, quiet 督办/催办 for a while), ISO */
  catchUpAt?: string | null;
  /** the colour of the 督办单 that catch-up issued for it: no 督办 of its own at or before `catchUpAt` (absent in schedules recorded before catch-up issued slips) */
  catchUpSlip?: SlipColour | null;
}

/**
 * Input of `taskLifecycle`. The policy is frozen into it: a policy change applies to new runs only.
 * Business time is workflow time; harnesses that simulate it extend this input (contracts/testing.ts).
 */
export interface TaskLifecycleInput {
  task: TaskRef;
  /** the policy this execution runs under (config/policy.json at `supervise start`), frozen */
  policy: unknown;
  /** every assignment of the task, implicit units included, in their current state */
  assignments: AssignmentView[];
  /**
   * Notices planned at or before this instant (epoch ms) are never sent individually: at the first
   * start it is the start instant (catch-up replaces the historical burst with consolidated notices);
   * across Continue-As-New it is the last moment already handled.
   */
  handledThroughMs?: number;
  /** yearly cycle of a standing task (the year in the plan's zone); null for deadline tasks */
  cycle?: number | null;
  /** how many runs came before this one (Continue-As-New count) */
  run?: number;
  /** keys of the notices already delivered at `handledThroughMs` exactly, so a boundary moment is not sent twice */
  handledKeys?: string[];
  /** config/holidays-override.json, parsed: the workflow builds its business calendar from it and `policy.calendar` */
  holidayOverride?: HolidayOverride | null;
  /** assignedAt / catchUpAt by assignment id; an assignment missing here counts as assigned when the first run started */
  schedule?: Record<string, AssignmentSchedule>;
  /** default assignedAt (ISO) of assignments missing from `schedule`: the first run's start; carried across Continue-As-New */
  assignedAt?: string;
}

/** Input of `supervisionCatchUp`: the consolidated notices `supervise start` planned (domain/policy planCatchUp). */
export interface CatchUpInput {
  planId: string;
  planSlug: string;
  orders: NoticeOrder[];
}

/** What the catch-up delivered. */
export interface CatchUpResult {
  submitted: number;
  alreadyThere: number;
  /** 督办单 the catch-up issued or found already issued (one per overdue assignment it covers) */
  slips?: number;
}

/** One input from a unit or the Office, as an update argument. */
export type InputArgs<T extends LifecycleInput['type']> = Omit<Extract<LifecycleInput, { type: T }>, 'type'> & {
  /** the unit whose assignment it concerns: canonical name or unit id */
  unit: string;
  /** who acted: "office:<email>", "unit:<assignmentId>", "cli" */
  actor?: string;
};

/** The answer of every accepted update. */
export interface InputResult {
  task: number;
  unit: string;
  action: AuditAction;
  state: AssignmentView['state'];
  dueAt: string | null;
  /** for reassign: the new unit's assignment */
  newAssignmentId?: string;
}

/** A notice the workflow hands to the delivery activity, resolved to its assignment and key. */
export interface NoticeOrder {
  key: string;
  assignmentId: string | null;
  scope: string | null;
  notice: PlannedNotice;
  /** payload fields beyond the planned notice (a decision's action and reason) */
  extra?: { decision?: string; reason?: string | null };
}

export interface DeliverNoticesArgs {
  task: TaskRef;
  orders: NoticeOrder[];
}

export interface DeliveredNotice {
  key: string;
  noticeId: string | null;
  created: boolean;
  /** number of the 督办单 issued or cited, e.g. 督〔2026〕0001号 */
  slip: string | null;
  /** catch-up notices: the numbers of every 督办单 they cite (one per overdue item) */
  slips?: string[];
  /** why it was not submitted (the send-time guard found the assignment closed) */
  skipped?: string;
}

export interface RecordTransitionArgs {
  task: TaskRef;
  /** deterministic per workflow execution and input: a retried activity writes nothing twice */
  transitionId: string;
  actor: string;
  action: AuditAction;
  input: LifecycleInput | { type: 'overdue' };
  before: AssignmentView;
  after: AssignmentView;
  at: string;
}

export interface RecordTransitionResult {
  /** for reassign: the assignment created (or re-opened) for the new unit */
  created: AssignmentView | null;
}

/** Query result: the task's state now. */
export interface LifecycleState {
  task: TaskRef;
  cycle: number | null;
  run: number;
  assignments: AssignmentView[];
  /** when the workflow will next wake for a notice, ISO; null when nothing is planned */
  nextWakeAt: string | null;
  handledThrough: string;
}

/** The activities the lifecycle calls (implemented by activities/lifecycle.ts; declared here so workflow code imports no activity module). */
export interface LifecycleActivities {
  recordTransition(args: RecordTransitionArgs): Promise<RecordTransitionResult>;
  deliverNotices(args: DeliverNoticesArgs): Promise<DeliveredNotice[]>;
  cancelPendingNotices(args: { assignmentId: string; kinds?: NoticeKind[] }): Promise<number>;
  /** submits notices about the whole plan (catch-up), not tied to one task; idempotent by key */
  submitPlanNotices(args: CatchUpInput): Promise<DeliveredNotice[]>;
}
