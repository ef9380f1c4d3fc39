/**
 * Reading a plan file from disk: the bytes' encoding (UTF-8, with or without BOM, or GB18030, which
 * Chinese government sites and Windows tools still produce), a digest of the exact bytes, and the
 * text with line ends normalised to LF. CR, CRLF and LF each end one line, so line numbers in the
 * text are the file's line numbers. Spreadsheets (.xlsx, .csv) and Word documents (.docx) are read
 * into tables of cells (exceljs, mammoth); old binary .doc/.xls/.wps/.et files are refused.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DomUtils, parseDocument } from 'htmlparser2';
import * as iconv from 'iconv-lite';
import JSZip from 'jszip';
import { DateTime } from 'luxon';
import mammoth from 'mammoth';
import type { PlanDocument } from '../domain/plan/parse';
import type { TableRow } from '../domain/plan/table';
import { columnLetter } from '../domain/plan/table-header';
import { ErrorCodes, DubangError } from '../contracts/errors';

export type PlanEncoding = 'utf-8' | 'gb18030';

export interface PlanSource {
  /** the decoded text, BOM removed, line ends normalised to \n */
  text: string;
  encoding: PlanEncoding;
  /** hex SHA-256 of the file's bytes as stored (identifies the exact published file) */
  sha256: string;
}

/** A plan file that cannot be decoded or read; the message says what was found and expected. */
export class PlanSourceError extends DubangError {
  static override readonly code = ErrorCodes.PlanSourceError;
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** Larger than any real plan by orders of magnitude; past this we refuse rather than read. */
export const MAX_PLAN_BYTES = 32 * 1024 * 1024;

/** 1-based line of byte `offset`, for messages about bad bytes. */
function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, or -1. Only used to point at the problem. */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n = 0;
    let min = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    if (i + n >= buf.length && n > 0) return i;
    let cp = n === 0 ? b : b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (n > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    i += n + 1;
  }
  return -1;
}

/** Whether `tail` is the start of a multi-byte UTF-8 character with its last bytes missing. */
function isCutUtf8(tail: Buffer): boolean {
  const b = tail[0]!;
  const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
  if (need < 0 || tail.length > need) return false;
  for (let k = 1; k < tail.length; k++) if ((tail[k]! & 0xc0) !== 0x80) return false;
  return true;
}

const normalise = (text: string) => text.replace(/\r\n?/g, '\n');

/** Control characters other than tab, LF, CR and form feed: never in a published plan's text. */
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/** Frequent characters of any modern Chinese prose, and its punctuation. Mojibake rarely has them. */
const COMMON = new Set([...'的一是不了在人有和中大为上个国以要到发年会于出也对生地作可之成这进行，。、：；“”（）']);

/**
 * Whether decoded GB18030 text reads as Chinese: no replacement or control characters, no
 * user-defined (private-use) code points, nearly all non-ASCII characters CJK ideographs or CJK
 * punctuation, and a normal share of the most frequent characters. GB18030 maps almost any byte
 * pairs to some character, so bytes in another encoding (Latin-1, corrupted UTF-8, binary) decode
 * "successfully" into noise; this is the check that refuses them.
 */
function plausibleChinese(text: string): boolean {
  let nonAscii = 0;
  let cjk = 0;
  let common = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (CONTROL.test(text[i]!)) return false;
      continue;
    }
    if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) return false;
    nonAscii++;
    if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff00 && c <= 0xffef) ||
      (c >= 0x2010 && c <= 0x2027) ||
      c === 0x00b7
    )
      cjk++;
    if (COMMON.has(text[i]!)) common++;
  }
  if (nonAscii === 0) return true;
  return cjk / nonAscii >= 0.9 && (nonAscii < 50 || common / nonAscii >= 0.05);
}

/** Whether the bytes before `end` hold a run of valid multi-byte UTF-8 (so the file is UTF-8). */
function looksUtf8Before(buf: Buffer, end: number): boolean {
  let multi = 0;
  for (let i = 0; i < end; i++) if (buf[i]! >= 0xe0 && buf[i]! <= 0xef) multi++;
  return multi >= 8;
}

/**
 * Decodes a plan file's bytes: a UTF-8 BOM or strictly valid UTF-8 → UTF-8; otherwise GB18030 if
 * the result reads as Chinese text. Throws PlanSourceError (naming the line of the first bad byte)
 * for anything else, including UTF-16.
 */
