/**
 * Spreadsheets and Word tables, generated in the test with exceljs and jszip: merged cells expanded
 * (a vertically merged 牵头单位 applies to every row it spans, a merged row is a section heading),
 * header detection, --sheet, --columns, old binary formats refused.
 */
import { parsePlanDocument } from '../../domain/plan/parse';
import { parseColumnsOption } from '../../domain/plan/table-header';
import { planSourceOfBuffer } from '../../app/plan-source';
import { makeDocx, makeXlsx } from '../helpers/plan-files';

const view = (t: { path: string; text: string; units: string[]; leads: number; deadlinePhrase: string }) => [
  t.path,
  t.text,
  t.units.slice(0, t.leads),
  t.units.slice(t.leads),
  t.deadlinePhrase,
];

const SHEET = {
  name: '任务清单',
  rows: [
    ['示范市2024年优化营商环境重点任务清单', null, null, null, null],
    ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
    ['一、提升政务服务效能', null, null, null, null],
    ['1', '推进“一网通办”。', '市政数局', '市发改委', '2024年底前'],
    ['2', '优化企业开办服务。', null, '市公安局', '2024年6月底前'],
    ['3', '推行“一件事一次办”。', null, '市人社局\n市医保局', '长期'],
    ['二、优化市场环境', null, null, null, null],
    ['4', '开展公平竞争审查。', '市市场监管局', null, '每季度'],
  ],
  merges: ['A1:E1', 'A3:E3', 'C4:C6', 'A7:E7'],
};

describe('.xlsx through exceljs', () => {
  it('expands merged cells: one lead for three rows, merged rows are sections, line breaks in a units cell separate names', async () => {
    const src = await planSourceOfBuffer(
      await makeXlsx([{ name: '说明', rows: [['本表为示范']] }, SHEET]),
      'plan.xlsx',
    );
    expect(src.encoding).toBe('xlsx');
    const r = parsePlanDocument(src.doc);
    expect(r.issues).toEqual([]);
    expect(r.plan.layout).toBe('sheet');
    expect(r.plan.title).toBe('示范市2024年优化营商环境重点任务清单');
    expect(r.plan.tasks.map(view)).toEqual([
      ['1', '推进“一网通办”。', ['市政数局'], ['市发改委'], '2024年底前'],
      ['2', '优化企业开办服务。', ['市政数局'], ['市公安局'], '2024年6月底前'],
      ['3', '推行“一件事一次办”。', ['市政数局'], ['市人社局', '市医保局'], '长期'],
      ['4', '开展公平竞争审查。', ['市市场监管局'], [], '每季度'],
    ]);
    expect(r.plan.sections.map((s) => [s.key, s.title, s.line])).toEqual([
      ['一', '提升政务服务效能', 3],
      ['二', '优化市场环境', 7],
    ]);
    expect(r.plan.tasks.map((t) => t.line)).toEqual([4, 5, 6, 8]);
  });

  it('--sheet names the sheet; an unknown one lists the sheets', async () => {
    const src = await planSourceOfBuffer(
      await makeXlsx([SHEET, { ...SHEET, name: '第二批', rows: SHEET.rows.slice(0, 4) }]),
      'plan.xlsx',
    );
    expect(parsePlanDocument(src.doc, { sheet: '第二批' }).plan.tasks).toHaveLength(1);
    expect(parsePlanDocument(src.doc, { sheet: '2' }).plan.tasks).toHaveLength(1);
    expect(parsePlanDocument(src.doc, { sheet: '第三批' }).issues[0]!.message).toBe(
      '没有名为「第三批」的工作表：文件中的工作表为 1「任务清单」、2「第二批」',
    );
  });

  it('--columns overrides header words the reader does not know', async () => {
    const rows = [
      ['编码', '事项', '主办', '协同', '期限'],
      ['1', '开展公平竞争审查。', '市市场监管局', '市发改委', '2024年底前'],
    ];
    const src = await planSourceOfBuffer(await makeXlsx([{ name: 'S', rows }]), 'x.xlsx');
    const refused = parsePlanDocument(src.doc);
    expect(refused.issues.map((i) => i.message).join('\n')).toMatch(/没有可识别的表头/);
    const cols = parseColumnsOption('number=A,task=B,lead=C,co=D,deadline=E');
    if (typeof cols === 'string') throw new Error(cols);
    const r = parsePlanDocument(src.doc, { columns: cols });
    expect(r.issues.filter((i) => i.field !== '标题')).toEqual([]);
    expect(r.plan.tasks.map(view)).toEqual([['1', '开展公平竞争审查。', ['市市场监管局'], ['市发改委'], '2024年底前']]);
  });

  it('a header cell it cannot read is quoted with its cell', async () => {
    const rows = [
      ['序号', '重点任务', '牵头单位', '责任人', '完成时限'],
      ['1', '开展公平竞争审查。', '市市场监管局', '张三', '2024年底前'],
    ];
    const r = parsePlanDocument((await planSourceOfBuffer(await makeXlsx([{ name: 'S', rows }]), 'x.xlsx')).doc);
    expect(r.issues).toContainEqual({
      line: 1,
      field: '表头',
      message: expect.stringMatching(/^表头S!D1「责任人」不是可识别的表头用语/),
    });
  });

  it('a row with more cells than the header names its cells', async () => {
    const rows = [
      ['序号', '重点任务', '牵头单位', '完成时限'],
      ['1', '开展公平竞争审查。', '市市场监管局', '2024年底前', '多出的一格'],
    ];
    const r = parsePlanDocument((await planSourceOfBuffer(await makeXlsx([{ name: 'S', rows }]), 'x.xlsx')).doc);
    expect(r.issues).toContainEqual({
      line: 2,
      field: '表格',
      message: expect.stringMatching(/S!E2「多出的一格」 不在任何表头列下/),
    });
  });

  it('a plan without a deadline column is refused unless --default-deadline', async () => {
    const rows = [
      ['序号', '重点任务', '牵头单位', '配合单位'],
      ['1', '开展公平竞争审查。', '市市场监管局', '市发改委'],
    ];
    const doc = (await planSourceOfBuffer(await makeXlsx([{ name: '2024年重点工作', rows }]), 'x.xlsx')).doc;
    expect(parsePlanDocument(doc).issues).toContainEqual({
      line: 2,
      field: '完成时限',
      message: expect.stringMatching(/^方案没有完成时限列.*--default-deadline 2024年底前/),
    });
    expect(parsePlanDocument(doc, { defaultDeadline: '2024年底前' }).plan.tasks[0]!.deadlinePhrase).toBe('2024年底前');
  });
});

