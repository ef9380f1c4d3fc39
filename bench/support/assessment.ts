/** The annual assessment as `dubang assess` runs it, for the benchmarks: options from config, and a timed run. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../../config';
import { parseAssessmentConfig } from '../../config/assessment';
import { officialWorkdays, runAssessment, writeAssessmentFiles } from '../../app/assessment/run';
import type { PrismaClient } from '../../generated/prisma/client';

export type AssessmentOptions = Parameters<typeof runAssessment>[1];

/** config/assessment.json, the zone and the official workdays, for the year assessed at `now`. */
export function assessmentOptions(cfg: Config, year: number, now: number): AssessmentOptions {
  const config = parseAssessmentConfig(
    JSON.parse(fs.readFileSync(path.join(cfg.configDir, 'assessment.json'), 'utf8')),
  );
  return { year, now, zone: cfg.timezone, config, isWorkday: officialWorkdays(cfg.timezone) };
}

/** Assesses (load + score) and writes the exports to a temporary folder; seconds for each. */
export async function timeAssessment(
  p: PrismaClient,
  opts: AssessmentOptions,
): Promise<{ assessS: number; exportS: number; rows: number }> {
  const t0 = performance.now();
  const run = await runAssessment(p, opts);
  const t1 = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-bench-'));
  try {
    await writeAssessmentFiles(run, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { assessS: (t1 - t0) / 1000, exportS: (performance.now() - t1) / 1000, rows: run.timings.rows };
}
