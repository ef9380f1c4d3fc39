/**
 * The assessment as CSV: the summary (ranking and grades) and every itemised deduction, then what
 * was not counted (「未通知，不计」). UTF-8 with
 * a byte-order mark so that Excel on a government desktop opens the Chinese text correctly.
 */
import * as fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { AssessmentResult } from '../../domain/assessment';
import { DEDUCTION_COLUMNS, itemisedRows, SUMMARY_COLUMNS, summaryRow } from './export-xlsx';

const BOM = '\ufeff';

export function summaryCsv(r: AssessmentResult): string {
  const rows = [
    SUMMARY_COLUMNS.map(([, h]) => h),
    ...[...r.units, ...r.unassessed].map((u) => SUMMARY_COLUMNS.map(([k]) => summaryRow(u)[k])),
  ];
  return BOM + stringify(rows, { record_delimiter: '\r\n' });
}

export function deductionsCsv(r: AssessmentResult): string {
  const rows: (string | number)[][] = [[...DEDUCTION_COLUMNS]];
  for (const u of [...r.units, ...r.unassessed]) rows.push(...itemisedRows(u));
  return BOM + stringify(rows, { record_delimiter: '\r\n' });
}

export function writeAssessmentCsv(r: AssessmentResult, files: { summary: string; deductions: string }): void {
  fs.writeFileSync(files.summary, summaryCsv(r));
  fs.writeFileSync(files.deductions, deductionsCsv(r));
}
