/**
 * What supervision is named and configured by: the workflow ids (derived from plan and task, so a
 * start is idempotent), the audit action of a schedule, the options of a start and its result.
 */
import type { HolidayOverride } from '../../domain/calendar';
import type { AssignmentRole, SlipColour } from '../../domain/model';
import type { Policy } from '../../domain/policy';
import { ErrorCodes, DubangError } from '../../contracts/errors';

/** Workflow id of a task's lifecycle: `dubang-<planSlug>-task-<n>`. */
export function taskWorkflowId(planSlug: string, task: number): string {
  return `dubang-${planSlug}-task-${task}`;
}

/** Workflow id of a plan's catch-up: fixed, so it runs once per plan however often supervision starts. */
export function catchUpWorkflowId(planSlug: string): string {
  return `dubang-${planSlug}-catchup`;
}

/** Audit action that records when each assignment came under supervision (and the catch-up), so a restart re-plans from the same instants. */
export const SCHEDULED_ACTION = 'supervision.scheduled';

export class SuperviseError extends DubangError {
  static override readonly code = ErrorCodes.SuperviseError;
}

/** What supervision runs under: the frozen policy and holiday override, and when it starts. */
export interface SupervisionOptions {
  planSlug: string;
  zone: string;
  /**
   * config/policy.json as loaded (frozen into each workflow's input). `{}` supervises states and
   * inputs only, with no notice and no catch-up (harnesses that test other parts).
   */
  policy: Policy | Record<string, never>;
  /** config/holidays-override.json as parsed (config/policy-schema.ts readHolidayOverride) */
  holidayOverride?: HolidayOverride | null;
  /** only these task numbers */
  tasks?: number[];
  /**
   * The instant supervision starts at, epoch ms (default: now): what new schedules, the catch-up and
   * each run's first watermark count from. Harnesses that simulate business time pass its start.
   */
  now?: number;
  /**
   * When assignments new to supervision count as made (ISO); default: now. Simulations use it to
   * start supervision inside a plan's life (reports already owed) without replaying its past.
   */
  assignedAt?: string;
  /**
   * `supervise start --notify-roles`: the roles this plan's lifecycles notify instead of the
   * policy's notifyRoles, stored on the plan so every later start keeps them (app/notify-roles.ts).
   * Without it, the roles stored earlier for the plan, else the policy's.
   */
  notifyRoles?: AssignmentRole[];
}

/** How much a catch-up covers: the units and tasks with something overdue, and the 督办单 it issues. */
export interface CatchUpCounts {
  units: number;
  tasks: number;
  slips: number;
  slipColours: Record<SlipColour, number>;
}

export interface StartResult {
  plan: string;
  /** the roles this start's lifecycles notify (the plan's choice, else the policy's); empty with no policy */
  notifyRoles: AssignmentRole[];
  /** where they come from: chosen now (`--notify-roles`), chosen at an earlier start, or the policy file */
  notifyRolesFrom: 'option' | 'plan' | 'policy' | 'none';
  started: string[];
  alreadyRunning: string[];
  /**
   * the catch-up: started now, already run at an earlier start, or none needed; with what it covers
   * and the 督办单 it issues, as planned (the catch-up workflow issues them on the worker, after
   * `supervise start` returns; one whose assignment closed meanwhile is not issued)
   */
  catchUp: { workflowId: string; status: 'started' | 'already' | 'none'; notices: number } & CatchUpCounts;
}
