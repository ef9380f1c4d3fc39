/**
 * Reads a published plan exactly: its title, its main-goal indicators, and the annex
 * (重点工作任务分工) with its sections, numbered tasks, responsible units and deadline phrases. Pure.
 *
 * The source is text copied from a government web page, so the parser must tell the annex apart
 * from things that look like it: navigation and footer boilerplate, and the plan body, whose
 * headings ((一)探索质量效益型发展新路径, 1.强化质量发展创新驱动。…) repeat the annex's. Only what
 * follows the line 附件, the annex title (…任务分工) and the header cells 工作任务/责任单位/完成时限
 * counts. Each task is three cells: text, units, deadline (one per line; blank lines between them
 * or not; tab-separated cells on one line also work).
 *
 * Structure problems are reported with the file's 1-based line, the field and what was expected.
 * Deadline phrases and unit names are not judged here: validate.ts checks them against the phrase
 * table and the units directory, using the lines this parser records.
 *
 * Other plans have other shapes (tables with other header words, pasted with tabs or ` | `, labelled
 * paragraphs, inline brackets, spreadsheets and Word tables): `parsePlanDocument` detects the shape
 * and reads it with table.ts or paragraphs.ts; the Nanchang annex keeps this exact reader.
 */
import type { ParsedIndicator, ParsedPlan, ParsedRule, ParsedSection, ParsedTask, PlanLayout, SourceIssue } from '../model';
import { readIndicators } from './indicators';
import { buildOutline, type OutlineItem } from './outline';
import { hasParagraphLabels, readParagraphs } from './paragraphs';
import { ACCEPTED_HEADERS, columnLetter, flattenedRows, headerRole, matchHeader, readTableRows, type ColumnMap, type TableRow } from './table';
import { cellsOf, chineseNumeral, foldDigits, quote, splitLines, toChineseNumeral, type Cell } from './text';
import { findIssuer, findTitle } from './title';
import { parseUnitsCell } from './units-cell';

/** The result of reading a plan: always a plan (possibly partial) and every problem found. */
export interface PlanParseResult {
  plan: ParsedPlan;
  /** empty when the plan was read completely; sorted by line */
  issues: SourceIssue[];
}

