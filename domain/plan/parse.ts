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
 *
 * The readers: annex.ts and annex-cells.ts (the Nanchang annex), text-tables.ts (other text),
 * doc-tables.ts (spreadsheets and Word tables); parse-result.ts holds what they share.
 */
import type { PlanLayout, SourceIssue } from '../model';
import { findAnnex, readNanchang } from './annex';
import { readTables } from './doc-tables';
import {
  ACCEPTED_SHAPES,
  finish,
  FORMATS_DOC,
  type ParseOptions,
  type PlanDocument,
  type PlanParseResult,
} from './parse-result';
import { readGenericText } from './text-tables';
import { splitLines } from './text';

export {
  ACCEPTED_SHAPES,
  FORMATS_DOC,
  type ParseOptions,
  type PlanDocument,
  type PlanParseResult,
} from './parse-result';

/** The refusal when no shape was recognised: what was looked for, every accepted shape, where the examples are. */
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

/**
 * Reads a plan document. Text: the Nanchang annex when there is one (and no column mapping), else
 * the other text shapes; `opts.layout` forces one. Tables: see doc-tables.ts.
 */
export function parsePlanDocument(doc: PlanDocument, opts: ParseOptions = {}): PlanParseResult {
  if (doc.kind === 'tables') return readTables(doc, opts);
  const lines = splitLines(doc.text);
  if (!opts.layout || opts.layout === 'annex-table') {
    const annex = findAnnex(lines);
    if ('anchor' in annex && !opts.columns) return readNanchang(lines, annex);
    const generic = readGenericText(lines, opts);
    if (generic) return generic;
    if (!('anchor' in annex) && annex.message.includes('附件标题之后应为表头'))
      return finish(lines, lines.length, 'annex-table', [], [annex]);
    const reference = !('anchor' in annex) && annex.message.startsWith('正文提到了附件');
    return finish(
      lines,
      lines.length,
      'annex-table',
      [],
      [noLayoutIssue('anchor' in annex ? annex.anchor + 1 : annex.line, reference)],
    );
  }
  return (
    readGenericText(lines, opts) ??
    finish(
      lines,
      lines.length,
      opts.layout,
      [],
      [
        {
          line: 1,
          field: '格式',
          message: `按指定的格式 ${opts.layout} 未读到任何任务：${layoutHint(opts.layout)}；示例见 ${FORMATS_DOC}`,
        },
      ],
    )
  );
}

/** What a forced layout expects, for the issue when it read no task. */
function layoutHint(layout: PlanLayout): string {
  switch (layout) {
    case 'tab-table':
      return '应有一行 Tab 分隔的表头（如 序号	重点任务	牵头单位	完成时限）';
    case 'pipe-table':
      return '应有一行「 | 」分隔的表头（如 序号 | 重点任务 | 牵头单位 | 完成时限）';
    case 'labelled':
      return '编号的任务之后应另起一行写「牵头单位：…」「责任单位：…」';
    case 'inline':
      return '任务句末应有（牵头单位：…；责任单位：…）';
    default:
      return '应有可识别的表头（工作任务/责任单位/完成时限 等）';
  }
}
