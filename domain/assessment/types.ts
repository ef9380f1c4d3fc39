/**
 * Types of the annual assessment (年度考核): the rubric, the stored facts it reads, and the result
 * it returns. Pure data. Instants inside the scoring are epoch milliseconds (arithmetic on hundreds
 * of thousands of rows); the result carries them as ISO strings.
 */
import type { Cadence } from '../deadline';
import type { AssignmentRole, AssignmentState, SlipColour, TaskKind } from '../model';

/** The kinds of deduction a unit can receive. Each maps to one rubric entry. */
export const DEDUCTION_KINDS = [
  'overdue', // 逾期未完成: a deadline item past its judged due instant and still open at the as-of instant
  'completedLate', // 逾期完成: completed in the year, after its judged due instant
  'reportMissing', // 未报送进展报告: a report due in the year not submitted by the as-of instant
  'reportLate', // 逾期报送进展报告
  'ackLate', // 逾期签收: not acknowledged within N workdays of the assignment notice
  'slipBlue', // 蓝色督办单
  'slipOrange', // 橙色督办单
  'slipRed', // 红色督办单
  'extensionRequested', // 申请延期 (0 points by default: counted, not punished)
] as const;

export type DeductionKind = (typeof DEDUCTION_KINDS)[number];

/** Chinese names of the deduction kinds, as the bulletin and the exports print them. */
export const DEDUCTION_NAMES: Record<DeductionKind, string> = {
  overdue: '逾期未完成任务',
  completedLate: '逾期完成任务',
  reportMissing: '未报送进展报告',
  reportLate: '逾期报送进展报告',
  ackLate: '逾期签收',
  slipBlue: '蓝色督办单',
  slipOrange: '橙色督办单',
  slipRed: '红色督办单',
  extensionRequested: '申请延期',
};

/** Measure words for the counts in the bulletin (项 tasks, 份 documents, 次 acts). */
export const DEDUCTION_MEASURE: Record<DeductionKind, string> = {
  overdue: '项',
  completedLate: '项',
  reportMissing: '份',
  reportLate: '份',
  ackLate: '次',
  slipBlue: '份',
  slipOrange: '份',
  slipRed: '份',
  extensionRequested: '次',
};

/** One rubric line: points deducted per occurrence, and an optional ceiling for the kind (扣完为止). */
export interface DeductionRule {
  /** points per occurrence (≥ 0) */
  points: number;
  /** most points this kind can take off in one year; null = no ceiling */
  cap: number | null;
}

/** A grade on the national quality-work scale: the lowest score that earns it. */
export interface GradeBand {
  grade: string;
  /** inclusive lower bound */
  min: number;
  /** 优秀, 良好, 合格, 不合格 */
  label: string;
}

/** Which reports an assignment owes, by task kind (monthly: recurring 每月 tasks only). */
export type ReportCadence = 'quarterly' | 'annual' | 'monthly';

/**
 * The scoring rubric (config/assessment.json). Defaults: 100 points, floor 0, overdue −5,
 * completed late −2, report missing −1, report late −0.5, acknowledgement late −0.5, slips
 * blue −1 / orange −2 / red −4; grades A ≥ 90, B ≥ 80, C ≥ 60, D below.
 */
export interface AssessmentRubric {
  base: number;
  floor: number;
  deductions: Record<DeductionKind, DeductionRule>;
  /** highest band first; the last band should have min ≤ floor */
  grades: GradeBand[];
  /** assignment roles that count (IMPLICIT = bound by the plan's rule without being listed) */
  roles: AssignmentRole[];
  /** unit kinds that are never scored (GROUP, OFFICE, LEADERSHIP) */
  excludedUnitKinds: string[];
  /** first month of the assessment year (1 = calendar year; 7 = July–June, labelled by the year it ends) */
  yearStartMonth: number;
  /** workdays a unit has to acknowledge an assignment notice */
  ackWorkdays: number;
  reports: {
    /** quarterly reports are due by this day after the quarter ends (10 → 10 April for Q1) */
    quarterlyDueDay: number;
    /** annual summary due date, MM-DD (12-10) */
    annualDue: string;
    /** monthly reports (每月 tasks) are due by the end of this workday after the month ends (5, as config/policy.json) */
    monthlyDueWorkdays: number;
    /** cadences owed by deadline tasks and by standing (长期) tasks */
    deadline: ReportCadence[];
    standing: ReportCadence[];
  };
}

