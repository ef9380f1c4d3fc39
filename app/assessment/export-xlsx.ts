/**
 * The assessment as an XLSX workbook (exceljs): 汇总 (ranking and grades), 扣分明细 (every
 * deduction with its evidence), 任务 (per task), then one sheet per unit with its itemised
 * deductions. Figures are written as numbers, so a spreadsheet can re-add them.
 */
import ExcelJS from 'exceljs';
import {
  citationText,
  DEDUCTION_NAMES,
  type AssessmentResult,
  type Deduction,
  type UnassessedUnit,
  type Uncounted,
  type UnitAssessment,
} from '../../domain/assessment';

/** Sheet names the workbook always has, in order. */
export const SHEETS = { summary: '汇总', deductions: '扣分明细', tasks: '任务' } as const;

/** Column headers of the summary sheet, in order (the read-back test and the CSV use the same). */
export const SUMMARY_COLUMNS = [
  ['rank', '排名'],
  ['unit', '单位'],
  ['score', '得分'],
  ['grade', '等次'],
  ['deducted', '扣分合计'],
  ['assignments', '责任分工'],
  ['completedOnTime', '按时完成'],
  ['completedLate', '逾期完成'],
  ['overdue', '逾期未完成'],
  ['open', '未到期'],
  ['reportsDue', '应报报告'],
  ['reportsOnTime', '按时报送'],
  ['reportsLate', '逾期报送'],
  ['reportsMissing', '未报送'],
  ['acksLate', '逾期签收'],
  ['slipsBlue', '蓝色督办单'],
  ['slipsOrange', '橙色督办单'],
  ['slipsRed', '红色督办单'],
  ['slipsClosed', '已关闭督办单'],
  ['slipsOpen', '未关闭督办单'],
  ['extensionRequests', '延期申请'],
  ['uncounted', '未通知不计'],
] as const;

export type SummaryKey = (typeof SUMMARY_COLUMNS)[number][0];

/** What the export shows for what no delivered notice asked for, in the 计分 column and for an ungraded unit. */
export const UNCOUNTED = '未通知，不计';

/**
 * One summary row as plain values, shared by the XLSX and CSV writers. A unit never asked for
 * anything is listed after the ranking, without rank or score, graded 「未通知，不计」.
 */
export function summaryRow(u: UnitAssessment | UnassessedUnit): Record<SummaryKey, string | number> {
  const c = u.counts;
  const graded = 'grade' in u;
  return {
    rank: graded ? u.rank : '',
    unit: u.unit,
    score: graded ? u.score : '',
    grade: graded ? u.grade : UNCOUNTED,
    deducted: graded ? u.deducted : 0,
    assignments: c.assignments,
    completedOnTime: c.completedOnTime,
    completedLate: c.completedLate,
    overdue: c.overdue,
    open: c.open,
    reportsDue: c.reportsDue,
    reportsOnTime: c.reportsOnTime,
    reportsLate: c.reportsLate,
    reportsMissing: c.reportsMissing,
    acksLate: c.acksLate,
    slipsBlue: c.slips.BLUE,
    slipsOrange: c.slips.ORANGE,
    slipsRed: c.slips.RED,
    slipsClosed: c.slipsClosed,
    slipsOpen: c.slipsOpen,
    extensionRequests: c.extensionRequests,
    uncounted: c.uncounted,
  };
}

export const DEDUCTION_COLUMNS = [
  '单位',
  '任务',
  '扣分事项',
  '扣分',
  '报告期',
  '应完成/应报送时间',
  '发生时间',
  '督办单号',
  '说明',
  '依据',
  '通知依据',
  '计分',
] as const;

/** The itemised name of an obligation never notified. */
const UNCOUNTED_NAMES: Record<Uncounted['kind'], string> = {
  overdue: '逾期未完成任务',
  completedLate: '逾期完成任务',
  report: '进展报告',
  ack: '签收',
  slip: '督办单',
};

/** `Assignment:… AuditEvent:…`: the rows a deduction is based on, for people and for tracing. */
export function evidenceText(d: Deduction): string {
  return d.evidence.map((e) => `${e.type}:${e.id}`).join(' ');
}

export function deductionRow(unit: string, d: Deduction): (string | number)[] {
  return [
    unit,
    d.task,
    DEDUCTION_NAMES[d.kind],
    d.points,
    d.period ?? '',
    d.dueAt ?? '',
    d.at ?? '',
    d.slip ?? '',
    d.reason,
    evidenceText(d),
    d.notice ? citationText(d.notice) : '',
    '计入',
  ];
}

/** An obligation no delivered notice asked for: 0 points, 「未通知，不计」. */
export function uncountedRow(unit: string, x: Uncounted): (string | number)[] {
  return [
    unit,
    x.task,
    UNCOUNTED_NAMES[x.kind],
    0,
    x.period ?? '',
    x.dueAt ?? '',
    '',
    '',
    x.reason,
    `Assignment:${x.assignmentId}`,
    '',
    UNCOUNTED,
  ];
}

/** Every itemised row of a unit: its deductions, then what was not counted. */
export function itemisedRows(u: UnitAssessment | UnassessedUnit): (string | number)[][] {
  return [
    ...('deductions' in u ? u.deductions.map((d) => deductionRow(u.unit, d)) : []),
    ...u.uncounted.map((x) => uncountedRow(u.unit, x)),
  ];
}

