/**
 * The annual assessment's activity: the use case of app/assessment/run.ts (load → score → exports →
 * email), run by the `annualAssessment` workflow.
 *
 * Idempotent: the same year, as-of and stored events give the same result, hence the same digest,
 * the same files (stored under assessments/<year>/<digest prefix>/ in the file store, so an email
 * waiting in the queue never has its attachments replaced by a later, different result) and the same notice
 * key: a retried or repeated run submits nothing new and emails nobody twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../generated/prisma/client';
import type { AssessmentConfig } from '../config/assessment';
import type { Logger } from '../contracts/logger';
import type { NotificationPort } from '../contracts/notification';
import type { FileStore } from '../contracts/mail';
import {
  parseAsOf,
  runAssessment,
  submitAssessmentNotice,
  writeAssessmentFiles,
  type AssessmentFiles,
} from '../app/assessment/run';
import type { AnnualAssessmentSummary, AssessmentActivities, RunAnnualAssessmentInput } from '../contracts/assessment';
import { ErrorCodes, ErrorType, isDubangError } from '../contracts/errors';

export interface AssessmentDeps {
  db: Pick<PrismaClient, '$queryRaw'>;
  notifications: NotificationPort;
  logger: Logger;
  /** the service's zone (Asia/Shanghai) */
  zone: string;
  config: AssessmentConfig;
  /** where the exports go (PostgreSQL), for the mail worker to attach at send time */
  files: FileStore;
  /** China's workday calendar (app/assessment/run.ts officialWorkdays) */
  isWorkday?: (date: string) => boolean;
  clock?: () => number;
}

/** The store key of one result's folder: one per (year, digest), so files never change once mailed. */
export function assessmentStoreDir(year: number, digest: string): string {
  return `assessments/${year}/${digest.replace(/^sha256:/, '').slice(0, 16)}`;
}

const CONTENT_TYPES: Record<keyof AssessmentFiles, string> = {
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  summaryCsv: 'text/csv; charset=utf-8',
  deductionsCsv: 'text/csv; charset=utf-8',
  bulletin: 'text/markdown; charset=utf-8',
};

/**
 * Puts a result's files into the file store (PostgreSQL), under assessments/<year>/<digest
 * prefix>/<name>, and returns their keys. The files are made in a private temporary folder and
 * removed after; the store keeps the first copy of a key, so a retried activity (same result, same
 * keys) never replaces a file an email is being built from.
 */
export async function storeAssessmentFiles(
  store: FileStore,
  run: Parameters<typeof writeAssessmentFiles>[0],
): Promise<AssessmentFiles> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-assessment-'));
  try {
    const local = await writeAssessmentFiles(run, tmp);
    const dir = assessmentStoreDir(run.result.year, run.digest);
    const keys = {} as AssessmentFiles;
    for (const k of Object.keys(local) as (keyof AssessmentFiles)[]) {
      const filename = path.basename(local[k]);
      keys[k] = `${dir}/${filename}`;
      await store.put(keys[k], { filename, contentType: CONTENT_TYPES[k], content: fs.readFileSync(local[k]) });
    }
    return keys;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
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
        if (isDubangError(err, ErrorCodes.AssessmentInputError))
          throw ApplicationFailure.nonRetryable(err.message, ErrorType.AssessmentInput);
        throw err;
      }
      const files = await storeAssessmentFiles(deps.files, run);
      const notice = await submitAssessmentNotice(deps.notifications, run, files, {
        top: deps.config.bulletin.top,
        lagging: deps.config.bulletin.lagging,
      });
      const r = run.result;
      deps.logger.info('annual assessment done', {
        year: r.year,
        asOf: r.asOf,
        units: r.units.length,
        digest: run.digest,
        notice: notice.key,
        created: notice.created,
        ...run.timings,
      });
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