export function decodePlanBuffer(buf: Buffer): { text: string; encoding: PlanEncoding } {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new PlanSourceError('文件为 UTF-16 编码，无法读取：请另存为 UTF-8 或 GB18030 后重试');
  }
  const hasBom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const body = hasBom ? buf.subarray(3) : buf;
  let utf8: string | null = null;
  try {
    utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    utf8 = null;
  }
  if (utf8 !== null) {
    const ctl = CONTROL.exec(utf8);
    if (ctl) {
      const line = utf8.slice(0, ctl.index).split('\n').length;
      const hint = utf8.includes('\u0000') ? '（含 NUL 字节，可能是不带 BOM 的 UTF-16 文件或二进制文件）' : '';
      throw new PlanSourceError(
        `第${line}行含有控制字符 U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}${hint}：方案应为纯文本`,
        line,
      );
    }
    return { text: normalise(utf8), encoding: 'utf-8' };
  }
  const bad = firstInvalidUtf8(body);
  // Valid UTF-8 up to a character cut short at the very end: a UTF-8 file truncated mid-character,
  // not a file in another encoding.
  if (bad >= 0 && bad >= body.length - 3 && isCutUtf8(body.subarray(bad))) {
    const line = lineAt(body, bad);
    throw new PlanSourceError(
      `文件在第${line}行中途结束（最后一个 UTF-8 字符不完整）：文件被截断，请使用完整的文件`,
      line,
    );
  }
  // Many valid UTF-8 characters before the first bad byte: a damaged UTF-8 file, not GB18030.
  if (hasBom || looksUtf8Before(body, bad)) {
    const line = lineAt(body, bad);
    throw new PlanSourceError(
      `第${line}行含有无效的 UTF-8 字节（文件其余部分为 UTF-8）：文件可能已损坏，请使用完整、未损坏的文件`,
      line,
    );
  }
  let gb = iconv.decode(buf, 'gb18030');
  if (gb.charCodeAt(0) === 0xfeff) gb = gb.slice(1); // GB18030 BOM (84 31 95 33)
  if (gb.endsWith('\ufffd') && plausibleChinese(gb.slice(0, -1))) {
    const line = gb.split('\n').length;
    throw new PlanSourceError(
      `文件在第${line}行中途结束（最后一个 GB18030 字符不完整）：文件被截断，请使用完整的文件`,
      line,
    );
  }
  if (!plausibleChinese(gb)) {
    const line = lineAt(buf, bad);
    throw new PlanSourceError(
      `无法识别文件编码：第${line}行起既不是有效的 UTF-8，也不像 GB18030 编码的中文文本；请另存为 UTF-8 后重试`,
      line,
    );
  }
  return { text: normalise(gb), encoding: 'gb18030' };
}

/** Reads and decodes a plan file. File-system errors (ENOENT …) pass through unchanged. */
export async function readPlanFile(path: string): Promise<PlanSource> {
  const stat = await fs.stat(path);
  if (stat.size > MAX_PLAN_BYTES) {
    throw new PlanSourceError(`文件过大（${stat.size} 字节）：方案文件应小于 ${MAX_PLAN_BYTES / 1024 / 1024} MB`);
  }
  const buf = await fs.readFile(path);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  return { ...decodePlanBuffer(buf), sha256 };
}

/** What a plan file holds once read: text, or the tables of a spreadsheet or Word document. */
export interface PlanFile {
  doc: PlanDocument;
  /** text encoding, or the container format */
  encoding: PlanEncoding | 'xlsx' | 'docx';
  sha256: string;
}

/** Old binary Office and WPS formats: refused with the format to save as. */
const OLD_FORMATS: Record<string, string> = {
  '.doc': '旧版 Word 文档 (.doc)，请在 Word 或 WPS 中「另存为」.docx 后重试',
  '.wps': 'WPS 文字文档 (.wps)，请在 WPS 中「另存为」.docx 后重试',
  '.et': 'WPS 表格 (.et)，请在 WPS 中「另存为」.xlsx 后重试',
  '.xls': '旧版 Excel 工作簿 (.xls)，请在 Excel 或 WPS 中「另存为」.xlsx 后重试',
};

const isZip = (buf: Buffer) => buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
const isOle = (buf: Buffer) =>
  buf.length >= 8 && buf.readUInt32BE(0) === 0xd0cf11e0 && buf.readUInt32BE(4) === 0xa1b11ae1;

/**
 * Reads any supported plan file: text (.txt and anything else that decodes), .csv, .xlsx (exceljs)
 * and .docx (mammoth). Throws PlanSourceError for the formats it cannot read, with what to do.
 */
export async function readPlanSource(file: string): Promise<PlanFile> {
  const stat = await fs.stat(file);
  if (stat.size > MAX_PLAN_BYTES)
    throw new PlanSourceError(`文件过大（${stat.size} 字节）：方案文件应小于 ${MAX_PLAN_BYTES / 1024 / 1024} MB`);
  return planSourceOfBuffer(await fs.readFile(file), path.basename(file));
}

