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
 * - `secondsPolicy(opts?)`: the same policy compressed into seconds (no office hours, every day a
 *   workday) for workflow tests that run in real time.
 */
import { createCalendar, type BusinessCalendar, type HolidayOverride, type Instant } from '../calendar';
import { toMs } from '../calendar';
import type { TaskKind } from '../model';
import { cycleAt } from './periods';
import type { Policy } from './types';

export * from './types';
export * from './periods';
export * from './plan';

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
export function cycleOf(policy: Policy, calendar: BusinessCalendar, at: Instant, kind: TaskKind = 'standing'): number | null {
  const c = policy.kinds[kind].cycle;
  return c ? cycleAt(c, calendar, toMs(at)).cycle : null;
}

/** When the cycle containing `at` ends (epoch ms, exclusive); null if the kind has no cycles. */
export function cycleEndOf(policy: Policy, calendar: BusinessCalendar, at: Instant, kind: TaskKind = 'standing'): number | null {
  const c = policy.kinds[kind].cycle;
  return c ? cycleAt(c, calendar, toMs(at)).endMs : null;
}

/** Options of the compressed policy; every number is seconds. */
export interface SecondsPolicyOptions {
  /** acknowledgement reminder and escalation, after the assignment notice (default 4, 8) */
  ack?: [number, number];
  /** length of a reporting period (default 20) and how long after its end the report is due (default 5) */
  reportEvery?: number;
  reportDueAfter?: number;
  /** report reminder before due (default 2); 催办 levels after due (default 1, 3, 5) */
  reportReminder?: number;
  reportChase?: [number, number, number];
  /** deadline reminders before due (default 6, 3), blue slip before due (default 3) */
  deadlineReminders?: number[];
  stalled?: number | null;
  /** 督办 repeats while overdue (default 4), leadership step after due (default 10), its repeats (default 10) */
  overdueEvery?: number;
  leadershipAfter?: number;
  leadershipEvery?: number;
  /** standing-task cycle length (default 60) and the annual summary before its end (default 10) */
  cycle?: number;
  summaryBeforeEnd?: number;
  /** Office review reminders (default 5, repeat 5) */
  review?: number;
  /** quiet time after a catch-up (default 5) */
  quiet?: number;
}

/**
 * A policy whose every span is seconds, with no office hours and every day a workday: the same
 * engine, run in real time by the workflow integration tests.
 */
export function secondsPolicy(o: SecondsPolicyOptions = {}, zone = 'Asia/Shanghai'): Policy {
  const s = (seconds: number) => ({ seconds });
  const [ack1, ack2] = o.ack ?? [4, 8];
  const chase = o.reportChase ?? [1, 3, 5];
  const review = { within: s(o.review ?? 5), repeat: s(o.review ?? 5), to: ['office' as const] };
  const reports = {
    period: { every: s(o.reportEvery ?? 20) },
    dueAfterEnd: s(o.reportDueAfter ?? 5),
    reminders: [{ before: s(o.reportReminder ?? 2), to: ['liaison' as const] }],
    chase: [
      { after: s(chase[0]), to: ['liaison' as const] },
      { after: s(chase[1]), to: ['leader' as const] },
      { after: s(chase[2]), to: ['office' as const] },
    ],
  };
  const acknowledgement = {
    steps: [
      { after: s(ack1), to: ['liaison' as const] },
      { after: s(ack2), to: ['leader' as const] },
    ],
  };
  const stalled = o.stalled === undefined ? 3 : o.stalled;
  return {
    version: 1,
    calendar: { zone, officeHours: null, workdaysOnly: false },
    notifyRoles: ['LEAD', 'CO'],
    catchUp: { unitTo: ['liaison', 'leader'], summaryTo: ['office'], quietFor: s(o.quiet ?? 5) },
    kinds: {
      deadline: {
        assignment: { to: ['liaison', 'leader'] },
        acknowledgement,
        reports,
        deadline: {
          reminders: (o.deadlineReminders ?? [6, 3]).map((b) => ({ before: s(b), to: ['liaison', 'leader'] })),
          stalled: stalled === null ? null : { before: s(stalled), to: ['liaison', 'leader'], slip: 'BLUE' },
          overdue: { to: ['office', 'leader'], slip: 'ORANGE', every: s(o.overdueEvery ?? 4) },
          leadership: { after: s(o.leadershipAfter ?? 10), to: ['office', 'leader', 'leadership'], slip: 'ORANGE', every: s(o.leadershipEvery ?? 10), repeatSlip: 'RED' },
        },
        cycle: null,
        completionReview: review,
        extensionReview: review,
      },
      standing: {
        assignment: { to: ['liaison', 'leader'] },
        acknowledgement,
        reports,
        deadline: null,
        cycle: { length: s(o.cycle ?? 60), summary: { beforeEnd: s(o.summaryBeforeEnd ?? 10) } },
        completionReview: null,
        extensionReview: null,
      },
    },
  };
}
