/**
 * Plans in other shapes than the Nanchang annex, written for these tests (docs/plan-formats.md has
 * the same minimal examples): tables with other header words pasted with tabs or ` | ` or flattened
 * one cell per line, labelled paragraphs, inline brackets, numbering that restarts per section,
 * notes in unit cells, several leads, wrapped cells. Each is read into the same tasks.
 */
import { parsePlanText, type PlanParseResult } from '../../domain/plan/parse';
import type { ParsedTask } from '../../domain/model';

const HEAD =
  '示范市人民政府办公室文件\n示范市人民政府办公室关于印发示范市2024年优化营商环境重点工作要点的通知\n各县（区）人民政府，市政府各部门：\n现将《示范市2024年优化营商环境重点工作要点》印发给你们，请认真贯彻落实。\n示范市2024年优化营商环境重点工作要点\n';

/** What a reader checks of a task: identity, number as written, units with roles, deadline. */
const view = (t: ParsedTask) => ({
  path: t.path,
  label: t.label,
  text: t.text,
  lead: t.units.slice(0, t.leads),
  co: t.units.slice(t.leads),
  deadline: t.deadlinePhrase,
});

function ok(r: PlanParseResult) {
  expect(r.issues).toEqual([]);
  return r.plan;
}

const TASKS = [
  {
    path: '1',
    label: '1',
    text: '推进“一网通办”，实现高频事项全程网办。',
    lead: ['市政数局'],
    co: ['市发改委', '各县（区）人民政府'],
    deadline: '2024年底前',
  },
  {
    path: '2',
    label: '2',
    text: '优化企业开办服务，压缩办理时间。',
    lead: ['市市场监管局', '市政数局'],
    co: ['市公安局'],
    deadline: '2024年6月底前',
  },
  { path: '3', label: '3', text: '开展公平竞争审查。', lead: ['市市场监管局'], co: [], deadline: '长期' },
];

describe('an annex table with other header words', () => {
  it('tab-separated (an Excel paste), a wrapped cell in Excel quotes, an empty co-units cell, notes', () => {
    const text =
      HEAD +
      '序号\t重点任务\t牵头单位\t配合单位\t完成时限\t备注\n' +
      '一、提升政务服务效能\n' +
      '1\t推进“一网通办”，实现高频事项全程网办。\t市政数局\t市发改委、各县（区）人民政府\t2024年底前\t\n' +
      '2\t"优化企业开办服务，\n压缩办理时间。"\t市市场监管局、市政数局\t市公安局\t2024年6月底前\t\n' +
      '二、优化市场环境\n' +
      '3\t开展公平竞争审查。\t市市场监管局\t\t长期\t每季度调度一次\n';
    const plan = ok(parsePlanText(text));
    expect(plan.layout).toBe('tab-table');
    expect(plan.title).toBe('示范市2024年优化营商环境重点工作要点');
    expect(plan.issuer).toBe('示范市人民政府办公室');
    expect(plan.tasks.map(view)).toEqual(TASKS);
    expect(plan.sections.map((s) => [s.key, s.level, s.title])).toEqual([
      ['一', 1, '提升政务服务效能'],
      ['二', 1, '优化市场环境'],
    ]);
    expect(plan.tasks.map((t) => [t.number, t.section, t.line])).toEqual([
      [1, '一', 8],
      [2, '一', 9],
      [3, '二', 12],
    ]);
  });

  it('` | ` separated (a web table copied as text), with a Markdown rule line', () => {
    const text =
      HEAD +
      '| 序号 | 具体措施 | 牵头单位 | 责任单位 | 时间节点 |\n| --- | --- | --- | --- | --- |\n' +
      '| 一、提升政务服务效能 | | | | |\n' +
      '| 1 | 推进“一网通办”，实现高频事项全程网办。 | 市政数局 | 市发改委、各县（区）人民政府 | 2024年底前 |\n' +
      '| 2 | 优化企业开办服务，压缩办理时间。 | 市市场监管局、市政数局 | 市公安局 | 2024年6月底前 |\n' +
      '二、优化市场环境\n' +
      '| 3 | 开展公平竞争审查。 | 市市场监管局 |  | 长期 |\n';
    const plan = ok(parsePlanText(text));
    expect(plan.layout).toBe('pipe-table');
    expect(plan.tasks.map(view)).toEqual(TASKS);
    expect(plan.sections.map((s) => s.title)).toEqual(['提升政务服务效能', '优化市场环境']);
  });

  it('flattened one cell per line, with blank lines, a wrapped units cell and an empty co cell', () => {
    const text =
      HEAD +
      '序号\n\n任务内容\n\n牵头单位\n\n协办单位\n\n完成时间\n\n' +
      '一、提升政务服务效能\n\n' +
      '1\n推进“一网通办”，实现高频事项全程网办。\n市政数局\n市发改委、\n各县（区）人民政府\n2024年底前\n\n' +
      '2\n优化企业开办服务，压缩办理时间。\n市市场监管局、市政数局\n市公安局\n2024年6月底前\n\n' +
      '二、优化市场环境\n\n' +
      '3\n开展公平竞争审查。\n市市场监管局\n长期\n';
    const plan = ok(parsePlanText(text));
    expect(plan.layout).toBe('annex-table');
    expect(plan.tasks.map(view)).toEqual(TASKS);
  });

  it('flattened without a 序号 column: numbered task cells, headings are numbered cells followed by a numbered cell', () => {
    const text =
      HEAD +
      '重点任务\n责任单位\n完成时限\n' +
      '一、提升政务服务效能\n（一）推进“一网通办”，实现高频事项全程网办。\n市政数局、市发改委\n2024年底前\n（二）开展公平竞争审查。\n市市场监管局\n长期\n';
    const plan = ok(parsePlanText(text));
    expect(plan.tasks.map((t) => [t.path, t.text, t.units, t.leads, t.deadlinePhrase])).toEqual([
      ['1', '推进“一网通办”，实现高频事项全程网办。', ['市政数局', '市发改委'], 1, '2024年底前'],
      ['2', '开展公平竞争审查。', ['市市场监管局'], 1, '长期'],
    ]);
    expect(plan.sections.map((s) => s.title)).toEqual(['提升政务服务效能']);
  });
});

