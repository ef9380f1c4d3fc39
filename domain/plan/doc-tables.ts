/** Spreadsheet (.xlsx) and Word (.docx) tables: the header row found, the rows read by table.ts. Pure. */
import type { PlanLayout, SourceIssue } from '../model';
import {
  finish,
  FORMATS_DOC,
  headerProblems,
  type ParseOptions,
  type PlanDocument,
  type PlanParseResult,
} from './parse-result';
import { readTableRows, type TableRow } from './table';
import { ACCEPTED_HEADERS, columnLetter, headerRole, matchHeader } from './table-header';
import { quote } from './text';

/** Spreadsheet or Word tables: the first table with a recognisable header, or the one --sheet names. */
export function readTables(doc: Extract<PlanDocument, { kind: 'tables' }>, opts: ParseOptions): PlanParseResult {
  const layout: PlanLayout = doc.format === 'xlsx' ? 'sheet' : 'word-table';
  const what = doc.format === 'xlsx' ? '工作表' : '表格';
  let tables = doc.tables;
  if (opts.sheet) {
    const byNumber = /^\d+$/.test(opts.sheet) ? doc.tables[Number(opts.sheet) - 1] : undefined;
    const t = doc.tables.find((x) => x.name === opts.sheet) ?? byNumber;
    if (!t) {
      const message = `没有名为「${opts.sheet}」的${what}：文件中的${what}为 ${doc.tables.map((x, i) => `${i + 1}「${x.name}」`).join('、') || '（无）'}`;
      return {
        plan: { title: '', layout, issuer: null, sections: [], tasks: [], rules: [], indicators: [] },
        issues: [{ line: 1, field: what, message }],
      };
    }
    tables = [t];
  }
  const nearMiss: SourceIssue[] = [];
  for (const t of tables) {
    for (let i = 0; i < t.rows.length && i < 40; i++) {
      const row = t.rows[i]!;
      const m = opts.columns
        ? row.cells.filter((c) => c.trim()).length >= 3
          ? { map: opts.columns, unknown: [] }
          : null
        : matchHeader(row.cells);
      if (!m) {
        const words = row.cells.filter((c) => headerRole(c)).length;
        if (words >= 2 && !nearMiss.length) {
          const bad = row.cells.map((c, k) => [k, c.trim()] as const).filter(([, c]) => c && !headerRole(c));
          nearMiss.push({
            line: row.line,
            field: '表头',
            message: `${what}「${t.name}」第${row.line}行像表头，但${bad.map(([k, c]) => `${cellName(row, k)}${quote(c)}`).join('、')}不是可识别的表头用语：应为 ${ACCEPTED_HEADERS}；请改写表头，或用 --columns 指定各列`,
          });
        }
        continue;
      }
      const issues: SourceIssue[] = [];
      headerProblems(m.unknown, row.line, (c) => cellName(row, c), issues);
      const items = readTableRows(t.rows.slice(i + 1), m.map, opts, issues);
      const pre = [...doc.paragraphs, ...t.rows.slice(0, i).map((r) => r.cells.find((c) => c.trim()) ?? '')];
      return finish(
        pre,
        pre.length,
        layout,
        items,
        issues,
        opts,
        m.map,
        tables.length > 1 || doc.tables.length > 1 ? `${what}「${t.name}」` : '',
      );
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
