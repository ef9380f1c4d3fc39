/**
 * The annual assessment's scoring: from stored facts only (assignments, reports, extensions,
 * slips, audit events), per unit and assessment year, with every deduction itemised and tied to the
 * rows and audit events it is based on. Pure and deterministic: the same facts, year, as-of instant
 * and rubric give the same result, whenever and wherever it runs.
 *
 * Rules (docs/assessment.md explains them to the Office):
 * - An assignment is in the year when its obligations began before the as-of instant and it was not
 *   completed or cancelled before the window opened. Events after the as-of instant are ignored, so
 *   recomputing a closed year ignores everything that happened after it.
 * - A deadline item is judged against its original due instant, unless an extension was approved
 *   no later than the due instant in force at the time (then against the extended one).
 * - An item still open past its judged due instant at the as-of instant is overdue in that year;
 *   one still overdue at the end of the next year is overdue in that year too. An item completed
 *   in the year after its judged due instant was completed late. Cancelled items are not judged.
 * - Reports: every period of the reporting calendar whose due day falls in the window (before the
 *   as-of instant) from the one supervision of the assignment started in (`supervisedFrom`), plus
 *   any stored report due in the window.
 * - Judged only on what was asked: an acknowledgement, report, deadline or slip counts against a
 *   unit only once a delivered notice (a SENT delivery by the as-of instant) asked for it, and the
 *   deduction cites that notice. What no delivered notice asked for is listed as 「未通知，不计」 and
 *   costs nothing; a unit asked for nothing at all is not graded.
 * - A deadline that passed before the unit was told at all is judged from the first delivered 督办
 *   (or catch-up letter listing it); a report first asked for after its due day is due N workdays
 *   (`ackWorkdays`) after that notice.
 * - Acknowledgement: due by the end of the N-th workday after the first delivered notice asking for
 *   it (the 交办通知, its reminders, or the catch-up letter); counted in the year its deadline falls in.
 * - Slips and extension requests: counted in the year they were issued or requested.
 */
import { DateTime } from 'luxon';
import type { AssignmentRole, SlipColour } from '../model';
import { KIND_LABELS } from '../messages/templates';
import {
  assessmentWindow,
  AssessmentInputError,
  reportPeriodsDue,
  weekdaysOnly,
  workdayDeadline,
  yearLabel,
  type ReportPeriod,
} from './calendar';
import {
  DEDUCTION_KINDS,
  type AssessmentFacts,
  type AssessmentParams,
  type AssessmentResult,
  type AssessmentRubric,
  type AssignmentFact,
  type AuditFact,
  type Deduction,
  type DeductionKind,
  type Evidence,
  type ExtensionFact,
  type NoticeCitation,
  type NoticeFact,
  type ReportCadence,
  type ReportFact,
  type SlipFact,
  type TaskAssessment,
  type TaskFact,
  type UnassessedUnit,
  type UnitAssessment,
  type UnitCounts,
  type UnitFact,
  type Uncounted,
} from './types';

const SLIP_KIND: Record<SlipColour, DeductionKind> = { BLUE: 'slipBlue', ORANGE: 'slipOrange', RED: 'slipRed' };
const SLIP_NAME: Record<SlipColour, string> = { BLUE: '蓝色', ORANGE: '橙色', RED: '红色' };
const SLIP_CLOSED_WHY: Record<NonNullable<SlipFact['closedBecause']>, string> = { COMPLETED: '任务已销号', CANCELLED: '分工已撤销或改派', EXTENDED: '延期获批' };
const QUARTER_NAME = ['', '第一季度', '第二季度', '第三季度', '第四季度'];
const NONE: ExtensionFact[] = [];
const NO_NOTICES: NoticeFact[] = [];
const QUARTER_HOUR = 15 * 60_000;

/** 2025Q1 → 2025年第一季度进展报告; 2025Y → 2025年度总结报告. */
export function periodName(period: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(period);
  if (q) return `${q[1]}年${QUARTER_NAME[Number(q[2])]}进展报告`;
  const y = /^(\d{4})Y$/.exec(period);
  if (y) return `${y[1]}年度总结报告`;
  return `${period}报告`;
}

/** Points are summed in hundredths so 0.5 + 0.3 never turns into 0.7999999. */
const cents = (points: number): number => Math.round(points * 100);

