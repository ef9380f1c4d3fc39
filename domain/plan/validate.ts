/**
 * Second pass over a parsed plan: deadline phrases through the configured table, unit names through
 * the directory, and the assignments (task × unit × role) they imply. Pure. Every problem names the
 * source line and the field, and nothing is imported while any remains.
 */
import { DEADLINE_FORMS, interpretDeadline, recurringHint, type Cadence, type DeadlinePhraseRule } from '../deadline';
import type { AssignmentRole, ParsedPlan, ParsedTask, SourceIssue, TaskKind } from '../model';
import { isCollectiveName, type Resolver } from '../units';
import { issuerPlace } from './title';

export interface ResolvedTask extends ParsedTask {
  kind: TaskKind;
  /** recurring standing tasks (每年, 每季度, 每月): the reporting cadence */
  cadence?: Cadence;
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

/** A unit the plan names that the directory does not have, to create (`--new-units`). */
export interface NewUnit {
  /** the name as the plan writes it */
  name: string;
  /** the canonical name it would get: as written for the directory's own issuer, else prefixed with the issuer's place */
  create: string;
  /** a collective name (各街道, 各有关单位 …): a group that needs members before supervision */
  group: boolean;
  lines: number[];
}

export interface ValidatedPlan {
  plan: ParsedPlan;
  tasks: ResolvedTask[];
  assignments: PlannedAssignment[];
  /** units to create (only with `newUnits`; otherwise unknown names are refused) */
  newUnits: NewUnit[];
  /** whether names resolved against a directory of another issuer's place (names never expand into its units) */
  foreign: boolean;
}

export type Validation = { ok: true; value: ValidatedPlan } | { ok: false; issues: SourceIssue[] };

export interface ValidateOptions {
  deadlinePhrases: readonly DeadlinePhraseRule[];
  zone: string;
  units: Resolver;
  /** where unit problems send the user: 单位名录 (database) or config/units.json */
  directoryName?: string;
  /** the place the directory's units belong to (南昌市), see directoryPlace */
  directoryPlace?: string | null;
  /** list unknown units as units to create instead of refusing them */
  newUnits?: boolean;
}

export function validatePlan(plan: ParsedPlan, opts: ValidateOptions): Validation {
  const issues: SourceIssue[] = [];
  const tasks: ResolvedTask[] = [];
  // phrases repeat (80 tasks, 4 phrases); zone arithmetic is the costly part of a large plan
  const phrases = new Map<string, ReturnType<typeof interpretDeadline>>();
  for (const t of plan.tasks) {
    // a task without a deadline phrase was reported by the parser (no 完成时限 column or cell)
    if (!t.deadlinePhrase) continue;
    if (!phrases.has(t.deadlinePhrase))
      phrases.set(t.deadlinePhrase, interpretDeadline(t.deadlinePhrase, opts.deadlinePhrases, opts.zone));
    const d = phrases.get(t.deadlinePhrase)!;
    if (!d) {
      issues.push({
        line: t.deadlineLine,
        field: '完成时限',
        message: `任务(${t.label || t.number})的完成时限「${t.deadlinePhrase}」不在时限对照表中，也不是可识别的写法（${DEADLINE_FORMS}）：${recurringHint(t.deadlinePhrase) ?? '请改为其中一种写法'}，或在 config/deadline-phrases.json 中添加这一短语`,
      });
      continue;
    }
    tasks.push({
      ...t,
      kind: d.kind,
      dueDate: d.dueDate,
      dueAt: d.dueAt,
      ...(d.cadence ? { cadence: d.cadence } : {}),
    });
  }

  // Another issuer's plan (赣州市人民政府) read against this directory (南昌市): its 市市场监管局 is
  // not ours, and its 各县(市、区)人民政府 must never expand into our counties.
  const place = issuerPlace(plan.issuer);
  const foreign = !!place && !!opts.directoryPlace && place !== opts.directoryPlace;
  const qualified = (name: string) =>
    !foreign || name.startsWith(place!)
      ? name
      : name.startsWith('市') && place!.endsWith('市')
        ? place + name.slice(1)
        : place + name;
  const find = (name: string) => opts.units.find(qualified(name));
  const dirName = opts.directoryName ?? '单位名录';
  const created = new Map<string, NewUnit>();
  const unknown = (name: string, line: number, where: string) => {
    // 市发改委 市财政局 / 市发改委市财政局: two units without a separator; adding it as one alias would be wrong
    if (runTogether(name)) {
      issues.push({
        line,
        field: '责任单位',
        message: `${where}的责任单位「${name}」像是两个以上单位连在一起：请在单位之间用「、」分开（如 市发改委、市财政局）`,
      });
      return;
    }
    if (opts.newUnits) {
      const key = qualified(name);
      const u = created.get(key) ?? { name, create: key, group: isCollectiveName(name), lines: [] };
      if (!u.lines.includes(line)) u.lines.push(line);
      created.set(key, u);
      return;
    }
    const collective = isCollectiveName(name) ? `；「${name}」是统称，应在名录中建为单位组并列出成员` : '';
    const other = foreign
      ? `（方案由${plan.issuer}印发，名称按${place}的单位查找${qualified(name) !== name ? `：${qualified(name)}` : ''}，不会对应到${opts.directoryPlace}的单位）`
      : '';
    issues.push({
      line,
      field: '责任单位',
      message: `${where}的责任单位「${name}」不在${dirName}中${other}${collective}：请先在名录中添加该单位（或把它加为已有单位的别名），或用 --new-units 列出全部待建单位`,
    });
  };

  // Rule-bound units, resolved once per rule.
  const rules = plan.rules.map((r) => ({
    fromTask: r.fromTask,
    units: r.units.flatMap((n) => {
      const u = find(n);
      if (!u) unknown(n, r.line, `任务(${r.fromTask})所附规则`);
      return u ? [{ group: u.kind === 'GROUP' ? n : null, members: opts.units.expand(u) }] : [];
    }),
  }));

  const assignments: PlannedAssignment[] = [];
  for (const t of plan.tasks) {
    // a task without any unit would be supervised by nobody (an empty units cell, a block with no
    // unit line); a lead cell empty beside co-units is the parser's refusal
    if (!t.units.length)
      issues.push({
        line: t.unitsLine || t.line,
        field: '责任单位',
        message: `任务(${t.label || t.number})没有责任单位：请在牵头单位（或责任单位，第一个单位牵头）中写明至少一个单位`,
      });
    const seen = new Set<string>();
    let ordinal = 0;
    const add = (unit: string, role: AssignmentRole, viaGroup: string | null) => {
      if (seen.has(unit)) return;
      seen.add(unit);
      assignments.push({ task: t.number, unit, role, ordinal: ordinal++, viaGroup });
    };
    t.units.forEach((name, i) => {
      const role: AssignmentRole = i < t.leads ? 'LEAD' : 'CO';
      const u = find(name);
      if (!u) {
        unknown(name, t.unitsLine, `任务(${t.label || t.number})`);
        // a unit to create is assigned under the name it will get; a new group has no members yet
        if (opts.newUnits && !isCollectiveName(name)) add(qualified(name), role, null);
        return;
      }
      for (const m of opts.units.expand(u)) add(m.name, role, u.kind === 'GROUP' ? name : null);
    });
    for (const r of rules) {
      if (t.number < r.fromTask) continue;
      for (const g of r.units) for (const m of g.members) add(m.name, 'IMPLICIT', g.group);
    }
  }
  if (issues.length) return { ok: false, issues: issues.sort((a, b) => a.line - b.line) };
  return { ok: true, value: { plan, tasks, assignments, newUnits: [...created.values()], foreign } };
}

/** Whether an unknown name is several unit names without a separator between them. */
function runTogether(name: string): boolean {
  const t = name.trim();
  return /\S\s+\S/.test(t) || /(?:局|委|办|厅|政府|管委会|中心|部)(?=市|区|县|各)/.test(t.slice(0, -1));
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
    subsections: v.plan.sections.filter((s) => s.level >= 2).length,
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