const TASK = /^[(（]\s*([0-9０-９]+)\s*[)）]\s*([\s\S]*)$/;
const H1 = /^[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*([\s\S]*)$/;
const H2 = /^([0-9０-９]{1,2})\s*[.．、]\s*([\s\S]+)$/;
const ANNEX = /^附\s*件\s*[0-9０-９]*\s*[:：]?\s*([\s\S]*)$/;
const ANNEX_TITLE = /分工/;
const HEADER = ['工作任务', '责任单位', '完成时限'];
const HEADER_TEXT = HEADER.join('');
/** Web-page footer lines; the annex ends at the first of them. */
const FOOTER = /^(?:咨询信箱|咨询热线|官方微信|主办单位|承办单位|版权所有|网站地图|联系我们|关闭窗口|打印本页|【打印】|【关闭】|扫一扫)|^\S{0,3}(?:公网安备|ICP备)/;
/** A deadline cell is a short phrase; a longer one is a wrapped text or units cell. */
const MAX_DEADLINE = 20;
const DEADLINE_LIKE = /^(?:[0-9０-９]{4}\s*年|长期|持续|常态|每年|立即|[0-9０-９]{4}[.．/-])/;

const looksLikeDeadline = (t: string) => t.length <= MAX_DEADLINE && DEADLINE_LIKE.test(t);
const deadlineShaped = (t: string) => t.length <= MAX_DEADLINE && !/[、，,。；;]/.test(t);
/** Text after the last task that may be the start of another task (a truncated file). */
const looksTaskish = (t: string) => /^[(（]\s*[0-9０-９一二三四五六七八九十]/.test(t) || H2.test(t) || looksLikeDeadline(t);
/** A heading's title: the text before its first 。 (the body writes 1.标题。正文…). */
const headingTitle = (s: string) => {
  const stop = s.indexOf('。');
  return (stop < 0 ? s : s.slice(0, stop)).trim();
};

type Kind = 'task' | 'h1' | 'h2' | 'other';
function classify(t: string): Kind {
  if (TASK.test(t)) return 'task';
  if (H1.test(t)) return 'h1';
  if (H2.test(t)) return 'h2';
  return 'other';
}

interface Annex {
  /** 0-based index of the 附件 line */
  anchor: number;
  /** 0-based index of the first line after the header cells */
  start: number;
}

/** Finds the annex: 附件, its title (same line after a colon, or the next line), the header cells. */
function findAnnex(lines: readonly string[]): Annex | SourceIssue {
  // A header missing after a standalone 附件 line is a broken annex; after 附件:标题 on one line it is
  // usually the body's mention of the annex (附件:深入推进质量强市建设重点工作任务分工).
  let partial: SourceIssue | null = null;
  let reference: number | null = null;
  const nextNonBlank = (from: number) => {
    for (let k = from; k < lines.length; k++) if (lines[k]!.trim()) return k;
    return -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.charCodeAt(0) !== 0x9644 /* 附 */) continue;
    const m = ANNEX.exec(t);
    if (!m) continue;
    let title = m[1]!.trim();
    let after = i + 1;
    if (!title) {
      const k = nextNonBlank(i + 1);
      if (k < 0) {
        partial = { line: i + 1, field: '附件', message: '「附件」之后应为附件标题（如 深入推进质量强市建设重点工作任务分工），实际为文件结束；文件可能被截断' };
        continue;
      }
      title = lines[k]!.trim();
      after = k + 1;
    }
    if (!ANNEX_TITLE.test(title)) continue;
    const inline = !!m[1]!.trim();
    if (inline) reference = i;
    // The header cells may stand one per line or together on one line: compare them without spaces.
    let acc = '';
    let k = after;
    let first = -1;
    for (; k < lines.length && acc.length < HEADER_TEXT.length; k++) {
      const cell = lines[k]!.replace(/\s+/g, '');
      if (!cell) continue;
      if (first < 0) first = k;
      acc += cell;
      if (!HEADER_TEXT.startsWith(acc)) break;
    }
    if (acc === HEADER_TEXT) return { anchor: i, start: k };
    const got = first < 0 ? '文件结束；文件可能被截断' : `${quote(lines[first]!.trim())}`;
    if (!inline) partial = { line: first < 0 ? after : first + 1, field: '附件', message: `附件标题之后应为表头「工作任务」「责任单位」「完成时限」，实际为${got}` };
  }
  if (partial) return partial;
  return {
    line: reference !== null ? reference + 1 : Math.max(1, lines.length),
    field: '附件',
    message:
      (reference !== null ? '正文提到了附件，但' : '') +
      '未找到附件「重点工作任务分工」：应有单独一行「附件」，其后为附件标题和表头「工作任务」「责任单位」「完成时限」；文件可能不完整',
  };
}

interface OutlineEntry {
  level: 1 | 2;
  title: string;
  line: number;
}

/** The body's section headings, to notice an annex that stops before the body's last section. */
function bodyOutline(lines: readonly string[], end: number): OutlineEntry[] {
  const out: OutlineEntry[] = [];
  for (let i = 0; i < end; i++) {
    const t = lines[i]!.trim();
    if (!t || t.length > 5000) continue;
    const m1 = H1.exec(t);
    if (m1) out.push({ level: 1, title: headingTitle(m1[2]!), line: i + 1 });
    else {
      const m2 = H2.exec(t);
      if (m2) out.push({ level: 2, title: headingTitle(m2[2]!), line: i + 1 });
    }
  }
  return out;
}

interface AnnexResult {
  sections: ParsedSection[];
  tasks: ParsedTask[];
  rules: ParsedRule[];
  outline: OutlineEntry[];
}

/** A units cell wrapped over lines (a line ending in 、 or ，, or the next starting with one) is one cell. */
function joinWrapped(block: Cell[]): Cell[] {
  const out: Cell[] = [];
  for (const c of block) {
    const prev = out[out.length - 1];
    if (prev && !looksLikeDeadline(c.text) && (/[、，,]$/.test(prev.text) || /^[、，,]/.test(c.text))) out[out.length - 1] = { text: prev.text + c.text, line: prev.line };
    else out.push(c);
  }
  return out;
}

/** Walks the annex cells: headings, then task blocks of text, units and deadline. */
function readAnnex(cells: readonly Cell[], endedBy: Cell | null, issues: SourceIssue[]): AnnexResult {
  const sections: ParsedSection[] = [];
  const tasks: ParsedTask[] = [];
  const rules: ParsedRule[] = [];
  const outline: OutlineEntry[] = [];
  const issue = (line: number, field: string, message: string) => issues.push({ line, field, message });
  const describe = (c: Cell | undefined) =>
    c ? `${quote(c.text)}（第${c.line}行）` : endedBy ? `附件结束（第${endedBy.line}行起为网页页脚）；文件可能不完整` : '文件结束；文件可能被截断';

  let sec: { s: ParsedSection; tasks: number; subs: number } | null = null;
  let sub: { s: ParsedSection; tasks: number } | null = null;
  let lastNo = 0;
  let level1 = 0;
  const seen = new Map<number, number>();
  const kinds = cells.map((c) => classify(c.text));
  const isHeaderAt = (i: number) => HEADER.every((h, k) => cells[i + k]?.text.replace(/\s+/g, '') === h);

  const closeSub = () => {
    if (sub && sub.tasks === 0) issue(sub.s.line, '分类', `二级分类「${sub.s.ordinal}.${sub.s.title}」下没有任务：标题之后应为任务 (${lastNo + 1})`);
    sub = null;
  };
  const closeSec = () => {
    closeSub();
    if (sec && sec.tasks === 0 && sec.subs === 0) issue(sec.s.line, '分类', `一级分类「(${sec.s.key})${sec.s.title}」下没有任务：标题之后应为二级分类或任务 (${lastNo + 1})`);
    sec = null;
  };

  let i = 0;
  while (i < cells.length) {
    const c = cells[i]!;
    const kind = kinds[i]!;
    if (kind === 'h1') {
      closeSec();
      const m = H1.exec(c.text)!;
      const num = chineseNumeral(m[1]!);
      const expected = ++level1;
      if (num === null) issue(c.line, '分类编号', `无法识别的一级分类编号 (${m[1]})：应为 (${toChineseNumeral(expected)})`);
      else if (num !== expected) {
        issue(c.line, '分类编号', expected === 1 ? `第一个一级分类应为 (一)，实际为 (${m[1]})` : `(${toChineseNumeral(expected - 1)}) 之后应为 (${toChineseNumeral(expected)})，实际为 (${m[1]})`);
      }
      const title = m[2]!.trim();
      if (!title) issue(c.line, '分类', `一级分类 (${m[1]}) 缺少标题`);
      const s: ParsedSection = { key: m[1]!, level: 1, ordinal: expected, title, parentKey: null, line: c.line };
      sections.push(s);
      outline.push({ level: 1, title: headingTitle(title), line: c.line });
      sec = { s, tasks: 0, subs: 0 };
      i++;
      continue;
    }
    if (kind === 'h2') {
      closeSub();
      const m = H2.exec(c.text)!;
      const num = Number(foldDigits(m[1]!));
      const title = m[2]!.trim();
      if (!sec) {
        issue(c.line, '分类', `二级分类「${c.text}」之前应有一级分类标题，如「(一)…」`);
        i++;
        continue;
      }
      const expected = sec.subs + 1;
      if (num !== expected) issue(c.line, '分类编号', `一级分类 (${sec.s.key}) 下第${expected}个二级分类应编号为 ${expected}.，实际为 ${m[1]}.`);
      const s: ParsedSection = { key: `${sec.s.key}.${num}`, level: 2, ordinal: expected, title, parentKey: sec.s.key, line: c.line };
      sections.push(s);
      outline.push({ level: 2, title: headingTitle(title), line: c.line });
      sec.subs++;
      sub = { s, tasks: 0 };
      i++;
      continue;
    }
    if (kind === 'other') {
      // A repeated table header (page break in the original table) is not content.
      if (isHeaderAt(i)) {
        i += HEADER.length;
        continue;
      }
      issue(c.line, '任务编号', `应为任务编号（如 (${lastNo + 1})）或分类标题，实际为${quote(c.text)}（是否缺少任务编号？）`);
      while (i < cells.length && kinds[i] === 'other' && !isHeaderAt(i)) i++;
      continue;
    }

    // A task: its cells run to the next task, heading or repeated header.
    const m = TASK.exec(c.text)!;
    const n = Number(foldDigits(m[1]!));
    let j = i + 1;
    while (j < cells.length && kinds[j] === 'other' && !isHeaderAt(j)) j++;
    const block = joinWrapped(cells.slice(i + 1, j));
    const next = cells[j];
    const last = j >= cells.length;
    i = j;

    const expected = lastNo + 1;
    if (n !== expected) {
      const was = seen.get(n);
      if (was !== undefined) issue(c.line, '任务编号', `任务编号 (${n}) 重复（第${was}行已有 (${n})）：(${lastNo}) 之后应为 (${expected})，实际为 (${n})`);
      else if (lastNo === 0) issue(c.line, '任务编号', `第一项任务应为 (1)，实际为 (${n})`);
      else issue(c.line, '任务编号', `(${lastNo}) 之后应为 (${expected})，实际为 (${n})`);
    }
    lastNo = n;
    if (!seen.has(n)) seen.set(n, c.line);
    // a task text wrapped over lines: cells before the units cell when the third cell is the deadline
    let text = m[2]!.trim();
    while (block.length > 2 && looksLikeDeadline(block[2]!.text) && !looksLikeDeadline(block[1]!.text) && !text.endsWith('。') && !/[、，,]/.test(block[0]!.text.slice(-1))) {
      text += block.shift()!.text;
    }
    if (!text) issue(c.line, '工作任务', `任务(${n})的工作任务内容为空：编号之后应为任务内容`);
    if (!sec) issue(c.line, '分类', `任务(${n})之前应有一级分类标题，如「(一)…」`);
    else sec.tasks++;
    if (sub) sub.tasks++;

    if (block.length === 0) {
      issue(c.line, '责任单位', `任务(${n})缺少责任单位和完成时限：工作任务之后应为责任单位、完成时限两格，实际为${describe(next)}`);
      continue;
    }
    if (block.length === 1) {
      const only = block[0]!;
      if (looksLikeDeadline(only.text)) issue(only.line, '责任单位', `任务(${n})缺少责任单位：工作任务之后应为责任单位，实际为完成时限${quote(only.text)}`);
      else issue(only.line, '完成时限', `任务(${n})缺少完成时限：责任单位之后应为完成时限（如 2025年前、长期），实际为${describe(next)}`);
      continue;
    }
    const [unitsCell, deadlineCell] = [block[0]!, block[1]!];
    const extra = block.slice(2);
    if (!deadlineShaped(deadlineCell.text)) {
      issue(deadlineCell.line, '完成时限', `任务(${n})的完成时限应为简短的时限短语（如 2025年前、长期），实际为${quote(deadlineCell.text)}`);
    }
    if (extra.length) {
      if (!last) {
        issue(extra[0]!.line, '任务编号', `任务(${n})的完成时限之后应为任务编号 (${n + 1}) 或分类标题，实际为${quote(extra[0]!.text)}（是否缺少任务编号？）`);
      } else {
        // After the last task, plain boilerplate is fine; something shaped like a task is not.
        const bad = extra.find((x) => looksTaskish(x.text));
        if (bad) issue(bad.line, '任务编号', `最后一项任务(${n})之后有不完整的内容${quote(bad.text)}：应为完整的任务 (${n + 1})（工作任务、责任单位、完成时限三格）；文件可能被截断`);
      }
    }
    const units = parseUnitsCell(unitsCell.text);
    for (const p of units.problems) issue(unitsCell.line, '责任单位', `任务(${n})：${p}`);
    for (const r of units.rules) rules.push({ kind: 'IMPLICIT_UNITS', text: r.text, fromTask: n, units: r.units, line: unitsCell.line });
    tasks.push({
      number: n,
      path: String(n),
      label: String(n),
      leads: 1,
      section: sec?.s.key ?? '',
      subsection: sub?.s.key ?? null,
      text,
      unitsText: unitsCell.text,
      units: units.units,
      deadlinePhrase: deadlineCell.text,
      line: c.line,
      unitsLine: unitsCell.line,
      deadlineLine: deadlineCell.line,
    });
  }
  closeSec();
  return { sections, tasks, rules, outline };
}

/** How a caller can steer reading: a forced layout, a column mapping, a default deadline, a sheet. */
export interface ParseOptions {
  layout?: PlanLayout;
  /** column → role, overriding the header words (`--columns task=B,lead=C`) */
  columns?: ColumnMap;
  /** deadline phrase for every task that has none (`--default-deadline 2024年底前`) */
  defaultDeadline?: string;
  /** spreadsheet or Word input: the sheet (name or 1-based number) or table to read */
  sheet?: string;
}

/** A document as the readers see it: plain text, or the tables of a spreadsheet or Word file. */
export type PlanDocument =
  | { kind: 'text'; text: string }
  | {
      kind: 'tables';
      format: 'xlsx' | 'docx';
      /** text before the tables (Word paragraphs; a sheet's rows above its header come with the rows) */
      paragraphs: string[];
      tables: { name: string; rows: TableRow[] }[];
    };

/** What the refusal lists when no shape is recognised. */
export const ACCEPTED_SHAPES = [
  `任务表格（3–6 列，表头用语：${ACCEPTED_HEADERS}），可为每格一行、Tab 分隔（从 Excel 复制）或「 | 」分隔（从网页复制）`,
  '南昌式附件：「附件」、附件标题（…任务分工）、表头 工作任务/责任单位/完成时限，其后为分类和 (1)(2)… 任务',
  '分段标注：编号的任务之后另起一行写「牵头单位：…」「责任单位：…」「完成时限：…」',
  '句末括注：任务句末写（牵头单位：…；责任单位：…）或〔牵头单位：…，责任单位：…〕',
  'Excel (.xlsx) 工作表或 Word (.docx) 表格，表头同上',
];
export const FORMATS_DOC = 'docs/plan-formats.md';

function noLayoutIssue(line: number, reference: boolean): SourceIssue {
  return {
    line,
    field: '附件',
    message:
      (reference ? '正文提到了附件，但' : '') +
      `未找到附件或任何支持的任务清单格式：没有可识别的表头（如 工作任务/责任单位/完成时限），也没有「牵头单位：」「责任单位：」标注。可接受的格式：${ACCEPTED_SHAPES.map((x, i) => `${i + 1}. ${x}`).join('；')}。示例见 ${FORMATS_DOC}`,
  };
}

/**
 * Reads a plan's text (already decoded; CRLF, CR or LF line ends). Pure and linear in the input.
 * The plan is returned even when issues were found, so callers can show what was read; it must
 * not be imported unless `issues` is empty.
 */
export function parsePlanText(text: string, opts: ParseOptions = {}): PlanParseResult {
  return parsePlanDocument({ kind: 'text', text }, opts);
}

export function parsePlanDocument(doc: PlanDocument, opts: ParseOptions = {}): PlanParseResult {
  if (doc.kind === 'tables') return readTables(doc, opts);
  const lines = splitLines(doc.text);
  if (!opts.layout || opts.layout === 'annex-table') {
    const annex = findAnnex(lines);
    if ('anchor' in annex && !opts.columns) return readNanchang(lines, annex);
    const generic = readGenericText(lines, opts);
    if (generic) return generic;
    if (!('anchor' in annex) && annex.message.includes('附件标题之后应为表头')) return finish(lines, lines.length, 'annex-table', [], [annex]);
    const reference = !('anchor' in annex) && annex.message.startsWith('正文提到了附件');
    return finish(lines, lines.length, 'annex-table', [], [noLayoutIssue('anchor' in annex ? annex.anchor + 1 : annex.line, reference)]);
  }
  return readGenericText(lines, opts) ?? finish(lines, lines.length, opts.layout, [], [{ line: 1, field: '格式', message: `按指定的格式 ${opts.layout} 未读到任何任务：${layoutHint(opts.layout)}；示例见 ${FORMATS_DOC}` }]);
}

function layoutHint(layout: PlanLayout): string {
  switch (layout) {
    case 'tab-table': return '应有一行 Tab 分隔的表头（如 序号	重点任务	牵头单位	完成时限）';
    case 'pipe-table': return '应有一行「 | 」分隔的表头（如 序号 | 重点任务 | 牵头单位 | 完成时限）';
    case 'labelled': return '编号的任务之后应另起一行写「牵头单位：…」「责任单位：…」';
    case 'inline': return '任务句末应有（牵头单位：…；责任单位：…）';
    default: return '应有可识别的表头（工作任务/责任单位/完成时限 等）';
  }
}

/** The text-table header: tab- or pipe-separated on one line, or one header word per line. */
function findTextHeader(lines: readonly string[], layout?: PlanLayout): { layout: PlanLayout; index: number; end: number; cells: string[] } | null {
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.length > 300) continue;
    if ((!layout || layout === 'tab-table') && raw.includes('\t')) {
      const cells = raw.split('\t');
      if (matchHeader(cells)) return { layout: 'tab-table', index: i, end: i + 1, cells };
    }
    if ((!layout || layout === 'pipe-table') && raw.includes('|')) {
      const cells = pipeCells(raw);
      if (matchHeader(cells)) return { layout: 'pipe-table', index: i, end: i + 1, cells };
    }
    if ((!layout || layout === 'annex-table') && headerRole(raw)) {
      // header words one per line (blank lines between allowed), read until a non-header cell
      const cells: string[] = [];
      let k = i;
      for (; k < lines.length && cells.length < 7; k++) {
        const t = lines[k]!.trim();
        if (!t) continue;
        if (!headerRole(t)) break;
        cells.push(t);
      }
      if (cells.length >= 3 && matchHeader(cells)) return { layout: 'annex-table', index: i, end: k, cells };
    }
  }
  return null;
}

