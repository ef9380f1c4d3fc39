/**
 * `dubang plan preview <file|plan> --as-of <date>`: the whole notice calendar (catch-up first) of a
 * plan file or an imported plan as if supervision started then, with the emails it makes; starts
 * nothing, sends nothing.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { KIND_LABELS } from '../../domain/messages';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { policyCalendar, previewPlan, type PreviewResult, type PreviewTask } from '../../domain/policy';
import type { PlannedNotice, RecipientRole } from '../../domain/notices';
import type { SlipColour } from '../../domain/model';
import type { ValidatedPlan } from '../../domain/plan/validate';
import type { PrismaClient } from '../../generated/prisma/client';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { defaultSlug } from '../../app/plan-import';
import { catchUpCounts, type CatchUpCounts } from '../../app/supervise';
import { emailLines, previewEmails, type PreviewEmails } from './preview-letters';
import { load, loadOptions, withReadOptions, type ReadFlags } from './plan-read';

/** The tasks of a validated plan file as the preview needs them (rule-bound units included, with their role). */
export function previewTasksOfPlan(v: ValidatedPlan): PreviewTask[] {
  return v.tasks.map((t) => ({
    number: t.number,
    kind: t.kind,
    dueAt: t.dueAt,
    units: v.assignments
      .filter((a) => a.task === t.number)
      .sort((a, b) => a.ordinal - b.ordinal)
      .map((a) => ({ name: a.unit, role: a.role })),
  }));
}

/** The live tasks of an imported plan, with their live assignments (the due instant in force). */
export async function previewTasksOfDb(db: PrismaClient, slug: string): Promise<PreviewTask[]> {
  const plan = await db.plan.findUnique({ where: { slug } });
  if (!plan)
    throw new UserError(`没有名为「${slug}」的已导入方案，也没有这个文件；请给出方案文件路径或已导入方案的名称`);
  const tasks = await db.task.findMany({
    where: { planId: plan.id, cancelledAt: null },
    orderBy: { number: 'asc' },
    include: {
      assignments: {
        where: { cancelledAt: null },
        orderBy: { ordinal: 'asc' },
        include: { unit: { select: { name: true } } },
      },
    },
  });
  return tasks.map((t) => ({
    number: t.number,
    kind: t.kind,
    dueAt: t.dueAt ? DateTime.fromJSDate(t.dueAt, { zone: 'utc' }).toISO() : null,
    units: t.assignments.map((a) => ({ name: a.unit.name, role: a.role })),
  }));
}

/** `--as-of`: a date (the start of that day in the plan's zone) or an ISO instant with an offset. */
export function parseAsOf(text: string, zone: string): number {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? DateTime.fromISO(text, { zone })
    : DateTime.fromISO(text, { setZone: true });
  if (!d.isValid || (!/^\d{4}-\d{2}-\d{2}$/.test(text) && !/(Z|[+-]\d{2}:\d{2})$/.test(text))) {
    throw new UserError(`--as-of「${text}」不是有效日期；应为 2026-11-26 或带时区的时刻，如 2026-11-26T10:00:00+08:00`);
  }
  return d.toMillis();
}

/** What `plan preview --json` prints: the notices, the catch-up, and the emails they make (letters). */
export interface PreviewOutput extends PreviewResult, PreviewEmails {
  asOf: string;
  horizonDays: number;
  /** number of tasks and units the catch-up covers */
  catchUpTasks: number;
  catchUpUnits: number;
  /** number of 督办单 the catch-up issues, in all and by colour (from `catchUpSlips`, the catch-up's own list) */
  catchUpSlipCount: number;
  catchUpSlipColours: CatchUpCounts['slipColours'];
}

/**
 * The preview of `tasks` under the configured policy and holiday override, and the emails its
 * notices make under the configured unit letters (MAIL_LETTERS); `plan` names the plan they group by.
 */
export function previewNotices(
  cfg: Pick<Config, 'policy' | 'holidaysOverrideFile'> & { smtp: Pick<Config['smtp'], 'letters'> },
  tasks: PreviewTask[],
  asOfMs: number,
  horizonDays: number,
  plan = 'preview',
): PreviewOutput {
  const calendar = policyCalendar(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile));
  const r = previewPlan({ tasks, policy: cfg.policy, calendar, asOf: asOfMs, horizonDays });
  // the slips are the catch-up's own decision (planCatchUp `slips`), as `supervise start` issues them
  const c = catchUpCounts(r.catchUp, r.catchUpSlips);
  return {
    asOf: calendar.toIso(asOfMs),
    horizonDays,
    catchUpTasks: c.tasks,
    catchUpUnits: c.units,
    catchUpSlipCount: c.slips,
    catchUpSlipColours: c.slipColours,
    ...r,
    ...previewEmails(r.notices, {
      plan,
      settings: cfg.smtp.letters,
      taskDue: new Map(tasks.map((t) => [t.number, t.dueAt ? calendar.toIso(Date.parse(t.dueAt)) : null])),
      toIso: (ms) => calendar.toIso(ms),
    }),
  };
}

const COLOUR_NAMES: [SlipColour, string][] = [
  ['RED', '红色'],
  ['ORANGE', '橙色'],
  ['BLUE', '蓝色'],
];