describe('labelled paragraphs', () => {
  const text =
    HEAD +
    '一、总体要求\n（一）指导思想。坚持以人民为中心。\n二、重点任务\n（一）提升政务服务效能\n' +
    '1. 推进“一网通办”，\n实现高频事项全程网办。\n牵头单位：市政数局\n配合单位：市发改委、各县（区）人民政府\n完成时限：2024年底前\n' +
    '2. 优化企业开办服务，压缩办理时间。\n牵头单位：市市场监管局、市政数局；责任单位：市公安局；时限要求：2024年6月底前\n' +
    '（二）优化市场环境\n3. 开展公平竞争审查。\n牵头单位：市市场监管局\n完成时限：长期\n';

  it('reads the numbered tasks and their label lines; the body headings without tasks are not sections', () => {
    const plan = ok(parsePlanText(text));
    expect(plan.layout).toBe('labelled');
    expect(plan.tasks.map(view)).toEqual(TASKS);
    expect(plan.sections.map((s) => [s.key, s.level, s.title])).toEqual([
      ['二', 1, '重点任务'],
      ['二.一', 2, '提升政务服务效能'],
      ['二.二', 2, '优化市场环境'],
    ]);
    expect(plan.tasks[1]).toMatchObject({
      section: '二',
      subsection: '二.一',
      line: 15,
      unitsLine: 16,
      deadlineLine: 16,
    });
  });

  it('one label line after a block of tasks applies to each task of the block', () => {
    const block =
      HEAD +
      '（一）市场环境\n1. 开展公平竞争审查。\n2. 清理妨碍统一市场的规定。\n牵头单位：市市场监管局\n责任单位：市发改委\n完成时限：2024年底前\n3. 开展信用修复。\n牵头单位：市发改委\n完成时限：长期\n';
    const plan = ok(parsePlanText(block));
    expect(plan.tasks.map((t) => [t.path, t.units, t.leads, t.deadlinePhrase])).toEqual([
      ['1', ['市市场监管局', '市发改委'], 1, '2024年底前'],
      ['2', ['市市场监管局', '市发改委'], 1, '2024年底前'],
      ['3', ['市发改委'], 1, '长期'],
    ]);
  });

  it('a task of the same numbering without labels, among labelled ones, is refused with its line', () => {
    const bad =
      HEAD +
      '（一）市场环境\n1. 开展公平竞争审查。\n牵头单位：市市场监管局\n完成时限：长期\n2. 清理妨碍统一市场的规定。\n（二）信用\n3. 开展信用修复。\n牵头单位：市发改委\n完成时限：长期\n';
    const r = parsePlanText(bad);
    expect(r.issues).toEqual([
      {
        line: 10,
        field: '责任单位',
        message: expect.stringMatching(/任务「2\.清理妨碍统一市场的规定。」没有牵头单位或责任单位/),
      },
      { line: 12, field: '任务编号', message: '任务 1 之后应为 2，实际为 3' },
    ]);
  });
});

