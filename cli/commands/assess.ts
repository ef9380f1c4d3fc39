/**
 * `dubang assess --year <y> [--as-of <date>] [--plan <slug>] [--out <dir>] [--email] [--json]`:
 * the annual assessment on demand. Prints the ranking (or the whole result as JSON), writes the
 * XLSX/CSV/bulletin with --out, and queues the email to the Office and leadership with --email.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { loadAssessmentConfig } from '../../config/assessment';
import { officialWorkdays, parseAsOf, runAssessment, submitAssessmentNotice, writeAssessmentFiles, type AssessmentFiles } from '../../app/assessment/run';
import { mainReasons } from '../../domain/assessment';
import { createOutboxNotificationPort } from '../../infra/outbox';

interface AssessOpts {
  year: string;
  asOf?: string;
  plan?: string;
  out?: string;
  email?: boolean;
}

export function register(program: Command): void {
  program
    .command('assess')
    .description('年度考核: score every unit for an assessment year from stored events; export XLSX/CSV and a 通报 draft')
    .requiredOption('--year <year>', 'assessment year, e.g. 2025 (with a July–June year: the year it ends in)')
    .option('--as-of <date>', 'judge as of this date (YYYY-MM-DD, whole day included) or instant; default now, at most the year end')
    .option('--plan <slug>', 'only this plan (default: every plan)')
    .option('--out <dir>', 'write assessment-<year>.xlsx, .json, -summary.csv, -deductions.csv, -bulletin.md here')
    .option('--email', 'queue the bulletin and exports to the Office and leadership (needs --out or writes to var/assessments)')
    .action(
      action(async (opts: AssessOpts, cmd: Command) => {
        const cfg = config();
        const year = Number(opts.year);
        if (!/^\d{4}$/.test(opts.year)) throw new UserError(`--year 应为四位年份 (如 2025)，收到「${opts.year}」`);
        const assessment = loadAssessmentConfig(cfg);
        let asOf: number | undefined;
        try {
          asOf = opts.asOf ? parseAsOf(opts.asOf, cfg.timezone) : undefined;
        } catch (e) {
          throw new UserError((e as Error).message);
        }
        const out = opts.out ?? (opts.email ? path.join(cfg.varDir, 'assessments') : undefined);
        const { run, files, notice } = await withDb(cfg, async (db) => {
          let run;
          try {
            run = await runAssessment(db, { year, now: Date.now(), zone: cfg.timezone, config: assessment, isWorkday: officialWorkdays(cfg.timezone, cfg.holidaysOverrideFile), ...(asOf !== undefined ? { asOf } : {}), ...(opts.plan ? { planSlug: opts.plan } : {}) });
          } catch (e) {
            if ((e as Error).name === 'AssessmentInputError') throw new UserError((e as Error).message);
            throw e;
          }
          const files: AssessmentFiles | null = out ? await writeAssessmentFiles(run, out) : null;
          const notice = opts.email && files ? await submitAssessmentNotice(createOutboxNotificationPort(db), run, files) : null;
          return { run, files, notice };
        });
        const r = run.result;
        print(cmd, {
          data: { digest: run.digest, ...r, files, notice, bulletin: run.bulletin },
          human: () => {
            const lines = [
              `${r.label}考核评估${r.interim ? '（阶段性）' : ''}：基准时点 ${r.asOf}，参评单位 ${r.units.length} 个，结果校验码 ${run.digest.slice(0, 19)}…`,
              '排名  得分    等次  单位（主要扣分原因）',
              ...r.units.map((u) => `${String(u.rank).padStart(3)}  ${u.score.toFixed(2).padStart(6)}  ${u.grade.padEnd(4)}  ${u.unit}（${mainReasons(u)}）`),
            ];
            if (files) lines.push('', '已生成:', ...Object.values(files).map((f) => `  ${f}`));
            if (notice) lines.push(notice.created ? `已提交考核通报邮件 (${notice.key})` : `考核通报邮件此前已提交，未重复发送 (${notice.key})`);
            return lines.join('\n');
          },
        });
      }),
    );
}
