/**
 * What the plan readers share: the options a caller steers them with, the document they read, the
 * result they return, and the last step every reader ends with (finish: title, issuer and goals from
 * the text before the task list, the outline, the plan-wide deadline check). Pure.
 */
import type { PlanLayout, ParsedPlan, SourceIssue } from '../model';
import { readIndicators } from './indicators';
import { buildOutline, type OutlineItem } from './outline';
import { ACCEPTED_HEADERS, type ColumnMap } from './table-header';
import type { TableRow } from './table';
import { quote } from './text';
import { findIssuer, findTitle } from './title';

/** The result of reading a plan: always a plan (possibly partial) and every problem found. */
export interface PlanParseResult {
  plan: ParsedPlan;
  /** empty when the plan was read completely; sorted by line */
  issues: SourceIssue[];
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

/** One issue per header cell that is no recognised header word; `name` says which cell (第2列, B3). */
export function headerProblems(
  unknown: { col: number; text: string }[],
  line: number,
  name: (col: number) => string,
  issues: SourceIssue[],
) {
  for (const u of unknown) {
    issues.push({
      line,
      field: '表头',
      message: `表头${name(u.col)}${quote(u.text)}不是可识别的表头用语：应为 ${ACCEPTED_HEADERS} 之一；请改写表头，或用 --columns 指定各列（如 task=B,lead=C,co=D,deadline=E）`,
    });
  }
}

/**
 * Title, issuer and goals from the text before the task list; numbering and sections from the items;
 * the plan-wide deadline check. Issues sorted by line.
 */
export function finish(
  pre: readonly string[],
  bodyEnd: number,
  layout: PlanLayout,
  items: OutlineItem[],
  issues: SourceIssue[],
  opts: ParseOptions = {},
  map?: ColumnMap,
  where = '',
): PlanParseResult {
  const title = findTitle(pre, bodyEnd);
  if (title === null)
    issues.unshift({
      line: 1,
      field: '标题',
      message:
        '未找到方案标题：任务清单之前应有单独一行标题（如「某市2024年优化营商环境重点工作要点」），或「关于印发…的通知」',
    });
  const goals = readIndicators(pre, bodyEnd);
  issues.push(...goals.issues);
  const outline = buildOutline(items, issues);
  const tasks = outline.tasks;
  const hasDeadlineColumn = map ? [...map.values()].includes('deadline') : true;
  if (tasks.length && !opts.defaultDeadline && (!hasDeadlineColumn || tasks.every((t) => !t.deadlinePhrase))) {
    issues.push({
      line: tasks[0]!.line,
      field: '完成时限',
      message: `${where}方案没有完成时限${map ? '列' : '（任务后没有「完成时限：」或「时限要求：」）'}：无法确定各项任务的期限；请补上完成时限，或用 --default-deadline 给出全部任务的时限（如 --default-deadline 2024年底前）`,
    });
  } else {
    for (const t of tasks)
      if (!t.deadlinePhrase && !issues.some((x) => x.line === t.line && x.field === '完成时限'))
        issues.push({
          line: t.line,
          field: '完成时限',
          message: `任务 ${t.label || t.number} 缺少完成时限：应写明如 2025年底前、长期`,
        });
  }
  if (!tasks.length && !issues.some((x) => x.field !== '标题'))
    issues.push({
      line: Math.max(1, bodyEnd),
      field: '任务编号',
      message: `${where}表头之后没有任务：应为分类标题和任务行`,
    });
  if (where) for (const x of issues) if (!x.message.startsWith(where)) x.message = `${where}${x.message}`;
  issues.sort((x, y) => x.line - y.line);
  return {
    plan: {
      title: title ?? '',
      layout,
      issuer: findIssuer(pre, bodyEnd),
      sections: outline.sections,
      tasks,
      rules: outline.rules,
      indicators: goals.indicators,
    },
    issues,
  };
}
