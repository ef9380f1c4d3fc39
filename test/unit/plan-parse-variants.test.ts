/**
 * Variants of the real plan generated from it (line endings, punctuation width, blank lines), and
 * damaged copies that must be refused with the line and field of each problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlanText } from '../../domain/plan/parse';
import type { ParsedPlan, SourceIssue } from '../../domain/model';

const REAL = fs.readFileSync(path.join(__dirname, '../fixtures/plans/nanchang-quality-city-2024.txt'), 'utf8');
const LINES = REAL.split('\n');
const base = parsePlanText(REAL).plan;

/** The real file with its 1-based lines edited. */
function edit(fn: (lines: string[]) => void): string {
  const lines = [...LINES];
  fn(lines);
  return lines.join('\n');
}
const firstLines = (n: number) => LINES.slice(0, n).join('\n');

/** What a reader of the plan notices: numbers, units, phrases, sections, rules, indicators. */
function essence(p: ParsedPlan) {
  return {
    title: p.title,
    tasks: p.tasks.map((t) => [t.number, t.section, t.subsection, t.units.length, t.deadlinePhrase]),
    sections: p.sections.map((s) => [s.key, s.title]),
    rules: p.rules.map((r) => [r.fromTask, r.units.length]),
    indicators: p.indicators.map((i) => [
      i.name.replace(/（/g, '(').replace(/）/g, ')'),
      i.targetValue,
      i.unit,
      i.comparator,
    ]),
  };
}