export async function planSourceOfBuffer(buf: Buffer, name: string): Promise<PlanFile> {
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const ext = path.extname(name).toLowerCase();
  if (OLD_FORMATS[ext]) throw new PlanSourceError(`无法读取${OLD_FORMATS[ext]}`);
  if (isOle(buf))
    throw new PlanSourceError(
      '这是旧版 Office/WPS 二进制文件（.doc/.xls/.wps/.et），无法读取：请另存为 .docx 或 .xlsx 后重试',
    );
  if (isZip(buf)) {
    const zip = await JSZip.loadAsync(buf).catch(() => null);
    if (zip?.file('xl/workbook.xml')) return { doc: await readXlsx(buf), encoding: 'xlsx', sha256 };
    if (zip?.file('word/document.xml')) return { doc: await readDocx(buf), encoding: 'docx', sha256 };
    throw new PlanSourceError(
      `「${name}」是压缩文件，但既不是 .xlsx 工作簿也不是 .docx 文档：请给出方案的 .txt、.csv、.xlsx 或 .docx 文件`,
    );
  }
  const { text, encoding } = decodePlanBuffer(buf);
  if (ext === '.csv') return { doc: csvTables(text, name), encoding, sha256 };
  return { doc: { kind: 'text', text }, encoding, sha256 };
}

/** A cell's text with Excel's line breaks kept (the table reader decides what they mean). */
function cellText(cell: ExcelJS.Cell): string {
  const c = cell.isMerged ? cell.master : cell;
  const v = c.value as unknown;
  if (v && typeof v === 'object' && 'richText' in v)
    return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
  if (v instanceof Date) return DateTime.fromJSDate(v, { zone: 'utc' }).toFormat('yyyy年M月d日');
  return c.text ?? '';
}

/** Every sheet as rows of cells; merged cells give every cell they cover the master's text. */
async function readXlsx(buf: Buffer): Promise<PlanDocument> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw new PlanSourceError(`无法读取 .xlsx 工作簿：${(e as Error).message}；请在 Excel 中打开并重新保存`);
  }
  const tables = wb.worksheets.map((ws) => {
    const rows: TableRow[] = [];
    const width = ws.actualColumnCount || ws.columnCount;
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(cellText(row.getCell(c)));
      rows.push({ cells, line: n, cellName: (col) => `${ws.name}!${columnLetter(col)}${n}` });
    });
    return { name: ws.name, rows };
  });
  return { kind: 'tables', format: 'xlsx', paragraphs: [], tables };
}

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;
const textOf = (n: DomNode): string => DomUtils.textContent(n).replace(/\s+/g, ' ').trim();

/** Word tables through mammoth's HTML: rows and cells, colspan/rowspan expanded; paragraphs before them. */
async function readDocx(buf: Buffer): Promise<PlanDocument> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: buf })).value;
  } catch (e) {
    throw new PlanSourceError(`无法读取 .docx 文档：${(e as Error).message}；请在 Word 中打开并重新保存`);
  }
  const dom = parseDocument(html);
  const paragraphs: string[] = [];
  const tables: { name: string; rows: TableRow[] }[] = [];
  for (const node of dom.children) {
    if (!DomUtils.isTag(node)) continue;
    if (node.name === 'table') {
      const k = tables.length + 1;
      tables.push({ name: `表格${k}`, rows: tableRows(node, k) });
    } else if (!tables.length) paragraphs.push(textOf(node));
  }
  return { kind: 'tables', format: 'docx', paragraphs, tables };
}

function tableRows(table: DomElement, k: number): TableRow[] {
  // rows of this table, not of a table nested in one of its cells
  const trs = DomUtils.getElementsByTagName('tr', table, true).filter((tr) => nearestTable(tr) === table);
  const grid: string[][] = [];
  trs.forEach((tr, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const td of tr.children) {
      if (!DomUtils.isTag(td) || (td.name !== 'td' && td.name !== 'th')) continue;
      while (grid[r]![c] !== undefined) c++;
      // a cell's paragraphs are its lines
      const paras = DomUtils.getElementsByTagName('p', td, true);
      const text = paras.length ? paras.map(textOf).filter(Boolean).join('\n') : textOf(td);
      const cs = Math.max(1, Number(td.attribs.colspan ?? 1));
      const rs = Math.max(1, Number(td.attribs.rowspan ?? 1));
      for (let dr = 0; dr < rs; dr++) for (let dc = 0; dc < cs; dc++) (grid[r + dr] ??= [])[c + dc] = text;
      c += cs;
    }
  });
  return grid.map((cells, r) => ({
    cells: Array.from(cells, (x) => x ?? ''),
    line: r + 1,
    cellName: (col: number) => `表格${k}第${r + 1}行第${col + 1}列`,
  }));
}

function nearestTable(n: DomNode): DomNode | null {
  let p = n.parent as DomNode | null;
  while (p && !(DomUtils.isTag(p) && p.name === 'table')) p = p.parent as DomNode | null;
  return p;
}

function csvTables(text: string, name: string): PlanDocument {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (e) {
    throw new PlanSourceError(`无法读取 CSV：${(e as Error).message}`);
  }
  const rows: TableRow[] = records.map((r) => ({
    cells: r.record,
    line: r.info.lines,
    cellName: (col) => `${columnLetter(col)}${r.info.lines}`,
  }));
  return { kind: 'tables', format: 'xlsx', paragraphs: [], tables: [{ name: path.basename(name), rows }] };
}
