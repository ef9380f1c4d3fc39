/**
 * Task lists in plain text other than the Nanchang annex: a table pasted with tabs or ` | `, or one
 * header word per line, read by table.ts; labelled paragraphs and inline brackets, read by
 * paragraphs.ts. Pure.
 */
import type { PlanLayout, SourceIssue } from '../model';
import { hasParagraphLabels, readParagraphs } from './paragraphs';
import { finish, headerProblems, type ParseOptions, type PlanParseResult } from './parse-result';
import { readTableRows, type TableRow } from './table';
import { headerRole, matchHeader } from './table-header';
import { flattenedRows } from './table-flattened';
import { cellsOf } from './text';

/** Web-page footer lines; the annex ends at the first of them. */
export const FOOTER =
  /^(?:咨询信箱|咨询热线|官方微信|主办单位|承办单位|版权所有|网站地图|联系我们|关闭窗口|打印本页|【打印】|【关闭】|扫一扫)|^\S{0,3}(?:公网安备|ICP备)/;

/** The text-table header: tab- or pipe-separated on one line, or one header word per line. */
function findTextHeader(
  lines: readonly string[],
  layout?: PlanLayout,
): { layout: PlanLayout; index: number; end: number; cells: string[] } | null {
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
    const cells = raw
      .split('\t')
      .map((c) => (/^".*"$/s.test(c.trim()) ? c.trim().slice(1, -1).replace(/""/g, '"').replace(/\n/g, '') : c));
    rows.push({ cells, line, heading: !raw.includes('\t') && !!raw.trim() });
  }
  return rows;
}

/** ` | `-separated rows (Markdown rule lines skipped); a line without a pipe is a heading row. */
function pipeRowsOf(lines: readonly string[], from: number): TableRow[] {
  const rows: TableRow[] = [];
  for (let i = from; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\s*\|?\s*:?-{3,}/.test(raw)) continue; // a Markdown rule line
    rows.push({
      cells: raw.includes('|') ? pipeCells(raw) : [raw],
      line: i + 1,
      heading: !raw.includes('|') && !!raw.trim(),
    });
  }
  return rows;
}

/**
 * A text task list other than the Nanchang annex (a text table, or labelled or bracketed paragraphs),
 * or null when the text has none of these shapes (or not the one `opts.layout` forces).
 */
export function readGenericText(lines: readonly string[], opts: ParseOptions): PlanParseResult | null {
  const issues: SourceIssue[] = [];
  const layout = opts.layout;
  if (!layout || layout === 'tab-table' || layout === 'pipe-table' || layout === 'annex-table') {
    const h = findTextHeader(lines, layout);
    if (h) {
      const m = matchHeader(h.cells)!;
      const map = opts.columns ?? m.map;
      if (!opts.columns) headerProblems(m.unknown, h.index + 1, (c) => `第${c + 1}列`, issues);
      const rows =
        h.layout === 'tab-table'
          ? tabRows(lines, h.end)
          : h.layout === 'pipe-table'
            ? pipeRowsOf(lines, h.end)
            : flattenedRows(cellsOf(lines, h.end, lines.length), map, issues);
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
  const k = rows.findIndex(
    (r) => r.cells.filter((c) => c.trim()).length === 1 && FOOTER.test(r.cells.find((c) => c.trim())!.trim()),
  );
  return k < 0 ? rows : rows.slice(0, k);
}
