/**
 * Spreadsheet and Word plan files for tests, generated with the libraries the product reads them
 * with: exceljs writes the .xlsx; the .docx is a minimal valid WordprocessingML package built with
 * jszip (merged cells as w:gridSpan and w:vMerge, the way Word writes them).
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

export interface SheetSpec {
  name: string;
  rows: (string | null)[][];
  /** ranges such as 'A3:E3' (a section row) or 'C4:C6' (one lead for three rows) */
  merges?: string[];
}

export async function makeXlsx(sheets: SheetSpec[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    s.rows.forEach((r) => ws.addRow(r.map((c) => c ?? null)));
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A Word table cell: text (lines separated by \n become paragraphs), spans. */
export interface DocxCell {
  text: string;
  colSpan?: number;
  /** 'restart' starts a vertical merge; 'continue' is a covered cell below it */
  vMerge?: 'restart' | 'continue';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const para = (t: string) => `<w:p><w:r><w:t xml:space="preserve">${esc(t)}</w:t></w:r></w:p>`;

function cellXml(c: DocxCell | string): string {
  const cell = typeof c === 'string' ? { text: c } : c;
  const pr = [
    cell.colSpan && cell.colSpan > 1 ? `<w:gridSpan w:val="${cell.colSpan}"/>` : '',
    cell.vMerge === 'restart' ? '<w:vMerge w:val="restart"/>' : cell.vMerge === 'continue' ? '<w:vMerge/>' : '',
  ].join('');
  const body = cell.vMerge === 'continue' ? '<w:p/>' : cell.text.split('\n').map(para).join('');
  return `<w:tc>${pr ? `<w:tcPr>${pr}</w:tcPr>` : ''}${body}</w:tc>`;
}

export async function makeDocx(paragraphs: string[], tables: (DocxCell | string)[][][]): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const tbls = tables.map((t) => {
    const cols = Math.max(
      ...t.map((r) => r.reduce<number>((n, c) => n + (typeof c === 'string' ? 1 : (c.colSpan ?? 1)), 0)),
    );
    return `<w:tbl><w:tblGrid>${'<w:gridCol w:w="2000"/>'.repeat(cols)}</w:tblGrid>${t.map((r) => `<w:tr>${r.map(cellXml).join('')}</w:tr>`).join('')}</w:tbl>`;
  });
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs.map(para).join('')}${tbls.join(para(''))}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}