describe('.docx through mammoth', () => {
  it('reads the table under the title, with a vertically merged lead and a merged section row', async () => {
    const buf = await makeDocx(
      [
        '示范市人民政府办公室关于印发示范市2024年优化营商环境重点工作要点的通知',
        '示范市2024年优化营商环境',
        '重点工作要点',
      ],
      [
        [
          ['序号', '重点任务', '牵头单位', '责任单位', '完成时限'],
          [{ text: '一、提升政务服务效能', colSpan: 5 }],
          [
            '1',
            '推进“一网通办”。',
            { text: '市政数局', vMerge: 'restart' },
            '市发改委、各县（区）人民政府',
            '2024年底前',
          ],
          ['2', '优化企业开办服务。', { text: '', vMerge: 'continue' }, '市公安局', '2024年6月底前'],
          [{ text: '二、优化市场环境', colSpan: 5 }],
          ['3', '开展公平竞争审查。', '市市场监管局', '', '长期'],
        ],
      ],
    );
    const src = await planSourceOfBuffer(buf, 'plan.docx');
    expect(src.encoding).toBe('docx');
    const r = parsePlanDocument(src.doc);
    expect(r.issues).toEqual([]);
    expect(r.plan.layout).toBe('word-table');
    expect(r.plan.title).toBe('示范市2024年优化营商环境重点工作要点');
    expect(r.plan.issuer).toBe('示范市人民政府办公室');
    expect(r.plan.tasks.map(view)).toEqual([
      ['1', '推进“一网通办”。', ['市政数局'], ['市发改委', '各县（区）人民政府'], '2024年底前'],
      ['2', '优化企业开办服务。', ['市政数局'], ['市公安局'], '2024年6月底前'],
      ['3', '开展公平竞争审查。', ['市市场监管局'], [], '长期'],
    ]);
    expect(r.plan.sections.map((s) => s.title)).toEqual(['提升政务服务效能', '优化市场环境']);
  });
});

describe('formats that cannot be read', () => {
  it.each([
    ['plan.doc', /旧版 Word 文档 \(\.doc\).*另存为」\.docx/],
    ['plan.wps', /WPS 文字文档 \(\.wps\).*\.docx/],
    ['plan.et', /WPS 表格 \(\.et\).*\.xlsx/],
    ['plan.xls', /旧版 Excel 工作簿 \(\.xls\).*\.xlsx/],
  ])('%s is refused with what to save it as', async (name, message) => {
    await expect(planSourceOfBuffer(Buffer.from('任意内容'), name)).rejects.toThrow(message);
  });

  it('an old binary Office file under another name is refused too', async () => {
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    await expect(planSourceOfBuffer(ole, 'plan.txt')).rejects.toThrow(
      /旧版 Office\/WPS 二进制文件.*另存为 \.docx 或 \.xlsx/,
    );
  });
});

describe('.csv (a spreadsheet saved as CSV)', () => {
  it('reads like a sheet, quoted multi-line cells included; messages name the cell', async () => {
    const csv =
      '序号,重点任务,牵头单位,配合单位,完成时限\n一、质量提升,,,,\n1,"开展质量提升行动，\n落实要求。",市市场监管局,"市工信局\n市商务局",2024年底前\n2,推进标准化建设。,市工信局,,长期,多余\n';
    const src = await planSourceOfBuffer(Buffer.from(csv), 'plan.csv');
    const r = parsePlanDocument(src.doc);
    expect(r.plan.layout).toBe('sheet');
    expect(r.plan.tasks.map(view)[0]).toEqual([
      '1',
      '开展质量提升行动，落实要求。',
      ['市市场监管局'],
      ['市工信局', '市商务局'],
      '2024年底前',
    ]);
    expect(r.issues.filter((i) => i.field !== '标题')).toEqual([
      {
        line: 6,
        field: '表格',
        message: '这一行在表头的 5 列之外还有内容：F6「多余」 不在任何表头列下；请检查是否错行或多了分隔符',
      },
    ]);
  });
});
