/**
 * The annual assessment's configuration (config/assessment.json): the scoring rubric, the
 * assessment year, the reporting calendar, plans' effective dates, the bulletin and the schedule.
 * Validated with zod; a bad value names its key (ConfigError).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, type Config } from './index';
import type { AssessmentRubric } from '../domain/assessment/types';

const points = z.number().min(0, 'must be ≥ 0').max(100, 'must be ≤ 100');
const rule = z.object({
  /** points per occurrence */
  points,
  /** most points the kind can take off in a year (扣完为止); null = no ceiling */
  cap: points.nullable().default(null),
});
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const cadence = z.array(z.enum(['quarterly', 'annual']));

export const assessmentSchema = z
  .object({
    base: z.number().positive().default(100),
    floor: z.number().min(0).default(0),
    deductions: z
      .object({
        overdue: rule.default({ points: 5, cap: null }),
        completedLate: rule.default({ points: 2, cap: null }),
        reportMissing: rule.default({ points: 1, cap: null }),
        reportLate: rule.default({ points: 0.5, cap: null }),
        ackLate: rule.default({ points: 0.5, cap: null }),
        slipBlue: rule.default({ points: 1, cap: null }),
        slipOrange: rule.default({ points: 2, cap: null }),
        slipRed: rule.default({ points: 4, cap: null }),
        extensionRequested: rule.default({ points: 0, cap: null }),
      })
      .prefault({}),
    grades: z
      .array(z.object({ grade: z.string().min(1), min: z.number(), label: z.string().min(1) }))
      .min(1)
      .default([
        { grade: 'A', min: 90, label: '优秀' },
        { grade: 'B', min: 80, label: '良好' },
        { grade: 'C', min: 60, label: '合格' },
        { grade: 'D', min: 0, label: '不合格' },
      ]),
    /** roles that count; drop IMPLICIT to score only the units a task lists */
    roles: z
      .array(z.enum(['LEAD', 'CO', 'IMPLICIT']))
      .min(1)
      .default(['LEAD', 'CO', 'IMPLICIT']),
    excludedUnitKinds: z.array(z.string()).default(['GROUP', 'OFFICE', 'LEADERSHIP']),
    /** 1 = calendar year; 7 = July–June (the year is named by the year it ends in) */
    yearStartMonth: z.number().int().min(1).max(12).default(1),
    ackWorkdays: z.number().int().min(0).max(30).default(3),
    reports: z
      .object({
        quarterlyDueDay: z.number().int().min(1).max(60).default(10),
        annualDue: z
          .string()
          .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD')
          .default('12-10'),
        /** 每月 tasks: monthly reports due by the end of this workday after the month (as config/policy.json's cadences.month) */
        monthlyDueWorkdays: z.number().int().min(1).max(30).default(5),
        deadline: cadence.default(['quarterly']),
        standing: cadence.default(['annual']),
      })
      .prefault({}),
    /** plan slug → the date its obligations began (YYYY-MM-DD in the service's zone) */
    planEffectiveFrom: z.record(z.string(), date).default({}),
    bulletin: z
      .object({ top: z.number().int().min(0).default(3), lagging: z.number().int().min(0).default(3) })
      .prefault({}),
    schedule: z
      .object({
        /** cron in `timezone`; default 09:00 on 20 December */
        cron: z.string().min(9).default('0 9 20 12 *'),
        timezone: z.string().default('Asia/Shanghai'),
        /** how late a missed run may still start (Temporal catchupWindow) */
        catchupWindow: z.string().default('1 day'),
      })
      .prefault({}),
  })
  .refine((c) => c.floor < c.base, { message: 'floor must be below base', path: ['floor'] });

export type AssessmentConfig = z.infer<typeof assessmentSchema>;

/** The rubric part the pure scoring reads. */
export function rubricOf(c: AssessmentConfig): AssessmentRubric {
  return {
    base: c.base,
    floor: c.floor,
    deductions: c.deductions,
    grades: c.grades,
    roles: c.roles,
    excludedUnitKinds: c.excludedUnitKinds,
    yearStartMonth: c.yearStartMonth,
    ackWorkdays: c.ackWorkdays,
    reports: c.reports,
  };
}

/** Parses an assessment configuration object (tests build one from a partial object). */
export function parseAssessmentConfig(raw: unknown, label = 'assessment'): AssessmentConfig {
  const parsed = assessmentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `${label}: ` + parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

/** Reads `assessment.json` from the configuration folder (a missing file means all defaults). */
export function loadAssessmentConfig(cfg: Pick<Config, 'configDir'>): AssessmentConfig {
  const file = path.join(cfg.configDir, 'assessment.json');
  if (!fs.existsSync(file)) return parseAssessmentConfig({}, file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`assessment (${file}): ${(err as Error).message}`);
  }
  return parseAssessmentConfig(raw, `assessment (${file})`);
}
