/**
 * `dubang supervise start|stop|status <plan>`: one lifecycle workflow per task of an imported plan.
 * Starting again starts nothing new (workflow ids are derived from plan and task).
 */
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { createTemporalClient } from '../../infra/temporal';
import { startSupervision, stopSupervision, supervisionStatus, type StartResult } from '../../app/supervise';
import { catchUpLine } from './plan-preview';
import type { Config } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import type { Client } from '@temporalio/client';
import { ErrorCodes, isDubangError } from '../../contracts/errors';
import { ASSIGNMENT_ROLES, type AssignmentRole } from '../../domain/model';

/** Runs `fn` with a Temporal client, turning an unreachable server into a message that says what to do. */
export async function withTemporal<T>(cfg: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  let t: Awaited<ReturnType<typeof createTemporalClient>>;
  try {
    t = await createTemporalClient(cfg.temporal);
  } catch (e) {
    throw new UserError(
      `无法连接 Temporal (${cfg.temporal.address}): ${(e as Error).message}；请先运行 npm run up 或 dubang dev up`,
    );
  }
  try {
    return await fn(t.client);
  } finally {
    await t.close();
  }
}

const ROLE_CODES: readonly AssignmentRole[] = ASSIGNMENT_ROLES;
const ROLE_TEXT: Record<AssignmentRole, string> = { LEAD: '牵头', CO: '配合', IMPLICIT: '属地落实' };

/** `--notify-roles LEAD,CO`: one or more of LEAD, CO, IMPLICIT, comma separated (case and spaces ignored). */
export function parseNotifyRoles(text: string): AssignmentRole[] {
  const parts = text
    .split(/[,，]/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = parts.filter((p) => !(ROLE_CODES as readonly string[]).includes(p));
  if (!parts.length || bad.length)
    throw new UserError(
      `--notify-roles「${text}」${bad.length ? `中的 ${bad.join('、')} 不是分工角色` : '为空'}；应为 LEAD（牵头）、CO（配合）、IMPLICIT（属地落实）中的一个或几个，用逗号分隔，如 --notify-roles LEAD,CO`,
    );
  return ROLE_CODES.filter((r) => parts.includes(r));
}

const FROM_TEXT: Record<StartResult['notifyRolesFrom'], string> = {
  option: '本次 --notify-roles 设定，已记在方案上，以后启动沿用',
  plan: '此前 --notify-roles 为本方案设定',
  policy: 'config/policy.json notifyRoles',
  none: '',
};

function rethrow(e: unknown): never {
  if (isDubangError(e, ErrorCodes.SuperviseError)) throw new UserError(e.message);
  throw e;
}

/**
 * What `supervise start` prints: the lifecycles started, then the catch-up with what it covers and
 * the 督办单 it issues (as planned: the catch-up workflow issues them on the worker right after).
 */
export function startText(r: StartResult): string {
  const roles = r.notifyRoles.length
    ? `\n通知角色: ${r.notifyRoles.map((x) => ROLE_TEXT[x]).join('、')} (${FROM_TEXT[r.notifyRolesFrom]})`
    : '';
  const head = `方案「${r.plan}」: 新启动督办 ${r.started.length} 项任务，已在督办中 ${r.alreadyRunning.length} 项`;
  const cu = r.catchUp;
  if (cu.status === 'started')
    return `${head}；补发逾期汇总通知 ${cu.notices} 份 (每个单位一份，办公室一份)\n${catchUpLine(cu)}${roles}`;
  if (cu.status === 'already')
    return `${head}；逾期汇总通知已在首次启动时发出，不再重复\n首次启动时${catchUpLine(cu)}${roles}`;
  return `${head}${roles}`;
}

export function register(program: Command): void {
  const sup = program
    .command('supervise')
    .description('督办: 启动、停止、查看方案的任务督办 (start/stop/status supervision of a plan)');

  sup
    .command('start <plan>')
    .description('start one lifecycle per task of an imported plan (idempotent)')
    .option(
      '--notify-roles <roles>',
      "which assignment roles get emails for this plan, comma separated from LEAD, CO, IMPLICIT (default: the plan's earlier choice, else config/policy.json notifyRoles); kept on the plan for every later start",
    )
    .action(
      action(async (plan: string, opts: { notifyRoles?: string }, cmd: Command) => {
        const notifyRoles = opts.notifyRoles !== undefined ? parseNotifyRoles(opts.notifyRoles) : undefined;
        const cfg = config();
        const r = await withDb(cfg, (db) =>
          withTemporal(cfg, (client) =>
            startSupervision(
              { db, client, taskQueue: cfg.temporal.taskQueue },
              {
                planSlug: plan,
                zone: cfg.timezone,
                policy: cfg.policy,
                holidayOverride: readHolidayOverride(cfg.holidaysOverrideFile),
                ...(notifyRoles ? { notifyRoles } : {}),
                onProgress: (d, n) =>
                  d % 10 === 0 || d === n ? process.stderr.write(`\r启动中 ${d}/${n}${d === n ? '\n' : ''}`) : true,
              },
            ),
          ),
        ).catch(rethrow);
        process.stderr.write('\n');
        print(cmd, { data: r, human: () => startText(r) });
      }),
    );

  sup
    .command('stop <plan>')
    .description('stop every lifecycle of the plan (assignments keep their state; start resumes from it)')
    .action(
      action(async (plan: string, _opts: unknown, cmd: Command) => {
        const cfg = config();
        const r = await withDb(cfg, (db) =>
          withTemporal(cfg, (client) => stopSupervision({ db, client }, { planSlug: plan })),
        ).catch(rethrow);
        print(cmd, { data: r, human: () => `方案「${plan}」: 已停止督办 ${r.stopped.length} 项任务` });
      }),
    );

  sup
    .command('status <plan>')
    .description('each task: workflow status, open and overdue assignments, next wake-up')
    .action(
      action(async (plan: string, _opts: unknown, cmd: Command) => {
        const cfg = config();
        const r = await withDb(cfg, (db) =>
          withTemporal(cfg, (client) => supervisionStatus({ db, client }, { planSlug: plan })),
        ).catch(rethrow);
        print(cmd, {
          data: r,
          human: () => {
            const running = r.tasks.filter((t) => t.status === 'RUNNING').length;
            return [
              `方案「${plan}」: 任务 ${r.tasks.length} 项，督办中 ${running} 项`,
              ...r.tasks.map(
                (t) =>
                  `(${t.task}) ${t.status}  未办结 ${t.openAssignments}  逾期 ${t.overdue}${t.nextWakeAt ? `  下次: ${t.nextWakeAt}` : ''}`,
              ),
            ].join('\n');
          },
        });
      }),
    );
}