describe('variants of the real file read the same plan', () => {
  it('CRLF line ends: same plan, same line numbers', () => {
    const r = parsePlanText(REAL.replace(/\n/g, '\r\n'));
    expect(r.issues).toEqual([]);
    expect(r.plan).toEqual(base);
  });

  it('old Mac CR line ends: same plan, same line numbers', () => {
    const r = parsePlanText(REAL.replace(/\n/g, '\r'));
    expect(r.issues).toEqual([]);
    expect(r.plan).toEqual(base);
  });

  it('no blank lines between cells: same plan, lines point at the cells', () => {
    const compact = LINES.filter((l) => l.trim() !== '');
    const r = parsePlanText(compact.join('\n'));
    expect(r.issues).toEqual([]);
    expect(essence(r.plan)).toEqual(essence(base));
    for (const t of r.plan.tasks) {
      expect(compact[t.line - 1]).toBe(`(${t.number})${t.text}`);
      expect(compact[t.deadlineLine - 1]).toBe(t.deadlinePhrase);
    }
  });

  it('extra blank lines and indentation (spaces, U+3000): same plan, shifted lines', () => {
    const loose = LINES.map((l) => (l.trim() ? `　 ${l}  ` : l)).join('\n\n\n');
    const r = parsePlanText(loose);
    expect(r.issues).toEqual([]);
    expect(r.plan.tasks.map((t) => t.text)).toEqual(base.tasks.map((t) => t.text));
    expect(r.plan.tasks[0]).toMatchObject({ line: (132 - 1) * 3 + 1, unitsLine: (134 - 1) * 3 + 1 });
  });

  it('full-width （）：，【】 and heading styles 1． 1、 （１）: same plan, text kept as written', () => {
    let n = 0;
    const wide = REAL.replace(/\(/g, '（')
      .replace(/\)/g, '）')
      .replace(/,/g, '，')
      .replace(/:/g, '：')
      .replace(/\[/g, '【')
      .replace(/\]/g, '】')
      .replace(/^(\d)\./gm, (_, d: string) => (n++ % 2 ? `${d}．` : `${d}、`))
      .replace(
        /^（(\d+)）/gm,
        (_, d: string) => `（${d.replace(/\d/g, (x) => String.fromCharCode(x.charCodeAt(0) + 0xfee0))}）`,
      );
    expect(wide).toContain('（１２）开展对标达标提升行动。');
    const r = parsePlanText(wide);
    expect(r.issues).toEqual([]);
    expect(essence(r.plan)).toEqual(essence(base));
    const t1 = r.plan.tasks[0]!;
    expect(t1.units).toEqual(['市科技局', '市工信局', '各县（区）人民政府', '开发区管委会', '湾里管理局']);
    expect(r.plan.rules[0]).toMatchObject({
      text: '【以下责任单位中均包括各县（区）人民政府、开发区管委会，湾里管理局，不再列出】',
      units: ['各县（区）人民政府', '开发区管委会', '湾里管理局'],
    });
    expect(r.plan.tasks[68]!.text).toBe(
      '加强对制造业质量竞争力指数、公共服务满意度监测等质量指标综合分析，强化结果反馈和跟踪改进',
    );
    expect(r.plan.tasks[17]!.units).toEqual(['各县区质量强县（区）领导小组']);
  });

  it('cells separated by tabs on one line: same plan', () => {
    // Join each task's three cells (text, units, deadline) into one tab-separated line.
    const compact = LINES.filter((l) => l.trim() !== '');
    const out: string[] = [];
    for (let i = 0; i < compact.length; i++) {
      if (/^\(\d+\)/.test(compact[i]!) && i > 120) {
        out.push(compact.slice(i, i + 3).join('\t'));
        i += 2;
      } else out.push(compact[i]!);
    }
    const r = parsePlanText(out.join('\n'));
    expect(r.issues).toEqual([]);
    expect(essence(r.plan)).toEqual(essence(base));
  });

  it('a units cell wrapped after 、 and a task text wrapped over two lines: same plan', () => {
    const wrapped = edit((l) => {
      // (1)'s units: 市科技局、市工信局、 / 各县(区)人民政府…; (2)'s text: 实施市级 / 重大科技项目。
      l[133] = l[133]!.replace('市科技局、市工信局、', '市科技局、市工信局、\n');
      l[137] = '(2)实施市级\n重大科技项目。';
    });
    const r = parsePlanText(wrapped);
    expect(r.issues).toEqual([]);
    expect(essence(r.plan)).toEqual(essence(base));
    expect(r.plan.tasks[0]!.units).toEqual(base.tasks[0]!.units);
    expect(r.plan.tasks[1]!.text).toBe('实施市级重大科技项目。');
  });

  it('the annex alone, without the web page around it, still needs the 附件 line and header', () => {
    const annexOnly = ['南昌市深入推进质量强市建设实施方案', ...LINES.slice(117, 677)].join('\n');
    const r = parsePlanText(annexOnly);
    expect(r.issues).toEqual([]);
    expect(r.plan.tasks).toHaveLength(80);
    expect(r.plan.indicators).toEqual([]);
  });
});

type Expected = [line: number, field: string, message: RegExp];