describe('inline brackets', () => {
  it('（牵头单位：…；责任单位：…） and 〔牵头单位：…，责任单位：…〕 with nested brackets inside', () => {
    const text =
      HEAD +
      '一、提升政务服务效能\n' +
      '1.推进“一网通办”，实现高频事项全程网办。（牵头单位：市政数局；责任单位：市发改委、各县（区）人民政府；完成时限：2024年底前）\n' +
      '2.优化企业开办服务，压缩办理时间。〔牵头单位：市市场监管局、市政数局，配合单位：市公安局，完成时限：2024年6月底前〕\n' +
      '二、优化市场环境\n3.开展公平竞争审查。（牵头单位：市市场监管局；完成时限：长期）\n';
    const plan = ok(parsePlanText(text));
    expect(plan.layout).toBe('inline');
    expect(plan.tasks.map(view)).toEqual(TASKS);
  });

  it('no deadline anywhere: refused, saying so, unless a default deadline is given', () => {
    const text =
      HEAD +
      '一、市场环境\n1.开展公平竞争审查。（牵头单位：市市场监管局）\n2.开展信用修复。（牵头单位：市发改委；责任单位：市财政局）\n';
    const r = parsePlanText(text);
    expect(r.issues).toEqual([
      { line: 7, field: '完成时限', message: expect.stringMatching(/方案没有完成时限.*--default-deadline/) },
    ]);
    const d = ok(parsePlanText(text, { defaultDeadline: '2024年底前' }));
    expect(d.tasks.map((t) => t.deadlinePhrase)).toEqual(['2024年底前', '2024年底前']);
  });
});

describe('numbering', () => {
  it('restarting per section: identity is the path, the 督办 number is the position, the label is as written', () => {
    const text =
      HEAD +
      '序号\t重点任务\t牵头单位\t完成时限\n' +
      '一、政务服务\n1\t任务甲。\t市政数局\t长期\n2\t任务乙。\t市政数局\t长期\n' +
      '二、市场环境\n1\t任务丙。\t市市场监管局\t长期\n';
    const plan = ok(parsePlanText(text));
    expect(plan.tasks.map((t) => [t.number, t.path, t.label])).toEqual([
      [1, '一/1', '1'],
      [2, '一/2', '2'],
      [3, '二/1', '1'],
    ]);
  });

  it('numbered once across sections: the number is the identity', () => {
    const text =
      HEAD +
      '序号\t重点任务\t牵头单位\t完成时限\n一、政务服务\n1\t任务甲。\t市政数局\t长期\n二、市场环境\n2\t任务丙。\t市市场监管局\t长期\n';
    expect(ok(parsePlanText(text)).tasks.map((t) => [t.number, t.path])).toEqual([
      [1, '1'],
      [2, '2'],
    ]);
  });

  it('a gap and a duplicate are refused with their lines', () => {
    const text =
      HEAD +
      '序号\t重点任务\t牵头单位\t完成时限\n一、政务服务\n1\t任务甲。\t市政数局\t长期\n3\t任务乙。\t市政数局\t长期\n3\t任务丙。\t市政数局\t长期\n';
    const r = parsePlanText(text);
    expect(r.issues.map((i) => [i.line, i.field])).toEqual([
      [9, '任务编号'],
      [10, '任务编号'],
    ]);
    expect(r.issues[0]!.message).toMatch(/任务 1 之后应为 2，实际为 3/);
    expect(r.issues[1]!.message).toMatch(/任务编号 3 重复（第9行已有）/);
  });

  it('headings 一、/（一）/1. nest in the order they first appear, tasks （1） below', () => {
    const text =
      HEAD +
      '工作任务\t责任单位\t完成时限\n一、总\n（一）分\n1.细\n（1）任务甲。\t市政数局\t长期\n2.细二\n（2）任务乙。\t市政数局\t长期\n（二）分二\n（3）任务丙。\t市政数局\t长期\n';
    const plan = ok(parsePlanText(text));
    expect(plan.sections.map((s) => [s.key, s.level, s.parentKey])).toEqual([
      ['一', 1, null],
      ['一.一', 2, '一'],
      ['一.一.1', 3, '一.一'],
      ['一.一.2', 3, '一.一'],
      ['一.二', 2, '一'],
    ]);
    expect(plan.tasks.map((t) => [t.path, t.section, t.subsection])).toEqual([
      ['1', '一', '一.一.1'],
      ['2', '一', '一.一.2'],
      ['3', '一', '一.二'],
    ]);
  });
});