/** A unit as the directory stores it. */
export interface UnitFact {
  id: string;
  name: string;
  kind: string;
}

export interface TaskFact {
  id: string;
  planId: string;
  planSlug: string;
  number: number;
  text: string;
  kind: TaskKind;
  /** a recurring standing task (每年 / 每季度 / 每月): it owes the reports of that cadence only */
  cadence?: Cadence | null;
  /** epoch ms or null (standing) */
  dueAt: number | null;
}

export interface AssignmentFact {
  id: string;
  taskId: string;
  unitId: string;
  role: AssignmentRole;
  state: AssignmentState;
  dueAt: number | null;
  originalDueAt: number | null;
  acknowledgedAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
  createdAt: number;
  /** when supervision of the assignment started (epoch ms), null while it never was: report periods count from here */
  supervisedFrom: number | null;
}

/**
 * One delivered notice (a Notice with a SENT delivery record) as it bears on one assignment: a
 * per-assignment notice, or one item of a unit's catch-up letter (catchup_unit) that lists it. The
 * loader resolves a letter's items (task number and unit) to assignments; a letter listing three
 * tasks is three facts with the same id.
 */
export interface NoticeFact {
  /** Notice.id */
  id: string;
  assignmentId: string;
  /** the notice kind (assignment, report_reminder, report_chase, deadline_reminder, supervision, catchup_unit …) */
  kind: string;
  /** Delivery.sentAt, epoch ms: when the SMTP server accepted it */
  sentAt: number;
  messageId: string | null;
  /** the 督办单 number it carried (a supervision notice) or the letter item cites */
  slip: string | null;
  /** the reporting period it asks about (report reminders and chases, a letter's missing-report item) */
  period: string | null;
  /** for a catch-up letter's item: an overdue deadline or a missing report */
  what: 'deadline' | 'report' | null;
}

export interface ReportFact {
  id: string;
  assignmentId: string;
  period: string;
  dueAt: number;
  submittedAt: number;
}

export interface ExtensionFact {
  id: string;
  assignmentId: string;
  requestedAt: number;
  requestedDueAt: number;
  status: 'REQUESTED' | 'APPROVED' | 'REJECTED';
  decidedAt: number | null;
}

export interface SlipFact {
  id: string;
  assignmentId: string;
  number: string;
  colour: SlipColour;
  issuedAt: number;
  reason: string;
  /** when it was closed (epoch ms), null while open; a closing after the as-of instant is ignored */
  closedAt?: number | null;
  /** why: COMPLETED (销号), CANCELLED (撤销或改派), EXTENDED (延期获批) */
  closedBecause?: 'COMPLETED' | 'CANCELLED' | 'EXTENDED' | null;
}

/** The audit events the assessment cites (acknowledgements, completions, imports). */
export interface AuditFact {
  /** the bigint id as a string */
  id: string;
  action: string;
  assignmentId: string | null;
  planId: string | null;
  at: number;
}

/** Everything the scoring reads. */
export interface AssessmentFacts {
  units: UnitFact[];
  tasks: TaskFact[];
  assignments: AssignmentFact[];
  reports: ReportFact[];
  extensions: ExtensionFact[];
  slips: SlipFact[];
  audit: AuditFact[];
  /** delivered notices, by assignment (see NoticeFact); only those sent by the as-of instant count */
  notices: NoticeFact[];
}

export interface AssessmentParams {
  /** the assessment year's label (the year the window ends in) */
  year: number;
  /** judge as of this instant (epoch ms); clamped to the window's end. Events after it are ignored. */
  asOf: number;
  /** IANA zone the calendar is computed in (Asia/Shanghai) */
  zone: string;
  rubric: AssessmentRubric;
  /**
   * Per plan id: the instant its obligations began (the plan's issue date), for plans imported
   * after they were issued. Without an entry, an assignment's obligations begin when it was created.
   */
  planEffectiveFrom?: Record<string, number>;
  /** Whether a date (YYYY-MM-DD in `zone`) is a workday; default Monday–Friday. */
  isWorkday?: (date: string) => boolean;
}

/** A row or audit event a deduction is based on. */
export interface Evidence {
  type: 'Assignment' | 'Report' | 'Extension' | 'SupervisionSlip' | 'AuditEvent' | 'Notice';
  id: string;
}