const pipeCells = (raw: string) => raw.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');

/** A tab-separated line split into cells; a cell quoted by Excel ("…") may span lines. */
function tabRows(lines: readonly string[], from: number): TableRow[] {
  const rows: TableRow[] = [];
  for (let i = from; i < lines.length; i++) {
    let raw = lines[i]!;
    const line = i + 1;
    // Excel quotes a cell holding line breaks: join lines until the quotes balance.
    while ((raw.match(/"/g)?.length ?? 0) % 2 === 1 && i + 1 < lines.length) raw += '\n' + lines[++i]!;
    const cells = raw.split('\t').map((c) => (/^".*"$/s.test(c.trim()) ? c.trim().slice(1, -1).replace(/""/g, '"').replace(/\n/g, '') : c));
    rows.push({ cells, line, heading: !raw.includes('\t') && !!raw.trim() });
  }
  return rows;
}

function pipeRowsOf(lines: readonly string[], from: number): TableRow[] {
  const rows: TableRow[] = [];
  for (let i = from; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\s*\|?\s*:?-{3,}/.test(raw)) continue; // a Markdown rule line
    rows.push({ cells: raw.includes('|') ? pipeCells(raw) : [raw], line: i + 1, heading: !raw.includes('|') && !!raw.trim() });
  }
  return rows;
}

function readGenericText(lines: readonly string[], opts: ParseOptions): PlanParseResult | null {
  const issues: SourceIssue[] = [];
  const layout = opts.layout;
  if (!layout || layout === 'tab-table' || layout === 'pipe-table' || layout === 'annex-table') {
    const h = findTextHeader(lines, layout);
    if (h) {
      const m = matchHeader(h.cells)!;
      const map = opts.columns ?? m.map;
      if (!opts.columns) headerProblems(m.unknown, h.index + 1, (c) => `第${c + 1}列`, issues);
      const rows =
        h.layout === 'tab-table' ? tabRows(lines, h.end) : h.layout === 'pipe-table' ? pipeRowsOf(lines, h.end) : flattenedRows(cellsOf(lines, h.end, lines.length), map, issues);
      const items = readTableRows(trimFooter(rows), map, opts, issues);
      return finish(lines, h.index, h.layout, items, issues, opts, map);
    }
  }
  if (!layout || layout === 'labelled' || layout === 'inline') {
    const cells = cellsOf(lines, 0, lines.length);
    if (!hasParagraphLabels(cells)) return null;
    const r = readParagraphs(cells, opts, issues);
    if (!r.labelled) return null;
    const first = r.items.find((x) => x.kind === 'heading' || x.kind === 'task');
    return finish(lines, first ? first.line - 1 : lines.length, layout ?? r.layout, r.items, issues, opts);
  }
  return null;
}

/** Web-page footer rows end the table. */
function trimFooter(rows: TableRow[]): TableRow[] {
  const k = rows.findIndex((r) => r.cells.filter((c) => c.trim()).length === 1 && FOOTER.test(r.cells.find((c) => c.trim())!.trim()));
  return k < 0 ? rows : rows.slice(0, k);
}

function headerProblems(unknown: { col: number; text: string }[], line: number, name: (col: number) => string, issues: SourceIssue[]) {
  for (const u of unknown) {
    issues.push({ line, field: '表头', message: `表头${name(u.col)}${quote(u.text)}不是可识别的表头用语：应为 ${ACCEPTED_HEADERS} 之一；请改写表头，或用 --columns 指定各列（如 task=B,lead=C,co=D,deadline=E）` });
  }
}

/** Spreadsheet or Word tables: the first table with a recognisable header, or the one --sheet names. */
function readTables(doc: Extract<PlanDocument, { kind: 'tables' }>, opts: ParseOptions): PlanParseResult {
  const layout: PlanLayout = doc.format === 'xlsx' ? 'sheet' : 'word-table';
  const what = doc.format === 'xlsx' ? '工作表' : '表格';
  let tables = doc.tables;
  if (opts.sheet) {
    const byNumber = /^\d+$/.test(opts.sheet) ? doc.tables[Number(opts.sheet) - 1] : undefined;
    const t = doc.tables.find((x) => x.name === opts.sheet) ?? byNumber;
    if (!t) {
      const message = `没有名为「${opts.sheet}」的${what}：文件中的${what}为 ${doc.tables.map((x, i) => `${i + 1}「${x.name}」`).join('、') || '（无）'}`;
      return { plan: { title: '', layout, issuer: null, sections: [], tasks: [], rules: [], indicators: [] }, issues: [{ line: 1, field: what, message }] };
    }
    tables = [t];
  }
  const nearMiss: SourceIssue[] = [];
  for (const t of tables) {
    for (let i = 0; i < t.rows.length && i < 40; i++) {
      const row = t.rows[i]!;
      const m = opts.columns ? (row.cells.filter((c) => c.trim()).length >= 3 ? { map: opts.columns, unknown: [] } : null) : matchHeader(row.cells);
      if (!m) {
        const words = row.cells.filter((c) => headerRole(c)).length;
        if (words >= 2 && !nearMiss.length) {
          const bad = row.cells.map((c, k) => [k, c.trim()] as const).filter(([, c]) => c && !headerRole(c));
          nearMiss.push({ line: row.line, field: '表头', message: `${what}「${t.name}」第${row.line}行像表头，但${bad.map(([k, c]) => `${cellName(row, k)}${quote(c)}`).join('、')}不是可识别的表头用语：应为 ${ACCEPTED_HEADERS}；请改写表头，或用 --columns 指定各列` });
        }
        continue;
      }
      const issues: SourceIssue[] = [];
      headerProblems(m.unknown, row.line, (c) => cellName(row, c), issues);
      const items = readTableRows(t.rows.slice(i + 1), m.map, opts, issues);
      const pre = [...doc.paragraphs, ...t.rows.slice(0, i).map((r) => r.cells.find((c) => c.trim()) ?? '')];
      return finish(pre, pre.length, layout, items, issues, opts, m.map, tables.length > 1 || doc.tables.length > 1 ? `${what}「${t.name}」` : '');
    }
  }
  const issue = nearMiss[0] ?? {
    line: 1,
    field: what,
    message: `${doc.tables.length ? `${doc.tables.length} 个${what}中` : `文件中没有${what}，`}没有可识别的表头：表头应含工作任务列和单位列，用语为 ${ACCEPTED_HEADERS}；或用 --columns 指定各列，用 --sheet 指定${what}。示例见 ${FORMATS_DOC}`,
  };
  return finish(doc.paragraphs, doc.paragraphs.length, layout, [], [issue]);
}

const cellName = (row: TableRow, col: number) => (row.cellName ? row.cellName(col) : `${columnLetter(col)}${row.line}`);

/**
 * Title, issuer and goals from the text before the task list; numbering and sections from the items;
 * the plan-wide deadline check. Issues sorted by line.
 */
function finish(pre: readonly string[], bodyEnd: number, layout: PlanLayout, items: OutlineItem[], issues: SourceIssue[], opts: ParseOptions = {}, map?: ColumnMap, where = ''): PlanParseResult {
  const title = findTitle(pre, bodyEnd);
  if (title === null) issues.unshift({ line: 1, field: '标题', message: '未找到方案标题：任务清单之前应有单独一行标题（如「某市2024年优化营商环境重点工作要点」），或「关于印发…的通知」' });
  const goals = readIndicators(pre, bodyEnd);
  issues.push(...goals.issues);
  const outline = buildOutline(items, issues);
  const tasks = outline.tasks;
  const hasDeadlineColumn = map ? [...map.values()].includes('deadline') : true;
  if (tasks.length && !opts.defaultDeadline && (!hasDeadlineColumn || tasks.every((t) => !t.deadlinePhrase))) {
    issues.push({ line: tasks[0]!.line, field: '完成时限', message: `${where}方案没有完成时限${map ? '列' : '（任务后没有「完成时限：」或「时限要求：」）'}：无法确定各项任务的期限；请补上完成时限，或用 --default-deadline 给出全部任务的时限（如 --default-deadline 2024年底前）` });
  } else {
    for (const t of tasks) if (!t.deadlinePhrase && !issues.some((x) => x.line === t.line && x.field === '完成时限')) issues.push({ line: t.line, field: '完成时限', message: `任务 ${t.label || t.number} 缺少完成时限：应写明如 2025年底前、长期` });
  }
  if (!tasks.length && !issues.some((x) => x.field !== '标题')) issues.push({ line: Math.max(1, bodyEnd), field: '任务编号', message: `${where}表头之后没有任务：应为分类标题和任务行` });
  if (where) for (const x of issues) if (!x.message.startsWith(where)) x.message = `${where}${x.message}`;
  issues.sort((x, y) => x.line - y.line);
  return { plan: { title: title ?? '', layout, issuer: findIssuer(pre, bodyEnd), sections: outline.sections, tasks, rules: outline.rules, indicators: goals.indicators }, issues };
}

/** The Nanchang annex (附件 / …任务分工 / 工作任务 责任单位 完成时限), read exactly. */
function readNanchang(lines: readonly string[], annex: Annex): PlanParseResult {
  const issues: SourceIssue[] = [];
  const bodyEnd = annex.anchor;

  const title = findTitle(lines, bodyEnd);
  if (title === null) {
    issues.push({ line: 1, field: '标题', message: '未找到方案标题：正文之前应有单独一行标题，如「南昌市深入推进质量强市建设实施方案」' });
  }
  const goals = readIndicators(lines, bodyEnd);
  issues.push(...goals.issues);
  const indicators: ParsedIndicator[] = goals.indicators;

  let sections: ParsedSection[] = [];
  let tasks: ParsedTask[] = [];
  let rules: ParsedRule[] = [];
  {
    const all = cellsOf(lines, annex.start, lines.length);
    const footer = all.findIndex((c) => FOOTER.test(c.text) && !TASK.test(c.text));
    const cells = footer < 0 ? all : all.slice(0, footer);
    const read = readAnnex(cells, footer < 0 ? null : all[footer]!, issues);
    ({ sections, tasks, rules } = read);
    if (!tasks.length && !issues.some((x) => x.line > annex.anchor)) {
      issues.push({ line: annex.start, field: '任务编号', message: '附件表头之后没有任务：应为分类标题和任务 (1)（工作任务、责任单位、完成时限三格）；文件可能被截断' });
    }
    // An annex that is a strict prefix of the body's outline stops early: the file was cut.
    const body = bodyOutline(lines, annex.anchor);
    const a = read.outline;
    const from = a.length ? body.findIndex((e) => e.level === 1 && e.title === a[0]!.title) : -1;
    if (from >= 0) {
      const run = body.slice(from);
      if (run.length > a.length && a.every((e, k) => run[k]!.level === e.level && run[k]!.title === e.title)) {
        const missing = run[a.length]!;
        const lastLine = cells.length ? cells[cells.length - 1]!.line : annex.start;
        issues.push({
          line: lastLine,
          field: '附件',
          message: `附件在「${a[a.length - 1]!.title}」之后结束，但正文第${missing.line}行还有「${missing.title}」，附件中应有对应的分类和任务；文件可能被截断`,
        });
      }
    }
  }
  issues.sort((x, y) => x.line - y.line);
  return { plan: { title: title ?? '', layout: 'annex-table', issuer: findIssuer(lines, bodyEnd), sections, tasks, rules, indicators }, issues };
}