/** One line on what a catch-up covers: 补发督办：37 个单位，45 项任务，督办单 112 张（红色 112）. */
export function catchUpLine(c: CatchUpCounts): string {
  if (!c.units) return '补发督办：无已逾期事项';
  const colours = COLOUR_NAMES.filter(([k]) => c.slipColours[k] > 0).map(([k, name]) => `${name} ${c.slipColours[k]}`);
  const slips = c.slips
    ? `督办单 ${c.slips} 张（${colours.join('，')}）`
    : '无督办单（仅有逾期未报的进展报告，由催办跟进）';
  return `补发督办：${c.units} 个单位，${c.tasks} 项任务，${slips}`;
}

// Partial: kinds the pipeline adds later print under their code until named here.
const ROLE_NAMES: Record<RecipientRole, string> = {
  liaison: '联络员',
  leader: '分管负责人',
  office: '领导小组办公室',
  leadership: '分管市领导',
};
const SLIP_NAMES: Record<SlipColour, string> = { BLUE: '蓝色督办单', ORANGE: '橙色督办单', RED: '红色督办单' };
const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

function previewLine(n: PlannedNotice): string {
  const subject =
    n.kind === 'catchup_summary'
      ? `逾期 ${new Set(n.items?.map((i) => i.task)).size} 项任务`
      : n.kind === 'catchup_unit'
        ? `任务 ${[...new Set(n.items?.map((i) => i.task))].map((t) => `(${t})`).join('')}`
        : `任务(${n.task})`;
  const extra = [
    n.period ? `报告期 ${n.period}` : null,
    n.slip ? SLIP_NAMES[n.slip] : null,
    n.level !== undefined && n.kind !== 'ack_reminder' ? `第${n.level}级` : null,
  ]
    .filter(Boolean)
    .join('，');
  return `  ${n.at.slice(11, 16)}  ${KIND_LABELS[n.kind] ?? n.kind}  ${n.unit ?? '—'}  ${subject}  → ${n.to.map((r) => ROLE_NAMES[r]).join('、')}${extra ? `  [${extra}]` : ''}`;
}

/** The preview as a readable calendar: a header, warnings, then the notices grouped by local date. */
export function previewText(p: PreviewOutput): string {
  const out = [
    `通知日历预览: 自 ${p.asOf.slice(0, 16).replace('T', ' ')} 起 ${p.horizonDays} 天，共 ${p.notices.length} 条通知 (未启动督办，未发送任何通知)`,
    catchUpLine({
      units: p.catchUpUnits,
      tasks: p.catchUpTasks,
      slips: p.catchUpSlipCount,
      slipColours: p.catchUpSlipColours,
    }) + (p.catchUpTasks ? '；每个单位一份逾期事项汇总通知，办公室一份汇总，不补发历史提醒' : ''),
    ...p.warnings.map((w) => `注意: ${w}`),
    ...emailLines(p),
    '',
    p.letterSettings.enabled
      ? '通知日历 (每条通知一行；发给单位联系人的，同一时刻的合为上面的督办函发出):'
      : '通知日历 (每条通知一行，各自发出):',
  ];
  let day = '';
  for (const n of p.notices) {
    const d = n.at.slice(0, 10);
    if (d !== day) {
      day = d;
      const count = p.notices.filter((x) => x.at.startsWith(d)).length;
      out.push('', `${d} ${WEEKDAYS[DateTime.fromISO(n.at, { setZone: true }).weekday]}  (${count} 条)`);
    }
    out.push(previewLine(n));
  }
  return out.join('\n');
}

export function registerPreview(plan: Command): void {
  withReadOptions(
    plan
      .command('preview <source>')
      .description(
        'the whole notice calendar of a plan file or an imported plan as if supervision started --as-of (catch-up first); starts and sends nothing',
      )
      .requiredOption('--as-of <date>', 'YYYY-MM-DD (start of that day in the plan zone) or an ISO instant with offset')
      .option('--horizon-days <n>', 'how many days ahead to list', '365')
      .option('--units <file>', 'resolve unit names of a plan file with this directory file')
      .option('--no-db', 'plan file only: do not consult the database directory (use config/units.json)'),
  ).action(
    action(
      async (
        source: string,
        opts: ReadFlags & { asOf: string; horizonDays: string; units?: string; db: boolean },
        cmd: Command,
      ) => {
        const cfg = config();
        const horizonDays = Number(opts.horizonDays);
        if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 3660)
          throw new UserError(`--horizon-days「${opts.horizonDays}」应为 1 到 3660 之间的整数`);
        const asOfMs = parseAsOf(opts.asOf, cfg.timezone);
        const tasks = fs.existsSync(source)
          ? previewTasksOfPlan((await load(source, opts.units, opts.db, loadOptions(opts))).validated)
          : await withDb(cfg, (db) => previewTasksOfDb(db, source));
        const data = previewNotices(
          cfg,
          tasks,
          asOfMs,
          horizonDays,
          fs.existsSync(source) ? defaultSlug(source) : source,
        );
        print(cmd, { data, human: previewText });
      },
    ),
  );
}
