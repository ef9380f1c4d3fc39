/**
 * The XLSX list a unit letter carries (exceljs): the 任务分工表 when the letter gives the unit its
 * tasks, else the 督办事项清单 of a letter too long for its body. The rows are the letter's own
 * (domain/messages letterRows), so the file and the email never disagree.
 */
import ExcelJS from 'exceljs';
import type { OutgoingAttachment } from '../../contracts/mail';
import { formatDay, type CentralLetterRow, type LetterRow } from '../../domain/messages';

type Column = { header: string; key: keyof CentralLetterRow | 'n'; width: number };

const BASE_COLUMNS: Column[] = [
  { header: '序号', key: 'n', width: 6 },
  { header: '任务', key: 'task', width: 8 },
  { header: '事项', key: 'what', width: 28 },
  { header: '任务内容', key: 'text', width: 70 },
  { header: '本单位角色', key: 'role', width: 12 },
  { header: '时限', key: 'due', width: 30 },
  { header: '督办单', key: 'slip', width: 24 },
];

/** A summary letter's list: the unit each row concerns first, and its role in the task. */
const CENTRAL_COLUMNS: Column[] = [
  BASE_COLUMNS[0]!,
  { header: '责任单位', key: 'unit', width: 22 },
  ...BASE_COLUMNS.slice(1).map((c) => (c.key === 'role' ? { ...c, header: '单位角色' } : c)),
];

/** The list's file name: 任务分工表 when the letter gives tasks, else 督办事项清单 (督办事项汇总清单 for a summary). */
export function letterFileName(unit: string, rows: readonly LetterRow[], central = false): string {
  if (central) return `${unit}督办事项汇总清单.xlsx`;
  return rows.some((r) => r.kind === 'assignment') ? `${unit}任务分工表.xlsx` : `${unit}督办事项清单.xlsx`;
}

/** The workbook: one sheet, a title line, the header, one row per letter row; text kept exactly. */
export async function letterWorkbook(
  l: { unit: string; issuedAt: string; zone: string; sender: string },
  rows: readonly LetterRow[] | readonly CentralLetterRow[],
  central = false,
): Promise<OutgoingAttachment> {
  const wb = new ExcelJS.Workbook();
  wb.creator = l.sender;
  const COLUMNS = central ? CENTRAL_COLUMNS : BASE_COLUMNS;
  const title = central
    ? '督办事项汇总清单'
    : rows.some((r) => r.kind === 'assignment')
      ? '任务分工表'
      : '督办事项清单';
  const ws = wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width }));
  const head = ws.addRow([`${l.unit}${title}（${formatDay(l.issuedAt, l.zone)}，${l.sender}）`]);
  head.font = { bold: true, size: 13 };
  ws.mergeCells(1, 1, 1, COLUMNS.length);
  const header = ws.addRow(COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  rows.forEach((r, k) => {
    const row = ws.addRow({ ...r, n: k + 1 });
    row.alignment = { vertical: 'top', wrapText: true };
  });
  const content = Buffer.from(await wb.xlsx.writeBuffer());
  return {
    filename: letterFileName(l.unit, rows, central),
    content,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}
