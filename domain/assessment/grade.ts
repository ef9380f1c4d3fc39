/** Scores, grades and ranks the units from what was collected for them, and the year's totals. Pure. */
import {
  DEDUCTION_KINDS,
  type AssessmentResult,
  type AssessmentRubric,
  type Deduction,
  type TaskAssessment,
  type UnassessedUnit,
  type UnitAssessment,
  type UnitCounts,
  type UnitFact,
  type Uncounted,
} from './types';
import { compareText } from './facts';
import { cents, emptyCounts, type UnitAcc } from './judging';

/** The grade band a score falls in (bands are tried from the highest minimum down). */
export function gradeOf(score: number, rubric: Pick<AssessmentRubric, 'grades'>): { grade: string; label: string } {
  const bands = [...rubric.grades].sort((a, b) => b.min - a.min);
  const band = bands.find((b) => score >= b.min) ?? bands[bands.length - 1];
  return band ? { grade: band.grade, label: band.label } : { grade: '-', label: '-' };
}

/**
 * Units asked anything by a delivered notice are scored (scoreUnit) and ranked: highest score
 * first, equal scores share a rank (1, 2, 2, 4). The others are listed as unassessed, by name.
 */
export function gradeUnits(
  perUnit: Map<string, UnitAcc>,
  units: Map<string, UnitFact>,
  rubric: AssessmentRubric,
): { scored: UnitAssessment[]; unassessed: UnassessedUnit[] } {
  const unassessed: UnassessedUnit[] = [];
  const scored: UnitAssessment[] = [];
  for (const [unitId, acc] of perUnit) {
    const u = units.get(unitId)!;
    if (acc.asked) scored.push(scoreUnit(unitId, acc, u, rubric));
    else {
      const uncounted = sortUncounted(acc.uncounted);
      unassessed.push({ unitId, unit: u.name, kind: u.kind, counts: acc.counts, uncounted });
    }
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
export function taskRowsOf(perTask: Map<string, TaskAssessment>): TaskAssessment[] {
  return [...perTask.values()]
    .map((t) => ({ ...t, points: t.points / 100 }))
    .sort((x, y) => (x.plan < y.plan ? -1 : x.plan > y.plan ? 1 : x.task - y.task));
}

/** Uncounted items by plan, task, kind, period, reason, then assignment. */
function sortUncounted(list: Uncounted[]): Uncounted[] {
  return list.sort(
    (x, y) =>
      compareText(x.plan, y.plan) ||
      x.task - y.task ||
      compareText(x.kind, y.kind) ||
      compareText(x.period ?? '', y.period ?? '') ||
      compareText(x.reason, y.reason) ||
      (x.assignmentId < y.assignmentId ? -1 : 1),
  );
}

/**
 * A unit's score: the base less each deduction kind's points, each kind capped at its ceiling
 * (扣完为止), never below the floor; summed in hundredths. Its deductions are listed by plan, task,
 * kind (in rubric order), due or event instant, then assignment.
 */
function scoreUnit(
  unitId: string,
  acc: { counts: UnitCounts; deductions: Deduction[]; uncounted: Uncounted[] },
  unit: { name: string; kind: string },
  rubric: AssessmentRubric,
): UnitAssessment {
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
    (x, y) =>
      compareText(x.plan, y.plan) ||
      x.task - y.task ||
      DEDUCTION_KINDS.indexOf(x.kind) - DEDUCTION_KINDS.indexOf(y.kind) ||
      compareText(x.dueAt ?? x.at ?? '', y.dueAt ?? y.at ?? '') ||
      compareText(x.assignmentId, y.assignmentId),
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

/** The year's totals: every count summed over the scored units, grades tallied, uncounted items over all units. */
export function totalsOf(
  units: UnitAssessment[],
  unassessed: UnassessedUnit[],
  rubric: AssessmentRubric,
): AssessmentResult['totals'] {
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
