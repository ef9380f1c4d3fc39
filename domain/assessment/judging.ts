/**
 * One assignment being judged in the assessment year: whether it is in the year at all, where its
 * counts go (its unit's tally, its task's row), and how it is charged a deduction or listed as
 * uncounted (「未通知，不计」). Pure.
 */
import type {
  AssignmentFact,
  Deduction,
  DeductionKind,
  Evidence,
  ExtensionFact,
  NoticeFact,
  TaskAssessment,
  TaskFact,
  UnitCounts,
  Uncounted,
} from './types';
import { ASKS_UNIT, citationText } from './asked';
import type { FactIndex } from './facts';
import type { Year } from './year';

const NONE: ExtensionFact[] = [];
const NO_NOTICES: NoticeFact[] = [];

/** Points are summed in hundredths so 0.5 + 0.3 never turns into 0.7999999. */
export const cents = (points: number): number => Math.round(points * 100);

/** A unit's counts before its first assignment. */
export function emptyCounts(): UnitCounts {
  return {
    assignments: 0,
    byRole: { LEAD: 0, CO: 0, IMPLICIT: 0 },
    deadlineItems: 0,
    standingItems: 0,
    completedOnTime: 0,
    completedLate: 0,
    overdue: 0,
    open: 0,
    reportsDue: 0,
    reportsOnTime: 0,
    reportsLate: 0,
    reportsMissing: 0,
    acksDue: 0,
    acksLate: 0,
    slips: { BLUE: 0, ORANGE: 0, RED: 0 },
    slipsClosed: 0,
    slipsOpen: 0,
    extensionRequests: 0,
    extensionsApproved: 0,
    extensionsRejected: 0,
    uncounted: 0,
  };
}

/** A task's row before its first assignment. */
function emptyTaskRow(t: TaskFact, iso: (ms: number | null) => string | null): TaskAssessment {
  return {
    plan: t.planSlug,
    task: t.number,
    text: t.text,
    kind: t.kind,
    dueAt: iso(t.dueAt),
    assignments: 0,
    completedOnTime: 0,
    completedLate: 0,
    overdue: 0,
    open: 0,
    reportsDue: 0,
    reportsMissing: 0,
    reportsLate: 0,
    slips: 0,
    points: 0,
  };
}

/** What one unit collects over its assignments. */
export interface UnitAcc {
  counts: UnitCounts;
  deductions: Deduction[];
  uncounted: Uncounted[];
  /** whether any delivered notice asked the unit anything in the year */
  asked: boolean;
}

/** One assignment being judged in the year, with where its counts, deductions and uncounted items go. */
export interface Judging {
  y: Year;
  a: AssignmentFact;
  task: TaskFact;
  acc: UnitAcc;
  trow: TaskAssessment;
  /** completion and cancellation by the as-of instant (null: not by then); closedAt is either */
  completed: number | null;
  cancelled: number | null;
  closedAt: number | null;
  /** 任务(12): how reasons name the task */
  label: string;
  assignmentEv: Evidence;
  /** the assignment and the audit event it came from (its creation, or the plan import) */
  originEv: Evidence[];
  /** the notices delivered to the unit about this assignment by the as-of instant, earliest first */
  told: NoticeFact[];
  /** its extension requests, earliest requested first */
  exts: ExtensionFact[];
}

/**
 * Starts judging an assignment, or returns null when it is not in the year: its unit or task is
 * unknown, its unit kind is excluded, its role does not count, its obligations began at or after the
 * as-of instant (a plan's effective date moves that earlier), or it was completed or cancelled
 * before the window opened. Counts it for its unit and task.
 */
export function openJudging(
  a: AssignmentFact,
  ix: FactIndex,
  y: Year,
  perUnit: Map<string, UnitAcc>,
  perTask: Map<string, TaskAssessment>,
): Judging | null {
  const unit = ix.units.get(a.unitId);
  const task = ix.tasks.get(a.taskId);
  if (!unit || !task || y.excluded.has(unit.kind) || !y.roles.has(a.role)) return null;
  const effective = y.planEffectiveFrom?.[task.planId];
  const lifeStart = effective !== undefined ? Math.min(effective, a.createdAt) : a.createdAt;
  if (lifeStart >= y.asOf) return null;
  const cancelled = a.cancelledAt !== null && a.cancelledAt <= y.asOf ? a.cancelledAt : null;
  const completed = a.completedAt !== null && a.completedAt <= y.asOf ? a.completedAt : null;
  if ((cancelled !== null && cancelled < y.start) || (completed !== null && completed < y.start)) return null;

  let acc = perUnit.get(unit.id);
  if (!acc) perUnit.set(unit.id, (acc = { counts: emptyCounts(), deductions: [], uncounted: [], asked: false }));
  let trow = perTask.get(task.id);
  if (!trow) perTask.set(task.id, (trow = emptyTaskRow(task, y.iso)));
  acc.counts.assignments++;
  acc.counts.byRole[a.role]++;
  trow.assignments++;

  const assignmentEv: Evidence = { type: 'Assignment', id: a.id };
  const origin = ix.cited.created.get(a.id) ?? ix.cited.planImported.get(task.planId);
  const originEv: Evidence[] = origin ? [assignmentEv, { type: 'AuditEvent', id: origin.id }] : [assignmentEv];
  const told = ix.noticesBy.get(a.id) ?? NO_NOTICES;
  if (told.some((n) => ASKS_UNIT.has(n.kind))) acc.asked = true;
  const exts = ix.extensionsBy.get(a.id) ?? NONE;
  if (exts.length > 1) exts.sort((x, y) => x.requestedAt - y.requestedAt || (x.id < y.id ? -1 : 1));
  return {
    y,
    a,
    task,
    acc,
    trow,
    completed,
    cancelled,
    closedAt: cancelled ?? completed,
    label: `任务(${task.number})`,
    assignmentEv,
    originEv,
    told,
    exts,
  };
}

/** What a deduction says beyond what `deduct` fills in. */
type DeductionDetail = Omit<Deduction, 'kind' | 'points' | 'plan' | 'task' | 'assignmentId' | 'notice'>;

/**
 * Takes the rubric's points for `kind` off the unit (and adds them to the task's row). A deduction
 * asked for by a delivered notice cites it: its reason ends with the citation, its evidence names it.
 * A kind worth no points is not listed.
 */
export function deduct(j: Judging, kind: DeductionKind, d: DeductionDetail, asked: NoticeFact | null = null): void {
  const points = j.y.rubric.deductions[kind].points;
  j.trow.points += cents(points);
  if (points <= 0) return;
  const notice = asked ? j.y.cite(asked) : null;
  j.acc.deductions.push({
    kind,
    points,
    plan: j.task.planSlug,
    task: j.task.number,
    assignmentId: j.a.id,
    ...d,
    reason: notice ? `${d.reason}；${citationText(notice)}` : d.reason,
    evidence: asked ? [...d.evidence, { type: 'Notice', id: asked.id }] : d.evidence,
    notice,
  });
}

/** Lists what no delivered notice asked for: 「未通知，不计」, shown and counted as such, costing nothing. */
export function uncount(
  j: Judging,
  kind: Uncounted['kind'],
  period: string | null,
  dueAt: number | null,
  reason: string,
): void {
  j.acc.counts.uncounted++;
  j.acc.uncounted.push({
    kind,
    plan: j.task.planSlug,
    task: j.task.number,
    assignmentId: j.a.id,
    period,
    dueAt: j.y.iso(dueAt),
    reason: `${j.label}${reason}（未通知，不计）`,
  });
}
