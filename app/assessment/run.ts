/**
 * The assessment use case, shared by the CLI, the API and the scheduled workflow's activity:
 * load facts → score (pure) → export (XLSX, CSV, bulletin, JSON) → hand the email to the
 * notification pipeline. Recomputing a closed year reads the same stored events and gives the same
 * result, byte for byte (its digest says so).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import type { PrismaClient } from '../../generated/prisma/client';
import { rubricOf, type AssessmentConfig } from '../../config/assessment';
import {
  assess,
  assessmentWindow,
  AssessmentInputError,
  renderBulletin,
  type AssessmentResult,
} from '../../domain/assessment';
import { noticeKey } from '../../domain/notices';
import type { AssessmentMessage } from '../../domain/messages';
import { createCalendar, validateHolidayOverride, type HolidayOverride } from '../../domain/calendar';
import type { NotificationPort } from '../../contracts/notification';
import { writeAssessmentCsv } from './export-csv';
import { writeAssessmentXlsx } from './export-xlsx';
import { loadAssessmentFacts } from './load';

export interface RunAssessmentOptions {
  year: number;
  /** judge as of this instant; default now, clamped to the year's end */
  asOf?: number;
  /** the clock, for the default as-of */
  now: number;
  zone: string;
  config: AssessmentConfig;
  /** only this plan (slug); default every plan */
  planSlug?: string;
  /** workday calendar (default China's official one, see officialWorkdays) */
  isWorkday?: (date: string) => boolean;
}

export interface AssessmentRun {
  result: AssessmentResult;
  /** sha256 of the result's JSON: equal digests mean identical results */
  digest: string;
  bulletin: string;
  /** how long loading and scoring took, ms */
  timings: { loadMs: number; scoreMs: number; rows: number };
}

/**
 * `--as-of` text → epoch ms. A date (YYYY-MM-DD) means "including that whole day", i.e. the start
 * of the next day in `zone`; an ISO instant with an offset is taken as is.
 */
export function parseAsOf(text: string, zone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const d = DateTime.fromISO(text, { zone });
    if (!d.isValid) throw new AssessmentInputError(`--as-of「${text}」不是有效日期，应为 YYYY-MM-DD`);
    return d.plus({ days: 1 }).startOf('day').toMillis();
  }
  const d = DateTime.fromISO(text, { setZone: true });
  if (!d.isValid || !/(Z|[+-]\d{2}:?\d{2})$/.test(text))
    throw new AssessmentInputError(
      `--as-of「${text}」应为日期 YYYY-MM-DD 或带时区的时间 (如 2025-12-20T09:00:00+08:00)`,
    );
  return d.toMillis();
}

/** Plan slug → YYYY-MM-DD becomes plan id → start of that day in `zone`. */
function effectiveFrom(
  cfg: AssessmentConfig,
  tasks: { planId: string; planSlug: string }[],
  zone: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) {
    const date = cfg.planEffectiveFrom[t.planSlug];
    if (date && !(t.planId in out)) out[t.planId] = DateTime.fromISO(date, { zone }).startOf('day').toMillis();
  }
  return out;
}

/**
 * China's official workdays (holidays and make-up workdays) from the business calendar, with the
 * holiday override file when given (years the packaged data does not cover yet).
 */
export function officialWorkdays(zone: string, overrideFile?: string): (date: string) => boolean {
  let override: HolidayOverride | null = null;
  if (overrideFile && fs.existsSync(overrideFile)) {
    const raw = JSON.parse(fs.readFileSync(overrideFile, 'utf8')) as { years?: HolidayOverride['years'] };
    override = validateHolidayOverride({ years: raw.years ?? {} });
  }
  const cal = createCalendar({ zone, officeHours: null, workdaysOnly: true, override });
  return (d) => cal.isWorkday(d);
}

export function digestOf(result: AssessmentResult): string {
  return 'sha256:' + crypto.createHash('sha256').update(JSON.stringify(result)).digest('hex');
}

