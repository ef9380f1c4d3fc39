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
import { assessmentWindow, AssessmentInputError, reportPeriodsDue, weekdaysOnly, workdayDeadline, yearLabel, type ReportPeriod } from './calendar';
import {
  DEDUCTION_KINDS,
  type AssessmentFacts,
  type AssessmentParams,
  type AssessmentResult,
  type AssessmentRubric,
  type AuditFact,
  type Deduction,
  type DeductionKind,
  type Evidence,
  type ExtensionFact,
  type NoticeCitation,
  type NoticeFact,
  type ReportFact,
  type SlipFact,
  type TaskAssessment,
  type TaskFact,
  type UnassessedUnit,
  type UnitAssessment,
  type UnitCounts,
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
  const { rubric, zone } = p;
  const win = assessmentWindow(p.year, rubric.yearStartMonth, zone);
  const S = win.start;
  const A = Math.min(p.asOf, win.end);
  if (A <= S) {
    throw new AssessmentInputError(`考核基准日 ${new Date(p.asOf).toISOString()} 早于${yearLabel(p.year, rubric.yearStartMonth)}考核期的开始 ${new Date(S).toISOString()}`);
  }
  // Local dates by 15-minute bucket: every zone offset in use is a multiple of 15 minutes, so a local
  // midnight never falls inside a bucket. Saves a luxon DateTime per deduction.
  const dayMemo = new Map<number, string>();
  const day = (ms: number): string => {
    const bucket = Math.floor(ms / QUARTER_HOUR);
    let s = dayMemo.get(bucket);
    if (s === undefined) {
      s = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
      dayMemo.set(bucket, s);
    }
    return s;
  };
  const isoMemo = new Map<number, string>();
  const iso = (ms: number | null): string | null => {
    if (ms === null) return null;
    let s = isoMemo.get(ms);
    if (s === undefined) isoMemo.set(ms, (s = new Date(ms).toISOString()));
    return s;
  };
  const asOfDay = day(A - 1);
  // One citation per notice fact, its time formatted once per minute (a notice asks for many things).
  const citeMemo = new Map<NoticeFact, NoticeCitation>();
  const minuteMemo = new Map<number, string>();
  const cite = (n: NoticeFact): NoticeCitation => {
    let c = citeMemo.get(n);
    if (!c) {
      const minute = Math.floor(n.sentAt / 60_000);
      let sentAt = minuteMemo.get(minute);
      if (sentAt === undefined) minuteMemo.set(minute, (sentAt = DateTime.fromMillis(n.sentAt, { zone }).toFormat('yyyy年M月d日 HH:mm')));
      citeMemo.set(n, (c = { id: n.id, kind: KIND_LABELS[n.kind] ?? '通知', sentAt, messageId: n.messageId, slip: n.slip }));
    }
    return c;
  };

  const units = new Map(facts.units.map((u) => [u.id, u]));
  const excluded = new Set(rubric.excludedUnitKinds);
  const roles = new Set<AssignmentRole>(rubric.roles);
  const tasks = new Map(facts.tasks.map((t) => [t.id, t]));
  const reportsBy = groupBy(facts.reports, (r) => r.assignmentId);
  const extensionsBy = groupBy(facts.extensions, (e) => e.assignmentId);
  const slipsBy = groupBy(facts.slips, (s) => s.assignmentId);
  // Only notices delivered by the as-of instant have asked anything; earliest first, ties by id.
  const noticesBy = groupBy(
    facts.notices.filter((n) => n.sentAt <= A),
    (n) => n.assignmentId,
  );
  for (const list of noticesBy.values()) list.sort((x, y) => x.sentAt - y.sentAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) || ((x.period ?? '') < (y.period ?? '') ? -1 : 1));

  // Audit events cited as evidence: the first acknowledgement, the last completion approval, and
  // where the assignment came from (its own creation event after a revision, else the plan import).
  const ackEvent = new Map<string, AuditFact>();
  const completionEvent = new Map<string, AuditFact>();
  const createdEvent = new Map<string, AuditFact>();
  const planImported = new Map<string, AuditFact>();
  // Provenance events (import, creation) are cited whenever they happened: a plan imported after
  // the year still records the obligations the year is judged on. Behaviour (acknowledgement,
  // completion) counts only up to the as-of instant.
  // ids are decimal bigints as text: a shorter one is smaller (no BigInt allocation per comparison)
  const audit = [...facts.audit].sort((x, y) => x.at - y.at || x.id.length - y.id.length || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  for (const e of audit) {
    if (e.action === 'plan.imported' && e.planId) {
      if (!planImported.has(e.planId)) planImported.set(e.planId, e);
    } else if (e.assignmentId) {
      if (e.action === 'assignment.created') {
        if (!createdEvent.has(e.assignmentId)) createdEvent.set(e.assignmentId, e);
      } else if (e.at > A) continue;
      else if (e.action === 'assignment.acknowledged' && !ackEvent.has(e.assignmentId)) ackEvent.set(e.assignmentId, e);
      else if (e.action === 'completion.approved') completionEvent.set(e.assignmentId, e);
    }
  }

  const periods: Record<'quarterly' | 'annual', ReportPeriod[]> = {
    quarterly: reportPeriodsDue('quarterly', S, A, zone, rubric.reports),
    annual: reportPeriodsDue('annual', S, A, zone, rubric.reports),
  };
  const ackDeadline = workdayDeadline(rubric.ackWorkdays, zone, p.isWorkday ?? weekdaysOnly);

  interface UnitAcc {
    counts: UnitCounts;
    deductions: Deduction[];
    uncounted: Uncounted[];
    /** whether any delivered notice asked the unit anything in the year */
    asked: boolean;
  }
  const perUnit = new Map<string, UnitAcc>();
  const perTask = new Map<string, TaskAssessment>();

  for (const a of facts.assignments) {
    const unit = units.get(a.unitId);
    const task = tasks.get(a.taskId);
    if (!unit || !task || excluded.has(unit.kind) || !roles.has(a.role)) continue;
    const effective = p.planEffectiveFrom?.[task.planId];
    const lifeStart = effective !== undefined ? Math.min(effective, a.createdAt) : a.createdAt;
    if (lifeStart >= A) continue;
    const cancelled = a.cancelledAt !== null && a.cancelledAt <= A ? a.cancelledAt : null;
    const completed = a.completedAt !== null && a.completedAt <= A ? a.completedAt : null;
    if ((cancelled !== null && cancelled < S) || (completed !== null && completed < S)) continue;
    const closedAt = cancelled ?? completed;

    let acc = perUnit.get(unit.id);
    if (!acc) perUnit.set(unit.id, (acc = { counts: emptyCounts(), deductions: [], uncounted: [], asked: false }));
    let trow = perTask.get(task.id);
    if (!trow) perTask.set(task.id, (trow = emptyTaskRow(task, iso)));
    const c = acc.counts;
    c.assignments++;
    c.byRole[a.role]++;
    trow.assignments++;

    const label = `任务(${task.number})`;
    const assignmentEv: Evidence = { type: 'Assignment', id: a.id };
    const origin = createdEvent.get(a.id) ?? planImported.get(task.planId);
    const originEv: Evidence[] = origin ? [assignmentEv, { type: 'AuditEvent', id: origin.id }] : [assignmentEv];
    const deduct = (kind: DeductionKind, d: Omit<Deduction, 'kind' | 'points' | 'plan' | 'task' | 'assignmentId' | 'notice'>, asked: NoticeFact | null = null) => {
      const points = rubric.deductions[kind].points;
      trow.points += cents(points);
      if (points <= 0) return;
      const notice = asked ? cite(asked) : null;
      acc.deductions.push({
        kind,
        points,
        plan: task.planSlug,
        task: task.number,
        assignmentId: a.id,
        ...d,
        reason: notice ? `${d.reason}；${citationText(notice)}` : d.reason,
        evidence: asked ? [...d.evidence, { type: 'Notice', id: asked.id }] : d.evidence,
        notice,
      });
    };
    const uncount = (kind: Uncounted['kind'], period: string | null, dueAt: number | null, reason: string) => {
      c.uncounted++;
      acc.uncounted.push({ kind, plan: task.planSlug, task: task.number, assignmentId: a.id, period, dueAt: iso(dueAt), reason: `${label}${reason}（未通知，不计）` });
    };
    const told = noticesBy.get(a.id) ?? NO_NOTICES;
    if (told.some((n) => ASKS_UNIT.has(n.kind))) acc.asked = true;

    // Deadline items: completed on time, completed late, overdue, or still open.
    const exts = extensionsBy.get(a.id) ?? NONE;
    if (exts.length > 1) exts.sort((x, y) => x.requestedAt - y.requestedAt || (x.id < y.id ? -1 : 1));
    if (task.kind === 'standing' || a.originalDueAt === null) {
      c.standingItems++;
    } else {
      c.deadlineItems++;
      const j = judgedDue(a.originalDueAt, exts, A);
      // The clock: the judged due instant when the unit was told before it; else the first 督办 or
      // catch-up letter listing the item after it; null while neither was delivered.
      const before = told.find((n) => TELLS_DEADLINE.has(n.kind) && aboutDeadline(n) && n.sentAt <= j.due);
      const after = before ? undefined : told.find((n) => STARTS_OVERDUE_CLOCK.has(n.kind) && aboutDeadline(n) && n.sentAt > j.due);
      const asked = before ?? after ?? null;
      const clock = before ? j.due : after ? after.sentAt : null;
      const clockNote = after ? `（时限届满前未通知，自${day(after.sentAt)}${cite(after).kind}送达起计）` : '';
      const extEv: Evidence[] = [...j.applied, ...j.tooLate].map((e) => ({ type: 'Extension', id: e.id }));
      const extNote =
        (j.applied.length ? `（已按${day(j.applied[j.applied.length - 1]!.decidedAt!)}批准的延期时限考核）` : '') +
        (j.tooLate.length ? `；延期申请于${day(j.tooLate[0]!.decidedAt!)}批准，晚于当时的完成时限，仍按原定时限考核` : '');
      if (completed !== null) {
        if (completed <= j.due) {
          c.completedOnTime++;
          trow.completedOnTime++;
        } else if (clock === null || completed <= clock) {
          uncount('completedLate', null, j.due, `应于${day(j.due)}前完成，${day(completed)}销号，销号前未收到相关通知`);
        } else {
          c.completedLate++;
          trow.completedLate++;
          const ev = completionEvent.get(a.id);
          deduct('completedLate', {
            period: null,
            dueAt: iso(clock ?? j.due),
            at: iso(completed),
            slip: null,
            reason: `${label}应于${day(j.due)}前完成，${day(completed)}方予销号，逾期完成${clockNote}${extNote}`,
            evidence: [assignmentEv, ...(ev ? [{ type: 'AuditEvent' as const, id: ev.id }] : []), ...extEv],
          }, asked);
        }
      } else if (cancelled === null) {
        if (j.due < A && (clock === null || clock >= A)) {
          uncount('overdue', null, j.due, `完成时限为${day(j.due)}，截至${asOfDay}仍未完成，但时限届满前未通知，此后也未督办`);
        } else if (j.due < A) {
          c.overdue++;
          trow.overdue++;
          deduct('overdue', {
            period: null,
            dueAt: iso(clock ?? j.due),
            at: null,
            slip: null,
            reason: `${label}完成时限为${day(j.due)}，截至${asOfDay}仍未完成${clockNote}${extNote}`,
            evidence: [...originEv, ...extEv],
          }, asked);
        } else {
          c.open++;
          trow.open++;
        }
      }
    }

    // Reports: the calendar's periods the assignment was alive for, plus stored ones due in the window.
    const stored = reportsBy.get(a.id);
    const byPeriod = new Map<string, ReportFact>();
    if (stored) for (const r of stored) byPeriod.set(r.period, r);
    const owed: { period: string; dueAt: number }[] = [];
    const seen = new Set<string>();
    for (const cadence of rubric.reports[task.kind]) {
      for (const per of periods[cadence]) {
        if (a.supervisedFrom !== null && a.supervisedFrom < per.end && (closedAt === null || closedAt >= per.end)) {
          owed.push({ period: per.period, dueAt: per.dueAt });
          seen.add(per.period);
        }
      }
    }
    if (stored) for (const r of stored) if (!seen.has(r.period) && r.dueAt >= S && r.dueAt < A) owed.push({ period: r.period, dueAt: r.dueAt });
    owed.sort((x, y) => x.dueAt - y.dueAt || (x.period < y.period ? -1 : 1));
    for (const o of owed) {
      const r = byPeriod.get(o.period);
      const asked = told.find((n) => asksReport(n, o.period, o.dueAt));
      if (!asked) {
        if (!(r && r.submittedAt <= A && r.submittedAt <= o.dueAt)) uncount('report', o.period, o.dueAt, `${periodName(o.period)}应于${day(o.dueAt)}前报送，但未收到要求报送的通知`);
        continue;
      }
      // first asked after the due day: due N workdays after that notice
      const due = asked.sentAt <= o.dueAt ? o.dueAt : ackDeadline(asked.sentAt);
      const dueNote = due !== o.dueAt ? `（原定${day(o.dueAt)}前报送，${day(asked.sentAt)}方通知，限${rubric.ackWorkdays}个工作日内）` : '';
      if (due >= A && !(r && r.submittedAt <= A)) continue; // not due yet
      c.reportsDue++;
      trow.reportsDue++;
      if (r && r.submittedAt <= A) {
        if (r.submittedAt > due) {
          c.reportsLate++;
          trow.reportsLate++;
          deduct('reportLate', {
            period: o.period,
            dueAt: iso(due),
            at: iso(r.submittedAt),
            slip: null,
            reason: `${label}${periodName(o.period)}应于${day(due)}前报送${dueNote}，实际于${day(r.submittedAt)}报送`,
            evidence: [{ type: 'Report', id: r.id }],
          }, asked);
        } else c.reportsOnTime++;
      } else {
        c.reportsMissing++;
        trow.reportsMissing++;
        deduct('reportMissing', {
          period: o.period,
          dueAt: iso(due),
          at: null,
          slip: null,
          reason: `${label}${periodName(o.period)}应于${day(due)}前报送${dueNote}，截至${asOfDay}未报送`,
          evidence: originEv,
        }, asked);
      }
    }

    // Acknowledgement, asked by the first delivered 交办通知 (or its reminder, or the catch-up
    // letter), counted in the year its deadline falls in; never asked: shown once, in the year
    // supervision of the assignment started.
    const ackAsked = told.find((n) => ASKS_ACK.has(n.kind));
    const acknowledged = a.acknowledgedAt !== null && a.acknowledgedAt <= A;
    if (!ackAsked && !acknowledged && a.supervisedFrom !== null && a.supervisedFrom >= S && a.supervisedFrom < A && closedAt === null) {
      uncount('ack', null, null, '应签收交办任务，但交办通知未送达');
    }
    const ackDue = ackAsked ? ackDeadline(ackAsked.sentAt) : Infinity;
    if (ackAsked && ackDue >= S && ackDue < A && !(closedAt !== null && closedAt <= ackDue)) {
      c.acksDue++;
      const acked = a.acknowledgedAt !== null && a.acknowledgedAt <= A ? a.acknowledgedAt : null;
      if (acked === null || acked > ackDue) {
        c.acksLate++;
        const ev = ackEvent.get(a.id);
        deduct('ackLate', {
          period: null,
          dueAt: iso(ackDue),
          at: iso(acked),
          slip: null,
          reason: `${label}应于${day(ackDue)}前签收，${acked === null ? `截至${asOfDay}未签收` : `实际于${day(acked)}签收`}`,
          evidence: ev ? [assignmentEv, { type: 'AuditEvent', id: ev.id }] : originEv,
        }, ackAsked);
      }
    }

    // Extension requests made in the year.
    for (const e of exts) {
      if (e.requestedAt < S || e.requestedAt >= A) continue;
      c.extensionRequests++;
      if (e.decidedAt !== null && e.decidedAt <= A) {
        if (e.status === 'APPROVED') c.extensionsApproved++;
        else if (e.status === 'REJECTED') c.extensionsRejected++;
      }
      deduct('extensionRequested', {
        period: null,
        dueAt: null,
        at: iso(e.requestedAt),
        slip: null,
        reason: `${label}于${day(e.requestedAt)}申请延期至${day(e.requestedDueAt)}`,
        evidence: [{ type: 'Extension', id: e.id }],
      });
    }

    // Supervision slips (督办单) issued in the year.
    const slips: SlipFact[] = (slipsBy.get(a.id) ?? []).filter((s) => s.issuedAt >= S && s.issuedAt < A);
    slips.sort((x, y) => x.issuedAt - y.issuedAt || (x.number < y.number ? -1 : 1));
    for (const s of slips) {
      // a slip counts once the notice carrying it (its 督办通知, or the catch-up letter citing it) was delivered
      const carried = told.find((n) => n.slip === s.number);
      if (!carried) {
        uncount('slip', null, null, `${SLIP_NAME[s.colour]}督办单${s.number}（${day(s.issuedAt)}）未送达`);
        continue;
      }
      c.slips[s.colour]++;
      trow.slips++;
      // open or closed as of the as-of instant; a closed slip was still issued, so it still counts
      const closed = s.closedAt !== null && s.closedAt !== undefined && s.closedAt <= A;
      if (closed) c.slipsClosed++;
      else c.slipsOpen++;
      const closedText = closed ? `，已于${day(s.closedAt!)}关闭${s.closedBecause ? `（${SLIP_CLOSED_WHY[s.closedBecause]}）` : ''}` : '，未关闭';
      deduct(SLIP_KIND[s.colour], {
        period: null,
        dueAt: null,
        at: iso(s.issuedAt),
        slip: s.number,
        reason: `${label}收到${SLIP_NAME[s.colour]}督办单${s.number}（${day(s.issuedAt)}${closedText}）${s.reason ? `：${s.reason}` : ''}`,
        evidence: [{ type: 'SupervisionSlip', id: s.id }],
      }, carried);
    }
  }

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

  const taskRows = [...perTask.values()]
    .map((t) => ({ ...t, points: t.points / 100 }))
    .sort((x, y) => (x.plan < y.plan ? -1 : x.plan > y.plan ? 1 : x.task - y.task));

  return {
    year: p.year,
    label: yearLabel(p.year, rubric.yearStartMonth),
    zone,
    window: { start: iso(S)!, end: iso(win.end)! },
    asOf: iso(A)!,
    interim: A < win.end,
    rubric,
    units: scored,
    unassessed,
    tasks: taskRows,
    totals: totalsOf(scored, unassessed, rubric),
    sources: {
      units: facts.units.length,
      tasks: facts.tasks.length,
      assignments: facts.assignments.length,
      reports: facts.reports.length,
      extensions: facts.extensions.length,
      slips: facts.slips.length,
      auditEvents: facts.audit.length,
      notices: facts.notices.length,
    },
  };
}

/**
 * The due instant an item is judged against: the original one, moved by each approved extension
 * that was decided no later than the due instant in force when it was decided. Extensions approved
 * after that (or after the as-of instant) do not move it.
 */
export function judgedDue(originalDueAt: number, extensions: readonly ExtensionFact[], asOf: number): { due: number; applied: ExtensionFact[]; tooLate: ExtensionFact[] } {
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