/** Refusals: each names every problem by line and field; the rest of the file still reads. */
const refusals: [string, () => string, Expected[]][] = [
  [
    'cut mid-annex after a units cell',
    () => firstLines(408),
    [
      [408, '完成时限', /任务\(41\)缺少完成时限.*文件结束；文件可能被截断/],
      [408, '附件', /附件在「促进生活性服务质量提品质」之后结束，但正文第81行还有「优化公共服务业质量惠民生」/],
    ],
  ],
  ['cut after a task text', () => firstLines(672), [[672, '责任单位', /任务\(80\)缺少责任单位和完成时限.*文件结束/]]],
  [
    'cut in the middle of a task text',
    () => firstLines(671) + '\n(80)对质量强市建设中做出突',
    [[672, '责任单位', /任务\(80\)缺少责任单位和完成时限/]],
  ],
  ['cut before the last section', () => firstLines(663), [[662, '附件', /正文第113行还有「深化考核评估」/]]],
  [
    'cut after the last section heading',
    () => firstLines(665),
    [[664, '分类', /一级分类「\(十一\)深化考核评估」下没有任务/]],
  ],
  [
    'cut after the annex title',
    () => firstLines(120),
    [[120, '附件', /附件标题之后应为表头「工作任务」「责任单位」「完成时限」，实际为文件结束/]],
  ],
  [
    'cut before the annex (the body mentions it)',
    () => firstLines(116),
    [[115, '附件', /正文提到了附件，但未找到附件或任何支持的任务清单格式.*示例见 docs\/plan-formats\.md$/]],
  ],
  [
    'no annex at all',
    () => firstLines(114),
    [[114, '附件', /^未找到附件或任何支持的任务清单格式：没有可识别的表头.*可接受的格式：1\. 任务表格/]],
  ],
  [
    'empty file',
    () => '',
    [
      [1, '标题', /未找到方案标题/],
      [1, '附件', /未找到附件/],
    ],
  ],
  [
    'a missing task number',
    () =>
      edit((l) => {
        l[143] = l[143]!.replace('(3)', '');
      }),
    [
      [144, '任务编号', /任务\(2\)的完成时限之后应为任务编号 \(3\) 或分类标题，实际为「实施重点产业专利导航计划/],
      [152, '任务编号', /\(2\) 之后应为 \(3\)，实际为 \(4\)/],
    ],
  ],
  [
    'a missing task number right after a heading',
    () =>
      edit((l) => {
        l[213] = l[213]!.replace('(13)', '');
      }),
    [
      [214, '任务编号', /应为任务编号（如 \(13\)）或分类标题，实际为「构建布局优化.*（是否缺少任务编号？）/],
      [220, '任务编号', /\(12\) 之后应为 \(13\)，实际为 \(14\)/],
    ],
  ],
  [
    'a missing task',
    () =>
      edit((l) => {
        l.splice(213, 6);
      }),
    [[214, '任务编号', /\(12\) 之后应为 \(13\)，实际为 \(14\)/]],
  ],
  [
    'a duplicated task',
    () =>
      edit((l) => {
        l.splice(211, 0, ...l.slice(205, 211));
      }),
    [[212, '任务编号', /任务编号 \(12\) 重复（第206行已有 \(12\)）/]],
  ],
  [
    'a missing deadline cell',
    () =>
      edit((l) => {
        l.splice(175, 1);
      }),
    [[174, '完成时限', /任务\(7\)缺少完成时限.*实际为「\(8\)推进绿色建材产品认证。」（第177行）/]],
  ],
  [
    'a missing units cell',
    () =>
      edit((l) => {
        l.splice(173, 1);
      }),
    [[175, '责任单位', /任务\(7\)缺少责任单位：工作任务之后应为责任单位，实际为完成时限「2025年前」/]],
  ],
  [
    'a wrapped deadline cell',
    () =>
      edit((l) => {
        l[175] = '2025年前完成,并持续巩固提升相关工作的成效和水平';
      }),
    [[176, '完成时限', /应为简短的时限短语/]],
  ],
  [
    'an empty unit name',
    () =>
      edit((l) => {
        l[201] = '市工信局、、市市场监管局';
      }),
    [[202, '责任单位', /任务\(11\)：责任单位的第2个单位名称为空/]],
  ],
  [
    'an unbalanced bracket in a unit',
    () =>
      edit((l) => {
        l[247] = '各县区质量强县(区领导小组';
      }),
    [[248, '责任单位', /任务\(18\)：责任单位的括号不配对/]],
  ],
  [
    'a partial task after the last one',
    () =>
      edit((l) => {
        l[676] = '(8';
      }),
    [[677, '任务编号', /最后一项任务\(80\)之后有不完整的内容「\(8」/]],
  ],
  [
    'a section number out of order',
    () =>
      edit((l) => {
        l[655] = '(十二)强化工作力度';
      }),
    [[656, '分类编号', /\(九\) 之后应为 \(十\)，实际为 \(十二\)/]],
  ],
  [
    'a subsection without tasks',
    () =>
      edit((l) => {
        l.splice(195, 0, '4.空的小类', '');
      }),
    [[196, '分类', /二级分类「4.空的小类」下没有任务/]],
  ],
  [
    'an unnumbered line right after a heading',
    () =>
      edit((l) => {
        l.splice(129, 0, '说明文字');
      }),
    [[130, '任务编号', /应为任务编号（如 \(1\)）或分类标题，实际为「说明文字」/]],
  ],
];

describe('damaged files are refused with line and field', () => {
  it.each(refusals)('%s', (_name, make, expected) => {
    const { issues } = parsePlanText(make());
    expect(issues.map((i: SourceIssue) => [i.line, i.field])).toEqual(expected.map(([line, field]) => [line, field]));
    expected.forEach(([, , message], k) => expect(issues[k]!.message).toMatch(message));
  });

  it('an unknown deadline phrase is captured as the phrase, not refused here', () => {
    const r = parsePlanText(
      edit((l) => {
        l[175] = '2026年三季度前';
      }),
    );
    expect(r.issues).toEqual([]);
    expect(r.plan.tasks[6]).toMatchObject({
      number: 7,
      deadlinePhrase: '2026年三季度前',
      deadlineLine: 176,
      units: ['市工信局'],
    });
  });

  it('web-page boilerplate after the annex is not content', () => {
    const r = parsePlanText(
      edit((l) => {
        l.splice(677, 0, '扫一扫在手机打开当前页', '', '打印本页');
      }),
    );
    expect(r.issues).toEqual([]);
    expect(r.plan.tasks).toHaveLength(80);
  });
});

describe('size', () => {
  /** A well-formed plan of about `bytes` bytes with as many tasks as fit. */
  function bigPlan(bytes: number): { text: string; tasks: number } {
    const head =
      '某市推进示范建设实施方案\n附件\n某市推进示范建设重点工作任务分工\n工作任务\n责任单位\n完成时限\n(一)示范分类\n';
    const parts = [head];
    let size = head.length * 3;
    let n = 0;
    while (size < bytes) {
      n++;
      const block = `(${n})推进质量提升工作，落实相关要求，开展专项行动。\n\n市市场监管局、市工信局、各县(区)人民政府,开发区管委会\n\n${n % 2 ? '2025年前' : '长期'}\n\n`;
      parts.push(block);
      size += Buffer.byteLength(block);
    }
    return { text: parts.join(''), tasks: n };
  }

  it('reads a 10 MB plan in linear time', () => {
    const small = bigPlan(1_000_000);
    const big = bigPlan(10_000_000);
    const t0 = performance.now();
    const rs = parsePlanText(small.text);
    const t1 = performance.now();
    const rb = parsePlanText(big.text);
    const t2 = performance.now();
    expect(rs.issues).toEqual([]);
    expect(rb.issues).toEqual([]);
    expect(rb.plan.tasks).toHaveLength(big.tasks);
    expect(rb.plan.tasks[big.tasks - 1]!.units).toHaveLength(4);
    expect(t2 - t1).toBeLessThan(5000);
    // Ten times the input: well under a hundred times the time (quadratic would be ~100×).
    expect((t2 - t1) / Math.max(t1 - t0, 1)).toBeLessThan(30);
  });

  it.each([
    ['one 10 MB line', () => '附'.repeat(3_500_000)],
    [
      'a 10 MB units cell of brackets and separators',
      () => `示范方案\n附件\n任务分工\n工作任务\n责任单位\n完成时限\n(一)类\n(1)任务\n${'(、'.repeat(1_700_000)}\n长期`,
    ],
    ['a 10 MB goal line', () => `示范方案\n(二)主要目标。到2025年\n——目标。${'指标达到1'.repeat(700_000)}\n`],
  ])('survives %s', (_name, make) => {
    const text = make();
    const t0 = performance.now();
    const r = parsePlanText(text);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.issues.length).toBeGreaterThan(0);
  });
});
