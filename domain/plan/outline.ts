/**
 * Numbering and outline for every layout but the Nanchang annex: the numbering styles plans use
 * (一、 （一） 1. （1） ①), heading levels by order of first appearance (so any nesting works), and
 * task identity. Pure.
 *
 * A task numbered once across the plan keeps its number as its identity (path "12"); a plan that
 * restarts numbering in each section identifies a task by its section and number (path "二.1/3") and
 * numbers it in 督办 by position. See docs/plan-formats.md#编号.
 */
import type { ParsedRule, ParsedSection, ParsedTask, SourceIssue } from '../model';
import { chineseNumeral, foldDigits, quote } from './text';

export type NumStyle = 'cn' | 'pcn' | 'ar' | 'par' | 'circ';

export interface Numbered {
  style: NumStyle;
  /** the numeral's value */
  n: number;
  /** the numeral as written without its punctuation: 一, 3 */
  label: string;
  /** the text after the number */
  rest: string;
}

const STYLES: [NumStyle, RegExp][] = [
  ['pcn', /^[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*/],
  ['par', /^[(（]\s*([0-9０-９]{1,5})\s*[)）]\s*/],
  ['cn', /^([一二三四五六七八九十]{1,3})\s*[、.．]\s*/],
  // 1. 1、 1． but not 2025.6 or 1.5万
  ['ar', /^([0-9０-９]{1,5})\s*(?:[、]|[.．](?![0-9０-９]))\s*/],
  ['circ', /^([①-⑳])\s*/],
];

/** The numbering a line or cell starts with, or null. */
export function numberingOf(text: string): Numbered | null {
  for (const [style, re] of STYLES) {
    const m = re.exec(text);
    if (!m) continue;
    const raw = m[1]!;
    const n =
      style === 'pcn' || style === 'cn'
        ? chineseNumeral(raw)
        : style === 'circ'
          ? raw.charCodeAt(0) - 0x245f
          : Number(foldDigits(raw));
    if (n === null || !Number.isFinite(n)) continue;
    return {
      style,
      n,
      label: style === 'par' || style === 'ar' ? foldDigits(raw) : raw,
      rest: text.slice(m[0].length),
    };
  }
  return null;
}

/** A cell holding a bare number (a 序号 cell): 1, 1., （1）, 一. */
export function bareNumber(text: string): Numbered | null {
  const t = text.trim();
  if (/^[0-9０-９]{1,6}$/.test(t)) return { style: 'ar', n: Number(foldDigits(t)), label: foldDigits(t), rest: '' };
  const m = numberingOf(t);
  return m && !m.rest.trim() ? m : null;
}

/** One element of the plan's task list, in document order, before numbering is checked. */
export type OutlineItem =
  | { kind: 'heading'; num: Numbered | null; title: string; line: number }
  | {
      kind: 'task';
      num: Numbered | null;
      text: string;
      line: number;
      unitsText: string;
      units: string[];
      leads: number;
      deadlinePhrase: string;
      unitsLine: number;
      deadlineLine: number;
      rules: Omit<ParsedRule, 'fromTask'>[];
    };

export interface OutlineResult {
  sections: ParsedSection[];
  tasks: ParsedTask[];
  rules: ParsedRule[];
}

/** A section for tasks that stand before any heading (plans with a flat task list). */
export const UNSECTIONED: Omit<ParsedSection, 'line'> = {
  key: '0',
  level: 1,
  ordinal: 1,
  title: '未分类',
  parentKey: null,
};

/**
 * Builds sections and tasks from the items. Heading styles nest in the order they first appear; a
 * style seen again closes the deeper levels. Headings without tasks below them (the plan body's
 * 总体要求, 指导思想 …) are dropped. Numbering problems are reported with their lines.
 */
export function buildOutline(items: readonly OutlineItem[], issues: SourceIssue[]): OutlineResult {
  const stack: { style: NumStyle | null; s: ParsedSection; entry: { s: ParsedSection; used: boolean } }[] = [];
  const all: { s: ParsedSection; used: boolean }[] = [];
  const childCount = new Map<string, number>();
  const tasks = items.filter((i): i is Extract<OutlineItem, { kind: 'task' }> => i.kind === 'task');
  const taskStyle = tasks.find((t) => t.num)?.num?.style ?? null;

  // Numbered once (1, 2, 3 … across headings) or restarting per section: decided by the numbers.
  let restart = false;
  {
    let prev = 0;
    let headingSince = false;
    for (const it of items) {
      if (it.kind === 'heading') headingSince = true;
      else if (it.num) {
        if (it.num.n === 1 && prev > 0 && headingSince) restart = true;
        prev = it.num.n;
        headingSince = false;
      }
    }
  }

  const sections: ParsedSection[] = [];
  const out: ParsedTask[] = [];
  const rules: ParsedRule[] = [];
  let seq = 0;
  let lastInScope = 0;
  let scopeKey = '';
  const seen = new Map<string, number>();
  let unsectioned: { s: ParsedSection; used: boolean } | null = null;

  for (const it of items) {
    if (it.kind === 'heading') {
      let depth = it.num ? stack.findIndex((e) => e.style === it.num!.style) : -1;
      if (depth < 0) depth = stack.length;
      stack.length = depth;
      const parent = stack[depth - 1]?.s ?? null;
      const ordinal = (childCount.get(parent?.key ?? '') ?? 0) + 1;
      childCount.set(parent?.key ?? '', ordinal);
      const own = it.num ? it.num.label : String(ordinal);
      const s: ParsedSection = {
        key: parent ? `${parent.key}.${own}` : own,
        level: depth + 1,
        ordinal,
        title: it.title,
        parentKey: parent?.key ?? null,
        line: it.line,
      };
      const entry = { s, used: false };
      all.push(entry);
      stack.push({ style: it.num?.style ?? null, s, entry });
      continue;
    }
    for (const e of stack) e.entry.used = true;
    const inner = stack[stack.length - 1]?.s ?? null;
    let section = stack[0]?.s ?? null;
    if (!section) {
      unsectioned ??= { s: { ...UNSECTIONED, line: it.line }, used: true };
      section = unsectioned.s;
    }
    const scope = restart ? (inner?.key ?? section.key) : '';
    if (scope !== scopeKey) {
      scopeKey = scope;
      lastInScope = 0;
    }
    seq++;
    const n = it.num?.n ?? null;
    const where = restart && inner ? `分类「${inner.title}」中` : '';
    if (it.num && taskStyle && it.num.style !== taskStyle) {
      issues.push({
        line: it.line,
        field: '任务编号',
        message: `任务编号${quote(it.num.label)}的写法与其他任务不同：其他任务编号形如${styleExample(taskStyle)}`,
      });
    }
    if (n !== null) {
      const key = `${scope}/${n}`;
      const was = seen.get(key);
      if (was !== undefined)
        issues.push({
          line: it.line,
          field: '任务编号',
          message: `${where}任务编号 ${n} 重复（第${was}行已有）：${lastInScope} 之后应为 ${lastInScope + 1}`,
        });
      else if (n !== lastInScope + 1)
        issues.push({
          line: it.line,
          field: '任务编号',
          message:
            lastInScope === 0
              ? `${where}第一项任务应编号为 1，实际为 ${n}`
              : `${where}任务 ${lastInScope} 之后应为 ${lastInScope + 1}，实际为 ${n}`,
        });
      if (was === undefined) seen.set(key, it.line);
      lastInScope = n;
    } else lastInScope++;
    const number = restart || n === null ? seq : n;
    const path = restart ? `${scope}/${n ?? lastInScope}` : String(n ?? seq);
    const sub = stack.length > 1 ? inner : null;
    out.push({
      number,
      path,
      label: it.num?.label ?? '',
      leads: it.leads,
      section: section.key,
      subsection: sub?.key ?? null,
      text: it.text,
      unitsText: it.unitsText,
      units: it.units,
      deadlinePhrase: it.deadlinePhrase,
      line: it.line,
      unitsLine: it.unitsLine,
      deadlineLine: it.deadlineLine,
    });
    for (const r of it.rules) rules.push({ ...r, fromTask: number });
  }
  if (unsectioned) sections.push(unsectioned.s);
  for (const a of all) if (a.used) sections.push(a.s);
  sections.sort((a, b) => a.line - b.line);
  return { sections, tasks: out, rules };
}

function styleExample(s: NumStyle): string {
  return { cn: '「一、」', pcn: '「（一）」', ar: '「1.」', par: '「（1）」', circ: '「①」' }[s];
}
