/**
 * Reading a plan file for `dubang plan validate|import|preview`: the reading options (--layout,
 * --sheet, --columns, --default-deadline, --new-units), loading against the current units directory,
 * and the lines that describe what was read (the summary, a revision's diff, the task list).
 */
import type { Command } from 'commander';
import type { ValidatedPlan } from '../../domain/plan/validate';
import type { PlanSummary } from '../../domain/plan/validate';
import type { PlanDiff } from '../../domain/plan/diff';
import { PLAN_LAYOUTS, type PlanLayout } from '../../domain/model';
import { parseColumnsOption } from '../../domain/plan/table-header';
import { UserError } from '../output';
import { config, withDb } from '../context';
import { currentDirectory, loadPlan, PlanInputError, type LoadedPlan, type LoadOptions } from '../../app/plan-import';
import { readDirectoryFile } from '../../app/units-file';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

export function summaryLines(s: PlanSummary): string[] {
  const phrases = Object.entries(s.deadlinePhrases)
    .map(([p, n]) => `${p} ×${n}`)
    .join('，');
  return [
    `方案: ${s.title}`,
    `任务 ${s.tasks} 项 (有时限 ${s.deadline}，长期 ${s.standing})；一级分类 ${s.sections} 个，二级分类 ${s.subsections} 个`,
    `完成时限: ${phrases}`,
    `责任单位 ${s.units} 个；责任分工 ${s.assignments} 条 (牵头 ${s.assignmentsByRole.LEAD}，配合 ${s.assignmentsByRole.CO}，规则约定 ${s.assignmentsByRole.IMPLICIT})`,
    ...s.rules.map((r) => `规则 (自任务(${r.fromTask})起): ${r.units.join('、')}`),
    `主要目标指标 ${s.indicators} 项`,
  ];
}

export function diffLines(d: PlanDiff): string[] {
  const out: string[] = [];
  if (d.added.length) out.push(`新增任务: ${d.added.map((n) => `(${n})`).join(' ')}`);
  if (d.removed.length) out.push(`删除任务 (将撤销督办): ${d.removed.map((n) => `(${n})`).join(' ')}`);
  for (const c of d.changed) {
    for (const f of c.changes)
      out.push(`修改任务(${c.number}) ${f.field}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`);
  }
  if (d.assignmentsAdded.length) out.push(`新增责任分工 ${d.assignmentsAdded.length} 条`);
  if (d.assignmentsRemoved.length) out.push(`撤销责任分工 ${d.assignmentsRemoved.length} 条`);
  if (d.assignmentsChanged.length) out.push(`角色变化的责任分工 ${d.assignmentsChanged.length} 条`);
  return out;
}

/** A task as `validate --tasks` shows it: its units in order with their roles (rule-bound ones last). */
export function taskList(v: ValidatedPlan) {
  return v.tasks.map((t) => ({
    number: t.number,
    path: t.path,
    label: t.label,
    section: t.section,
    subsection: t.subsection,
    text: t.text,
    units: [
      ...t.units.map((name, i) => ({ name, role: i < t.leads ? ('LEAD' as const) : ('CO' as const) })),
      ...v.plan.rules
        .filter((r) => r.fromTask <= t.number)
        .flatMap((r) =>
          r.units.filter((n) => !t.units.includes(n)).map((name) => ({ name, role: 'IMPLICIT' as const })),
        ),
    ],
    deadlinePhrase: t.deadlinePhrase,
    dueDate: t.dueDate,
    kind: t.kind,
    ...(t.cadence ? { cadence: t.cadence } : {}),
  }));
}

/** The reading options shared by validate and import. */
export interface ReadFlags {
  layout?: string;
  sheet?: string;
  columns?: string;
  defaultDeadline?: string;
  newUnits?: boolean;
}

export function withReadOptions(cmd: Command): Command {
  return cmd
    .option('--layout <layout>', `read the file as this layout (${PLAN_LAYOUTS.join(', ')}); detected by default`)
    .option(
      '--sheet <name>',
      '.xlsx/.docx: the sheet (name or 1-based number) or table to read; default: the first with a recognisable header',
    )
    .option('--columns <map>', "column roles instead of the header words, e.g. 'task=B,lead=C,co=D,deadline=E'")
    .option(
      '--default-deadline <phrase>',
      'deadline phrase for tasks without one (a plan without a 完成时限 column), e.g. 2024年底前',
    )
    .option(
      '--new-units',
      'list unknown unit names as units to create instead of refusing them (import: create them, without contacts)',
    );
}

export function loadOptions(f: ReadFlags): LoadOptions {
  const o: LoadOptions = {};
  if (f.layout) {
    if (!PLAN_LAYOUTS.includes(f.layout as PlanLayout))
      throw new UserError(
        `--layout「${f.layout}」不是支持的格式：应为 ${PLAN_LAYOUTS.join('、')} 之一（见 docs/plan-formats.md）`,
      );
    o.layout = f.layout as PlanLayout;
  }
  if (f.columns) {
    const m = parseColumnsOption(f.columns);
    if (typeof m === 'string') throw new UserError(m);
    o.columns = m;
  }
  if (f.sheet) o.sheet = f.sheet;
  if (f.defaultDeadline) o.defaultDeadline = f.defaultDeadline.trim();
  if (f.newUnits) o.newUnits = true;
  return o;
}

/** A plan file's refusal (its problems by line) as the CLI's error: exit code 2, the issues in --json. */
export function planInputError(e: unknown): UserError | null {
  return isDubangError(e, PlanInputError) ? new UserError(e.message, { file: e.file, issues: e.issues }, 2) : null;
}

export async function load(
  file: string,
  unitsFile?: string,
  useDb = true,
  opts: LoadOptions = {},
): Promise<LoadedPlan> {
  const cfg = config();
  try {
    const dir = unitsFile
      ? { dir: readDirectoryFile(unitsFile), source: 'config' as const }
      : useDb
        ? await withDb(cfg, (db) => currentDirectory(cfg, db)).catch(() => currentDirectory(cfg))
        : await currentDirectory(cfg);
    return await loadPlan(file, cfg, dir, opts);
  } catch (e) {
    const refused = planInputError(e);
    if (refused) throw refused;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`找不到文件: ${file}`);
    if (isDubangError(e, ErrorCodes.PlanSourceError) || isDubangError(e, ErrorCodes.UnitsFileError))
      throw new UserError(e.message, undefined, 2);
    throw e;
  }
}

/** Lines on what was detected and what would be created. */
export function readingLines(v: ValidatedPlan): string[] {
  const out = [`格式: ${v.plan.layout}；印发单位: ${v.plan.issuer ?? '（未注明）'}`];
  if (v.newUnits.length) {
    out.push(
      `待新建单位 ${v.newUnits.length} 个（导入后需补充联系人${v.newUnits.some((u) => u.group) ? '；单位组需补充成员' : ''}）:`,
    );
    for (const u of v.newUnits)
      out.push(
        `  ${u.create}${u.create !== u.name ? `（方案写作「${u.name}」）` : ''}${u.group ? ' [单位组，需补充成员]' : ''} 第${u.lines.join('、')}行`,
      );
  }
  return out;
}
