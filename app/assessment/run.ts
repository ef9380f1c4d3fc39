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
import { assess, assessmentWindow, AssessmentInputError, renderBulletin, type AssessmentResult } from '../../domain/assessment';
import { noticeKey } from '../../domain/notices';
import { createCalendar, validateHolidayOverride, type HolidayOverride } from '../../domain/calendar';
import type { NotificationPort } from '../../activities/ports';
import { writeAssessmentCsv } from '../../infra/export/csv';
import { writeAssessmentXlsx } from '../../infra/export/xlsx';
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
  if (!d.isValid || !/(Z|[+-]\d{2}:?\d{2})$/.test(text)) throw new AssessmentInputError(`--as-of「${text}」应为日期 YYYY-MM-DD 或带时区的时间 (如 2025-12-20T09:00:00+08:00)`);
  return d.toMillis();
}

/** Plan slug → YYYY-MM-DD becomes plan id → start of that day in `zone`. */
function effectiveFrom(cfg: AssessmentConfig, tasks: { planId: string; planSlug: string }[], zone: string): Record<string, number> {
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
export async function runAssessment(db: Pick<PrismaClient, '$queryRaw'>, o: RunAssessmentOptions): Promise<AssessmentRun> {
  const rubric = rubricOf(o.config);
  const win = assessmentWindow(o.year, rubric.yearStartMonth, o.zone);
  const asOf = Math.min(o.asOf ?? o.now, win.end);
  if (asOf <= win.start) {
    throw new AssessmentInputError(`${o.year} 考核年度从 ${DateTime.fromMillis(win.start, { zone: o.zone }).toISODate()} 开始，基准时点不能早于该日期`);
  }
  const t0 = performance.now();
  const facts = await loadAssessmentFacts(db, { from: win.start, asOf, ...(o.planSlug ? { planSlug: o.planSlug } : {}) });
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
  const rows = facts.assignments.length + facts.reports.length + facts.extensions.length + facts.slips.length + facts.audit.length;
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
export async function writeAssessmentFiles(run: Pick<AssessmentRun, 'result' | 'bulletin' | 'digest'>, dir: string): Promise<AssessmentFiles> {
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
 * Hands the bulletin and its attachments to the notification pipeline, addressed to the Office and
 * leadership. Idempotent per (year, result digest, as-of): a rerun that computes the same result
 * sends nothing new; a result that changed (new events) is a new notice.
 */
export async function submitAssessmentNotice(
  port: NotificationPort,
  run: Pick<AssessmentRun, 'result' | 'bulletin' | 'digest'>,
  files: AssessmentFiles,
): Promise<{ noticeId: string; created: boolean; key: string }> {
  const r = run.result;
  const scope = `assessment-${r.year}-${run.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
  const key = noticeKey(scope, 'digest', Date.parse(r.asOf));
  const title = run.bulletin.split('\n')[0]!.replace(/^#\s*/, '');
  const out = await port.submit({
    key,
    // 'digest' until the pipeline has a template of its own for assessments (see docs/assessment.md)
    kind: 'digest',
    assignmentId: null,
    scope,
    dueAt: r.asOf,
    slipId: null,
    payload: {
      to: ['office', 'leadership'],
      /** tells the renderer this digest is the annual assessment */
      topic: 'assessment',
      subject: title,
      year: r.year,
      digest: run.digest,
      bulletin: run.bulletin,
      summary: r.units.map((u) => ({ rank: u.rank, unit: u.unit, score: u.score, grade: u.grade })),
      attachments: [
        { filename: path.basename(files.xlsx), path: files.xlsx, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
        { filename: path.basename(files.summaryCsv), path: files.summaryCsv, contentType: 'text/csv; charset=utf-8' },
        { filename: path.basename(files.deductionsCsv), path: files.deductionsCsv, contentType: 'text/csv; charset=utf-8' },
        { filename: path.basename(files.bulletin), path: files.bulletin, contentType: 'text/markdown; charset=utf-8' },
      ],
    },
  });
  return { ...out, key };
}
