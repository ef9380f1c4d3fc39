/**
 * Task tables with any common header words (序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限 / 备注 …),
 * 3–6 columns, however they arrive: rows of cells from a spreadsheet or a Word table, a tab- or
 * ` | `-separated paste, or the table flattened one cell per line. Pure.
 *
 * Every row is read into an outline item (a heading or a task); the outline module checks numbering
 * and builds sections. Problems name the row's line and, where it helps, its cells.
 */
import type { SourceIssue } from '../model';
import { bareNumber, numberingOf, type OutlineItem } from './outline';
import { quote, type Cell } from './text';
import { parseUnitsCell } from './units-cell';

export type ColumnRole = 'number' | 'task' | 'lead' | 'co' | 'units' | 'deadline' | 'notes';

/** Header words per column role. 责任单位 is the co-units column when there is a 牵头单位 column, else the units column (first leads). */
const HEADER_WORDS: [ColumnRole, RegExp][] = [
  ['number', /^(?:序号|编号|序)$/],
  [
    'task',
    /^(?:工作任务|重点任务|任务内容|具体措施|主要任务|工作内容|重点工作|任务|工作措施|主要措施|重点工作任务|具体任务|工作事项|事项|措施)$/,
  ],
  ['lead', /^(?:牵头单位|牵头部门|牵头责任单位)$/],
  ['co', /^(?:配合单位|协办单位|配合部门|参与单位)$/],
  ['units', /^(?:责任单位|责任部门|责任主体)$/],
  ['deadline', /^(?:完成时限|完成时间|时间节点|时限要求|完成期限|时限|时间安排|进度安排)$/],
  ['notes', /^(?:备注|说明)$/],
];
export const ROLE_NAMES: Record<ColumnRole, string> = {
  number: '序号',
  task: '工作任务',
  lead: '牵头单位',
  co: '配合单位',
  units: '责任单位',
  deadline: '完成时限',
  notes: '备注',
};
export const ACCEPTED_HEADERS =
  '序号；工作任务/重点任务/任务内容/具体措施；牵头单位；责任单位/配合单位/协办单位；完成时限/完成时间/时间节点/时限要求；备注';

const norm = (s: string) => s.replace(/[\s\u3000]+/g, '').replace(/[:：]$/, '');

/** The role of one header cell, or null. */
export function headerRole(cell: string): ColumnRole | null {
  const t = norm(cell);
  for (const [role, re] of HEADER_WORDS) if (re.test(t)) return role;
  return null;
}

/** Column index → role. */
export type ColumnMap = Map<number, ColumnRole>;

export interface HeaderMatch {
  map: ColumnMap;
  /** a cell of an otherwise recognisable header that is not a header word: quoted in the refusal */
  unknown: { col: number; text: string }[];
}

/**
 * Reads a header row. Recognisable when it has a task column, a units column (牵头/责任/配合) and at
 * least three header words. With both 牵头单位 and 责任单位, 责任单位 holds the co-units.
 */
export function matchHeader(cells: readonly string[]): HeaderMatch | null {
  const map: ColumnMap = new Map();
  const unknown: { col: number; text: string }[] = [];
  cells.forEach((c, i) => {
    if (!norm(c)) return;
    const r = headerRole(c);
    if (r && ![...map.values()].includes(r)) map.set(i, r);
    else unknown.push({ col: i, text: c.trim() });
  });
  const roles = [...map.values()];
  if (
    map.size < 2 ||
    !roles.includes('task') ||
    !(roles.includes('lead') || roles.includes('units') || roles.includes('co'))
  )
    return null;
  if (map.size + unknown.length < 3) return null;
  if (roles.includes('lead')) for (const [k, r] of map) if (r === 'units') map.set(k, 'co');
  return { map, unknown };
}

/** `--columns 'task=B,lead=C,co=D,deadline=E'` → column map (letters A…, or 1-based numbers). */
export function parseColumnsOption(spec: string): ColumnMap | string {
  const map: ColumnMap = new Map();
  for (const part of spec
    .split(/[,，]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(number|task|lead|co|units|deadline|notes)\s*=\s*([A-Za-z]{1,2}|\d{1,2})$/.exec(part);
    if (!m)
      return `--columns 中的「${part}」应写作 角色=列，如 task=B（角色: number、task、lead、co、units、deadline、notes；列: A、B… 或 1、2…）`;
    const col = /^\d+$/.test(m[2]!) ? Number(m[2]) - 1 : columnIndex(m[2]!);
    map.set(col, m[1] as ColumnRole);
  }
  if (![...map.values()].includes('task')) return '--columns 必须给出 task（工作任务所在的列）';
  return map;
}

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
export function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

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
            unitsText: unitTexts
              .map((x) => x.text)
              .filter(Boolean)
              .join('；'),
            units: u.units,
            leads: u.leads,
            unitsLine: r.line,
            rules: u.rules.map((x) => ({
              kind: 'IMPLICIT_UNITS' as const,
              text: x.text,
              units: x.units,
              line: r.line,
            })),
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
      unitsText: unitTexts
        .map((x) => x.text)
        .filter(Boolean)
        .join('；'),
      units: u.units,
      leads: u.leads,
      deadlinePhrase: phrase,
      unitsLine: r.line,
      deadlineLine: r.line,
      rules: u.rules.map((x) => ({ kind: 'IMPLICIT_UNITS' as const, text: x.text, units: x.units, line: r.line })),
    };
    items.push(item);
    if (!hasUnits) pending.push(item);
    else pending = [];
  }
  flushPending();
  return items;
}

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
