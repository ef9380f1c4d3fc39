/**
 * Traffic lights (docs/product.md#interfaces): green on track; yellow when the deadline is within 7
 * days or a report is late; red when overdue; grey once closed (completed or cancelled). The rule
 * runs in SQL (queries.ts) for volume; this file holds its parameters, computed from `now` and the
 * configured reporting policy (config/policy.json with config/holidays-override.json, the same
 * policy and business calendar the lifecycle workflows plan their report reminders and 催办 with).
 *
 * "A report late": the most recent report whose due moment has passed is missing, among the reports
 * the lifecycle asks of the assignment (domain/policy `reportPeriods`, `cycleAt`/`cycleSummary`, as
 * in `planAssignmentNotices`), for each task kind:
 * - periodic reports (`reports.period`): calendar quarters ({quarterly: true}, 2026Q3), due
 *   `reports.dueAfterEnd` after the quarter (the default policy: by the end of the 10th day;
 *   workday spans skip holidays and count 调休 days); or fixed-length periods counted from the
 *   assignment ({every: span}, P1, P2 …, test policies);
 * - a standing task's annual summary (`cycle.summary`, 2026Y due by the end of 12-10 by default).
 * A standing task owes both in the default policy, so its most recent past-due report is whichever
 * of the two fell due last. Like the lifecycle, the rule counts from when supervision of the
 * assignment started (`Assignment.supervisedFrom`, the schedule's assignedAt: set by `supervise
 * start`, or by the reassignment that made it): an assignment owes a period's report only if it was
 * supervised when the period ended, and an annual summary only if it was at its due moment (a plan
 * supervised late does not start yellow). An assignment not yet supervised owes nothing: no
 * reminder or 催办 was ever sent for it. Nothing is asked while the Office decides a completion request.
 *
 * A recurring task (Task.cadence: 每月, 每年) owes its cadence's reports instead (domain/policy
 * kindPolicy): months (2026M03) and the annual summary, or the annual summary only; `cadenceReports`
 * holds the rule of each cadence whose reports differ from the standing ones'.
 *
 * A difference from the lifecycle that remains: the lifecycle keeps the policy frozen at its start,
 * the dashboard reads the current config.
 */
import type { BusinessCalendar, HolidayOverride } from '../../domain/calendar';
import type { TaskKind } from '../../domain/model';
import type { Cadence } from '../../domain/deadline';
import {
  cycleAt,
  cycleSummary,
  kindPolicy,
  policyCalendar,
  reportPeriods,
  type KindPolicy,
  type Policy,
  type ReportPeriod,
} from '../../domain/policy';

export type Light = 'red' | 'yellow' | 'green' | 'grey';

export const LIGHTS: readonly Light[] = ['red', 'yellow', 'green', 'grey'];

/** Chinese labels shown next to the colour (the colour alone is not enough for everyone). */
export const LIGHT_LABELS: Record<Light, string> = {
  red: '逾期',
  yellow: '临期/报告逾期',
  green: '正常推进',
  grey: '已关闭',
};

/** Days before the deadline when a task turns yellow. */
export const YELLOW_WITHIN_DAYS = 7;

export const TASK_KINDS: readonly TaskKind[] = ['deadline', 'standing'];

/** What the report rule runs under: the configured policy and its business calendar (holiday override included). */
export interface LightPolicy {
  readonly policy: Policy;
  readonly calendar: BusinessCalendar;
}

/**
 * The light policy from config: `policy` is config/policy.json as loaded, `override` the parsed
 * config/holidays-override.json (config/policy-schema.ts readHolidayOverride), exactly what
 * supervision hands the lifecycle workflows. Builds the calendar once.
 */
export function lightPolicy(policy: Policy, override?: HolidayOverride | null): LightPolicy {
  return { policy, calendar: policyCalendar(policy, override ?? null) };
}

/** A report due on the policy's calendar, the same for every assignment of the kind (a quarter, an annual summary). */
export interface FixedReport {
  /** 2026Q3, 2026Y, C12 */
  period: string;
  dueAt: Date;
  /** assignments supervised from before this instant owe it: the period's end; for an annual summary, just after its due moment */
  owedBefore: Date;
  /**
   * With periods counted from each assignment (`rolling`): a period of the assignment ending at or
   * after this instant falls due after this report, so it is the more recent one. Null otherwise.
   */
  rollingFrom: Date | null;
}

/** Periods counted from each assignment's `supervisedFrom` ({every: span}), labelled P1, P2 …; per row in SQL. */
export interface RollingReports {
  lengthMs: number;
  /** a period ending before this instant is past due (its due moment is before `now`) */
  pastDueBefore: Date;
}

/** The report rule of one task kind at `now`. */
export interface ReportRule {
  /**
   * The most recent past-due fixed report first. Each later entry applies only to assignments too
   * new to owe the ones before it (supervised from or after their `owedBefore`); usually one entry.
   */
  fixed: FixedReport[];
  rolling: RollingReports | null;
}

export interface LightParams {
  now: Date;
  /** now + 7 days */
  soon: Date;
  /** per task kind: which report, if missing, makes an open assignment yellow */
  reports: Record<TaskKind, ReportRule>;
  /** recurring standing tasks whose cadence's reports differ from the standing ones' (每月, 每年) */
  cadenceReports?: Partial<Record<Cadence, ReportRule>>;
}

const CADENCES: readonly Cadence[] = ['month', 'quarter', 'year'];

const DAY_MS = 86_400_000;
const YEAR_MS = 366 * DAY_MS;