describe('notes in unit cells', () => {
  it('（第一责任单位为牵头单位，下同） is a note, not a unit; 下同 rules bind the following tasks', () => {
    const text =
      HEAD +
      '工作任务\t责任单位\t完成时限\n一、总\n' +
      '1.任务甲。\t市政数局、市发改委（第一责任单位为牵头单位，下同）\t长期\n' +
      '2.任务乙。\t市市场监管局（均包括各县（区）人民政府，下同）\t长期\n3.任务丙。\t市财政局\t长期\n';
    const plan = ok(parsePlanText(text));
    expect(plan.tasks.map((t) => [t.units, t.leads])).toEqual([
      [['市政数局', '市发改委'], 1],
      [['市市场监管局'], 1],
      [['市财政局'], 1],
    ]);
    expect(plan.rules).toEqual([
      {
        kind: 'IMPLICIT_UNITS',
        text: '（均包括各县（区）人民政府，下同）',
        units: ['各县（区）人民政府'],
        fromTask: 2,
        line: 9,
      },
    ]);
  });

  it('a units row after a block of table rows applies to each task of the block', () => {
    const text =
      HEAD + '序号\t重点任务\t牵头单位\t完成时限\n一、总\n1\t任务甲。\t\t长期\n2\t任务乙。\t\t长期\n\t\t市政数局\t\n';
    const plan = ok(parsePlanText(text));
    expect(plan.tasks.map((t) => [t.path, t.units])).toEqual([
      ['1', ['市政数局']],
      ['2', ['市政数局']],
    ]);
  });
});

describe('forcing a layout', () => {
  it('--layout labelled on a tab table finds no labelled tasks and says so', () => {
    const text = HEAD + '序号\t重点任务\t牵头单位\t完成时限\n1\t任务甲。\t市政数局\t长期\n';
    const r = parsePlanText(text, { layout: 'labelled' });
    expect(r.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/按指定的格式 labelled 未读到任何任务.*docs\/plan-formats\.md/),
    ]);
  });
});

describe('titles', () => {
  const TABLE = '序号\t重点任务\t牵头单位\t完成时限\n1\t任务甲。\t市政数局\t长期\n';
  it.each([
    [
      "the plan's own line, not a cited plan",
      '示范市人民政府关于印发示范市质量提升若干措施的通知\n为贯彻落实《示范市质量发展规划（2021—2025年）》，制定本措施。\n示范市质量提升若干措施\n',
      '示范市质量提升若干措施',
    ],
    [
      'the 印发 line when the notice names a cited plan inside its title',
      '示范市人民政府关于印发示范市贯彻落实《江西省质量强省规划》若干措施的通知\n根据《江西省质量强省规划》，现提出以下措施。\n',
      '示范市贯彻落实《江西省质量强省规划》若干措施',
    ],
    [
      '现将《…》印发 when there is no 印发…的通知 line',
      '各部门：\n为贯彻落实《示范市质量发展规划》，现将《示范市2024年质量工作要点》印发给你们，请认真落实。\n',
      '示范市2024年质量工作要点',
    ],
    [
      'a title split over two lines',
      '示范市2024年优化营商环境\n重点任务清单\n',
      '示范市2024年优化营商环境重点任务清单',
    ],
    ['a 工作要点', '示范市2024年质量工作要点\n', '示范市2024年质量工作要点'],
  ])('%s', (_name, head, title) => {
    const r = parsePlanText(head + TABLE);
    expect(r.plan.title).toBe(title);
    expect(r.issues).toEqual([]);
  });
});

describe('a realistic 营商环境 document', () => {
  it('责任单位 lines with （排名第一的为牵头单位，下同）, an inline bracket wrapped onto the next line, a body numbered like the tasks', () => {
    const text =
      '示范市人民政府办公室文件\n示政办发〔2024〕3号\n示范市人民政府办公室关于印发示范市2024年优化营商环境若干措施的通知\n' +
      '各县（区）人民政府，市政府各部门：\n现将《示范市2024年优化营商环境若干措施》印发给你们，请认真抓好落实。\n示范市2024年优化营商环境若干措施\n' +
      '一、总体要求\n1.坚持问题导向。聚焦企业反映强烈的问题。\n2.坚持系统推进。\n' +
      '二、重点措施\n' +
      '1.压减涉企审批时限。\n责任单位：市政数局、市发改委（排名第一的为牵头单位，下同）\n完成时限：2024年6月底前\n' +
      '2.推行惠企政策“免申即享”，实现\n政策精准直达。（牵头单位：市发改委；责任单位：市财政局、\n各县（区）人民政府；完成时限：长期）\n' +
      '三、保障措施\n各地各部门要加强组织领导。\n';
    const plan = ok(parsePlanText(text));
    expect(plan).toMatchObject({ title: '示范市2024年优化营商环境若干措施', issuer: '示范市人民政府办公室' });
    expect(plan.tasks.map(view)).toEqual([
      {
        path: '1',
        label: '1',
        text: '压减涉企审批时限。',
        lead: ['市政数局'],
        co: ['市发改委'],
        deadline: '2024年6月底前',
      },
      {
        path: '2',
        label: '2',
        text: '推行惠企政策“免申即享”，实现政策精准直达。',
        lead: ['市发改委'],
        co: ['市财政局', '各县（区）人民政府'],
        deadline: '长期',
      },
    ]);
    expect(plan.sections.map((s) => s.title)).toEqual(['重点措施']);
  });
});