/** Excel forbids \ / ? * [ ] : in sheet names and allows 31 characters; names must be unique. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'sheet';
  let n = base;
  for (let i = 2; used.has(n); i++) n = `${base.slice(0, 31 - String(i).length - 1)}~${i}`;
  used.add(n);
  return n;
}

/** What the workbook writer needs from a sheet: add a row (optionally bold or as a title). */
interface SheetSink {
  row(values: unknown[], style?: 'bold' | 'title'): void;
}

/**
 * Emits every sheet through `addSheet`, so the same layout serves the streaming writer (files: a
 * year with 100k assignments has hundreds of thousands of deduction rows) and the in-memory one.
 */
function emitSheets(
  r: AssessmentResult,
  addSheet: (name: string, widths: Record<number, number>, frozenRows: number) => SheetSink,
): void {
  const used = new Set<string>(Object.values(SHEETS));
  const summary = addSheet(SHEETS.summary, { 2: 28 }, 3);
  summary.row([`${r.label}考核评估汇总表${r.interim ? '（阶段性）' : ''}`], 'title');
  summary.row([`考核期 ${r.window.start} 至 ${r.window.end}（不含），基准时点 ${r.asOf}，满分 ${r.rubric.base} 分`]);
  summary.row(
    SUMMARY_COLUMNS.map(([, h]) => h),
    'bold',
  );
  for (const u of [...r.units, ...r.unassessed]) summary.row(SUMMARY_COLUMNS.map(([k]) => summaryRow(u)[k]));

  const ded = addSheet(SHEETS.deductions, { 1: 24, 9: 60 }, 1);
  ded.row([...DEDUCTION_COLUMNS], 'bold');
  for (const u of [...r.units, ...r.unassessed]) for (const row of itemisedRows(u)) ded.row(row);

  const tasks = addSheet(SHEETS.tasks, { 15: 80 }, 1);
  tasks.row(
    [
      '方案',
      '任务',
      '类型',
      '完成时限',
      '责任分工',
      '按时完成',
      '逾期完成',
      '逾期未完成',
      '未到期',
      '应报报告',
      '逾期报送',
      '未报送',
      '督办单',
      '扣分合计',
      '任务内容',
    ],
    'bold',
  );
  for (const t of r.tasks) {
    tasks.row([
      t.plan,
      t.task,
      t.kind === 'standing' ? '长期' : '有时限',
      t.dueAt ?? '',
      t.assignments,
      t.completedOnTime,
      t.completedLate,
      t.overdue,
      t.open,
      t.reportsDue,
      t.reportsLate,
      t.reportsMissing,
      t.slips,
      t.points,
      t.text,
    ]);
  }

  for (const u of r.units) {
    const ws = addSheet(sheetName(u.unit, used), { 8: 60 }, 0);
    ws.row([u.unit], 'title');
    ws.row(['排名', u.rank, '得分', u.score, '等次', `${u.grade}（${u.gradeLabel}）`, '扣分合计', u.deducted]);
    ws.row([]);
    ws.row(['扣分事项', '次数', '扣分', '计入扣分'], 'bold');
    for (const k of u.byKind) ws.row([DEDUCTION_NAMES[k.kind], k.count, k.points, k.applied]);
    ws.row([]);
    ws.row(DEDUCTION_COLUMNS.slice(1), 'bold');
    for (const row of itemisedRows(u)) ws.row(row.slice(1));
  }
  for (const u of r.unassessed) {
    const ws = addSheet(sheetName(u.unit, used), { 8: 60 }, 0);
    ws.row([u.unit], 'title');
    ws.row([`未收到任何通知，${UNCOUNTED}（不评定等次、不排名）`]);
    ws.row([]);
    ws.row(DEDUCTION_COLUMNS.slice(1), 'bold');
    for (const row of itemisedRows(u)) ws.row(row.slice(1));
  }
}

const FONTS = { bold: { bold: true }, title: { bold: true, size: 13 } } as const;

function columnsOf(widths: Record<number, number>): Partial<ExcelJS.Column>[] {
  const n = Math.max(0, ...Object.keys(widths).map(Number));
  return Array.from({ length: n }, (_, i) => ({ width: widths[i + 1] ?? 12 }));
}

/** Builds the workbook in memory (small results, tests). */
export function buildAssessmentWorkbook(r: AssessmentResult): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'dubang';
  // A fixed timestamp keeps the workbook's own metadata reproducible for a closed year.
  wb.created = new Date(r.asOf);
  wb.modified = new Date(r.asOf);
  emitSheets(r, (name, widths, frozen) => {
    const ws = wb.addWorksheet(name, frozen ? { views: [{ state: 'frozen', ySplit: frozen }] } : {});
    ws.columns = columnsOf(widths);
    return { row: (v, style) => void (style ? (ws.addRow(v).font = FONTS[style]) : ws.addRow(v)) };
  });
  return wb;
}

/** Writes the workbook to `file`, streaming rows to disk as they are produced. */
export async function writeAssessmentXlsx(r: AssessmentResult, file: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = 'dubang';
  wb.created = new Date(r.asOf);
  wb.modified = new Date(r.asOf);
  let current: ExcelJS.Worksheet | null = null;
  emitSheets(r, (name, widths, frozen) => {
    current?.commit();
    const ws = wb.addWorksheet(name, frozen ? { views: [{ state: 'frozen', ySplit: frozen }] } : {});
    ws.columns = columnsOf(widths);
    current = ws;
    return {
      row: (v, style) => {
        const row = ws.addRow(v);
        if (style) row.font = FONTS[style];
        row.commit();
      },
    };
  });
  (current as ExcelJS.Worksheet | null)?.commit();
  await wb.commit();
}
