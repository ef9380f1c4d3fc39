/**
 * Reading the real published plan (test/fixtures/plans/nanchang-quality-city-2024.txt, a byte-exact
 * copy of ../shared/plans/…) and a small hand-made plan with bracketed and full-width units.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parsePlanText } from '../../domain/plan/parse';
import { parseUnitsCell } from '../../domain/plan/units-cell';
import type { ParsedPlan, ParsedTask } from '../../domain/model';

const FIXTURES = path.join(__dirname, '../fixtures/plans');
const REAL_BYTES = fs.readFileSync(path.join(FIXTURES, 'nanchang-quality-city-2024.txt'));
const REAL = REAL_BYTES.toString('utf8');
const REAL_SHA256 = 'e153fd76d83f1aafe93e398a77f152b7b15981a6d6da92eb5a88f4776d1b613f';

const parsed = parsePlanText(REAL);
const plan: ParsedPlan = parsed.plan;
const task = (n: number): ParsedTask => {
  const t = plan.tasks.find((x) => x.number === n);
  if (!t) throw new Error(`no task ${n}`);
  return t;
};

describe('the real plan', () => {
  it('is the published file, byte for byte', () => {
    expect(createHash('sha256').update(REAL_BYTES).digest('hex')).toBe(REAL_SHA256);
  });

  it('reads completely, with no issues', () => {
    expect(parsed.issues).toEqual([]);
    expect(plan.title).toBe('南昌市深入推进质量强市建设实施方案');
  });

  it('has 80 tasks numbered (1)…(80), 11 sections and 24 subsections', () => {
    expect(plan.tasks.map((t) => t.number)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    const level1 = plan.sections.filter((s) => s.level === 1);
    expect(level1.map((s) => s.key)).toEqual(['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一']);
    expect(level1.map((s) => s.title)).toEqual([
      '探索质量效益型发展新路径',
      '打造产业发展质量新引擎',
      '培育产品质量新优势',
      '铸就工程质量新品质',
      '提升服务质量新高度',
      '激发企业质量发展新活力',
      '发挥质量基础设施新效能',
      '建立现代化质量治理新模式',
      '加强组织领导',
      '强化工作力度',
      '深化考核评估',
    ]);
    const level2 = plan.sections.filter((s) => s.level === 2);
    expect(level2).toHaveLength(24);
    expect(level2.map((s) => s.key).slice(0, 4)).toEqual(['一.1', '一.2', '一.3', '二.1']);
    expect(level2.every((s) => s.parentKey === s.key.split('.')[0])).toBe(true);
  });

  it('takes sections from the annex, not from the identical headings of the plan body', () => {
    // The body has (一)探索质量效益型发展新路径 on line 43; the annex's is on line 128.
    expect(plan.sections[0]).toEqual({
      key: '一',
      level: 1,
      ordinal: 1,
      title: '探索质量效益型发展新路径',
      parentKey: null,
      line: 128,
    });
    expect(plan.sections[1]).toEqual({
      key: '一.1',
      level: 2,
      ordinal: 1,
      title: '强化质量发展创新驱动',
      parentKey: '一',
      line: 130,
    });
    expect(Math.min(...plan.sections.map((s) => s.line))).toBeGreaterThan(126);
  });

  it('counts the deadline phrases as the plan writes them', () => {
    const counts: Record<string, number> = {};
    for (const t of plan.tasks) counts[t.deadlinePhrase] = (counts[t.deadlinePhrase] ?? 0) + 1;
    expect(counts).toEqual({ '2025年前': 43, 长期: 35, '2025年底前': 1, '2024年前': 1 });
    expect(task(15).deadlinePhrase).toBe('2025年底前');
    expect(task(19).deadlinePhrase).toBe('2024年前');
  });

  it.each([
    [1, '一', '一.1'],
    [3, '一', '一.1'],
    [4, '一', '一.2'],
    [10, '一', '一.3'],
    [18, '二', '二.3'],
    [45, '五', '五.3'],
    [75, '八', '八.3'],
    [76, '九', null],
    [77, '九', null],
    [78, '十', null],
    [79, '十一', null],
    [80, '十一', null],
  ])('puts task (%i) in section %s, subsection %s', (n, section, subsection) => {
    expect(task(n).section).toBe(section);
    expect(task(n).subsection).toBe(subsection);
  });

  it('reads task (1): its units in order and its bracket as a rule binding every task', () => {
    expect(task(1)).toMatchObject({
      text: '建立形成各类创新主体协同互动、创新要素顺畅流动、创新资源优化配置的全链条创新生态体系。',
      units: ['市科技局', '市工信局', '各县(区)人民政府', '开发区管委会', '湾里管理局'],
      deadlinePhrase: '2025年前',
      line: 132,
      unitsLine: 134,
      deadlineLine: 136,
    });
    expect(task(1).unitsText).toBe(
      '市科技局、市工信局、各县(区)人民政府、开发区管委会,湾里管理局[以下责任单位中均包括各县(区)人民政府、开发区管委会,湾里管理局,不再列出]',
    );
    expect(plan.rules).toEqual([
      {
        kind: 'IMPLICIT_UNITS',
        text: '[以下责任单位中均包括各县(区)人民政府、开发区管委会,湾里管理局,不再列出]',
        fromTask: 1,
        units: ['各县(区)人民政府', '开发区管委会', '湾里管理局'],
        line: 134,
      },
    ]);
  });

  it.each([
    [55, ['各县(区)人民政府', '开发区管委会', '湾里管理局']],
    [18, ['各县区质量强县(区)领导小组']],
    [
      77,
      [
        '市市场监管局',
        '市发改委',
        '市工信局',
        '市财政局',
        '市金融办',
        '市科技局',
        '市商务局',
        '市生态环境局',
        '市人社局',
      ],
    ],
    [41, ['市交通运输局', '市商务局', '市文广新旅局', '市市场监管局']],
    [79, ['市市场监管局', '市委组织部']],
  ])('reads the units of task (%i)', (n, units) => {
    expect(task(n).units).toEqual(units);
  });

  it('keeps task text exactly, including task (69) without its final period', () => {
    expect(task(69).text).toBe(
      '加强对制造业质量竞争力指数、公共服务满意度监测等质量指标综合分析,强化结果反馈和跟踪改进',
    );
    expect(task(50).text).toBe('鼓励企业积极开展质量控制(QC)小组评选、质量信得过班组等群众性质量管理活动。');
    expect(task(80).text).toBe('对质量强市建设中做出突出贡献的集体和个人,按照有关规定给予表扬。');
  });

  it('records lines that point at the cells in the file', () => {
    const lines = REAL.split('\n');
    for (const t of plan.tasks) {
      expect(lines[t.line - 1]!.trim()).toBe(`(${t.number})${t.text}`);
      expect(lines[t.unitsLine - 1]!.trim()).toBe(t.unitsText);
      expect(lines[t.deadlineLine - 1]!.trim()).toBe(t.deadlinePhrase);
    }
  });

  // Leads read off the file independently (first name of each units cell).
  const LEADS = (
    '市科技局 市科技局 市市场监管局 市工信局 市教育局 市市场监管局 市工信局 市市场监管局 市市场监管局 市农业农村局 ' +
    '市工信局 市市场监管局 市工信局 市中小企业局 市市场监管局 市市场监管局 市市场监管局 各县区质量强县(区)领导小组 市农业农村局 市农业农村局 ' +
    '市市场监管局 市市场监管局 市市场监管局 市工信局 市工信局 市科技局 市商务局 市工信局 市市场监管局 市住建局 ' +
    '市住建局 市国资委 市水利局 市水利局 市交通运输局 市交通运输局 市金融办 市科技局 市发改委 市文广新旅局 ' +
    '市交通运输局 市体育局 市政数局 市卫健委 市民政局 市市场监管局 市市场监管局 市市场监管局 市市场监管局 市市场监管局 ' +
    '市市场监管局 市发改委 市工信局 市商务局 各县(区)人民政府 市市场监管局 市市场监管局 市市场监管局 市工信局 市市场监管局 ' +
    '市商务局 市商务局 市市场监管局 市市场监管局 市市场监管局 市市场监管局 市税务局 市委组织部 市市场监管局 市市场监管局 ' +
    '市农业农村局 市市场监管局 市市场监管局 市市场监管局 市市场监管局 市质量强市领导小组办公室 市市场监管局 市质量强市领导小组办公室 市市场监管局 市质量强市领导小组办公室'
  ).split(' ');

  it('lists the lead unit first for every task', () => {
    expect(LEADS).toHaveLength(80);
    expect(plan.tasks.map((t) => t.units[0])).toEqual(LEADS);
  });

  it('splits every units cell into names that rebuild the cell', () => {
    for (const t of plan.tasks) {
      const withoutRule = plan.rules
        .filter((r) => r.fromTask === t.number)
        .reduce((s, r) => s.replace(r.text, ''), t.unitsText);
      expect(t.units.join('')).toBe(
        withoutRule.replace(/[、,，]/g, (c, i: number) => (isInsideBrackets(withoutRule, i) ? c : '')),
      );
      expect(t.units.every((u) => u.length > 0 && u === u.trim())).toBe(true);
    }
  });

  it('reads the main goals into indicators with numeric targets for 2025', () => {
    const rows = plan.indicators.map((i) => [i.code, i.name, i.targetText, i.targetValue, i.unit, i.comparator]);
    expect(rows).toEqual([
      ['I01', '数字经济核心产业增加值占GDP比重', '达到10%以上', 10, '%', 'gte'],
      ['I02', '战略性新兴产业增加值占规模以上工业比重', '达到35%', 35, '%', 'gte'],
      ['I03', '制造业质量竞争力指数', '达到89', 89, '', 'gte'],
      ['I04', '每万人口高价值发明专利拥有量', '达到5件', 5, '件', 'gte'],
      ['I05', '食用农产品监测合格率', '稳定在98%以上', 98, '%', 'gte'],
      ['I06', '食品药品评价性抽检合格率', '稳定在98%以上', 98, '%', 'gte'],
      ['I07', '制造业产品质量合格率', '达到94%以上', 94, '%', 'gte'],
      ['I08', '大中型工程项目一次验收合格率', '达到100%', 100, '%', 'gte'],
      ['I09', '公共服务质量满意度', '达到82分', 82, '分', 'gte'],
      ['I10', '参与制修订地方标准', '40项以上', 40, '项', 'gte'],
      ['I11', '国家地理标志、集体商标', '达到18个', 18, '个', 'gte'],
      ['I12', '绿色、有机和地理标志农产品有效认证总数', '达到670个以上', 670, '个', 'gte'],
      ['I13', '新增中国质量奖(提名奖)', '1个', 1, '个', 'gte'],
      ['I14', '规模以上工业企业首席质量官覆盖率', '达100%', 100, '%', 'gte'],
      ['I15', '入驻服务机构', '300家以上', 300, '家', 'gte'],
    ]);
    expect(new Set(plan.indicators.map((i) => i.targetYear))).toEqual(new Set([2025]));
    expect(plan.indicators[0]).toMatchObject({ goal: '经济发展质量效益持续增强', line: 31 });
    expect(plan.indicators[14]).toMatchObject({ goal: '质量基础设施和质量治理更加现代高效', line: 37 });
    // Qualitative goals carry no number and are not indicators.
    expect(plan.indicators.some((i) => i.name.includes('制造业占GDP比重'))).toBe(false);
  });

  it('finds the goals paragraph even when 主要目标 is mentioned earlier on the page', () => {
    const r = parsePlanText('栏目：主要目标 | 政策文件\n' + REAL);
    expect(r.issues).toEqual([]);
    expect(r.plan.indicators.map((i) => i.line)).toEqual(plan.indicators.map((i) => i.line + 1));
  });

  it('refuses a target it cannot read, naming the goal line', () => {
    const lines = REAL.split('\n');
    lines[30] = lines[30]!.replace('达到5件', '达到5倍');
    const r = parsePlanText(lines.join('\n'));
    expect(r.issues).toEqual([
      {
        line: 31,
        field: '主要目标',
        message: expect.stringMatching(/无法读取目标值「每万人口高价值发明专利拥有量达到5倍」/),
      },
    ]);
  });

  it('parses in a few milliseconds', () => {
    parsePlanText(REAL);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) parsePlanText(REAL);
    expect((performance.now() - t0) / 10).toBeLessThan(25);
  });
});

function isInsideBrackets(s: string, at: number): boolean {
  let depth = 0;
  for (let i = 0; i < at; i++) {
    if ('(（[【'.includes(s[i]!)) depth++;
    else if (')）]】'.includes(s[i]!)) depth--;
  }
  return depth > 0;
}

describe('a small hand-made plan (bracketed units, full-width punctuation, tab cells)', () => {
  const { plan: small, issues } = parsePlanText(fs.readFileSync(path.join(FIXTURES, 'bracketed-units.txt'), 'utf8'));

  it('reads without issues', () => {
    expect(issues).toEqual([]);
    expect(small.title).toBe('某市推进示范建设实施方案');
  });

  it('keeps 各县(市、区)人民政府 whole and splits on 、，, outside brackets', () => {
    expect(small.tasks[0]!.units).toEqual(['市发改委', '各县(市、区)人民政府', '市财政局', '市教育局']);
    expect(small.tasks[1]!.units).toEqual(['各县（市、区）人民政府', '开发区管委会[筹]']);
    expect(small.tasks[2]!.units).toEqual(['市科技局', '市工信局（牵头）']);
  });

  it('reads a full-width rule bracket 【…】 as a rule', () => {
    expect(small.rules).toEqual([
      {
        kind: 'IMPLICIT_UNITS',
        text: '【以下责任单位中均包括各县（市、区）人民政府，开发区管委会，不再列出】',
        fromTask: 1,
        units: ['各县（市、区）人民政府', '开发区管委会'],
        line: 17,
      },
    ]);
  });

  it('recognises （１）, （2）, (3), 1、 and 2． and keeps the text as written', () => {
    expect(small.tasks.map((t) => [t.number, t.text, t.subsection])).toEqual([
      [1, '第一项任务，含全角标点。', '一.1'],
      [2, '第二项任务', '一.1'],
      [3, '第三项任务。', '一.2'],
    ]);
    expect(small.sections.map((s) => [s.key, s.title, s.line])).toEqual([
      ['一', '示范分类', 14],
      ['一.1', '示范小类', 15],
      ['一.2', '第二小类', 22],
    ]);
  });

  it('captures an unknown deadline phrase as the phrase (validation judges it later)', () => {
    expect(small.tasks[1]).toMatchObject({ deadlinePhrase: '2026年三季度前', deadlineLine: 21 });
  });

  it('reads tab-separated cells on one line', () => {
    expect(small.tasks[2]).toMatchObject({ line: 23, unitsLine: 23, deadlineLine: 23, deadlinePhrase: '长期' });
  });

  it('reads full-width digits and ％ in goals', () => {
    expect(
      small.indicators.map((i) => [i.name, i.targetText, i.targetValue, i.unit, i.comparator, i.targetYear]),
    ).toEqual([
      ['示范覆盖率', '达到９５％以上', 95, '%', 'gte', 2026],
      ['示范指数', '达到７０', 70, '', 'gte', 2026],
    ]);
  });
});

describe('parseUnitsCell', () => {
  it.each<[string, string[]]>([
    ['市科技局', ['市科技局']],
    ['市科技局、市工信局', ['市科技局', '市工信局']],
    ['市A，市B,市C、市D', ['市A', '市B', '市C', '市D']],
    ['各县(市、区)人民政府、市发改委', ['各县(市、区)人民政府', '市发改委']],
    ['各县（市，区）人民政府,市发改委', ['各县（市，区）人民政府', '市发改委']],
    ['各县(区）人民政府、市发改委', ['各县(区）人民政府', '市发改委']],
    ['市A[甲、乙]、市B【丙,丁】', ['市A[甲、乙]', '市B【丙,丁】']],
    ['  市A 、　市B　', ['市A', '市B']],
  ])('%s → %j', (cell, units) => {
    const r = parseUnitsCell(cell);
    expect(r.problems).toEqual([]);
    expect(r.units).toEqual(units);
    expect(r.rules).toEqual([]);
  });

  it.each<[string, string[], string[]]>([
    [
      '湾里管理局[以下责任单位中均包括各县(区)人民政府、开发区管委会,湾里管理局,不再列出]',
      ['湾里管理局'],
      ['各县(区)人民政府', '开发区管委会', '湾里管理局'],
    ],
    ['市A、［以下责任单位均包括甲，乙，不再列出］、市B', ['市A', '市B'], ['甲', '乙']],
    ['市A【以下责任单位中均包含甲、乙，不再单独列出】', ['市A'], ['甲', '乙']],
    ['市A（以下责任单位中均包括甲，不再列出）', ['市A'], ['甲']],
  ])('takes the rule out of %s', (cell, units, ruleUnits) => {
    const r = parseUnitsCell(cell);
    expect(r.problems).toEqual([]);
    expect(r.units).toEqual(units);
    expect(r.rules.map((x) => x.units)).toEqual([ruleUnits]);
    expect(cell).toContain(r.rules[0]!.text);
  });

  it.each([
    ['市A、、市B', /第2个单位名称为空/],
    ['市A、', /第2个单位名称为空/],
    ['市A(区', /括号不配对/],
    ['市A)、市B', /括号不配对/],
    ['[以下责任单位中均包括甲,不再列出]', /责任单位为空/],
    ['市A[以下单位包括甲但格式不对列出]', /无法读取规则括号/],
  ])('reports a problem with %s', (cell, problem) => {
    expect(parseUnitsCell(cell).problems.join('\n')).toMatch(problem);
  });
});