/** The delivered notice that asked for what a deduction is about, as a person reads it. */
export interface NoticeCitation {
  /** Notice.id */
  id: string;
  /** 任务交办通知, 催办通知, 督办通知, 逾期事项汇总通知 … */
  kind: string;
  /** when it was delivered, Asia/Shanghai in Chinese form: 2026年12月3日 09:00 */
  sentAt: string;
  messageId: string | null;
  slip: string | null;
}

/** One itemised deduction: what, how many points, why (Chinese), and the stored facts behind it. */
export interface Deduction {
  kind: DeductionKind;
  /** points taken off (positive), before any ceiling of its kind */
  points: number;
  plan: string;
  task: number;
  assignmentId: string;
  /** reporting period (2025Q1, 2025Y) for report deductions */
  period: string | null;
  /** the instant that was missed (ISO, UTC) */
  dueAt: string | null;
  /** when it happened (completion, submission, slip issue), ISO UTC; null when it never happened */
  at: string | null;
  /** the slip number for slip deductions */
  slip: string | null;
  reason: string;
  evidence: Evidence[];
  /** the delivered notice that asked (null only for the unit's own acts: extension requests) */
  notice: NoticeCitation | null;
}

/** What an obligation never asked for by a delivered notice would have been: shown, not counted (「未通知，不计」). */
export interface Uncounted {
  kind: 'overdue' | 'completedLate' | 'report' | 'ack' | 'slip';
  plan: string;
  task: number;
  assignmentId: string;
  period: string | null;
  /** the instant it would have been due (ISO, UTC) */
  dueAt: string | null;
  reason: string;
}

export interface UnitCounts {
  assignments: number;
  byRole: Record<AssignmentRole, number>;
  deadlineItems: number;
  standingItems: number;
  completedOnTime: number;
  completedLate: number;
  overdue: number;
  /** deadline items not yet due and not completed */
  open: number;
  reportsDue: number;
  reportsOnTime: number;
  reportsLate: number;
  reportsMissing: number;
  acksDue: number;
  acksLate: number;
  slips: Record<SlipColour, number>;
  /** of the slips issued in the year: closed by the as-of instant, and still open then */
  slipsClosed: number;
  slipsOpen: number;
  extensionRequests: number;
  extensionsApproved: number;
  extensionsRejected: number;
  /** obligations no delivered notice asked for: listed as 「未通知，不计」, cost nothing */
  uncounted: number;
}

export interface UnitAssessment {
  unitId: string;
  unit: string;
  kind: string;
  /** 1-based competition rank (equal scores share a rank) */
  rank: number;
  score: number;
  grade: string;
  gradeLabel: string;
  /** points actually taken off (after ceilings and the floor) */
  deducted: number;
  /** per kind: occurrences, points before the ceiling, points applied */
  byKind: { kind: DeductionKind; count: number; points: number; applied: number }[];
  counts: UnitCounts;
  deductions: Deduction[];
  /** obligations never notified (「未通知，不计」), itemised like the deductions */
  uncounted: Uncounted[];
}

/** A unit none of whose obligations was ever asked for by a delivered notice: listed, not graded or ranked. */
export interface UnassessedUnit {
  unitId: string;
  unit: string;
  kind: string;
  counts: UnitCounts;
  uncounted: Uncounted[];
}

export interface TaskAssessment {
  plan: string;
  task: number;
  text: string;
  kind: TaskKind;
  dueAt: string | null;
  assignments: number;
  completedOnTime: number;
  completedLate: number;
  overdue: number;
  open: number;
  reportsDue: number;
  reportsMissing: number;
  reportsLate: number;
  slips: number;
  /** deduction points this task caused across units (before ceilings) */
  points: number;
}

export interface AssessmentResult {
  year: number;
  /** 2025年度 or 2024—2025年度 */
  label: string;
  zone: string;
  window: { start: string; end: string };
  /** the instant judged at (ISO UTC); equals window.end for a closed year */
  asOf: string;
  /** true when the as-of instant is before the window's end (a mid-year snapshot) */
  interim: boolean;
  rubric: AssessmentRubric;
  units: UnitAssessment[];
  /** units that were never asked for anything by a delivered notice: not graded (「未通知，不计」) */
  unassessed: UnassessedUnit[];
  tasks: TaskAssessment[];
  totals: Omit<UnitCounts, 'byRole'> & {
    units: number;
    unassessed: number;
    grades: Record<string, number>;
    points: number;
  };
  /** how many stored rows the result was computed from */
  sources: {
    units: number;
    tasks: number;
    assignments: number;
    reports: number;
    extensions: number;
    slips: number;
    auditEvents: number;
    notices: number;
  };
}
