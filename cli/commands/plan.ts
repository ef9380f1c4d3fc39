/**
 * `dubang plan validate|import <file>`: read a published plan exactly, report problems by line,
 * import it in one transaction (a revision prints its diff first). `dubang plan preview` is in
 * plan-preview.ts; reading a plan file, its options and its summary lines in plan-read.ts.
 */
import type { Command } from 'commander';
import { action, print } from '../output';
import { config, withDb } from '../context';
import { currentDirectory, defaultSlug, importPlan, loadPlan, type LoadedPlan } from '../../app/plan-import';
import { readDirectoryFile } from '../../app/units-file';
import {
  diffLines,
  load,
  loadOptions,
  planInputError,
  readingLines,
  summaryLines,
  taskList,
  withReadOptions,
  type ReadFlags,
} from './plan-read';
import { registerPreview } from './plan-preview';

export function register(program: Command): void {
  const plan = program.command('plan').description('方案: 校验、导入、预览 (validate, import, preview plans)');
  registerValidate(plan);
  registerPreview(plan);
  registerImport(plan);
}

/** `dubang plan validate <file>`: what the file holds, or every problem with its line; changes nothing. */
function registerValidate(plan: Command): void {
  withReadOptions(
    plan
      .command('validate <file>')
      .description(
        'read a plan file (.txt, .csv, .xlsx, .docx) and report what it contains, or every problem with its line; changes nothing',
      )
      .option(
        '--tasks',
        'include the list of tasks (with --json: number, path, text, units as {name, role}, deadlinePhrase, dueDate, kind)',
      )
      .option('--units <file>', 'resolve unit names with this directory file instead of the current directory')
      .option('--no-db', 'do not consult the database directory (use config/units.json)'),
  ).action(
    action(async (file: string, opts: ReadFlags & { tasks?: boolean; units?: string; db: boolean }, cmd: Command) => {
      const l = await load(file, opts.units, opts.db, loadOptions(opts));
      const v = l.validated;
      // `tasks` is the count; with --tasks it is the list itself (taskCount keeps the count).
      const data = {
        file,
        encoding: l.encoding,
        sha256: l.sha256,
        directory: l.directorySource,
        layout: v.plan.layout,
        issuer: v.plan.issuer,
        newUnits: v.newUnits,
        ...l.summary,
        taskCount: l.summary.tasks,
        ...(opts.tasks ? { tasks: taskList(v) } : {}),
      };
      print(cmd, {
        data,
        human: () =>
          [
            `✓ ${file} 可以导入 (${l.encoding})`,
            ...readingLines(v),
            ...summaryLines(l.summary),
            ...(opts.tasks
              ? taskList(v).map(
                  (t) =>
                    `(${t.number}) [${t.deadlinePhrase}${t.dueDate ? ` → ${t.dueDate}` : ''}] ${t.units
                      .filter((u) => u.role !== 'IMPLICIT')
                      .map((u) => (u.role === 'LEAD' ? `${u.name}（牵头）` : u.name))
                      .join('、')}: ${t.text}`,
                )
              : []),
          ].join('\n'),
      });
    }),
  );
}

/** `dubang plan import <file>`: one transaction; the same plan again changes nothing, a revision prints its diff. */
function registerImport(plan: Command): void {
  withReadOptions(
    plan
      .command('import <file>')
      .description(
        'import a plan (one transaction); the same plan again changes nothing, a revision prints its diff and applies it',
      )
      .option('--plan <slug>', 'plan id (default: the file name without extension)')
      .option('--dry-run', 'show what would change, change nothing'),
  ).action(
    action(async (file: string, opts: ReadFlags & { plan?: string; dryRun?: boolean }, cmd: Command) => {
      const cfg = config();
      const slug = opts.plan ?? defaultSlug(file);
      const result = await withDb(cfg, async (db) => {
        const dir = await currentDirectory(cfg, db);
        let loaded: LoadedPlan;
        try {
          loaded = await loadPlan(file, cfg, dir, loadOptions(opts));
        } catch (e) {
          throw planInputError(e) ?? e;
        }
        const seed = dir.source === 'config' ? readDirectoryFile(cfg.unitsFile) : undefined;
        return importPlan(db, loaded, {
          slug,
          actor: 'cli',
          dryRun: opts.dryRun,
          ...(seed ? { seedDirectory: seed } : {}),
        });
      });
      print(cmd, {
        data: {
          plan: result.slug,
          planId: result.planId,
          created: result.created,
          changed: result.changed,
          dryRun: Boolean(opts.dryRun),
          revision: result.revision,
          diff: result.diff,
          newUnits: result.newUnits,
          ...result.summary,
        },
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
