/**
 * The assessment's other obligations of an assignment in the year: its reports, its acknowledgement,
 * its extension requests and the supervision slips (督办单) it received. Pure.
 */
import type { SlipColour } from '../model';
import type { Cadence } from '../deadline';
import type { AssessmentRubric, DeductionKind, ReportCadence, ReportFact, SlipFact, TaskFact } from './types';
import { ASKS_ACK, asksReport } from './asked';
import type { CitedEvents } from './facts';
import { deduct, uncount, type Judging } from './judging';

const SLIP_KIND: Record<SlipColour, DeductionKind> = { BLUE: 'slipBlue', ORANGE: 'slipOrange', RED: 'slipRed' };
const SLIP_NAME: Record<SlipColour, string> = { BLUE: '蓝色', ORANGE: '橙色', RED: '红色' };
const SLIP_CLOSED_WHY: Record<NonNullable<SlipFact['closedBecause']>, string> = {
  COMPLETED: '任务已销号',
  CANCELLED: '分工已撤销或改派',
  EXTENDED: '延期获批',
};
const QUARTER_NAME = ['', '第一季度', '第二季度', '第三季度', '第四季度'];

/** 2025Q1 → 2025年第一季度进展报告; 2025M03 → 2025年3月进展报告; 2025Y → 2025年度总结报告. */
export function periodName(period: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(period);
  if (q) return `${q[1]}年${QUARTER_NAME[Number(q[2])]}进展报告`;
  const m = /^(\d{4})M(0[1-9]|1[0-2])$/.exec(period);
  if (m) return `${m[1]}年${Number(m[2])}月进展报告`;
  const y = /^(\d{4})Y$/.exec(period);
  if (y) return `${y[1]}年度总结报告`;
  return `${period}报告`;
}

/** A report an assignment owes: its period and the calendar's due instant. */
interface OwedReport {
  period: string;
  dueAt: number;
}

/** A recurring task's cadence as the assessment counts it: the reports of that cadence, no others. */
const CADENCE_REPORTS: Record<Cadence, ReportCadence> = { month: 'monthly', quarter: 'quarterly', year: 'annual' };

/**
 * The cadences of reports an assignment's task owes: a recurring task's own (每月: monthly reports),
 * otherwise its kind's in the rubric.
 */
export function reportCadences(rubric: AssessmentRubric, task: Pick<TaskFact, 'kind' | 'cadence'>): ReportCadence[] {
  return task.cadence ? [CADENCE_REPORTS[task.cadence]] : rubric.reports[task.kind];
}

/**
 * The reports an assignment owes in the year, earliest due first: every period of its task's
 * cadences (reportCadences) whose due day falls in the window, ending after supervision started and
 * not after the assignment closed; plus any stored report due in the window.
 */
function reportsOwed(j: Judging, stored: readonly ReportFact[] | undefined): OwedReport[] {
  const { a, y, closedAt } = j;
  const owed: OwedReport[] = [];
  const seen = new Set<string>();
  for (const cadence of reportCadences(y.rubric, j.task)) {
    for (const per of y.periods[cadence]) {
      if (a.supervisedFrom !== null && a.supervisedFrom < per.end && (closedAt === null || closedAt >= per.end)) {
        owed.push({ period: per.period, dueAt: per.dueAt });
        seen.add(per.period);
      }
    }
  }
  if (stored) {
    for (const r of stored) {
      if (seen.has(r.period) || r.dueAt < y.start || r.dueAt >= y.asOf) continue;
      owed.push({ period: r.period, dueAt: r.dueAt });
    }
  }
  return owed.sort((x, y) => x.dueAt - y.dueAt || (x.period < y.period ? -1 : 1));
}

