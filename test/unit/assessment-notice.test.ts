/** The annual assessment's email (notice kind `assessment`): subject, grade line, best/lagging table, the bulletin quoted in full. */
import { renderNotice, type AssessmentMessage, type NoticeMessageInput } from '../../domain/messages';

const ZONE = 'Asia/Shanghai';
const BULLETIN = [
  '# 关于2025年度质量强市建设重点工作任务落实情况的通报',
  '',
  '各县(区)人民政府、开发区管委会，湾里管理局，市直各有关单位：',
  '',
  '## 三、工作滞后的单位',
  '',
  '1. 市<商务>局（40分，D等，第6名）：逾期未完成12项（扣60分）。',
  '',
].join('\n');

const rows: AssessmentMessage['rows'] = [
  { rank: 1, unit: '市统计局', score: 99, grade: 'A' },
  { rank: 1, unit: '市审计局', score: 99, grade: 'A' },
  { rank: 3, unit: '市市场监管局', score: 85.5, grade: 'B' },
  { rank: 4, unit: '市工信局', score: 81.25, grade: 'B' },
  { rank: 5, unit: '东湖区人民政府', score: 62, grade: 'C' },
  { rank: 6, unit: '市<商务>局', score: 40, grade: 'D' },
];
const grades = [
  { grade: 'A', label: '优秀' },
  { grade: 'B', label: '良好' },
  { grade: 'C', label: '合格' },
  { grade: 'D', label: '不合格' },
];

function render(a: Partial<AssessmentMessage> = {}, more: Partial<NoticeMessageInput> = {}) {
  return renderNotice({
    kind: 'assessment',
    key: 'notice-assessment-2025-0123456789ab-assessment-1767196800000',
    zone: ZONE,
    issuedAt: '2026-11-26T01:00:00.000Z',
    noticeDueAt: '2025-12-31T16:00:00.000Z',
    sender: '南昌市质量强市领导小组办公室',
    assessment: {
      year: 2025,
      label: '2025年度',
      asOf: '2025-12-31T16:00:00.000Z',
      interim: false,
      rows,
      grades,
      top: 3,
      lagging: 2,
      bulletin: BULLETIN,
      files: ['assessment-2025.xlsx', 'assessment-2025-summary.csv'],
      digest: 'sha256:0123456789abcdef0123456789abcdef',
      ...a,
    },
    ...more,
  });
}

test('subject and title name the year; a closed year is judged as of 31 December', () => {
  const m = render();
  expect(m.subject).toBe('【年度考核】2025年度质量强市建设重点工作任务考核结果');
  expect(m.text).toContain('市质量强市领导小组各位领导，领导小组办公室：');
  expect(m.text).toContain('基准时点：2025年12月31日');
  expect(m.text).toContain(
    '共对6个责任单位评分，其中A等（优秀）2个，B等（良好）2个，C等（合格）1个，D等（不合格）1个。',
  );
  expect(m.text).toContain('附件：assessment-2025.xlsx、assessment-2025-summary.csv');
  expect(m.text).toContain('结果校验码：0123456789abcdef');
});

test('a mid-year run says so in the subject and the as-of line', () => {
  const m = render({ asOf: '2025-12-20T01:00:00.000Z', interim: true });
  expect(m.subject).toBe('【年度考核】2025年度质量强市建设重点工作任务考核结果（截至2025年12月20日）');
  expect(m.text).toContain('基准时点：2025年12月20日（阶段性结果）');
});

test('the table lists the best units (top grades, best first) and the lagging ones (worst first), with shared ranks', () => {
  const m = render();
  const table = m.text.split('\n').filter((l) => /^\d+\. 类别：(表现较好|工作滞后)/.test(l));
  expect(table).toEqual([
    '1. 类别：表现较好；排名：1；责任单位：市统计局；得分：99；等次：A',
    '2. 类别：表现较好；排名：1；责任单位：市审计局；得分：99；等次：A',
    '3. 类别：表现较好；排名：3；责任单位：市市场监管局；得分：85.5；等次：B',
    '4. 类别：工作滞后；排名：6；责任单位：市<商务>局；得分：40；等次：D',
    '5. 类别：工作滞后；排名：5；责任单位：东湖区人民政府；得分：62；等次：C',
  ]);
  expect(m.html).toContain(
    '<td style="border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top">市&lt;商务&gt;局</td>',
  );
});

test('the bulletin is quoted in full after the table: words exact, heading marks dropped, escaped in HTML', () => {
  const m = render();
  const text = m.text;
  expect(text.indexOf('工作滞后；排名：6')).toBeLessThan(text.indexOf('通报草稿 ='));
  expect(text).toContain('关于2025年度质量强市建设重点工作任务落实情况的通报\n');
  expect(text).not.toContain('# 关于');
  expect(text).toContain('1. 市<商务>局（40分，D等，第6名）：逾期未完成12项（扣60分）。');
  expect(m.html).toContain('font-weight:bold;font-size:16px">关于2025年度质量强市建设重点工作任务落实情况的通报</p>');
  expect(m.html).toContain('1. 市&lt;商务&gt;局（40分，D等，第6名）');
  expect(m.html).not.toContain('<商务>');
});

test('without a bulletin or grade bands it still reads: grades from the rows, ranks from the order', () => {
  const m = render({
    bulletin: null,
    grades: undefined,
    rows: [
      { unit: '市市场监管局', score: 96, grade: 'A' },
      { unit: '市工信局', score: 50, grade: 'D' },
    ],
    files: [],
    digest: null,
    asOf: undefined,
  });
  expect(m.text).not.toContain('通报草稿');
  expect(m.text).toContain('共对2个责任单位评分，其中A等1个，D等1个。表现较好和工作滞后的单位见下表。');
  expect(m.text).toContain('1. 类别：表现较好；排名：1；责任单位：市市场监管局；得分：96；等次：A');
  expect(m.text).toContain('2. 类别：工作滞后；排名：2；责任单位：市工信局；得分：50；等次：D');
  expect(m.attachments).toEqual([]);
});
