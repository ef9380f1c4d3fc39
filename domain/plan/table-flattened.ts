/**
 * Task tables flattened one cell per line (a Word table pasted as text, a PDF copy): the cells are
 * put back into rows (table.ts TableRow) by what they read as. Pure.
 */
import type { SourceIssue } from '../model';
import { bareNumber, numberingOf } from './outline';
import { quote, type Cell } from './text';
import type { ColumnMap, ColumnRole } from './table-header';
import { looksLikeDeadline, type TableRow } from './table';

/**
 * Rows of a table flattened one cell per line: a row starts at a 序号 cell (when the table has a
 * number column) or at a numbered task cell; a numbered cell followed directly by another numbered
 * cell is a heading. The cells of a row are placed by what they are: the deadline cell is the one
 * that reads as a deadline, the cells before it are the task and its units, the cell after it the note.
 * A units cell wrapped over lines (ending in 、 or ，) is joined again.
 */
export function flattenedRows(cells: readonly Cell[], map: ColumnMap, issues: SourceIssue[]): TableRow[] {
  const roles = [...map].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const hasNumber = roles.includes('number');
  const width = roles.length;
  const rows: TableRow[] = [];
  const isStart = (i: number) => {
    const t = cells[i]!.text;
    if (hasNumber) return bareNumber(t) !== null && /^[(（]?[0-9０-９]+[)）.．、]?$/.test(t);
    const n = numberingOf(t);
    return n !== null && n.rest.trim() !== '';
  };
  let i = 0;
  const emitHeading = (c: Cell) =>
    rows.push({ cells: roles.map((_, k) => (k === 0 ? c.text : '')), line: c.line, heading: true });
  while (i < cells.length) {
    const c = cells[i]!;
    if (!isStart(i)) {
      // Before any row, or between rows: a heading (numbered or not).
      emitHeading(c);
      i++;
      continue;
    }
    if (!hasNumber && i + 1 < cells.length && isStart(i + 1)) {
      emitHeading(c);
      i++;
      continue;
    }
    let j = i + 1;
    // the task text directly after a 序号 cell may itself be numbered; the next start is after it
    if (hasNumber && j < cells.length) j++;
    while (j < cells.length && !isStart(j)) {
      // a numbered heading between rows ends the row, once the row has its deadline
      if (
        hasNumber &&
        numberingOf(cells[j]!.text) &&
        !bareNumber(cells[j]!.text) &&
        cells.slice(i, j).some((x) => looksLikeDeadline(x.text))
      )
        break;
      j++;
    }
    const run = joinWrappedUnits(cells.slice(i, j));
    i = j;
    rows.push(placeCells(run, roles, width, issues));
  }
  return rows;
}

function joinWrappedUnits(run: Cell[]): Cell[] {
  const out: Cell[] = [];
  for (const c of run) {
    const prev = out[out.length - 1];
    if (prev && (/[、，,]$/.test(prev.text) || /^[、，,]/.test(c.text))) prev.text += c.text;
    else out.push({ ...c });
  }
  return out;
}

/** Places a flattened row's cells under the header's columns (see flattenedRows). */
function placeCells(run: Cell[], roles: ColumnRole[], width: number, issues: SourceIssue[]): TableRow {
  const out = new Array<string>(width).fill('');
  const line = run[0]!.line;
  const idx = (r: ColumnRole) => roles.indexOf(r);
  let k = 0;
  if (idx('number') >= 0) out[idx('number')] = run[k++]!.text;
  const rest = run.slice(k);
  const dl = idx('deadline') >= 0 ? rest.findIndex((c, n) => n > 0 && looksLikeDeadline(c.text)) : -1;
  const before = dl >= 0 ? rest.slice(0, dl) : rest;
  const after = dl >= 0 ? rest.slice(dl + 1) : [];
  const unitRoles = roles.filter((r) => r === 'lead' || r === 'co' || r === 'units');
  if (dl >= 0) out[idx('deadline')] = rest[dl]!.text;
  const taskCells = Math.max(1, before.length - unitRoles.length);
  if (before.length)
    out[idx('task')] = before
      .slice(0, taskCells)
      .map((c) => c.text)
      .join('');
  before.slice(taskCells).forEach((c, n) => (out[roles.indexOf(unitRoles[n]!)] = c.text));
  if (after.length) {
    if (idx('notes') >= 0 && after.length === 1) out[idx('notes')] = after[0]!.text;
    else
      issues.push({
        line: after[0]!.line,
        field: '表格',
        message: `完成时限${quote(rest[dl]!.text)}之后还有 ${after.length} 格：${after.map((c) => `${quote(c.text, 20)}（第${c.line}行）`).join('、')}；应为下一项任务的序号或分类标题（是否缺少序号？）`,
      });
  }
  if (idx('deadline') >= 0 && dl < 0 && before.length > 1) {
    issues.push({
      line,
      field: '完成时限',
      message: `这一项任务的 ${run.length} 格中没有完成时限：${run.map((c) => `${quote(c.text, 16)}（第${c.line}行）`).join('、')}；应有一格如 2025年底前、长期`,
    });
  }
  return { cells: out, line };
}
