/**
 * Task tables with any common header words (序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限 / 备注 …),
 * 3–6 columns, however they arrive: rows of cells from a spreadsheet or a Word table, a tab- or
 * ` | `-separated paste, or the table flattened one cell per line. Pure.
 *
 * Every row is read into an outline item (a heading or a task); the outline module checks numbering
 * and builds sections. Problems name the row's line and, where it helps, its cells.
 *
 * The header (column roles, --columns) is in table-header.ts, tables flattened one cell per line
 * in table-flattened.ts.
 */
import type { SourceIssue } from '../model';
import { bareNumber, numberingOf, type OutlineItem } from './outline';
import { quote } from './text';
import { parseUnitsCell } from './units-cell';
import { matchHeader, norm, ROLE_NAMES, type ColumnMap, type ColumnRole } from './table-header';

/** One table row: cells by column (empty string for an empty cell) and where it is. */
export interface TableRow {
  cells: string[];
  /** the line (text) or row number (spreadsheet, Word table) messages name */
  line: number;
  /** how a message names cell `col` of this row, e.g. 「B5」 or 「第3列」 */
  cellName?: (col: number) => string;
  /** a section row (merged across the table, or a heading line between flattened rows) */
  heading?: boolean;
}

export interface TableReadOptions {
  /** deadline phrase for tasks without one (a plan without a 完成时限 column) */
  defaultDeadline?: string;
}

const DEADLINE_LIKE = /^(?:[0-9０-９]{4}\s*年|长期|持续|常态|每年|每季|每月|每半年|立即|[0-9０-９]{4}[.．/-])/;
export const looksLikeDeadline = (t: string) => t.length <= 24 && DEADLINE_LIKE.test(t.trim());

/** Reads a units cell for a role; names in order, how many lead, rules and problems. */
function unitsOf(cells: { role: 'lead' | 'co' | 'units'; text: string }[]) {
  const units: string[] = [];
  const problems: string[] = [];
  const rules: { text: string; units: string[] }[] = [];
  let leads = 0;
  for (const c of cells) {
    if (!c.text.trim()) continue;
    const r = parseUnitsCell(c.text);
    // An empty 配合单位 after its rule bracket is fine; an empty lead is reported below.
    problems.push(
      ...r.problems
        .filter((p) => !(c.role === 'co' && /责任单位为空/.test(p) && r.rules.length))
        .map((p) => p.replace(/^责任单位/, ROLE_NAMES[c.role])),
    );
    rules.push(...r.rules);
    for (const u of r.units) if (!units.includes(u)) units.push(u);
    if (c.role === 'lead') leads = units.length;
    if (c.role === 'units' && leads === 0 && units.length) leads = 1;
  }
  return { units, leads, rules, problems };
}

/** A task's units cells as written, joined (what the task's 责任单位 text shows). */
const unitsTextOf = (cells: { text: string }[]) =>
  cells
    .map((x) => x.text)
    .filter(Boolean)
    .join('；');

/** The rule brackets of a units cell (属地落实…) as the outline's implicit-units rules, at `line`. */
const implicitRules = (rules: { text: string; units: string[] }[], line: number) =>
  rules.map((x) => ({ kind: 'IMPLICIT_UNITS' as const, text: x.text, units: x.units, line }));

/**
 * Reads the rows after the header into outline items. A row whose non-empty cells all hold the same
 * text (a merged section row) or whose only text is a numbered heading is a heading; a row with a
 * task is a task; a row with units and no task gives its units to the tasks above it that have none
 * (one unit line for a block of tasks).
 */
