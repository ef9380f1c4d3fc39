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
const looksTaskish = (t: string) =>
  /^[(（]\s*[0-9０-９一二三四五六七八九十]/.test(t) || H2.test(t) || looksLikeDeadline(t);
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
    if (prev && !looksLikeDeadline(c.text) && (/[、，,]$/.test(prev.text) || /^[、，,]/.test(c.text)))
      out[out.length - 1] = { text: prev.text + c.text, line: prev.line };
    else out.push(c);
  }
  return out;
}

/** Walks the annex cells: headings, then task blocks of text, units and deadline. */
export function readAnnex(cells: readonly Cell[], endedBy: Cell | null, issues: SourceIssue[]): AnnexResult {
  const walk = new AnnexWalk(cells, endedBy, issues);
  let i = 0;
  while (i < cells.length) i = walk.step(i);
  walk.closeSec();
  return { sections: walk.sections, tasks: walk.tasks, rules: walk.rules, outline: walk.outline };
}

/** The walk's state: what was read, the open section and subsection, the numbering so far. */
class AnnexWalk {
  readonly sections: ParsedSection[] = [];
  readonly tasks: ParsedTask[] = [];
  readonly rules: ParsedRule[] = [];
  readonly outline: OutlineEntry[] = [];
  private sec: { s: ParsedSection; tasks: number; subs: number } | null = null;
  private sub: { s: ParsedSection; tasks: number } | null = null;
  private lastNo = 0;
  private level1 = 0;
  /** task number → the line it first appeared on */
  private readonly seen = new Map<number, number>();
  private readonly kinds: Kind[];

  constructor(
    private readonly cells: readonly Cell[],
    private readonly endedBy: Cell | null,
    private readonly issues: SourceIssue[],
  ) {
    this.kinds = cells.map((c) => classify(c.text));
  }

  private issue(line: number, field: string, message: string): void {
    this.issues.push({ line, field, message });
  }

  /** What stands where a cell was expected, for a message: the cell, the footer, or the end of the file. */
  private describe(c: Cell | undefined): string {
    if (c) return `${quote(c.text)}（第${c.line}行）`;
    return this.endedBy
      ? `附件结束（第${this.endedBy.line}行起为网页页脚）；文件可能不完整`
      : '文件结束；文件可能被截断';
  }

  private isHeaderAt(i: number): boolean {
    return HEADER.every((h, k) => this.cells[i + k]?.text.replace(/\s+/g, '') === h);
  }

  /** The index after the cells that belong to the task or stray text at `i`: up to the next task, heading or header. */
  private blockEnd(from: number): number {
    let j = from;
    while (j < this.cells.length && this.kinds[j] === 'other' && !this.isHeaderAt(j)) j++;
    return j;
  }

  /** A subsection without tasks is an issue. */
  private closeSub(): void {
    const sub = this.sub;
    if (sub && sub.tasks === 0) {
      this.issue(
        sub.s.line,
        '分类',
        `二级分类「${sub.s.ordinal}.${sub.s.title}」下没有任务：标题之后应为任务 (${this.lastNo + 1})`,
      );
    }
    this.sub = null;
  }

  /** A section without tasks or subsections is an issue. */
  closeSec(): void {
    this.closeSub();
    const sec = this.sec;
    if (sec && sec.tasks === 0 && sec.subs === 0) {
      this.issue(
        sec.s.line,
        '分类',
        `一级分类「(${sec.s.key})${sec.s.title}」下没有任务：标题之后应为二级分类或任务 (${this.lastNo + 1})`,
      );
    }
    this.sec = null;
  }

  /** Reads the cell at `i` and the cells that belong to it; returns the index of the next unread cell. */
  step(i: number): number {
    const kind = this.kinds[i]!;
    if (kind === 'h1') return this.heading1(i);
    if (kind === 'h2') return this.heading2(i);
    if (kind === 'other') return this.stray(i);
    return this.task(i);
  }

