/**
 * The seam between the lifecycle workflow and the policy engine (domain/policy) and business
 * calendar (domain/calendar): the only file that knows their API. Pure and sandbox-safe.
 */
import { DateTime } from 'luxon';
import type { AssignmentView } from '../domain/lifecycle';
import type { PlannedNotice } from '../domain/notices';
import type { TaskRef } from './types';

/** The yearly cycle of a standing task: the calendar year in the plan's zone. */
export function cycleOf(zone: string, ms: number): number {
  return DateTime.fromMillis(ms, { zone }).year;
}

/** The first instant of the next cycle (1 January 00:00 in the plan's zone). */
export function cycleEndOf(zone: string, ms: number): number {
  return DateTime.fromMillis(ms, { zone }).startOf('year').plus({ years: 1 }).toMillis();
}

export interface PlanArgs {
  policy: unknown;
  task: TaskRef;
  assignments: AssignmentView[];
  /** notices before this instant are history */
  fromMs: number;
}

/**
 * Every notice of the task from `fromMs` on, in order, each with the assignment it is about (null
 * for notices about the whole task).
 *
 * NOT WIRED YET: the policy engine (domain/policy, issue item 2) had not landed when this was
 * written, so this plans no notice at all. The lifecycle (inputs, states, overdue flags, cycles,
 * Continue-As-New) runs fully; reminders and escalations start when this calls the engine.
 */
export function planNotices(_args: PlanArgs): { a: AssignmentView | null; n: PlannedNotice }[] {
  return [];
}

/** The next office-hours opening at or after `ms`, ISO with offset. */
export function nextOpening(_policy: unknown, ms: number): string {
  return new Date(ms).toISOString();
}
