/**
 * The cells of the Nanchang annex (重点工作任务分工), after its header: section headings, then task
 * blocks of text, units and deadline, with every numbering and structure problem reported. Pure.
 */
import type { ParsedRule, ParsedSection, ParsedTask, SourceIssue } from '../model';
import { chineseNumeral, foldDigits, quote, toChineseNumeral, type Cell } from './text';
import { parseUnitsCell } from './units-cell';

export const TASK = /^[(（]\s*([0-9０-９]+)\s*[)）]\s*([\s\S]*)$/;
export const H1 = /^[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*([\s\S]*)$/;
export const H2 = /^([0-9０-９]{1,2})\s*[.．、]\s*([\s\S]+)$/;
export const HEADER = ['工作任务', '责任单位', '完成时限'];
export const HEADER_TEXT = HEADER.join('');
/** A deadline cell is a short phrase; a longer one is a wrapped text or units cell. */
const MAX_DEADLINE = 20;

const DEADLINE_LIKE = /^(?:[0-9０-９]{4}\s*年|长期|持续|常态|每年|立即|[0-9０-９]{4}[.．/-])/;

const looksLikeDeadline = (t: string) => t.length <= MAX_DEADLINE && DEADLINE_LIKE.test(t);
const deadlineShaped = (t: string) => t.length <= MAX_DEADLINE && !/[、，,。；;]/.test(t);
/** Text after the last task that may be the start of another task (a truncated file). */
const looksTaskish = (t: string) => /^[(（]\s*[0-9０-９一二三四五六七八九十]/.test(t) || H2.test(t) || looksLikeDeadline(t);
/** A heading's title: the text before its first 。 (the body writes 1.标题。正文…). */
export const headingTitle = (s: string) => {
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

export interface OutlineEntry {
  level: 1 | 2;
  title: string;
  line: number;
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
export function readAnnex(cells: readonly Cell[], endedBy: Cell | null, issues: SourceIssue[]): AnnexResult {
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