function emptyCounts(): UnitCounts {
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

/** The kinds of notice that ask a unit to acknowledge (sign for) an assignment. */
const ASKS_ACK = new Set(['assignment', 'ack_reminder', 'ack_escalation', 'catchup_unit']);
/** The kinds that tell a unit an assignment's deadline while it is still ahead. */
const TELLS_DEADLINE = new Set(['assignment', 'deadline_reminder', 'supervision', 'catchup_unit']);
/** The kinds that start the clock of a deadline already past when the unit was first told: 督办 and the catch-up letter. */
const STARTS_OVERDUE_CLOCK = new Set(['supervision', 'catchup_unit']);

/** The kinds that ask a unit something: a unit told only of a decision is not graded on that. */
const ASKS_UNIT = new Set([...ASKS_ACK, ...TELLS_DEADLINE, 'report_reminder', 'report_chase']);

/** Whether a delivered notice tells the unit the assignment's deadline (a catch-up item about a missing report does not). */
const aboutDeadline = (n: NoticeFact): boolean => n.kind !== 'catchup_unit' || n.what === 'deadline';

/**
 * Whether a delivered notice asks for the report of `period`, due at `dueAt`: a reminder, chase or
 * catch-up item naming the period, or the 交办通知 delivered before the due day (it carries the
 * reporting calendar).
 */
function asksReport(n: NoticeFact, period: string, dueAt: number): boolean {
  if (n.kind === 'assignment') return n.sentAt <= dueAt;
  if (n.kind === 'report_reminder' || n.kind === 'report_chase') return n.period === period;
  return n.kind === 'catchup_unit' && n.what === 'report' && n.period === period;
}

/** 「依据督办通知（2026年12月3日 09:00发出，督办单督〔2026〕0001号）」: the citation a reason ends with. */
export function citationText(c: NoticeCitation): string {
  const ref = c.slip ? `督办单${c.slip}` : c.messageId ? `Message-ID ${c.messageId}` : `通知编号 ${c.id}`;
  return `依据${c.kind}（${c.sentAt}发出，${ref}）`;
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** The grade band a score falls in (bands are tried from the highest minimum down). */
export function gradeOf(score: number, rubric: Pick<AssessmentRubric, 'grades'>): { grade: string; label: string } {
  const bands = [...rubric.grades].sort((a, b) => b.min - a.min);
  const band = bands.find((b) => score >= b.min) ?? bands[bands.length - 1];
  return band ? { grade: band.grade, label: band.label } : { grade: '-', label: '-' };
}

/**
 * Scores every unit for one assessment year. Throws AssessmentInputError when the as-of instant
 * is before the year's window opens.
 */
export function assess(facts: AssessmentFacts, p: AssessmentParams): AssessmentResult {
  const y = openYear(p);
  const ix = indexFacts(facts, y.asOf);
  const perUnit = new Map<string, UnitAcc>();
  const perTask = new Map<string, TaskAssessment>();
  for (const a of facts.assignments) {
    const j = openJudging(a, ix, y, perUnit, perTask);
    if (!j) continue;
    judgeDeadline(j, ix.cited);
    judgeReports(j, ix.reportsBy.get(a.id));
    judgeAck(j, ix.cited);
    countExtensionRequests(j);
    countSlips(j, ix.slipsBy.get(a.id));
  }
  const { scored, unassessed } = gradeUnits(perUnit, ix.units, y.rubric);
  return {
    year: p.year,
    label: yearLabel(p.year, y.rubric.yearStartMonth),
    zone: p.zone,
    window: { start: y.iso(y.start)!, end: y.iso(y.end)! },
    asOf: y.iso(y.asOf)!,
    interim: y.asOf < y.end,
    rubric: y.rubric,
    units: scored,
    unassessed,
    tasks: taskRowsOf(perTask),
    totals: totalsOf(scored, unassessed, y.rubric),
    sources: sourcesOf(facts),
  };
}

/** The year being judged: its window, the as-of instant, the rubric's sets, and the formatters every reason uses. */
interface Year {
  rubric: AssessmentRubric;
  /** the window's inclusive start and exclusive end, epoch ms */
  start: number;
  end: number;
  /** the instant judged at: the requested one, clamped to the window's end */
  asOf: number;
  /** the local day of the as-of instant (its last millisecond's day), as reasons print it */
  asOfDay: string;
  excluded: Set<string>;
  roles: Set<AssignmentRole>;
  planEffectiveFrom: AssessmentParams['planEffectiveFrom'];
  /** the reporting calendar's periods due in [start, asOf) */
  periods: Record<ReportCadence, ReportPeriod[]>;
  /** the end of the N-th workday (`ackWorkdays`) after the day of an instant */
  ackDeadline: (at: number) => number;
  day: (ms: number) => string;
  iso: (ms: number | null) => string | null;
  cite: (n: NoticeFact) => NoticeCitation;
}

/**
 * The year's window and as-of instant: events after the as-of instant are ignored, and an as-of
 * instant at or before the window's start is an input error.
 */
function openYear(p: AssessmentParams): Year {
  const { rubric, zone } = p;
  const win = assessmentWindow(p.year, rubric.yearStartMonth, zone);
  const start = win.start;
  const asOf = Math.min(p.asOf, win.end);
  if (asOf <= start) {
    const year = yearLabel(p.year, rubric.yearStartMonth);
    const when = new Date(p.asOf).toISOString();
    throw new AssessmentInputError(`考核基准日 ${when} 早于${year}考核期的开始 ${new Date(start).toISOString()}`);
  }
  const day = localDay(zone);
  return {
    rubric,
    start,
    end: win.end,
    asOf,
    asOfDay: day(asOf - 1),
    excluded: new Set(rubric.excludedUnitKinds),
    roles: new Set<AssignmentRole>(rubric.roles),
    planEffectiveFrom: p.planEffectiveFrom,
    periods: {
      quarterly: reportPeriodsDue('quarterly', start, asOf, zone, rubric.reports),
      annual: reportPeriodsDue('annual', start, asOf, zone, rubric.reports),
    },
    ackDeadline: workdayDeadline(rubric.ackWorkdays, zone, p.isWorkday ?? weekdaysOnly),
    day,
    iso: isoOf(),
    cite: noticeCiter(zone),
  };
}

/**
 * Local dates (yyyy-MM-dd in `zone`) by 15-minute bucket: every zone offset in use is a multiple of
 * 15 minutes, so a local midnight never falls inside a bucket. Saves a luxon DateTime per deduction.
 */
function localDay(zone: string): (ms: number) => string {
  const memo = new Map<number, string>();
  return (ms) => {
    const bucket = Math.floor(ms / QUARTER_HOUR);
    let s = memo.get(bucket);
    if (s === undefined) {
      s = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
      memo.set(bucket, s);
    }
    return s;
  };
}

/** ISO (UTC) text of an instant, memoised; null stays null. */
function isoOf(): (ms: number | null) => string | null {
  const memo = new Map<number, string>();
  return (ms) => {
    if (ms === null) return null;
    let s = memo.get(ms);
    if (s === undefined) memo.set(ms, (s = new Date(ms).toISOString()));
    return s;
  };
}

/** One citation per notice fact, its time formatted once per minute (a notice asks for many things). */
function noticeCiter(zone: string): (n: NoticeFact) => NoticeCitation {
  const citeMemo = new Map<NoticeFact, NoticeCitation>();
  const minuteMemo = new Map<number, string>();
  return (n) => {
    let c = citeMemo.get(n);
    if (!c) {
      const minute = Math.floor(n.sentAt / 60_000);
      let sentAt = minuteMemo.get(minute);
      if (sentAt === undefined) {
        sentAt = DateTime.fromMillis(n.sentAt, { zone }).toFormat('yyyy年M月d日 HH:mm');
        minuteMemo.set(minute, sentAt);
      }
      c = { id: n.id, kind: KIND_LABELS[n.kind] ?? '通知', sentAt, messageId: n.messageId, slip: n.slip };
      citeMemo.set(n, c);
    }
    return c;
  };
}

/** The stored facts, looked up by id and grouped by assignment. */
interface FactIndex {
  units: Map<string, UnitFact>;
  tasks: Map<string, TaskFact>;
  reportsBy: Map<string, ReportFact[]>;
  extensionsBy: Map<string, ExtensionFact[]>;
  slipsBy: Map<string, SlipFact[]>;
  /** notices delivered by the as-of instant, earliest first */
  noticesBy: Map<string, NoticeFact[]>;
  cited: CitedEvents;
}

/** Audit events cited as evidence, by assignment id (planImported: by plan id). */
interface CitedEvents {
  /** the first acknowledgement */
  ack: Map<string, AuditFact>;
  /** the last completion approval */
  completion: Map<string, AuditFact>;
  /** the assignment's own creation event (after a revision) */
  created: Map<string, AuditFact>;
  /** the plan import, where an assignment without a creation event came from */
  planImported: Map<string, AuditFact>;
}

/**
 * Indexes the facts. Only notices delivered by the as-of instant have asked anything; each
 * assignment's are sorted earliest first, ties by id, then period.
 */
function indexFacts(facts: AssessmentFacts, asOf: number): FactIndex {
  const noticesBy = groupBy(
    facts.notices.filter((n) => n.sentAt <= asOf),
    (n) => n.assignmentId,
  );
  for (const list of noticesBy.values()) list.sort(byDelivery);
  return {
    units: new Map(facts.units.map((u) => [u.id, u])),
    tasks: new Map(facts.tasks.map((t) => [t.id, t])),
    reportsBy: groupBy(facts.reports, (r) => r.assignmentId),
    extensionsBy: groupBy(facts.extensions, (e) => e.assignmentId),
    slipsBy: groupBy(facts.slips, (s) => s.assignmentId),
    noticesBy,
    cited: citedEvents(facts.audit, asOf),
  };
}

/** Earliest delivered first; ties by notice id, then by the period asked about. */
function byDelivery(x: NoticeFact, y: NoticeFact): number {
  return x.sentAt - y.sentAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) || ((x.period ?? '') < (y.period ?? '') ? -1 : 1);
}

/**
 * The audit events cited as evidence. Provenance events (import, creation) are cited whenever they
 * happened: a plan imported after the year still records the obligations the year is judged on.
 * Behaviour (acknowledgement, completion) counts only up to the as-of instant.
 */
function citedEvents(events: readonly AuditFact[], asOf: number): CitedEvents {
  const cited: CitedEvents = { ack: new Map(), completion: new Map(), created: new Map(), planImported: new Map() };
  // ids are decimal bigints as text: a shorter one is smaller (no BigInt allocation per comparison)
  const audit = [...events].sort(
    (x, y) => x.at - y.at || x.id.length - y.id.length || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
  for (const e of audit) {
    if (e.action === 'plan.imported' && e.planId) {
      if (!cited.planImported.has(e.planId)) cited.planImported.set(e.planId, e);
    } else if (e.assignmentId) {
      if (e.action === 'assignment.created') {
        if (!cited.created.has(e.assignmentId)) cited.created.set(e.assignmentId, e);
      } else if (e.at > asOf) continue;
      else if (e.action === 'assignment.acknowledged' && !cited.ack.has(e.assignmentId)) cited.ack.set(e.assignmentId, e);
      else if (e.action === 'completion.approved') cited.completion.set(e.assignmentId, e);
    }
  }
  return cited;
}

/** What one unit collects over its assignments. */
interface UnitAcc {
  counts: UnitCounts;
  deductions: Deduction[];
  uncounted: Uncounted[];
  /** whether any delivered notice asked the unit anything in the year */
  asked: boolean;
}

/** One assignment being judged in the year, with where its counts, deductions and uncounted items go. */
interface Judging {
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
function openJudging(
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
function deduct(j: Judging, kind: DeductionKind, d: DeductionDetail, asked: NoticeFact | null = null): void {
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
function uncount(j: Judging, kind: Uncounted['kind'], period: string | null, dueAt: number | null, reason: string): void {
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

/** When the clock of a deadline item starts, and the delivered notice that started it. */
interface DeadlineClock {
  asked: NoticeFact | null;
  /** null while no notice about the deadline was delivered */
  clock: number | null;
  /** the reason's note when the clock started after the due instant */
  note: string;
}

/**
 * The clock of a deadline item: the judged due instant when the unit was told of the deadline
 * before it; else the first 督办 or catch-up letter listing the item after it; null while neither
 * was delivered.
 */
function deadlineClock(j: Judging, due: number): DeadlineClock {
  const before = j.told.find((n) => TELLS_DEADLINE.has(n.kind) && aboutDeadline(n) && n.sentAt <= due);
  if (before) return { asked: before, clock: due, note: '' };
  const after = j.told.find((n) => STARTS_OVERDUE_CLOCK.has(n.kind) && aboutDeadline(n) && n.sentAt > due);
  if (!after) return { asked: null, clock: null, note: '' };
  return { asked: after, clock: after.sentAt, note: `（时限届满前未通知，自${j.y.day(after.sentAt)}${j.y.cite(after).kind}送达起计）` };
}

/** The reason's note on extensions: the one the item is judged by, and one approved too late to count. */
function extensionNote(y: Year, judged: JudgedDue): string {
  const { applied, tooLate } = judged;
  return (
    (applied.length ? `（已按${y.day(applied[applied.length - 1]!.decidedAt!)}批准的延期时限考核）` : '') +
    (tooLate.length ? `；延期申请于${y.day(tooLate[0]!.decidedAt!)}批准，晚于当时的完成时限，仍按原定时限考核` : '')
  );
}

/**
 * Deadline items: completed on time, completed late, overdue, or still open, judged against the due
 * instant extensions moved (judgedDue) from the clock the notices started (deadlineClock). Late or
 * overdue with no notice about the deadline delivered is uncounted. A standing task, or an
 * assignment without a due instant, is a standing item. Cancelled items are not judged.
 */
function judgeDeadline(j: Judging, cited: CitedEvents): void {
  const { a, y, acc, trow, completed, label } = j;
  const c = acc.counts;
  if (j.task.kind === 'standing' || a.originalDueAt === null) {
    c.standingItems++;
    return;
  }
  c.deadlineItems++;
  const judged = judgedDue(a.originalDueAt, j.exts, y.asOf);
  const due = judged.due;
  const { asked, clock, note: clockNote } = deadlineClock(j, due);
  const extEv: Evidence[] = [...judged.applied, ...judged.tooLate].map((e) => ({ type: 'Extension', id: e.id }));
  const extNote = extensionNote(y, judged);
  if (completed !== null) {
    if (completed <= due) {
      c.completedOnTime++;
      trow.completedOnTime++;
    } else if (clock === null || completed <= clock) {
      uncount(j, 'completedLate', null, due, `应于${y.day(due)}前完成，${y.day(completed)}销号，销号前未收到相关通知`);
    } else {
      c.completedLate++;
      trow.completedLate++;
      const ev = cited.completion.get(a.id);
      deduct(j, 'completedLate', {
        period: null,
        dueAt: y.iso(clock ?? due),
        at: y.iso(completed),
        slip: null,
        reason: `${label}应于${y.day(due)}前完成，${y.day(completed)}方予销号，逾期完成${clockNote}${extNote}`,
        evidence: [j.assignmentEv, ...(ev ? [{ type: 'AuditEvent' as const, id: ev.id }] : []), ...extEv],
      }, asked);
    }
  } else if (j.cancelled === null) {
    if (due < y.asOf && (clock === null || clock >= y.asOf)) {
      uncount(j, 'overdue', null, due, `完成时限为${y.day(due)}，截至${y.asOfDay}仍未完成，但时限届满前未通知，此后也未督办`);
    } else if (due < y.asOf) {
      c.overdue++;
      trow.overdue++;
      deduct(j, 'overdue', {
        period: null,
        dueAt: y.iso(clock ?? due),
        at: null,
        slip: null,
        reason: `${label}完成时限为${y.day(due)}，截至${y.asOfDay}仍未完成${clockNote}${extNote}`,
        evidence: [...j.originEv, ...extEv],
      }, asked);
    } else {
      c.open++;
      trow.open++;
    }
  }
}

/** A report an assignment owes: its period and the calendar's due instant. */
interface OwedReport {
  period: string;
  dueAt: number;
}

/**
 * The reports an assignment owes in the year, earliest due first: every period of its task kind's
 * cadences whose due day falls in the window, ending after supervision started and not after the
 * assignment closed; plus any stored report due in the window.
 */
function reportsOwed(j: Judging, stored: readonly ReportFact[] | undefined): OwedReport[] {
  const { a, y, closedAt } = j;
  const owed: OwedReport[] = [];
  const seen = new Set<string>();
  for (const cadence of y.rubric.reports[j.task.kind]) {
    for (const per of y.periods[cadence]) {
      if (a.supervisedFrom !== null && a.supervisedFrom < per.end && (closedAt === null || closedAt >= per.end)) {
        owed.push({ period: per.period, dueAt: per.dueAt });
        seen.add(per.period);
      }
    }
  }
  if (stored) {
    for (const r of stored) {
      if (!seen.has(r.period) && r.dueAt >= y.start && r.dueAt < y.asOf) owed.push({ period: r.period, dueAt: r.dueAt });
    }
  }
  return owed.sort((x, y) => x.dueAt - y.dueAt || (x.period < y.period ? -1 : 1));
}

/** Reports: each owed report judged in turn (judgeReport) against the stored one for its period. */
function judgeReports(j: Judging, stored: readonly ReportFact[] | undefined): void {
  const byPeriod = new Map<string, ReportFact>();
  if (stored) for (const r of stored) byPeriod.set(r.period, r);
  for (const o of reportsOwed(j, stored)) judgeReport(j, o, byPeriod.get(o.period));
}

/**
 * One owed report. Never asked for by a delivered notice: uncounted, unless it was submitted on
 * time anyway. First asked for after its due day: due N workdays (`ackWorkdays`) after that notice.
 * Not yet due and not submitted: not counted. Otherwise on time, late, or missing.
 */
function judgeReport(j: Judging, o: OwedReport, r: ReportFact | undefined): void {
  const { y, acc, trow, label } = j;
  const c = acc.counts;
  const asked = j.told.find((n) => asksReport(n, o.period, o.dueAt));
  if (!asked) {
    if (!(r && r.submittedAt <= y.asOf && r.submittedAt <= o.dueAt)) {
      uncount(j, 'report', o.period, o.dueAt, `${periodName(o.period)}应于${y.day(o.dueAt)}前报送，但未收到要求报送的通知`);
    }
    return;
  }
  const due = asked.sentAt <= o.dueAt ? o.dueAt : y.ackDeadline(asked.sentAt);
  const dueNote =
    due !== o.dueAt ? `（原定${y.day(o.dueAt)}前报送，${y.day(asked.sentAt)}方通知，限${y.rubric.ackWorkdays}个工作日内）` : '';
  const submitted = r && r.submittedAt <= y.asOf ? r : undefined;
  if (due >= y.asOf && !submitted) return; // not due yet
  c.reportsDue++;
  trow.reportsDue++;
  if (submitted) {
    if (submitted.submittedAt > due) {
      c.reportsLate++;
      trow.reportsLate++;
      deduct(j, 'reportLate', {
        period: o.period,
        dueAt: y.iso(due),
        at: y.iso(submitted.submittedAt),
        slip: null,
        reason: `${label}${periodName(o.period)}应于${y.day(due)}前报送${dueNote}，实际于${y.day(submitted.submittedAt)}报送`,
        evidence: [{ type: 'Report', id: submitted.id }],
      }, asked);
    } else c.reportsOnTime++;
  } else {
    c.reportsMissing++;
    trow.reportsMissing++;
    deduct(j, 'reportMissing', {
      period: o.period,
      dueAt: y.iso(due),
      at: null,
      slip: null,
      reason: `${label}${periodName(o.period)}应于${y.day(due)}前报送${dueNote}，截至${y.asOfDay}未报送`,
      evidence: j.originEv,
    }, asked);
  }
}

/**
 * Acknowledgement, asked by the first delivered 交办通知 (or its reminder, or the catch-up letter),
 * due by the end of the N-th workday after it, counted in the year its deadline falls in unless the
 * assignment closed by then. Never asked and not acknowledged: shown once, in the year supervision
 * of the assignment started.
 */
function judgeAck(j: Judging, cited: CitedEvents): void {
  const { a, y, closedAt, label } = j;
  const c = j.acc.counts;
  const ackAsked = j.told.find((n) => ASKS_ACK.has(n.kind));
  const acked = a.acknowledgedAt !== null && a.acknowledgedAt <= y.asOf ? a.acknowledgedAt : null;
  const supervisedInYear = a.supervisedFrom !== null && a.supervisedFrom >= y.start && a.supervisedFrom < y.asOf;
  if (!ackAsked) {
    if (acked === null && supervisedInYear && closedAt === null) uncount(j, 'ack', null, null, '应签收交办任务，但交办通知未送达');
    return;
  }
  const ackDue = y.ackDeadline(ackAsked.sentAt);
  if (ackDue < y.start || ackDue >= y.asOf || (closedAt !== null && closedAt <= ackDue)) return;
  c.acksDue++;
  if (acked !== null && acked <= ackDue) return;
  c.acksLate++;
  const ev = cited.ack.get(a.id);
  deduct(j, 'ackLate', {
    period: null,
    dueAt: y.iso(ackDue),
    at: y.iso(acked),
    slip: null,
    reason: `${label}应于${y.day(ackDue)}前签收，${acked === null ? `截至${y.asOfDay}未签收` : `实际于${y.day(acked)}签收`}`,
    evidence: ev ? [j.assignmentEv, { type: 'AuditEvent', id: ev.id }] : j.originEv,
  }, ackAsked);
}

/**
 * Extension requests made in the year: counted (and their decisions by the as-of instant), each
 * deducted at the rubric's points for a request (0 by default). No notice asks for one.
 */
function countExtensionRequests(j: Judging): void {
  const { y } = j;
  const c = j.acc.counts;
  for (const e of j.exts) {
    if (e.requestedAt < y.start || e.requestedAt >= y.asOf) continue;
    c.extensionRequests++;
    if (e.decidedAt !== null && e.decidedAt <= y.asOf) {
      if (e.status === 'APPROVED') c.extensionsApproved++;
      else if (e.status === 'REJECTED') c.extensionsRejected++;
    }
    deduct(j, 'extensionRequested', {
      period: null,
      dueAt: null,
      at: y.iso(e.requestedAt),
      slip: null,
      reason: `${j.label}于${y.day(e.requestedAt)}申请延期至${y.day(e.requestedDueAt)}`,
      evidence: [{ type: 'Extension', id: e.id }],
    });
  }
}

/**
 * Supervision slips (督办单) issued in the year, in issue order. A slip counts once the notice
 * carrying it (its 督办通知, or the catch-up letter citing it) was delivered; else it is uncounted.
 * A slip closed by the as-of instant was still issued, so it still counts.
 */
function countSlips(j: Judging, all: readonly SlipFact[] | undefined): void {
  const { y } = j;
  const c = j.acc.counts;
  const slips = (all ?? []).filter((s) => s.issuedAt >= y.start && s.issuedAt < y.asOf);
  slips.sort((x, y) => x.issuedAt - y.issuedAt || (x.number < y.number ? -1 : 1));
  for (const s of slips) {
    const carried = j.told.find((n) => n.slip === s.number);
    if (!carried) {
      uncount(j, 'slip', null, null, `${SLIP_NAME[s.colour]}督办单${s.number}（${y.day(s.issuedAt)}）未送达`);
      continue;
    }
    c.slips[s.colour]++;
    j.trow.slips++;
    const closed = s.closedAt !== null && s.closedAt !== undefined && s.closedAt <= y.asOf;
    if (closed) c.slipsClosed++;
    else c.slipsOpen++;
    const why = s.closedBecause ? `（${SLIP_CLOSED_WHY[s.closedBecause]}）` : '';
    const closedText = closed ? `，已于${y.day(s.closedAt!)}关闭${why}` : '，未关闭';
    deduct(j, SLIP_KIND[s.colour], {
      period: null,
      dueAt: null,
      at: y.iso(s.issuedAt),
      slip: s.number,
      reason: `${j.label}收到${SLIP_NAME[s.colour]}督办单${s.number}（${y.day(s.issuedAt)}${closedText}）${s.reason ? `：${s.reason}` : ''}`,
      evidence: [{ type: 'SupervisionSlip', id: s.id }],
    }, carried);
  }
}

/**
 * Units asked anything by a delivered notice are scored (scoreUnit) and ranked: highest score
 * first, equal scores share a rank (1, 2, 2, 4). The others are listed as unassessed, by name.
 */
function gradeUnits(
  perUnit: Map<string, UnitAcc>,
  units: Map<string, UnitFact>,
  rubric: AssessmentRubric,
): { scored: UnitAssessment[]; unassessed: UnassessedUnit[] } {
  const unassessed: UnassessedUnit[] = [];
  const scored: UnitAssessment[] = [];
  for (const [unitId, acc] of perUnit) {
    const u = units.get(unitId)!;
    if (acc.asked) scored.push(scoreUnit(unitId, acc, u, rubric));
    else unassessed.push({ unitId, unit: u.name, kind: u.kind, counts: acc.counts, uncounted: sortUncounted(acc.uncounted) });
  }
  unassessed.sort((x, y) => x.unit.localeCompare(y.unit, 'zh-CN') || (x.unitId < y.unitId ? -1 : 1));
  scored.sort((x, y) => y.score - x.score || x.unit.localeCompare(y.unit, 'zh-CN') || (x.unitId < y.unitId ? -1 : 1));
  scored.forEach((u, i) => {
    const prev = scored[i - 1];
    u.rank = prev && prev.score === u.score ? prev.rank : i + 1;
  });
  return { scored, unassessed };
}

/** The per-task rows, points back from hundredths, by plan and task number. */
function taskRowsOf(perTask: Map<string, TaskAssessment>): TaskAssessment[] {
  return [...perTask.values()]
    .map((t) => ({ ...t, points: t.points / 100 }))
    .sort((x, y) => (x.plan < y.plan ? -1 : x.plan > y.plan ? 1 : x.task - y.task));
}

/** How many stored rows of each kind the result was computed from. */
function sourcesOf(facts: AssessmentFacts): AssessmentResult['sources'] {
  return {
    units: facts.units.length,
    tasks: facts.tasks.length,
    assignments: facts.assignments.length,
    reports: facts.reports.length,
    extensions: facts.extensions.length,
    slips: facts.slips.length,
    auditEvents: facts.audit.length,
    notices: facts.notices.length,
  };
}

/** The due instant an item is judged against, and the approved extensions that moved it or came too late. */
export interface JudgedDue {
  due: number;
  applied: ExtensionFact[];
  tooLate: ExtensionFact[];
}

/**
 * The due instant an item is judged against: the original one, moved by each approved extension
 * that was decided no later than the due instant in force when it was decided. Extensions approved
 * after that (or after the as-of instant) do not move it.
 */
export function judgedDue(originalDueAt: number, extensions: readonly ExtensionFact[], asOf: number): JudgedDue {
  let due = originalDueAt;
  const applied: ExtensionFact[] = [];
  const tooLate: ExtensionFact[] = [];
  const approved = extensions.filter((e) => e.status === 'APPROVED' && e.decidedAt !== null && e.decidedAt <= asOf).sort((x, y) => x.decidedAt! - y.decidedAt!);
  for (const e of approved) {
    if (e.decidedAt! <= due) {
      applied.push(e);
      due = Math.max(due, e.requestedDueAt);
    } else tooLate.push(e);
  }
  return { due, applied, tooLate };
}

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

function sortUncounted(list: Uncounted[]): Uncounted[] {
  return list.sort((x, y) => (x.plan < y.plan ? -1 : x.plan > y.plan ? 1 : 0) || x.task - y.task || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0) || ((x.period ?? '') < (y.period ?? '') ? -1 : (x.period ?? '') > (y.period ?? '') ? 1 : 0) || (x.reason < y.reason ? -1 : x.reason > y.reason ? 1 : 0) || (x.assignmentId < y.assignmentId ? -1 : 1));
}

function scoreUnit(unitId: string, acc: { counts: UnitCounts; deductions: Deduction[]; uncounted: Uncounted[] }, unit: { name: string; kind: string }, rubric: AssessmentRubric): UnitAssessment {
  const byKind = DEDUCTION_KINDS.map((kind) => {
    const items = acc.deductions.filter((d) => d.kind === kind);
    const total = items.reduce((s, d) => s + cents(d.points), 0);
    const cap = rubric.deductions[kind].cap;
    const applied = cap === null ? total : Math.min(total, cents(cap));
    return { kind, count: items.length, points: total / 100, applied: applied / 100, appliedCents: applied };
  }).filter((k) => k.count > 0);
  const off = byKind.reduce((s, k) => s + k.appliedCents, 0);
  const scoreCents = Math.max(cents(rubric.floor), cents(rubric.base) - off);
  const score = scoreCents / 100;
  const g = gradeOf(score, rubric);
  acc.deductions.sort(
    (x, y) => (x.plan < y.plan ? -1 : x.plan > y.plan ? 1 : 0) || x.task - y.task || DEDUCTION_KINDS.indexOf(x.kind) - DEDUCTION_KINDS.indexOf(y.kind) || ((x.dueAt ?? x.at ?? '') < (y.dueAt ?? y.at ?? '') ? -1 : (x.dueAt ?? x.at ?? '') > (y.dueAt ?? y.at ?? '') ? 1 : 0) || (x.assignmentId < y.assignmentId ? -1 : x.assignmentId > y.assignmentId ? 1 : 0),
  );
  return {
    unitId,
    unit: unit.name,
    kind: unit.kind,
    rank: 0,
    score,
    grade: g.grade,
    gradeLabel: g.label,
    deducted: (cents(rubric.base) - scoreCents) / 100,
    byKind: byKind.map(({ kind, count, points, applied }) => ({ kind, count, points, applied })),
    counts: acc.counts,
    deductions: acc.deductions,
    uncounted: sortUncounted(acc.uncounted),
  };
}

function totalsOf(units: UnitAssessment[], unassessed: UnassessedUnit[], rubric: AssessmentRubric): AssessmentResult['totals'] {
  const t = emptyCounts();
  const grades: Record<string, number> = Object.fromEntries(rubric.grades.map((g) => [g.grade, 0]));
  let points = 0;
  for (const u of units) {
    grades[u.grade] = (grades[u.grade] ?? 0) + 1;
    points += cents(u.deducted);
    const c = u.counts;
    for (const k of Object.keys(t) as (keyof UnitCounts)[]) {
      if (k === 'byRole' || k === 'slips') continue;
      t[k] += c[k];
    }
    for (const col of ['BLUE', 'ORANGE', 'RED'] as const) t.slips[col] += c.slips[col];
  }
  for (const u of unassessed) t.uncounted += u.counts.uncounted;
  const { byRole: _byRole, ...rest } = t;
  return { units: units.length, unassessed: unassessed.length, grades, points: points / 100, ...rest };
}
