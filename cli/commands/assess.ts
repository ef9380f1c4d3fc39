/**
 * `dubang assess --year <y> [--as-of <date>] [--plan <slug>] [--out <dir>] [--email] [--json]`:
 * the annual assessment on demand. Prints the ranking (or the whole result as JSON), writes the
 * XLSX/CSV/bulletin with --out, and queues the email to the Office and leadership with --email.
 *
 * `dubang assess schedule [--show|--trigger]`: the Temporal Schedule that runs it every 20 Dec
 * (app/assessment/schedule.ts).
 */
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { loadAssessmentConfig } from '../../config/assessment';
import {
  officialWorkdays,
  parseAsOf,
  runAssessment,
  submitAssessmentNotice,
  writeAssessmentFiles,
  type AssessmentFiles,
} from '../../app/assessment/run';
import { mainReasons } from '../../domain/assessment';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { storeAssessmentFiles } from '../../activities/assessment';
import { sqlFromPrisma } from '../../app/notices/sql';
import { createPostgresFileStore } from '../../infra/export/file-store';
import { DateTime } from 'luxon';
import { withTemporal } from './supervise';
import {
  ASSESSMENT_SCHEDULE_ID,
  describeAssessmentSchedule,
  ensureAssessmentSchedule,
  triggerAssessmentSchedule,
} from '../../app/assessment/schedule';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

/** 86 400 000 → 1天; 43 200 000 → 12小时; else minutes or seconds. */
function formatWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}天`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}小时`;
  if (ms % 60_000 === 0) return `${ms / 60_000}分钟`;
  return `${Math.round(ms / 1000)}秒`;
}

interface AssessOpts {
  year?: string;
  asOf?: string;
  plan?: string;
  out?: string;
  email?: boolean;
}