/** The light parameters at `nowMs` under the configured policy. */
export function lightParams(nowMs: number, lp: LightPolicy): LightParams {
  const cal = lp.calendar;
  const standing = reportRule(lp.policy.kinds.standing, cal, nowMs);
  const cadenceReports: Partial<Record<Cadence, ReportRule>> = {};
  for (const c of CADENCES) {
    const kp = kindPolicy(lp.policy, 'standing', c);
    if (kp === lp.policy.kinds.standing) continue;
    const rule = reportRule(kp, cal, nowMs);
    if (JSON.stringify(rule) !== JSON.stringify(standing)) cadenceReports[c] = rule;
  }
  return {
    now: new Date(nowMs),
    soon: new Date(cal.addSpan(nowMs, { days: YELLOW_WITHIN_DAYS }, 1)),
    reports: { deadline: reportRule(lp.policy.kinds.deadline, cal, nowMs), standing },
    cadenceReports,
  };
}

/** The report rule of one kind at `nowMs`. */
export function reportRule(kp: KindPolicy, cal: BusinessCalendar, nowMs: number): ReportRule {
  const candidates: ReportPeriod[] = [];
  // calendar periods (quarters, months) are the same for every assignment; fixed-length ones roll
  const periodic = kp.reports && !kp.reports.summaryOnly ? kp.reports : null;
  const quarterly = periodic && !('every' in periodic.period);
  if (quarterly) {
    const q = lastPastDueQuarter(kp, cal, nowMs);
    if (q) candidates.push(q);
  }
  if (kp.cycle) {
    const s = lastPastDueSummary(kp, cal, nowMs);
    if (s) candidates.push(s);
  }
  const rolling = periodic && !quarterly ? rollingPeriods(kp, cal) : null;
  candidates.sort((a, b) => b.dueMs - a.dueMs);
  const fixed: FixedReport[] = [];
  let reach = Number.NEGATIVE_INFINITY;
  for (const p of candidates) {
    // as in domain/policy owedReports: periods from the one containing the assignment instant;
    // summaries of cycles not over yet when it was made, and not yet due then
    const owedBefore = p.summary ? Math.min(p.dueMs + 1, p.endMs) : p.endMs;
    if (owedBefore <= reach) continue; // whoever owes it owes a more recent one
    fixed.push({
      period: p.period,
      dueAt: new Date(p.dueMs),
      owedBefore: new Date(owedBefore),
      rollingFrom: rolling ? new Date(rolling.firstEndDueAtLeast(p.dueMs + 1)) : null,
    });
    reach = owedBefore;
  }
  return {
    fixed,
    rolling: rolling
      ? { lengthMs: rolling.lengthMs, pastDueBefore: new Date(rolling.firstEndDueAtLeast(nowMs)) }
      : null,
  };
}

/** The quarter (or month) whose report fell due last before `nowMs` (reportPeriods, the lifecycle's own periods). */
function lastPastDueQuarter(kp: KindPolicy, cal: BusinessCalendar, nowMs: number): ReportPeriod | null {
  // due instants grow with the quarter, so the last past-due one is the last of the list; look
  // further back only for a policy whose reports fall due years after the quarter
  for (let back = YEAR_MS; back <= 128 * YEAR_MS; back *= 2) {
    const past = reportPeriods(kp, cal, nowMs - back, nowMs + 1).filter((p) => p.dueMs < nowMs);
    if (past.length) return past[past.length - 1]!;
  }
  return null;
}

/** The annual summary that fell due last before `nowMs` (cycleAt/cycleSummary, as cycleSummaries walks them). */
function lastPastDueSummary(kp: KindPolicy, cal: BusinessCalendar, nowMs: number): ReportPeriod | null {
  const c = kp.cycle!;
  let b = cycleAt(c, cal, nowMs);
  // a summary falls due within its cycle, so the current cycle or one of the two before has it
  for (let i = 0; i < 3; i++) {
    const s = cycleSummary(c, cal, b);
    if (!s) return null;
    if (s.dueMs < nowMs) return s;
    b = cycleAt(c, cal, b.startMs - 1);
  }
  return null;
}

/**
 * Fixed-length periods counted from each assignment: their length, and the earliest period end
 * whose due moment is at or after `t` (period ends before it are due before `t`). Due moments come
 * from reportPeriods itself and grow with the period's end, so a binary search finds it.
 */
function rollingPeriods(
  kp: KindPolicy,
  cal: BusinessCalendar,
): { lengthMs: number; firstEndDueAtLeast(t: number): number } {
  const one = reportPeriods(kp, cal, 0, 1)[0]!;
  const lengthMs = one.endMs - one.startMs;
  const dueOfEnd = (endMs: number) => reportPeriods(kp, cal, endMs - lengthMs, endMs - lengthMs + 1)[0]!.dueMs;
  return {
    lengthMs,
    firstEndDueAtLeast(t: number): number {
      let hi = t + 1; // a report is never due before the last moment of its period
      let step = DAY_MS;
      let lo = t - step;
      while (dueOfEnd(lo) >= t) {
        if (step > 128 * YEAR_MS)
          throw new Error(`reports.dueAfterEnd: no period ends more than a century before its report is due`);
        step *= 2;
        lo = t - step;
      }
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (dueOfEnd(mid) >= t) hi = mid;
        else lo = mid;
      }
      return hi;
    },
  };
}

/** The worst light of several (a task's light is its worst open assignment's). */
export function worst(lights: Iterable<Light>): Light {
  const rank: Record<Light, number> = { red: 3, yellow: 2, green: 1, grey: 0 };
  let w: Light = 'grey';
  for (const l of lights) if (rank[l] > rank[w]) w = l;
  return w;
}