  /** A section heading (一)…: numbered in order, with a title. */
  private heading1(i: number): number {
    const c = this.cells[i]!;
    this.closeSec();
    const m = H1.exec(c.text)!;
    const num = chineseNumeral(m[1]!);
    const expected = ++this.level1;
    if (num === null)
      this.issue(c.line, '分类编号', `无法识别的一级分类编号 (${m[1]})：应为 (${toChineseNumeral(expected)})`);
    else if (num !== expected) {
      const was = `(${toChineseNumeral(expected - 1)}) 之后应为 (${toChineseNumeral(expected)})，实际为 (${m[1]})`;
      this.issue(c.line, '分类编号', expected === 1 ? `第一个一级分类应为 (一)，实际为 (${m[1]})` : was);
    }
    const title = m[2]!.trim();
    if (!title) this.issue(c.line, '分类', `一级分类 (${m[1]}) 缺少标题`);
    const s: ParsedSection = { key: m[1]!, level: 1, ordinal: expected, title, parentKey: null, line: c.line };
    this.sections.push(s);
    this.outline.push({ level: 1, title: headingTitle(title), line: c.line });
    this.sec = { s, tasks: 0, subs: 0 };
    return i + 1;
  }

  /** A subsection heading 1.…: inside a section, numbered in order within it. */
  private heading2(i: number): number {
    const c = this.cells[i]!;
    this.closeSub();
    const m = H2.exec(c.text)!;
    const num = Number(foldDigits(m[1]!));
    const title = m[2]!.trim();
    const sec = this.sec;
    if (!sec) {
      this.issue(c.line, '分类', `二级分类「${c.text}」之前应有一级分类标题，如「(一)…」`);
      return i + 1;
    }
    const expected = sec.subs + 1;
    if (num !== expected) {
      this.issue(
        c.line,
        '分类编号',
        `一级分类 (${sec.s.key}) 下第${expected}个二级分类应编号为 ${expected}.，实际为 ${m[1]}.`,
      );
    }
    const s: ParsedSection = {
      key: `${sec.s.key}.${num}`,
      level: 2,
      ordinal: expected,
      title,
      parentKey: sec.s.key,
      line: c.line,
    };
    this.sections.push(s);
    this.outline.push({ level: 2, title: headingTitle(title), line: c.line });
    sec.subs++;
    this.sub = { s, tasks: 0 };
    return i + 1;
  }

  /** Text where a task or heading should be: a repeated table header (a page break) is skipped, else one issue. */
  private stray(i: number): number {
    if (this.isHeaderAt(i)) return i + HEADER.length;
    const c = this.cells[i]!;
    this.issue(
      c.line,
      '任务编号',
      `应为任务编号（如 (${this.lastNo + 1})）或分类标题，实际为${quote(c.text)}（是否缺少任务编号？）`,
    );
    return this.blockEnd(i);
  }

  /** A task: its number, then its cells up to the next task, heading or repeated header. */
  private task(i: number): number {
    const c = this.cells[i]!;
    const m = TASK.exec(c.text)!;
    const n = Number(foldDigits(m[1]!));
    const j = this.blockEnd(i + 1);
    const block = joinWrapped(this.cells.slice(i + 1, j));
    this.checkNumber(c, n);
    const text = wrappedText(m[2]!.trim(), block);
    if (!text) this.issue(c.line, '工作任务', `任务(${n})的工作任务内容为空：编号之后应为任务内容`);
    if (!this.sec) this.issue(c.line, '分类', `任务(${n})之前应有一级分类标题，如「(一)…」`);
    else this.sec.tasks++;
    if (this.sub) this.sub.tasks++;
    if (this.missingCells(n, c, block, this.cells[j])) return j;
    const [unitsCell, deadlineCell] = [block[0]!, block[1]!];
    if (!deadlineShaped(deadlineCell.text)) {
      this.issue(
        deadlineCell.line,
        '完成时限',
        `任务(${n})的完成时限应为简短的时限短语（如 2025年前、长期），实际为${quote(deadlineCell.text)}`,
      );
    }
    this.checkExtra(n, block.slice(2), j >= this.cells.length);
    this.addTask(n, c, text, unitsCell, deadlineCell);
    return j;
  }

