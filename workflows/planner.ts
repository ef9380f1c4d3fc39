/**
 * The seam between the lifecycle workflow and the policy engine (domain/policy) and business
 * calendar (domain/calendar): the only workflow file that knows their API. Pure and sandbox-safe:
 * the calendar is built from the frozen policy and the parsed holiday override carried in the
 * workflow input (plain JSON), never from config or the clock.
 */
import { DateTime } from 'luxon';
import type { HolidayOverride } from '../domain/calendar';
import type { AssignmentView } from '../domain/lifecycle';
import { BEFORE_DUE_KINDS, noticeIdentity, type PlannedNotice } from '../domain/notices';
import {
  compareNotices,
  cycleAt,
  cycleEndOf as policyCycleEndOf,
  cycleOf as policyCycleOf,
  isPolicy,
  planAssignmentNotices,
  policyCalendar,
  reportPeriods,
  settleMissed,
  type PlanAssignment,
  type Policy,
} from '../domain/policy';
import type { AssignmentSchedule, TaskRef } from '../contracts/workflows';

const DAY_MS = 86_400_000;
/** How far ahead a calendar policy (workdays, months) is planned: past every quarter and yearly cycle. */
const CALENDAR_HORIZON_MS = 400 * DAY_MS;
/**
 * How far ahead a compressed policy (spans in seconds, for real-time tests and simulations) is
 * planned. Periods of a few seconds over 400 days would be millions of items; ten minutes is far
 * past anything such a run waits for, and the workflow re-plans when the horizon is reached.
 */
const SECONDS_HORIZON_MS = 10 * 60_000;

/** One notice of the task, with the assignment it is about (null for notices about the whole task). */
export interface TaskNotice {
  a: AssignmentView | null;
  n: PlannedNotice;
}

export interface PlanArgs {
  task: TaskRef;
  assignments: AssignmentView[];
  /** assignedAt / catchUpAt by assignment id; an assignment missing here counts as assigned at `defaultAssignedAt` */
  schedule: Record<string, AssignmentSchedule>;
  defaultAssignedAt: string;
  /** notices sending before this instant are history */
  fromMs: number;
}

/** When a reporting period opens: the first instant a unit may report it. */
export interface PeriodOpening {
  /** the period's start, epoch ms (+Infinity for a label too large to have one) */
  atMs: number;
  /** that instant as the unit reads it: 2030年1月1日 (quarters, years), 2025年11月3日 10:00:04 (fixed-length periods); null with +Infinity */
  text: string | null;
}

/** Everything the workflow asks of the policy, bound to one frozen policy and calendar. */
export interface Planner {
  /** null: the run has no policy and plans nothing */
  readonly policy: Policy | null;
  /** how far ahead `planNotices` looks (ms); the workflow wakes at the end of it to plan further (Infinity: never) */
  readonly horizonMs: number;
  /** every notice of the task sending in [fromMs, fromMs + horizon], sorted */
  planNotices(args: PlanArgs): TaskNotice[];
  /** the next office-hours opening at or after `ms`, ISO with offset */
  nextOpening(ms: number): string;
  /** the yearly (or fixed-length) cycle of a standing task at `ms`; null if the kind has none */
  cycleOf(kind: TaskRef['kind'], ms: number): number | null;
  /** the first instant after the cycle containing `ms` (epoch ms); null if the kind has none */
  cycleEndOf(kind: TaskRef['kind'], ms: number): number | null;
  /**
   * The notices to carry out now, of those due by `now`: the ones whose moment has just come go as
   * planned; the ones whose moment passed more than `graceMs` ago (the workers were down across it)
   * are settled by the policy (docs/reliability.md row 7): stale reminders dropped, a series missed several
   * times collapsed to its latest, the rest marked `late` and sent at the next opening.
   */
  dueNow(due: TaskNotice[], now: number, graceMs: number): TaskNotice[];
  /**
   * When the report period `period` (a well-formed label, domain/lifecycle REPORT_PERIOD) opens for
   * an assignment made at `assignedAtMs`, counted as the policy counts it: 2026Q3 and 2026Y are the
   * calendar quarter, month and year in the policy's zone (domain/policy reportPeriods, cycleAt); P<k> is
   * the k-th fixed-length period from the assignment instant and C<n> the n-th fixed-length cycle
   * from the epoch. null when the policy does not count such periods (P<k> under quarterly reports,
   * C<n> without fixed-length cycles): nothing tells when it opens.
   */
  periodOpening(kind: TaskRef['kind'], period: string, assignedAtMs: number): PeriodOpening | null;
}

