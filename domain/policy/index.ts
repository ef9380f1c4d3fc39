/**
 * The policy engine: what goes to whom and when. Pure; plain JSON in and out.
 *
 * API summary
 * - Types: `Policy` / `KindPolicy` (types.ts, the shape of config/policy.json), `PlanTask`,
 *   `PlanAssignment` (AssignmentView fields + `assignedAt`, optional `catchUpAt`), `PlannedNotice`
 *   and `CatchUpItem` (domain/notices.ts).
 * - `policyCalendar(policy, override?)` → BusinessCalendar (domain/calendar.ts) for the policy's zone,
 *   office hours and workday rule; build it once per workflow run from JSON in the run's input.
 * - `planAssignmentNotices({task, assignment, policy, calendar, now, horizon?})` → PlannedNotice[]:
 *   every notice for that assignment sending at or after `now` (up to `horizon`, default +400 days;
 *   at most MAX_PER_SERIES future items per repeating series), sorted. A workflow loops: plan →
 *   sleep until the first `at` → deliver the ones due → re-plan (any input, e.g. an approved
 *   extension changing `dueAt`, re-times everything). Notice identity: (assignment, kind, nominalAt).
 * - `settleMissed({missed, calendar, now})` → the notices to send now for moments that passed while
 *   the workers were down (stale reminders dropped, repeated series collapsed, `late: true`).
 * - `planCatchUp({entries, policy, calendar, now})` → {notices, items, at, covered, slips}: one
 *   catchup_unit per unit and one catchup_summary, at the next opening, and one 督办单 per covered
 *   assignment whose deadline is past; pass `catchUpAt: at` on each covered assignment so it skips
 *   its assignment notice/ack chase and keeps 督办/催办 quiet for a while, and `catchUpSlip` (from
 *   `catchUpSlipColours`) so its ladder never issues a second slip at the catch-up moment.
 * - `overdueItems(...)`, `deadlineSlipAt(kp, cal, dueMs, atMs)`, `isStalled(a)`, `worstSlip(...)`.
 * - `previewPlan({tasks, policy, calendar, asOf, horizonDays?})` → {notices, catchUp, catchUpSlips, warnings}:
 *   the whole plan as if supervision started at `asOf` (for `dubang plan preview --as-of`).
 * - Periods and cycles: `reportPeriods(kindPolicy, cal, fromMs, toMs)` (2026Q3 due the end of the
 *   10th day after the quarter), `cycleAt(cyclePolicy, cal, atMs)` / `cycleOf` / `cycleEndOf`
 *   (standing tasks: local years, or fixed seconds), `cycleSummary(...)` (2026Y due 10 Dec).
 * - `isPolicy(p)`: tells a policy from the `{}` of runs without one.
 *
 * Test-only: `secondsPolicy(opts?)` (the same policy compressed into seconds) lives in ./testing.ts,
 * which only test/ and bench/ may import (eslint.config.mjs); it is not exported from here.
 */
import { createCalendar, type BusinessCalendar, type HolidayOverride, type Instant } from '../calendar';
import { toMs } from '../calendar';
import type { TaskKind } from '../model';
import { cycleAt } from './periods';
import type { Policy } from './types';

export * from './types';
export * from './periods';
export * from './plan';
export * from './catch-up';
export * from './preview';
export * from './kind';
export * from './reporting';

/** Whether `p` looks like a policy (config/policy.json validated it; this only tells a policy from `{}`). */
export function isPolicy(p: unknown): p is Policy {
  const x = p as Partial<Policy> | null;
  return typeof x === 'object' && x !== null && typeof x.calendar === 'object' && typeof x.kinds === 'object';
}

/** The business calendar a policy runs under. `override` is config/holidays-override.json, parsed. */
export function policyCalendar(policy: Pick<Policy, 'calendar'>, override?: HolidayOverride | null): BusinessCalendar {
  return createCalendar({ ...policy.calendar, override: override ?? null });
}

/** The cycle number of a standing task at `at` (the local year, or the fixed-length index); null if the kind has no cycles. */
export function cycleOf(
  policy: Policy,
  calendar: BusinessCalendar,
  at: Instant,
  kind: TaskKind = 'standing',
): number | null {
  const c = policy.kinds[kind].cycle;
  return c ? cycleAt(c, calendar, toMs(at)).cycle : null;
}

/** When the cycle containing `at` ends (epoch ms, exclusive); null if the kind has no cycles. */
export function cycleEndOf(
  policy: Policy,
  calendar: BusinessCalendar,
  at: Instant,
  kind: TaskKind = 'standing',
): number | null {
  const c = policy.kinds[kind].cycle;
  return c ? cycleAt(c, calendar, toMs(at)).endMs : null;
}