export function register(program: Command): void {
  const assess = program
    .command('assess')
    .description(
      '年度考核: score every unit for an assessment year from stored events; export XLSX/CSV and a 通报 draft',
    )
    // not commander's requiredOption: that would also demand --year of `assess schedule`
    .option('--year <year>', 'assessment year, e.g. 2025 (with a July–June year: the year it ends in); required')
    .option(
      '--as-of <date>',
      'judge as of this date (YYYY-MM-DD, whole day included) or instant; default now, at most the year end',
    )
    .option('--plan <slug>', 'only this plan (default: every plan)')
    .option('--out <dir>', 'write assessment-<year>.xlsx, .json, -summary.csv, -deductions.csv, -bulletin.md here')
    .option(
      '--email',
      'queue the bulletin and exports to the Office and leadership (the mailed files go to var/assessments/<year>/<digest>/)',
    )
    .action(
      action(async (opts: AssessOpts, cmd: Command) => {
        const cfg = config();
        if (opts.year === undefined)
          throw new UserError(
            '缺少 --year：请指定考核年度，如 dubang assess --year 2025（定时任务见 dubang assess schedule）',
          );
        const year = Number(opts.year);
        if (!/^\d{4}$/.test(opts.year)) throw new UserError(`--year 应为四位年份 (如 2025)，收到「${opts.year}」`);
        const assessment = loadAssessmentConfig(cfg);
        let asOf: number | undefined;
        try {
          asOf = opts.asOf ? parseAsOf(opts.asOf, cfg.timezone) : undefined;
        } catch (e) {
          throw new UserError((e as Error).message);
        }
        const { run, files, notice } = await withDb(cfg, async (db) => {
          let run;
          try {
            run = await runAssessment(db, {
              year,
              now: Date.now(),
              zone: cfg.timezone,
              config: assessment,
              isWorkday: officialWorkdays(cfg.timezone, cfg.holidaysOverrideFile),
              ...(asOf !== undefined ? { asOf } : {}),
              ...(opts.plan ? { planSlug: opts.plan } : {}),
            });
          } catch (e) {
            if (isDubangError(e, ErrorCodes.AssessmentInputError)) throw new UserError(e.message);
            throw e;
          }
          let files: AssessmentFiles | null = opts.out ? await writeAssessmentFiles(run, opts.out) : null;
          let notice = null;
          if (opts.email) {
            // the mailed copy goes into the file store (PostgreSQL), one folder per result: any mail
            // worker can attach it, and a later result never replaces a pending email's files
            const mailed = await storeAssessmentFiles(createPostgresFileStore(sqlFromPrisma(db)), run);
            files ??= mailed;
            notice = await submitAssessmentNotice(createOutboxNotificationPort(db), run, mailed, {
              top: assessment.bulletin.top,
              lagging: assessment.bulletin.lagging,
            });
          }
          return { run, files, notice };
        });
        const r = run.result;
        print(cmd, {
          data: { digest: run.digest, ...r, files, notice, bulletin: run.bulletin },
          human: () => {
            const lines = [
              `${r.label}考核评估${r.interim ? '（阶段性）' : ''}：基准时点 ${r.asOf}，参评单位 ${r.units.length} 个，结果校验码 ${run.digest.slice(0, 19)}…`,
              '排名  得分    等次  单位（主要扣分原因）',
              ...r.units.map(
                (u) =>
                  `${String(u.rank).padStart(3)}  ${u.score.toFixed(2).padStart(6)}  ${u.grade.padEnd(4)}  ${u.unit}（${mainReasons(u)}）`,
              ),
            ];
            // units no delivered notice asked anything of: listed, not graded (docs/assessment.md)
            if (r.unassessed.length)
              lines.push(
                '',
                `未通知，不计（未收到任何送达的督办通知，不评定等次）：${r.unassessed.map((u) => `${u.unit}（${u.counts.uncounted}项）`).join('、')}`,
              );
            if (r.totals.uncounted)
              lines.push(`未经通知送达、不计入考核的事项共 ${r.totals.uncounted} 项，见明细表「计分」列。`);
            if (files) lines.push('', '已生成:', ...Object.values(files).map((f) => `  ${f}`));
            if (notice)
              lines.push(
                notice.created
                  ? `已提交考核通报邮件 (${notice.key})`
                  : `考核通报邮件此前已提交，未重复发送 (${notice.key})`,
              );
            return lines.join('\n');
          },
        });
      }),
    );

  assess
    .command('schedule')
    .description(
      '年度考核定时任务: create or update the Temporal Schedule (cron and catch-up window from config/assessment.json); --show only prints it, --trigger also runs it once now',
    )
    .option('--show', 'print the schedule as it is on the server, change nothing')
    .option('--trigger', 'after creating/updating, start one run now (the current year, as of now)')
    .action(
      action(async (opts: { show?: boolean; trigger?: boolean }, cmd: Command) => {
        const cfg = config();
        const assessment = loadAssessmentConfig(cfg);
        const out = await withTemporal(cfg, async (client) => {
          let ensured: { scheduleId: string; action: 'created' | 'updated' } | null = null;
          if (!opts.show) {
            try {
              ensured = await ensureAssessmentSchedule(client, {
                taskQueue: cfg.temporal.taskQueue,
                schedule: assessment.schedule,
              });
            } catch (e) {
              if (isDubangError(e, ErrorCodes.AssessmentScheduleError)) throw new UserError(e.message);
              throw e;
            }
          }
          const triggered = opts.trigger ? await triggerAssessmentSchedule(client) : undefined;
          return { ensured, triggered, schedule: await describeAssessmentSchedule(client) };
        });
        print(cmd, {
          data: out,
          human: () => {
            const v = out.schedule;
            if (!v) return `考核定时任务 ${ASSESSMENT_SCHEDULE_ID} 尚未创建；运行 dubang assess schedule 创建`;
            const at = (iso: string) => DateTime.fromISO(iso).setZone(cfg.timezone).toFormat('yyyy-MM-dd HH:mm');
            const lines = [
              `${out.ensured ? (out.ensured.action === 'created' ? '已创建' : '已更新') : ''}考核定时任务 ${v.scheduleId}${v.paused ? '（已暂停）' : ''}`,
              `  触发时间: cron「${v.cron ?? '?'}」 时区 ${v.timezone ?? 'UTC'}；补跑窗口 ${formatWindow(v.catchupWindowMs)}；重叠策略 ${v.overlap}`,
              `  工作流: ${v.workflowType} @ 任务队列 ${v.taskQueue}`,
              `  下次运行: ${v.nextRuns.length ? v.nextRuns.slice(0, 2).map(at).join('、') : '无'}（${cfg.timezone}）`,
            ];
            if (v.recentRuns.length)
              lines.push(
                `  最近运行: ${v.recentRuns
                  .slice(-3)
                  .map((r) => `${at(r.takenAt)} ${r.workflowId}`)
                  .join('；')}`,
              );
            if (v.missedCatchupWindow)
              lines.push(
                `  超出补跑窗口而未运行: ${v.missedCatchupWindow} 次（可运行 dubang assess --year <年度> --email 补做）`,
              );
            if (opts.trigger)
              lines.push(
                out.triggered
                  ? `已触发一次运行: ${out.triggered.workflowId}`
                  : '已请求触发，但未见新的运行（可能上一次运行尚未结束，重叠策略为跳过）',
              );
            return lines.join('\n');
          },
        });
      }),
    );
}