/**
 * Whether a policy counts any span in seconds (a compressed policy: the tests' secondsPolicy,
 * domain/policy/testing.ts, or a simulation's), which is planned SECONDS_HORIZON_MS ahead instead of
 * CALENDAR_HORIZON_MS. Policies carry no field that says so, and the ones frozen into running
 * workflows and saved histories never will; so it is read from the content, and with this exact
 * test, kept as it always was so every recorded run plans the same horizon on replay.
 */
function countsSpansInSeconds(policy: Policy): boolean {
  return JSON.stringify(policy).includes('"seconds"');
}

/** The first day of a calendar period label (2026Q3, 2026M03, 2026Y), as a local date and as the unit reads it; null for other labels. */
function calendarPeriodStart(period: string): { date: string; text: string } | null {
  const m = /^(\d{4})(?:Q([1-4])|M(0[1-9]|1[0-2])|Y)$/.exec(period);
  if (!m) return null;
  const month = m[2] ? (Number(m[2]) - 1) * 3 + 1 : m[3] ? Number(m[3]) : 1;
  return { date: `${m[1]}-${String(month).padStart(2, '0')}-01`, text: `${Number(m[1])}年${month}月1日` };
}

/** Latest instant a JS Date can hold: a fixed-length label beyond it never opens. */
const MAX_DATE_MS = 8.64e15;

/** An instant a fixed-length period opens at, as the unit reads it in `zone` (to the second: such periods last seconds). */
function instantOpening(ms: number, zone: string): PeriodOpening {
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return { atMs: Number.POSITIVE_INFINITY, text: null };
  return { atMs: ms, text: DateTime.fromMillis(ms, { zone }).toFormat('yyyy年M月d日 HH:mm:ss') };
}

/**
 * The planner of a run without a policy (`{}`: lifecycles started before the engine was wired, and
 * harnesses that test other parts): no notices, calendar years in the task's zone as cycles, and
 * no horizon wake-up — exactly what such runs did, so their histories still replay.
 */
function lifecycleOnlyPlanner(zone: string): Planner {
  const year = (ms: number) => DateTime.fromMillis(ms, { zone }).year;
  return {
    policy: null,
    horizonMs: Number.POSITIVE_INFINITY,
    planNotices: () => [],
    nextOpening: (ms) => new Date(ms).toISOString(),
    cycleOf: (kind, ms) => (kind === 'standing' ? year(ms) : null),
    cycleEndOf: (kind, ms) =>
      kind === 'standing' ? DateTime.fromMillis(ms, { zone }).startOf('year').plus({ years: 1 }).toMillis() : null,
    dueNow: (due) => due,
    // quarters and years in the task's zone; fixed-length labels mean nothing without a policy
    periodOpening: (_kind, period) => {
      const day = calendarPeriodStart(period);
      return day ? { atMs: DateTime.fromISO(day.date, { zone }).toMillis(), text: day.text } : null;
    },
  };
}

/**
 * Builds the planner of one workflow run (the calendar once, not per wake-up). `zone` is the task's
 * zone, used only when `policy` is not a policy (see lifecycleOnlyPlanner).
 */
