/**
 * Plans written as paragraphs rather than a table. Pure. Two shapes (docs/plan-formats.md):
 *
 * - labelled paragraphs: a numbered task, then lines 牵头单位：…, 责任单位：… / 配合单位：…,
 *   时限要求：… / 完成时限：… (several labels may share a line, separated by ；). One label line
 *   after several tasks applies to each task of that block.
 * - inline brackets: the task ends with （牵头单位：…；责任单位：…） or 〔牵头单位：…，责任单位：…〕,
 *   brackets nested inside (各县（区）人民政府) included.
 *
 * The tasks' numbering style is the one that carries the labels; other numbered lines are headings.
 * Numbered lines of the tasks' style without labels, in a section that has no labelled task, are the
 * plan body (指导思想, 基本原则 …) and are not tasks.
 */
import type { SourceIssue } from '../model';
import { numberingOf, type NumStyle, type Numbered, type OutlineItem } from './outline';
import { isCloseBracket, isOpenBracket, quote, type Cell } from './text';
import { parseUnitsCell } from './units-cell';

type LabelRole = 'lead' | 'units' | 'co' | 'deadline';
const LABEL_WORDS: [RegExp, LabelRole][] = [
  [/^(?:牵头单位|牵头部门|牵头责任单位)$/, 'lead'],
  [/^(?:责任单位|责任部门|责任主体)$/, 'units'],
  [/^(?:配合单位|协办单位|配合部门|参与单位)$/, 'co'],
  [/^(?:时限要求|完成时限|完成时间|时间节点|完成期限|时间要求)$/, 'deadline'],
];
const LABEL_AT =
  /(牵头单位|牵头部门|牵头责任单位|责任单位|责任部门|责任主体|配合单位|协办单位|配合部门|参与单位|时限要求|完成时限|完成时间|时间节点|完成期限|时间要求)\s*[:：]/g;

interface Label {
  role: LabelRole;
  value: string;
  line: number;
}

const roleOf = (word: string) => LABEL_WORDS.find(([re]) => re.test(word))?.[1] ?? null;

/** Labels in a text that starts with a label: 牵头单位：A；责任单位：B；完成时限：C. */
function labelsIn(text: string, line: number): Label[] | null {
  LABEL_AT.lastIndex = 0;
  const hits: { at: number; end: number; role: LabelRole }[] = [];
  for (let m = LABEL_AT.exec(text); m; m = LABEL_AT.exec(text)) {
    // a label starts the text or follows a separator; 责任单位 inside a name is not a label
    const before = text.slice(0, m.index);
    if (m.index > 0 && !/[；;，,。\s]$/.test(before)) continue;
    hits.push({ at: m.index, end: m.index + m[0].length, role: roleOf(m[1]!)! });
  }
  if (!hits.length || hits[0]!.at !== 0) return null;
  return hits.map((h, k) => ({
    role: h.role,
    value: text
      .slice(h.end, k + 1 < hits.length ? hits[k + 1]!.at : text.length)
      .trim()
      .replace(/[；;，,。.\s]+$/, ''),
    line,
  }));
}

/** The trailing bracket group of a line when it holds labels: its start and labels. */
function inlineLabels(text: string, line: number): { at: number; labels: Label[] } | null {
  const t = text.replace(/[。.；;\s]+$/, '');
  if (!t || !isCloseBracket(t[t.length - 1]!)) return null;
  let depth = 0;
  for (let i = t.length - 1; i >= 0; i--) {
    const ch = t[i]!;
    if (isCloseBracket(ch)) depth++;
    else if (isOpenBracket(ch)) {
      depth--;
      if (depth === 0) {
        const labels = labelsIn(t.slice(i + 1, t.length - 1).trim(), line);
        return labels ? { at: i, labels } : null;
      }
    }
  }
  return null;
}

type Entry =
  | { type: 'num'; num: Numbered; text: string; line: number; labels: Label[] | null; inline: boolean }
  | { type: 'labels'; labels: Label[]; line: number };

export interface ParagraphRead {
  items: OutlineItem[];
  layout: 'labelled' | 'inline';
  /** number of tasks that carried labels (0: this is not a paragraph plan) */
  labelled: number;
}

/** Whether a text has any task label at a line start or in a trailing bracket. Cheap, for detection. */
export function hasParagraphLabels(lines: readonly Cell[]): boolean {
  return lines.some((c) => labelsIn(c.text, c.line) !== null || inlineLabels(c.text, c.line) !== null);
}

