/**
 * `dubang task show <n>` and `dubang task <action> <n> --unit <单位> …`: look at one task's lifecycle
 * and drive its inputs. A refused input prints the lifecycle's reason and changes nothing.
 */
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { applyTaskInput, showTask } from '../../app/tasks';
import { INPUT_NAMES, type LifecycleInputType } from '../../domain/lifecycle';
import type { PrismaClient } from '../../generated/prisma/client';
import { withTemporal } from './supervise';
import { taskInputText, taskViewText } from '../task-text';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

interface InputOpts {
  plan?: string;
  unit: string;
  reason?: string;
  period?: string;
  text?: string;
  percent?: string;
  due?: string;
  to?: string;
  actor?: string;
}

async function planSlug(db: PrismaClient, given?: string): Promise<string> {
  if (given) return given;
  const plans = await db.plan.findMany({ select: { slug: true }, take: 2 });
  if (plans.length === 1) return plans[0]!.slug;
  throw new UserError(
    plans.length ? '已导入多个方案，请用 --plan <方案> 指定' : '尚未导入任何方案；请先运行 dubang plan import <文件>',
  );
}

function argsFor(type: LifecycleInputType, o: InputOpts): Record<string, unknown> {
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new UserError(`${INPUT_NAMES[type]}需要 ${what}`);
    return v;
  };
  const base = { unit: o.unit, actor: o.actor ?? 'cli' };
  switch (type) {
    case 'submitReport':
      return {
        ...base,
        period: need(o.period, '--period (例如 2026Q3 或 2026Y)'),
        text: need(o.text, '--text'),
        ...(o.percent !== undefined ? { percent: Number(o.percent) } : {}),
      };
    case 'requestExtension':
      return {
        ...base,
        newDueAt: need(o.due, '--due (新的完成时限，例如 2026-06-30)'),
        reason: need(o.reason, '--reason'),
      };
    case 'reassign':
      return { ...base, toUnit: need(o.to, '--to (新的责任单位)'), reason: need(o.reason, '--reason') };
    case 'requestCompletion': {
      // the 完成情况说明 the Office reviews (stored with the request)
      const note = o.text ?? o.reason;
      return { ...base, ...(note ? { note } : {}) };
    }
    case 'rejectCompletion':
    case 'rejectExtension':
    case 'cancel':
      return { ...base, reason: need(o.reason, '--reason') };
    default:
      return { ...base, ...(o.reason ? { reason: o.reason } : {}) };
  }
}

/** CLI verbs → lifecycle inputs. */
const VERBS: Record<string, LifecycleInputType> = {
  acknowledge: 'acknowledge',
  report: 'submitReport',
  'request-completion': 'requestCompletion',
  'approve-completion': 'approveCompletion',
  'reject-completion': 'rejectCompletion',
  'request-extension': 'requestExtension',
  'approve-extension': 'approveExtension',
  'reject-extension': 'rejectExtension',
  reassign: 'reassign',
  cancel: 'cancel',
};

export function register(program: Command): void {
  const task = program
    .command('task')
    .description("任务: 查看任务及其督办状态，签收、报送、销号、延期、改派、撤销 (drive one task's lifecycle)");

  task
    .command('show <n>')
    .description('a task, its assignments and their states, and the notices still to come')
    .option('--plan <slug>', 'plan id (default: the only imported plan)')
    .action(
      action(async (n: string, opts: { plan?: string }, cmd: Command) => {
        const cfg = config();
        const v = await withDb(cfg, async (db) => {
          const slug = await planSlug(db, opts.plan);
          return withTemporal(cfg, (client) => showTask({ db, client }, { planSlug: slug, task: Number(n) }));
        }).catch((e: Error) => {
          if (isDubangError(e, ErrorCodes.TaskNotSupervised)) throw new UserError(e.message);
          throw e;
        });
        print(cmd, {
          data: v,
          human: () => taskViewText(v, cfg.timezone),
        });
      }),
    );

  for (const [verb, type] of Object.entries(VERBS)) {
    task
      .command(`${verb} <n>`)
      .description(`${INPUT_NAMES[type]} (${type})`)
      .requiredOption('--unit <单位>', 'the unit whose assignment it concerns')
      .option('--plan <slug>', 'plan id (default: the only imported plan)')
      .option('--reason <text>', 'reason (required to reject, cancel, reassign, or ask for an extension)')
      .option('--period <period>', 'reporting period, e.g. 2026Q3 or 2026Y (report)')
      .option('--text <text>', 'report text (report); 完成情况说明 (request-completion)')
      .option('--percent <n>', 'percent done 0–100 (report)')
      .option('--due <date>', 'new deadline, YYYY-MM-DD or an ISO instant (request-extension)')
      .option('--to <单位>', 'the unit taking over (reassign)')
      .option('--actor <who>', 'who acts, for the audit log (default: cli)')
      .action(
        action(async (n: string, opts: InputOpts, cmd: Command) => {
          const cfg = config();
          const due = opts.due && /^\d{4}-\d{2}-\d{2}$/.test(opts.due) ? `${opts.due}T23:59:59.999+08:00` : opts.due;
          const r = await withDb(cfg, async (db) => {
            const slug = await planSlug(db, opts.plan);
            return withTemporal(cfg, (client) =>
              applyTaskInput(client, {
                planSlug: slug,
                task: Number(n),
                type,
                args: argsFor(type, { ...opts, due }) as never,
              }),
            );
          }).catch((e: Error) => {
            if (isDubangError(e, ErrorCodes.TaskInputRefused) || isDubangError(e, ErrorCodes.TaskNotSupervised))
              throw new UserError(e.message);
            throw e;
          });
          print(cmd, { data: r, human: () => taskInputText(type, r, cfg.timezone) });
        }),
      );
  }
}
