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
import type { AssessmentFacts, AssessmentParams, AssessmentResult, TaskAssessment } from './types';
import { yearLabel } from './calendar';
import { judgeDeadline } from './deadline';
import { indexFacts } from './facts';
import { gradeUnits, taskRowsOf, totalsOf } from './grade';
import { openJudging, type UnitAcc } from './judging';
import { countExtensionRequests, countSlips, judgeAck, judgeReports } from './obligations';
import { openYear } from './year';

export { citationText } from './asked';
export { judgedDue, type JudgedDue } from './deadline';
export { gradeOf } from './grade';
export { periodName } from './obligations';

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