export function readTableRows(
  rows: readonly TableRow[],
  map: ColumnMap,
  opts: TableReadOptions,
  issues: SourceIssue[],
): OutlineItem[] {
  const col = (role: ColumnRole) => [...map].find(([, r]) => r === role)?.[0];
  const cNumber = col('number');
  const cTask = col('task')!;
  const cDeadline = col('deadline');
  const unitCols = [...map].filter(([, r]) => r === 'lead' || r === 'co' || r === 'units') as [
    number,
    'lead' | 'co' | 'units',
  ][];
  const headerTexts = new Set<string>();
  const items: OutlineItem[] = [];
  /** tasks waiting for a units row (a block of tasks sharing one unit line) */
  let pending: Extract<OutlineItem, { kind: 'task' }>[] = [];
  const name = (r: TableRow, c: number) => (r.cellName ? r.cellName(c) : `第${c + 1}列`);
  const flushPending = () => {
    for (const t of pending)
      issues.push({
        line: t.line,
        field: '责任单位',
        message: `任务${t.num ? ` ${t.num.label}` : ''}${quote(t.text, 20)}没有责任单位：应在${unitCols.map(([, r]) => ROLE_NAMES[r]).join('、')}列写明单位`,
      });
    pending = [];
  };

  // Line breaks inside a cell: a wrapped task or deadline joins up; in a units cell each line is a
  // name unless the line ends in a separator (a name wrapped across lines).
  const isUnitCol = new Set(unitCols.map(([i]) => i));
  const clean = (c: string, i: number) =>
    c
      .trim()
      .replace(/[ \t\u3000]*\n[ \t\u3000]*/g, (_m: string, off: number, str: string) =>
        isUnitCol.has(i) &&
        !/[、，,；;(（\[【]$/.test(str.slice(0, off)) &&
        !/^[、，,；;)）\]】]/.test(str.slice(off + _m.length))
          ? '、'
          : '',
      );
  for (const r of rows) {
    const cells = r.cells.map(clean);
    const filled = cells.map((c, i) => [i, c] as const).filter(([, c]) => c);
    if (!filled.length) continue;
    const joined = cells.map(norm).join('|');
    if (matchHeader(cells) && (headerTexts.has(joined) || !headerTexts.size)) {
      headerTexts.add(joined);
      continue; // a repeated header (page break in the table)
    }
    const extra = filled.filter(([i]) => !map.has(i));
    const same = filled.every(([, c]) => c === filled[0]![1]);
    const taskText = cells[cTask] ?? '';
    const unitTexts = unitCols.map(([i, role]) => ({ role, text: cells[i] ?? '' }));
    const hasUnits = unitTexts.some((u) => u.text);
    const deadline = cDeadline !== undefined ? (cells[cDeadline] ?? '') : '';
    const numCell = cNumber !== undefined ? (cells[cNumber] ?? '') : '';

    // A heading: a section row, a merged row, or a numbered title alone in its row.
    const lone = filled.length === 1 && !hasUnits && !deadline;
    if (
      r.heading ||
      (same && filled.length > 1) ||
      (lone && (filled[0]![0] !== cTask || (numberingOf(taskText) && !pending.length && cNumber !== undefined)))
    ) {
      const text = filled[0]![1];
      const num = bareNumber(text) ? null : numberingOf(text);
      flushPending();
      items.push({ kind: 'heading', num, title: (num ? num.rest : text).trim(), line: r.line });
      continue;
    }
    if (extra.length) {
      issues.push({
        line: r.line,
        field: '表格',
        message: `这一行在表头的 ${map.size} 列之外还有内容：${extra.map(([i, c]) => `${name(r, i)}${quote(c, 20)}`).join('、')} 不在任何表头列下；请检查是否错行或多了分隔符`,
      });
      continue;
    }
    if (!taskText) {
      if (hasUnits && pending.length) {
        const u = unitsOf(unitTexts);
        for (const p of u.problems) issues.push({ line: r.line, field: '责任单位', message: p });
        for (const t of pending) {
          Object.assign(t, {
            unitsText: unitsTextOf(unitTexts),
            units: u.units,
            leads: u.leads,
            unitsLine: r.line,
            rules: implicitRules(u.rules, r.line),
          });
          if (deadline && !t.deadlinePhrase) Object.assign(t, { deadlinePhrase: deadline, deadlineLine: r.line });
        }
        pending = [];
        continue;
      }
      issues.push({
        line: r.line,
        field: '工作任务',
        message: `这一行没有工作任务（${name(r, cTask)}为空），却有${filled.map(([i, c]) => `${name(r, i)}${quote(c, 20)}`).join('、')}：请检查是否错行`,
      });
      continue;
    }
    const fromNumber = numCell ? bareNumber(numCell) : null;
    if (numCell && !fromNumber) {
      issues.push({
        line: r.line,
        field: '序号',
        message: `序号${quote(numCell)}（${name(r, cNumber!)}）应为数字，如 1、（1）`,
      });
    }
    const inText = numberingOf(taskText);
    const num = fromNumber ?? (cNumber === undefined ? inText : null);
    const text = cNumber === undefined && inText ? inText.rest.trim() : taskText;
    if (deadline && !looksLikeDeadline(deadline) && (deadline.length > 24 || /[、，,；;]/.test(deadline))) {
      issues.push({
        line: r.line,
        field: '完成时限',
        message: `${name(r, cDeadline!)}${quote(deadline)}不像完成时限（应为 2025年底前、长期 这样的短语）：这一行的格可能错位，${filled.map(([i, c]) => `${name(r, i)}${quote(c, 12)}`).join('、')}`,
      });
    }
    const u = unitsOf(unitTexts);
    for (const p of u.problems) issues.push({ line: r.line, field: '责任单位', message: p });
    const phrase = deadline || opts.defaultDeadline || '';
    if (!phrase && cDeadline !== undefined)
      issues.push({
        line: r.line,
        field: '完成时限',
        message: `任务${num ? ` ${num.label}` : ''}的完成时限为空（${name(r, cDeadline)}）：应写明时限，如 2025年底前、长期；或用 --default-deadline 给出默认时限`,
      });
    const hasLeadCol = unitCols.some(([, role]) => role === 'lead');
    if (hasUnits && hasLeadCol && u.leads === 0) {
      issues.push({
        line: r.line,
        field: '牵头单位',
        message: `任务${num ? ` ${num.label}` : ''}的牵头单位为空，只有配合单位：应在牵头单位列写明牵头单位`,
      });
    }
    const item: Extract<OutlineItem, { kind: 'task' }> = {
      kind: 'task',
      num,
      text,
      line: r.line,
      unitsText: unitsTextOf(unitTexts),
      units: u.units,
      leads: u.leads,
      deadlinePhrase: phrase,
      unitsLine: r.line,
      deadlineLine: r.line,
      rules: implicitRules(u.rules, r.line),
    };
    items.push(item);
    if (!hasUnits) pending.push(item);
    else pending = [];
  }
  flushPending();
  return items;
}
