/**
 * `dubang plan validate|import <file>`: read a published plan exactly, report problems by line,
 * import it in one transaction (a revision prints its diff first).
 */
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { currentDirectory, defaultSlug, importPlan, loadPlan, PlanInputError, type LoadedPlan } from '../../app/plan-import';
import type { PlanSummary } from '../../domain/plan/validate';
import type { PlanDiff } from '../../domain/plan/diff';
import { readDirectoryFile } from '../../infra/units-file';

function summaryLines(s: PlanSummary): string[] {
  const phrases = Object.entries(s.deadlinePhrases).map(([p, n]) => `${p} ×${n}`).join('，');
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
    for (const f of c.changes) out.push(`修改任务(${c.number}) ${f.field}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`);
  }
  if (d.assignmentsAdded.length) out.push(`新增责任分工 ${d.assignmentsAdded.length} 条`);
  if (d.assignmentsRemoved.length) out.push(`撤销责任分工 ${d.assignmentsRemoved.length} 条`);
  if (d.assignmentsChanged.length) out.push(`角色变化的责任分工 ${d.assignmentsChanged.length} 条`);
  return out;
}

function taskList(l: LoadedPlan) {
  return l.validated.tasks.map((t) => ({
    number: t.number,
    section: t.section,
    subsection: t.subsection,
    text: t.text,
    units: t.units,
    deadlinePhrase: t.deadlinePhrase,
    dueDate: t.dueDate,
    kind: t.kind,
  }));
}

async function load(file: string, unitsFile?: string, useDb = true): Promise<LoadedPlan> {
  const cfg = config();
  try {
    const dir = unitsFile
      ? { dir: readDirectoryFile(unitsFile), source: 'config' as const }
      : useDb
        ? await withDb(cfg, (db) => currentDirectory(cfg, db)).catch(() => currentDirectory(cfg))
        : await currentDirectory(cfg);
    return await loadPlan(file, cfg, dir);
  } catch (e) {
    if (e instanceof PlanInputError) throw new UserError(e.message, { file: e.file, issues: e.issues }, 2);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`找不到文件: ${file}`);
    if (err.name === 'PlanSourceError' || err.name === 'UnitsFileError') throw new UserError(err.message, undefined, 2);
    throw e;
  }
}

export function register(program: Command): void {
  const plan = program.command('plan').description('方案: 校验、导入、预览 (validate, import, preview plans)');

  plan
    .command('validate <file>')
    .description('read a plan file and report what it contains, or every problem with its line; changes nothing')
    .option('--tasks', 'include the list of tasks (with --json: number, section, subsection, text, units, deadlinePhrase, dueDate, kind)')
    .option('--units <file>', 'resolve unit names with this directory file instead of the current directory')
    .option('--no-db', 'do not consult the database directory (use config/units.json)')
    .action(
      action(async (file: string, opts: { tasks?: boolean; units?: string; db: boolean }, cmd: Command) => {
        const l = await load(file, opts.units, opts.db);
        // `tasks` is the count; with --tasks it is the list itself (taskCount keeps the count).
        const data = { file, encoding: l.encoding, sha256: l.sha256, directory: l.directorySource, ...l.summary, taskCount: l.summary.tasks, ...(opts.tasks ? { tasks: taskList(l) } : {}) };
        print(cmd, {
          data,
          human: () =>
            [
              `✓ ${file} 可以导入 (${l.encoding})`,
              ...summaryLines(l.summary),
              ...(opts.tasks ? taskList(l).map((t) => `(${t.number}) [${t.deadlinePhrase}${t.dueDate ? ` → ${t.dueDate}` : ''}] ${t.units.join('、')}: ${t.text}`) : []),
            ].join('\n'),
        });
      }),
    );

  plan
    .command('import <file>')
    .description('import a plan (one transaction); the same plan again changes nothing, a revision prints its diff and applies it')
    .option('--plan <slug>', 'plan id (default: the file name without extension)')
    .option('--dry-run', 'show what would change, change nothing')
    .action(
      action(async (file: string, opts: { plan?: string; dryRun?: boolean }, cmd: Command) => {
        const cfg = config();
        const slug = opts.plan ?? defaultSlug(file);
        const result = await withDb(cfg, async (db) => {
          const dir = await currentDirectory(cfg, db);
          let loaded: LoadedPlan;
          try {
            loaded = await loadPlan(file, cfg, dir);
          } catch (e) {
            if (e instanceof PlanInputError) throw new UserError(e.message, { file: e.file, issues: e.issues }, 2);
            throw e;
          }
          const seed = dir.source === 'config' ? readDirectoryFile(cfg.unitsFile) : undefined;
          return importPlan(db, loaded, { slug, actor: 'cli', dryRun: opts.dryRun, ...(seed ? { seedDirectory: seed } : {}) });
        });
        print(cmd, {
          data: { plan: result.slug, planId: result.planId, created: result.created, changed: result.changed, dryRun: Boolean(opts.dryRun), revision: result.revision, diff: result.diff, ...result.summary },
          human: (r) =>
            [
              r.created
                ? `${r.dryRun ? '(预演) 将导入' : '已导入'}新方案「${r.plan}」`
                : !r.changed
                  ? `方案「${r.plan}」与已导入的版本相同，未作任何修改`
                  : `${r.dryRun ? '(预演) 将修订' : '已修订'}方案「${r.plan}」 (第 ${r.revision} 版)`,
              ...(!r.created && r.changed ? diffLines(result.diff) : []),
              ...summaryLines(result.summary),
            ].join('\n'),
        });
      }),
    );
}