export function readParagraphs(
  lines: readonly Cell[],
  opts: { defaultDeadline?: string },
  issues: SourceIssue[],
): ParagraphRead {
  const entries: Entry[] = [];
  for (const c of lines) {
    const labels = labelsIn(c.text, c.line);
    if (labels) {
      const prev = entries[entries.length - 1];
      if (prev?.type === 'labels') prev.labels.push(...labels);
      else entries.push({ type: 'labels', labels, line: c.line });
      continue;
    }
    const num = numberingOf(c.text);
    if (num) {
      const inl = inlineLabels(num.rest, c.line);
      entries.push({
        type: 'num',
        num,
        text: (inl ? num.rest.slice(0, inl.at) : num.rest).trim(),
        line: c.line,
        labels: inl?.labels ?? null,
        inline: !!inl,
      });
      continue;
    }
    // an unnumbered line continues the numbered paragraph above (a wrapped task, or its bracket
    // wrapped onto the next line), unless labels came between
    const prev = entries[entries.length - 1];
    if (prev?.type === 'num' && !prev.labels) {
      prev.text += c.text.trim();
      // only a line that closes a bracket can end an inline label (keeps long body paragraphs linear)
      const inl = /[)）〕\]】][。.；;]?$/.test(c.text) ? inlineLabels(prev.text, c.line) : null;
      if (inl) Object.assign(prev, { text: prev.text.slice(0, inl.at).trim(), labels: inl.labels, inline: true });
    }
  }

  // The tasks' style: the numbering of the paragraphs that carry labels.
  const votes = new Map<NumStyle, number>();
  entries.forEach((e, k) => {
    const next = entries[k + 1];
    if (e.type === 'num' && (e.labels || next?.type === 'labels'))
      votes.set(e.num.style, (votes.get(e.num.style) ?? 0) + 1);
  });
  const taskStyle = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
  const inlineCount = entries.filter((e) => e.type === 'num' && e.inline).length;
  if (!taskStyle) return { items: [], layout: 'labelled', labelled: 0 };

  const items: OutlineItem[] = [];
  let block: Extract<Entry, { type: 'num' }>[] = [];
  let labelledInSection = 0;
  let unlabelled: Extract<Entry, { type: 'num' }>[] = [];
  const closeSection = () => {
    for (const e of unlabelled) {
      if (labelledInSection)
        issues.push({
          line: e.line,
          field: '责任单位',
          message: `任务${quote(e.num.label + '.' + e.text, 24)}没有牵头单位或责任单位：应在其后写「牵头单位：…」「责任单位：…」，或在句末写（牵头单位：…；责任单位：…）`,
        });
    }
    unlabelled = [];
    labelledInSection = 0;
  };
  const emit = (e: Extract<Entry, { type: 'num' }>, labels: Label[]) => {
    labelledInSection++;
    items.push(taskItem(e, labels, opts, issues));
  };
  for (const e of entries) {
    if (e.type === 'labels') {
      if (!block.length) {
        issues.push({
          line: e.line,
          field: '责任单位',
          message: `「${
            e.labels[0]!.value
              ? e.labels
                  .map((l) => l.value)
                  .join('；')
                  .slice(0, 20)
              : ''
          }」这一行单位之前没有任务：单位行应紧跟在它所属的任务之后`,
        });
        continue;
      }
      for (const t of block) emit(t, e.labels);
      unlabelled = unlabelled.filter((u) => !block.includes(u));
      block = [];
      continue;
    }
    if (e.num.style !== taskStyle) {
      block = [];
      closeSection();
      const stop = e.text.indexOf('。');
      items.push({
        kind: 'heading',
        num: e.num,
        title: (stop < 0 ? e.text : e.text.slice(0, stop)).trim(),
        line: e.line,
      });
      continue;
    }
    if (e.labels) {
      block = [];
      emit(e, e.labels);
      continue;
    }
    block.push(e);
    unlabelled.push(e);
  }
  closeSection();
  // Items are in document order except label-block tasks, which are emitted when their labels come:
  // the same order, since a block's tasks precede its labels and nothing else is emitted between.
  return {
    items,
    layout: inlineCount * 2 >= votes.get(taskStyle)! ? 'inline' : 'labelled',
    labelled: items.filter((i) => i.kind === 'task').length,
  };
}

function taskItem(
  e: Extract<Entry, { type: 'num' }>,
  labels: Label[],
  opts: { defaultDeadline?: string },
  issues: SourceIssue[],
): OutlineItem {
  const hasLead = labels.some((l) => l.role === 'lead');
  const units: string[] = [];
  const rules: Extract<OutlineItem, { kind: 'task' }>['rules'] = [];
  let leads = 0;
  let unitsLine = e.line;
  const ordered = [
    ...labels.filter((l) => l.role === 'lead'),
    ...labels.filter((l) => l.role === 'units' || l.role === 'co'),
  ];
  for (const l of ordered) {
    const r = parseUnitsCell(l.value);
    const what = l.role === 'lead' ? '牵头单位' : l.role === 'co' ? '配合单位' : '责任单位';
    for (const p of r.problems)
      issues.push({ line: l.line, field: what, message: `任务 ${e.num.label}：${p.replace(/^责任单位/, what)}` });
    for (const x of r.rules) rules.push({ kind: 'IMPLICIT_UNITS', text: x.text, units: x.units, line: l.line });
    for (const u of r.units) if (!units.includes(u)) units.push(u);
    if (l.role === 'lead') leads = units.length;
    else if (l.role === 'units' && !hasLead && leads === 0 && units.length) leads = 1;
    unitsLine = Math.min(unitsLine === e.line ? l.line : unitsLine, l.line);
  }
  // 配合单位 alone: nobody leads (as table.ts refuses an empty 牵头单位 cell beside co-units)
  if (units.length && leads === 0)
    issues.push({
      line: unitsLine,
      field: '牵头单位',
      message: `任务 ${e.num.label}只有配合单位（${units.join('、')}），没有牵头单位：应写明 牵头单位：…（或 责任单位：…，第一个单位牵头）`,
    });
  const dl = labels.find((l) => l.role === 'deadline');
  const phrase = dl?.value || opts.defaultDeadline || '';
  return {
    kind: 'task',
    num: e.num,
    text: e.text,
    line: e.line,
    unitsText: ordered.map((l) => l.value).join('；'),
    units,
    leads,
    deadlinePhrase: phrase,
    unitsLine,
    deadlineLine: dl?.line ?? e.line,
    rules,
  };
}
