/**
 * Second pass over a parsed plan: deadline phrases through the configured table, unit names through
 * the directory, and the assignments (task × unit × role) they imply. Pure. Every problem names the
 * source line and the field, and nothing is imported while any remains.
 */
import { interpretDeadline, type DeadlinePhraseRule } from '../deadline';
import type { AssignmentRole, ParsedPlan, ParsedTask, SourceIssue, TaskKind } from '../model';
import type { Resolver } from '../units';

export interface ResolvedTask extends ParsedTask {
  kind: TaskKind;
  /** YYYY-MM-DD or null for standing tasks */
  dueDate: string | null;
  /** ISO instant with offset (end of the due date in the plan's zone) or null */
  dueAt: string | null;
}

/** One (task, unit, role) the plan implies. Group names are expanded to their members. */
export interface PlannedAssignment {
  task: number;
  /** canonical unit name */
  unit: string;
  role: AssignmentRole;
  /** 0-based position in the task's unit order (listed units first, then rule-bound ones) */
  ordinal: number;
  /** the group name as written, when this assignment comes from a group */
  viaGroup: string | null;
}

export interface ValidatedPlan {
  plan: ParsedPlan;
  tasks: ResolvedTask[];
  assignments: PlannedAssignment[];
}

export type Validation = { ok: true; value: ValidatedPlan } | { ok: false; issues: SourceIssue[] };

export interface ValidateOptions {
  deadlinePhrases: readonly DeadlinePhraseRule[];
  zone: string;
  units: Resolver;
}

export function validatePlan(plan: ParsedPlan, opts: ValidateOptions): Validation {
  const issues: SourceIssue[] = [];
  const known = opts.deadlinePhrases.map((r) => r.phrase).join('、');
  const tasks: ResolvedTask[] = [];
  for (const t of plan.tasks) {
    const d = interpretDeadline(t.deadlinePhrase, opts.deadlinePhrases, opts.zone);
    if (!d) {
      issues.push({
        line: t.deadlineLine,
        field: '完成时限',
        message: `任务(${t.number})的完成时限「${t.deadlinePhrase}」不在时限对照表中 (config/deadline-phrases.json); 可识别的写法: ${known}`,
      });
      continue;
    }
    tasks.push({ ...t, kind: d.kind, dueDate: d.dueDate, dueAt: d.dueAt });
  }

  const unknown = (name: string, line: number, where: string) =>
    issues.push({ line, field: '责任单位', message: `${where}的责任单位「${name}」不在单位名录中 (config/units.json); 请先在名录中添加该单位或其别名` });

  // Rule-bound units, resolved once per rule.
  const rules = plan.rules.map((r) => ({
    fromTask: r.fromTask,
    units: r.units.flatMap((n) => {
      const u = opts.units.find(n);
      if (!u) unknown(n, r.line, `任务(${r.fromTask})所附规则`);
      return u ? [{ group: u.kind === 'GROUP' ? n : null, members: opts.units.expand(u) }] : [];
    }),
  }));

  const assignments: PlannedAssignment[] = [];
  for (const t of plan.tasks) {
    const seen = new Set<string>();
    let ordinal = 0;
    const add = (unit: string, role: AssignmentRole, viaGroup: string | null) => {
      if (seen.has(unit)) return;
      seen.add(unit);
      assignments.push({ task: t.number, unit, role, ordinal: ordinal++, viaGroup });
    };
    t.units.forEach((name, i) => {
      const u = opts.units.find(name);
      if (!u) return unknown(name, t.unitsLine, `任务(${t.number})`);
      for (const m of opts.units.expand(u)) add(m.name, i === 0 ? 'LEAD' : 'CO', u.kind === 'GROUP' ? name : null);
    });
    for (const r of rules) {
      if (t.number < r.fromTask) continue;
      for (const g of r.units) for (const m of g.members) add(m.name, 'IMPLICIT', g.group);
    }
  }
  if (issues.length) return { ok: false, issues: issues.sort((a, b) => a.line - b.line) };
  return { ok: true, value: { plan, tasks, assignments } };
}

/** The summary `dubang plan validate|import` prints. */
export interface PlanSummary {
  title: string;
  tasks: number;
  sections: number;
  subsections: number;
  /** phrase → count, in order of first appearance */
  deadlinePhrases: Record<string, number>;
  /** distinct unit names as the plan's task cells write them (rule brackets excluded) */
  units: number;
  assignments: number;
  assignmentsByRole: Record<AssignmentRole, number>;
  rules: { text: string; fromTask: number; units: string[] }[];
  indicators: number;
  standing: number;
  deadline: number;
}

export function summarisePlan(v: ValidatedPlan): PlanSummary {
  const phrases: Record<string, number> = {};
  for (const t of v.tasks) phrases[t.deadlinePhrase] = (phrases[t.deadlinePhrase] ?? 0) + 1;
  const unitNames = new Set(v.tasks.flatMap((t) => t.units));
  const byRole: Record<AssignmentRole, number> = { LEAD: 0, CO: 0, IMPLICIT: 0 };
  for (const a of v.assignments) byRole[a.role]++;
  return {
    title: v.plan.title,
    tasks: v.tasks.length,
    sections: v.plan.sections.filter((s) => s.level === 1).length,
    subsections: v.plan.sections.filter((s) => s.level === 2).length,
    deadlinePhrases: phrases,
    units: unitNames.size,
    assignments: v.assignments.length,
    assignmentsByRole: byRole,
    rules: v.plan.rules.map((r) => ({ text: r.text, fromTask: r.fromTask, units: r.units })),
    indicators: v.plan.indicators.length,
    standing: v.tasks.filter((t) => t.kind === 'standing').length,
    deadline: v.tasks.filter((t) => t.kind === 'deadline').length,
  };
}