  /** Tasks are numbered 1, 2, 3…: a gap, a repeat or a wrong first number is an issue. */
  private checkNumber(c: Cell, n: number): void {
    const { lastNo } = this;
    const expected = lastNo + 1;
    if (n !== expected) {
      const was = this.seen.get(n);
      if (was !== undefined) {
        this.issue(
          c.line,
          '任务编号',
          `任务编号 (${n}) 重复（第${was}行已有 (${n})）：(${lastNo}) 之后应为 (${expected})，实际为 (${n})`,
        );
      } else if (lastNo === 0) this.issue(c.line, '任务编号', `第一项任务应为 (1)，实际为 (${n})`);
      else this.issue(c.line, '任务编号', `(${lastNo}) 之后应为 (${expected})，实际为 (${n})`);
    }
    this.lastNo = n;
    if (!this.seen.has(n)) this.seen.set(n, c.line);
  }

  /** A block without the units or the deadline cell is an issue (true: the task is not read further). */
  private missingCells(n: number, c: Cell, block: Cell[], next: Cell | undefined): boolean {
    if (block.length === 0) {
      this.issue(
        c.line,
        '责任单位',
        `任务(${n})缺少责任单位和完成时限：工作任务之后应为责任单位、完成时限两格，实际为${this.describe(next)}`,
      );
      return true;
    }
    if (block.length === 1) {
      const only = block[0]!;
      if (looksLikeDeadline(only.text)) {
        this.issue(
          only.line,
          '责任单位',
          `任务(${n})缺少责任单位：工作任务之后应为责任单位，实际为完成时限${quote(only.text)}`,
        );
      } else {
        this.issue(
          only.line,
          '完成时限',
          `任务(${n})缺少完成时限：责任单位之后应为完成时限（如 2025年前、长期），实际为${this.describe(next)}`,
        );
      }
      return true;
    }
    return false;
  }

  /**
   * Cells after the deadline: before another task, a missing task number; after the last task,
   * plain boilerplate is fine but something shaped like a task means the file was cut.
   */
  private checkExtra(n: number, extra: Cell[], last: boolean): void {
    if (!extra.length) return;
    if (!last) {
      this.issue(
        extra[0]!.line,
        '任务编号',
        `任务(${n})的完成时限之后应为任务编号 (${n + 1}) 或分类标题，实际为${quote(extra[0]!.text)}（是否缺少任务编号？）`,
      );
      return;
    }
    const bad = extra.find((x) => looksTaskish(x.text));
    if (bad) {
      this.issue(
        bad.line,
        '任务编号',
        `最后一项任务(${n})之后有不完整的内容${quote(bad.text)}：应为完整的任务 (${n + 1})（工作任务、责任单位、完成时限三格）；文件可能被截断`,
      );
    }
  }

  /** Records the task, its units (with their problems) and the implicit-unit rules its units cell states. */
  private addTask(n: number, c: Cell, text: string, unitsCell: Cell, deadlineCell: Cell): void {
    const units = parseUnitsCell(unitsCell.text);
    for (const p of units.problems) this.issue(unitsCell.line, '责任单位', `任务(${n})：${p}`);
    for (const r of units.rules) {
      this.rules.push({ kind: 'IMPLICIT_UNITS', text: r.text, fromTask: n, units: r.units, line: unitsCell.line });
    }
    this.tasks.push({
      number: n,
      path: String(n),
      label: String(n),
      leads: 1,
      section: this.sec?.s.key ?? '',
      subsection: this.sub?.s.key ?? null,
      text,
      unitsText: unitsCell.text,
      units: units.units,
      deadlinePhrase: deadlineCell.text,
      line: c.line,
      unitsLine: unitsCell.line,
      deadlineLine: deadlineCell.line,
    });
  }
}

/**
 * A task text wrapped over lines: the cells before the units cell join the text while the third
 * cell is the deadline (and the text has not ended with 。). Takes them out of `block`.
 */
function wrappedText(first: string, block: Cell[]): string {
  let text = first;
  while (
    block.length > 2 &&
    looksLikeDeadline(block[2]!.text) &&
    !looksLikeDeadline(block[1]!.text) &&
    !text.endsWith('。') &&
    !/[、，,]/.test(block[0]!.text.slice(-1))
  ) {
    text += block.shift()!.text;
  }
  return text;
}
