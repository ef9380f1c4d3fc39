/**
 * The annual assessment's activity: the use case of app/assessment/run.ts (load → score → exports →
 * email), run by the `annualAssessment` workflow.
 *
 * Idempotent: the same year, as-of and stored events give the same result, hence the same digest,
 * the same files (written under var/assessments/<year>/<digest prefix>/, so an email waiting in
 * the queue never has its attachments replaced by a later, different result) and the same notice
 * key: a retried or repeated run submits nothing new and emails nobody twice.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../generated/prisma/client';
import type { AssessmentConfig } from '../config/assessment';
import type { Logger } from '../infra/logger';
import type { NotificationPort } from './ports';
import { parseAsOf, runAssessment, submitAssessmentNotice, writeAssessmentFiles, type AssessmentFiles } from '../app/assessment/run';
import { ASSESSMENT_INPUT_ERROR, type AnnualAssessmentSummary, type AssessmentActivities, type RunAnnualAssessmentInput } from '../workflows/assessment';

export interface AssessmentDeps {
  db: Pick<PrismaClient, '$queryRaw'>;
  notifications: NotificationPort;
  logger: Logger;
  /** the service's zone (Asia/Shanghai) */
  zone: string;
  config: AssessmentConfig;
  /** the var dir: exports go to <varDir>/assessments/<year>/<digest prefix>/ (the mail worker attaches from under it) */
  varDir: string;
  /** China's workday calendar (app/assessment/run.ts officialWorkdays) */
  isWorkday?: (date: string) => boolean;
  clock?: () => number;
}

/** Where one result's files go: one folder per (year, digest), so files never change once mailed. */
export function assessmentOutDir(varDir: string, year: number, digest: string): string {
  return path.join(varDir, 'assessments', String(year), digest.replace(/^sha256:/, '').slice(0, 16));
}

/**
 * Writes a result's files into `dir` unless an earlier attempt already did: written into a private
 * folder first, then renamed into place (atomic), so the mail processor never reads a half-written
 * file and a retry never rewrites a file an email is being built from.
 */
export async function writeAssessmentFilesOnce(run: Parameters<typeof writeAssessmentFiles>[0], dir: string): Promise<AssessmentFiles> {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    try {
      await writeAssessmentFiles(run, tmp);
      fs.renameSync(tmp, dir);
    } catch (err) {
      // another attempt renamed its copy first: same digest, same content; keep theirs
      if (!fs.existsSync(dir)) throw err;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  // the names writeAssessmentFiles gives, now in their final folder
  const base = path.join(dir, `assessment-${run.result.year}`);
  const files: AssessmentFiles = { json: `${base}.json`, xlsx: `${base}.xlsx`, summaryCsv: `${base}-summary.csv`, deductionsCsv: `${base}-deductions.csv`, bulletin: `${base}-bulletin.md` };
  const missing = Object.values(files).filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`assessment files missing after writing: ${missing.join(', ')}`);
  return files;
}

export function createAssessmentActivities(deps: AssessmentDeps): AssessmentActivities {
  const clock = deps.clock ?? Date.now;
  return {
    async runAnnualAssessment(input: RunAnnualAssessmentInput): Promise<AnnualAssessmentSummary> {
      let run;
      try {
        const asOf = input.asOf ? parseAsOf(input.asOf, deps.zone) : undefined;
        run = await runAssessment(deps.db, {
          year: input.year,
          now: clock(),
          zone: deps.zone,
          config: deps.config,
          ...(asOf !== undefined ? { asOf } : {}),
          ...(input.planSlug ? { planSlug: input.planSlug } : {}),
          ...(deps.isWorkday ? { isWorkday: deps.isWorkday } : {}),
        });
      } catch (err) {
        // a year not begun yet, a malformed as-of: the same input fails the same way every time
        if ((err as Error).name === 'AssessmentInputError') throw ApplicationFailure.nonRetryable((err as Error).message, ASSESSMENT_INPUT_ERROR);
        throw err;
      }
      const files = await writeAssessmentFilesOnce(run, assessmentOutDir(deps.varDir, input.year, run.digest));
      const notice = await submitAssessmentNotice(deps.notifications, run, files, { top: deps.config.bulletin.top, lagging: deps.config.bulletin.lagging });
      const r = run.result;
      deps.logger.info('annual assessment done', { year: r.year, asOf: r.asOf, units: r.units.length, digest: run.digest, notice: notice.key, created: notice.created, ...run.timings });
      return {
        year: r.year,
        label: r.label,
        asOf: r.asOf,
        interim: r.interim,
        units: r.units.length,
        grades: r.totals.grades,
        digest: run.digest,
        files,
        notice,
      };
    },
  };
}