/** Reports: each owed report judged in turn (judgeReport) against the stored one for its period. */
export function judgeReports(j: Judging, stored: readonly ReportFact[] | undefined): void {
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
      uncount(
        j,
        'report',
        o.period,
        o.dueAt,
        `${periodName(o.period)}应于${y.day(o.dueAt)}前报送，但未收到要求报送的通知`,
      );
    }
    return;
  }
  const due = asked.sentAt <= o.dueAt ? o.dueAt : y.ackDeadline(asked.sentAt);
  const dueNote =
    due !== o.dueAt
      ? `（原定${y.day(o.dueAt)}前报送，${y.day(asked.sentAt)}方通知，限${y.rubric.ackWorkdays}个工作日内）`
      : '';
  const submitted = r && r.submittedAt <= y.asOf ? r : undefined;
  if (due >= y.asOf && !submitted) return; // not due yet
  c.reportsDue++;
  trow.reportsDue++;
  if (submitted) {
    if (submitted.submittedAt > due) {
      c.reportsLate++;
      trow.reportsLate++;
      deduct(
        j,
        'reportLate',
        {
          period: o.period,
          dueAt: y.iso(due),
          at: y.iso(submitted.submittedAt),
          slip: null,
          reason: `${label}${periodName(o.period)}应于${y.day(due)}前报送${dueNote}，实际于${y.day(submitted.submittedAt)}报送`,
          evidence: [{ type: 'Report', id: submitted.id }],
        },
        asked,
      );
    } else c.reportsOnTime++;
  } else {
    c.reportsMissing++;
    trow.reportsMissing++;
    deduct(
      j,
      'reportMissing',
      {
        period: o.period,
        dueAt: y.iso(due),
        at: null,
        slip: null,
        reason: `${label}${periodName(o.period)}应于${y.day(due)}前报送${dueNote}，截至${y.asOfDay}未报送`,
        evidence: j.originEv,
      },
      asked,
    );
  }
}

/**
 * Acknowledgement, asked by the first delivered 交办通知 (or its reminder, or the catch-up letter),
 * due by the end of the N-th workday after it, counted in the year its deadline falls in unless the
 * assignment closed by then. Never asked and not acknowledged: shown once, in the year supervision
 * of the assignment started.
 */
export function judgeAck(j: Judging, cited: CitedEvents): void {
  const { a, y, closedAt, label } = j;
  const c = j.acc.counts;
  const ackAsked = j.told.find((n) => ASKS_ACK.has(n.kind));
  const acked = a.acknowledgedAt !== null && a.acknowledgedAt <= y.asOf ? a.acknowledgedAt : null;
  const supervisedInYear = a.supervisedFrom !== null && a.supervisedFrom >= y.start && a.supervisedFrom < y.asOf;
  if (!ackAsked) {
    if (acked === null && supervisedInYear && closedAt === null)
      uncount(j, 'ack', null, null, '应签收交办任务，但交办通知未送达');
    return;
  }
  const ackDue = y.ackDeadline(ackAsked.sentAt);
  if (ackDue < y.start || ackDue >= y.asOf || (closedAt !== null && closedAt <= ackDue)) return;
  c.acksDue++;
  if (acked !== null && acked <= ackDue) return;
  c.acksLate++;
  const ev = cited.ack.get(a.id);
  deduct(
    j,
    'ackLate',
    {
      period: null,
      dueAt: y.iso(ackDue),
      at: y.iso(acked),
      slip: null,
      reason: `${label}应于${y.day(ackDue)}前签收，${acked === null ? `截至${y.asOfDay}未签收` : `实际于${y.day(acked)}签收`}`,
      evidence: ev ? [j.assignmentEv, { type: 'AuditEvent', id: ev.id }] : j.originEv,
    },
    ackAsked,
  );
}

/**
 * Extension requests made in the year: counted (and their decisions by the as-of instant), each
 * deducted at the rubric's points for a request (0 by default). No notice asks for one.
 */
export function countExtensionRequests(j: Judging): void {
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
export function countSlips(j: Judging, all: readonly SlipFact[] | undefined): void {
  const { y } = j;
  const c = j.acc.counts;
  const slips = (all ?? []).filter((s) => s.issuedAt >= y.start && s.issuedAt < y.asOf);
  slips.sort((x, y) => x.issuedAt - y.issuedAt || (x.number < y.number ? -1 : 1));
  for (const s of slips) {
    const slip = `${SLIP_NAME[s.colour]}督办单${s.number}`;
    const carried = j.told.find((n) => n.slip === s.number);
    if (!carried) {
      uncount(j, 'slip', null, null, `${slip}（${y.day(s.issuedAt)}）未送达`);
      continue;
    }
    c.slips[s.colour]++;
    j.trow.slips++;
    const closed = s.closedAt !== null && s.closedAt !== undefined && s.closedAt <= y.asOf;
    if (closed) c.slipsClosed++;
    else c.slipsOpen++;
    const why = s.closedBecause ? `（${SLIP_CLOSED_WHY[s.closedBecause]}）` : '';
    const closedText = closed ? `，已于${y.day(s.closedAt!)}关闭${why}` : '，未关闭';
    deduct(
      j,
      SLIP_KIND[s.colour],
      {
        period: null,
        dueAt: null,
        at: y.iso(s.issuedAt),
        slip: s.number,
        reason: `${j.label}收到${slip}（${y.day(s.issuedAt)}${closedText}）${s.reason ? `：${s.reason}` : ''}`,
        evidence: [{ type: 'SupervisionSlip', id: s.id }],
      },
      carried,
    );
  }
}
