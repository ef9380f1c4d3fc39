/**
 * The reminder and escalation policy as data (config/policy.json, validated by config/policy-schema.ts).
 * Every number is configurable and every span is a `Span`: {workdays} | {days} | {months} |
 * {seconds}. The same engine runs the real policy (workdays, office hours) and a compressed one in
 * seconds for real-time workflow tests (office hours null, workdaysOnly false).
 *
 * Anchoring rules (why spans of the same size can land at different clock times):
 * - Spans relative to a DUE instant (report due, deadline) that are counted in workdays/days/months
 *   are counted from the office opening on the due date, so "1 workday after a report due on
 *   10 Jan" is 09:00 on the next workday, not 23:59 of it. Seconds spans count from the instant.
 * - Spans relative to an EVENT (the assignment notice going out, a completion or extension
 *   request) are counted from the event and keep its time of day.
 * - Every planned moment is then moved to the next office opening on a workday.
 */
import type { CalendarSpec, Span } from '../calendar';
import type { Cadence } from '../deadline';
import type { AssignmentRole, SlipColour } from '../model';
import type { RecipientRole } from '../notices';

/** A step of a chase or ladder: how long after its anchor, and to whom. */
export interface PolicyStep {
  after: Span;
  to: RecipientRole[];
}

/** A reminder ahead of a due instant. */
export interface PolicyReminder {
  before: Span;
  to: RecipientRole[];
}

/** How reporting periods are cut. */
export type ReportPeriodRule =
  /** calendar quarters in the policy zone, labelled 2026Q3 */
  | { quarterly: true }
  /** calendar months in the policy zone, labelled 2026M03 (recurring 每月 tasks) */
  | { monthly: true }
  /** fixed-length periods from the assignment instant, labelled P1, P2 … (real-time tests) */
  | { every: Span };

export interface ReportPolicy {
  period: ReportPeriodRule;
  /**
   * A period's report is due this long after the period ends; for calendar spans the due instant
   * is the end of that day (quarterly + {days: 10} → 10 Apr 23:59:59.999 for Q1).
   */
  dueAfterEnd: Span;
  /** reminders ahead of each report due instant (report_reminder) */
  reminders: PolicyReminder[];
  /** 催办 after a report is missing, each counted from the due instant; level = position + 1 */
  chase: PolicyStep[];
  /**
   * No period reports: the reminders and 催办 are the annual summary's only (a recurring 每年 task,
   * set by kindPolicy from `cadences.year: null`; not written in config/policy.json).
   */
  summaryOnly?: true;
}

/**
 * How a recurring standing task (每年 / 每季度 / 每月, domain/deadline.ts `Cadence`) reports instead
 * of the kind's own `reports.period`: its periods and when each falls due; reminders and 催办 are
 * the kind's `reports` ones. null: no period reports, the cycle's annual summary only (每年).
 */
export interface CadencePolicy {
  period: ReportPeriodRule;
  dueAfterEnd: Span;
}

/** The yearly cycle of a standing (长期) task. */
export interface CyclePolicy {
  /** calendar years in the policy zone, or fixed lengths counted from the Unix epoch (tests) */
  length: 'year' | Span;
  /** the annual summary report (period 2026Y, or C<n> for fixed-length cycles); reminders and chase as for reports */
  summary:
    /** due at the end of this day of each cycle year, MM-DD (default 12-10) */
    | { due: string }
    /** due this long before the cycle ends (fixed-length cycles) */
    | { beforeEnd: Span }
    | null;
}

/** What happens around a deadline task's due instant. */
export interface DeadlinePolicy {
  /** deadline_reminder ahead of the due instant (30 days, 7 days, 1 workday) */
  reminders: PolicyReminder[];
  /** a blue 督办单 ahead of the due instant when nothing has moved (not acknowledged, or no report and no completion request) */
  stalled: { before: Span; to: RecipientRole[]; slip: SlipColour } | null;
  /** the first 督办 just after the due instant, repeated `every` (from the first one) until the leadership step */
  overdue: { to: RecipientRole[]; slip: SlipColour; every: Span | null };
  /** escalation to leadership `after` the due instant; then repeated `every` with `repeatSlip` (red) */
  leadership: { after: Span; to: RecipientRole[]; slip: SlipColour; every: Span | null; repeatSlip: SlipColour } | null;
}

/** A reminder to the Office to decide a pending request, `within` after it, then `repeat`. */
export interface ReviewPolicy {
  within: Span;
  repeat: Span | null;
  to: RecipientRole[];
}

/** The policy for one task kind. Sections that do not apply are null. */
export interface KindPolicy {
  assignment: { to: RecipientRole[] };
  /** while not acknowledged: steps counted from the assignment notice; the first is ack_reminder, later ones ack_escalation */
  acknowledgement: { steps: PolicyStep[] };
  reports: ReportPolicy | null;
  /**
   * Recurring tasks (standing only): the reports of each cadence. A cadence missing here (and every
   * policy frozen before cadences existed) reports as the kind's `reports` say.
   */
  cadences?: Partial<Record<Cadence, CadencePolicy | null>>;
  deadline: DeadlinePolicy | null;
  cycle: CyclePolicy | null;
  completionReview: ReviewPolicy | null;
  extensionReview: ReviewPolicy | null;
}

/** The whole policy. */
export interface Policy {
  version: 1;
  /** zone, office hours and whether only workdays count; the holiday override is supplied separately */
  calendar: Pick<CalendarSpec, 'zone' | 'officeHours' | 'workdaysOnly'>;
  /** assignment roles that get their own notices (IMPLICIT: units bound by the plan's bracket rule) */
  notifyRoles: AssignmentRole[];
  /**
   * Catch-up at start: one notice per unit listing what is overdue (`unitTo`), one summary
   * (`summaryTo`); the assignments it covers skip their assignment notice and acknowledgement
   * chase, and their 督办/催办 stay quiet for `quietFor` after it.
   */
  catchUp: { unitTo: RecipientRole[]; summaryTo: RecipientRole[]; quietFor: Span | null };
  kinds: { deadline: KindPolicy; standing: KindPolicy };
}