/** Runs the assessment for one year against the database. */
export async function runAssessment(
  db: Pick<PrismaClient, '$queryRaw'>,
  o: RunAssessmentOptions,
): Promise<AssessmentRun> {
  const rubric = rubricOf(o.config);
  const win = assessmentWindow(o.year, rubric.yearStartMonth, o.zone);
  const asOf = Math.min(o.asOf ?? o.now, win.end);
  if (asOf <= win.start) {
    throw new AssessmentInputError(
      `${o.year} 考核年度从 ${DateTime.fromMillis(win.start, { zone: o.zone }).toISODate()} 开始，基准时点不能早于该日期`,
    );
  }
  const t0 = performance.now();
  const facts = await loadAssessmentFacts(db, {
    from: win.start,
    asOf,
    ...(o.planSlug ? { planSlug: o.planSlug } : {}),
  });
  const t1 = performance.now();
  const result = assess(facts, {
    year: o.year,
    asOf,
    zone: o.zone,
    rubric,
    planEffectiveFrom: effectiveFrom(o.config, facts.tasks, o.zone),
    isWorkday: o.isWorkday ?? officialWorkdays(o.zone),
  });
  const t2 = performance.now();
  const bulletin = renderBulletin(result, { top: o.config.bulletin.top, lagging: o.config.bulletin.lagging });
  const rows =
    facts.assignments.length + facts.reports.length + facts.extensions.length + facts.slips.length + facts.audit.length;
  return { result, digest: digestOf(result), bulletin, timings: { loadMs: t1 - t0, scoreMs: t2 - t1, rows } };
}

export interface AssessmentFiles {
  json: string;
  xlsx: string;
  summaryCsv: string;
  deductionsCsv: string;
  bulletin: string;
}

/** Writes assessment-<year>.{json,xlsx}, -summary.csv, -deductions.csv and -bulletin.md into `dir`. */
export async function writeAssessmentFiles(
  run: Pick<AssessmentRun, 'result' | 'bulletin' | 'digest'>,
  dir: string,
): Promise<AssessmentFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `assessment-${run.result.year}`);
  const files: AssessmentFiles = {
    json: `${base}.json`,
    xlsx: `${base}.xlsx`,
    summaryCsv: `${base}-summary.csv`,
    deductionsCsv: `${base}-deductions.csv`,
    bulletin: `${base}-bulletin.md`,
  };
  fs.writeFileSync(files.json, JSON.stringify({ digest: run.digest, ...run.result }, null, 2) + '\n');
  await writeAssessmentXlsx(run.result, files.xlsx);
  writeAssessmentCsv(run.result, { summary: files.summaryCsv, deductions: files.deductionsCsv });
  fs.writeFileSync(files.bulletin, run.bulletin);
  return files;
}

/**
 * Hands the bulletin and its attachments to the notification pipeline (notice kind `assessment`),
 * addressed to the Office and leadership. The mail processor renders the summary and the bulletin
 * (domain/messages) and attaches the files at send time, from the file store (`files` are its keys:
 * activities/assessment.ts storeAssessmentFiles). Idempotent per
 * (year, result digest, as-of): a rerun that computes the same result sends nothing new; a result
 * that changed (new events) is a new notice.
 */
export async function submitAssessmentNotice(
  port: NotificationPort,
  run: Pick<AssessmentRun, 'result' | 'bulletin' | 'digest'>,
  files: AssessmentFiles,
  opts: { top?: number; lagging?: number } = {},
): Promise<{ noticeId: string; created: boolean; key: string }> {
  const r = run.result;
  const scope = `assessment-${r.year}-${run.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
  const key = noticeKey(scope, 'assessment', Date.parse(r.asOf));
  const attachments = [
    {
      filename: path.posix.basename(files.xlsx),
      key: files.xlsx,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
    { filename: path.posix.basename(files.summaryCsv), key: files.summaryCsv, contentType: 'text/csv; charset=utf-8' },
    {
      filename: path.posix.basename(files.deductionsCsv),
      key: files.deductionsCsv,
      contentType: 'text/csv; charset=utf-8',
    },
    { filename: path.posix.basename(files.bulletin), key: files.bulletin, contentType: 'text/markdown; charset=utf-8' },
  ];
  const assessment: AssessmentMessage = {
    year: r.year,
    label: r.label,
    asOf: r.asOf,
    interim: r.interim,
    rows: r.units.map((u) => ({ rank: u.rank, unit: u.unit, score: u.score, grade: u.grade })),
    grades: r.rubric.grades.map((g) => ({ grade: g.grade, label: g.label })),
    ...(opts.top !== undefined ? { top: opts.top } : {}),
    ...(opts.lagging !== undefined ? { lagging: opts.lagging } : {}),
    bulletin: run.bulletin,
    files: attachments.map((a) => a.filename),
    digest: run.digest,
  };
  const out = await port.submit({
    key,
    kind: 'assessment',
    assignmentId: null,
    scope,
    dueAt: r.asOf,
    slipId: null,
    payload: {
      to: ['office', 'leadership'],
      topic: 'assessment',
      year: r.year,
      digest: run.digest,
      /** what the template shows (domain/messages AssessmentMessage) */
      assessment,
      /** read and attached by the mail processor at send time (app/notices/attachments.ts) */
      attachments,
    },
  });
  return { ...out, key };
}