export function createPlanner(
  policy: unknown,
  override: HolidayOverride | null | undefined,
  zone = 'Asia/Shanghai',
): Planner {
  if (!isPolicy(policy)) return lifecycleOnlyPlanner(zone);
  const calendar = policyCalendar(policy, override ?? null);
  const horizonMs = countsSpansInSeconds(policy) ? SECONDS_HORIZON_MS : CALENDAR_HORIZON_MS;
  return {
    policy,
    horizonMs,
    planNotices({ task, assignments, schedule, defaultAssignedAt, fromMs }) {
      const out: TaskNotice[] = [];
      for (const a of assignments) {
        const s = schedule[a.assignmentId];
        const pa: PlanAssignment = {
          unit: a.unit,
          role: a.role,
          state: a.state,
          assignedAt: s?.assignedAt ?? defaultAssignedAt,
          acknowledgedAt: a.acknowledgedAt,
          dueAt: a.dueAt,
          originalDueAt: a.originalDueAt,
          reportedPeriods: a.reportedPeriods,
          completionRequestedAt: a.completionRequestedAt,
          pendingExtension: a.pendingExtension
            ? { requestedDueAt: a.pendingExtension.requestedDueAt, requestedAt: a.pendingExtension.requestedAt }
            : null,
          catchUpAt: s?.catchUpAt ?? null,
          catchUpSlip: s?.catchUpSlip ?? null,
        };
        const notices = planAssignmentNotices({
          task: {
            number: task.number,
            kind: task.kind,
            dueAt: task.dueAt,
            text: task.text,
            ...(task.cadence ? { cadence: task.cadence } : {}),
          },
          assignment: pa,
          policy,
          calendar,
          now: fromMs,
          horizon: fromMs + horizonMs,
        });
        for (const n of notices) out.push({ a, n });
      }
      return out.sort((x, y) => compareNotices(x.n, y.n));
    },
    nextOpening(ms) {
      return calendar.toIso(calendar.nextOpening(ms));
    },
    cycleOf(kind, ms) {
      return policyCycleOf(policy, calendar, ms, kind);
    },
    cycleEndOf(kind, ms) {
      return policyCycleEndOf(policy, calendar, ms, kind);
    },
    dueNow(due, now, graceMs) {
      const onTime = due.filter(({ n }) => Date.parse(n.at) >= now - graceMs);
      const missed = due.filter(({ n }) => Date.parse(n.at) < now - graceMs);
      // A reminder whose subject moment has passed is stale even when its own moment just came.
      const fresh = onTime.filter(
        ({ n }) => !(BEFORE_DUE_KINDS.has(n.kind) && n.dueAt !== undefined && Date.parse(n.dueAt) < now),
      );
      if (!missed.length) return fresh;
      const byId = new Map(missed.map((x) => [noticeIdentity(x.n), x.a]));
      const settled = settleMissed({ missed: missed.map((x) => x.n), calendar, now }).map((n) => ({
        a: byId.get(noticeIdentity(n)) ?? null,
        n,
      }));
      return [...settled, ...fresh].sort((x, y) => compareNotices(x.n, y.n));
    },
    periodOpening(kind, period, assignedAtMs) {
      const day = calendarPeriodStart(period);
      // the first day of the quarter or year, as reportPeriods and cycleAt start them
      if (day) return { atMs: calendar.startOfDay(day.date), text: day.text };
      const kp = policy.kinds[kind];
      const p = /^P(\d+)$/.exec(period);
      if (p && kp.reports && 'every' in kp.reports.period) {
        // P1 starts at the assignment instant and every period is as long as it (reportPeriods)
        const [first] = reportPeriods(kp, calendar, assignedAtMs, assignedAtMs + 1);
        return first
          ? instantOpening(first.startMs + (Number(p[1]) - 1) * (first.endMs - first.startMs), calendar.zone)
          : null;
      }
      const c = /^C(\d+)$/.exec(period);
      if (c && kp.cycle && kp.cycle.length !== 'year') {
        // cycle n spans [n·len, (n+1)·len) from the epoch (cycleAt); cycle 0 gives the length
        const zero = cycleAt(kp.cycle, calendar, 0);
        return instantOpening(Number(c[1]) * (zero.endMs - zero.startMs), calendar.zone);
      }
      return null;
    },
  };
}
