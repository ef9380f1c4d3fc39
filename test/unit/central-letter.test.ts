/**
 * The summary letter (督办汇总函) to the Office or the leadership: one email for their share of a
 * moment's notices to many units, as its reader reads it.
 */
import { centralLetterRows, renderCentralLetter, type NoticeMessageInput } from '../../domain/messages';

const ZONE = 'Asia/Shanghai';
const PLAN = '南昌市关于深入推进质量强市建设的实施方案';
const SENDER = '南昌市质量强市领导小组办公室';
const MOMENT = '2026-12-17T01:00:00.000Z';

function chase(n: number, unit: string): NoticeMessageInput {
  return {
    kind: 'report_chase',
    key: `k-${n}`,
    zone: ZONE,
    issuedAt: '2026-12-17T01:01:00.000Z',
    noticeDueAt: MOMENT,
    sender: SENDER,
    unit,
    assignmentId: `a${n}`,
    link: `https://duban.example/assignments/a${n}`,
    level: 1,
    period: '2026Q4',
    dueAt: '2027-01-10T15:59:59.999Z',
    task: {
      number: n,
      text: `第${n}项任务的内容。`,
      deadlinePhrase: '长期',
      dueAt: null,
      kind: 'standing',
      role: 'LEAD',
      planTitle: PLAN,
    },
  };
}

function supervision(n: number, unit: string, colour: 'RED' | 'ORANGE'): NoticeMessageInput {
  const c = chase(n, unit);
  return {
    ...c,
    kind: 'supervision',
    slip: { number: `督〔2026〕${String(n).padStart(4, '0')}号`, colour },
    task: { ...c.task!, deadlinePhrase: '2025年前', dueAt: '2025-12-31T15:59:59.999Z', kind: 'deadline' },
  };
}

const base = {
  key: 'letter-office',
  zone: ZONE,
  issuedAt: '2026-12-17T01:01:00.000Z',
  sender: SENDER,
  moment: MOMENT,
  dashboard: 'https://duban.example/',
};

describe('summary letter to the Office', () => {
  const entries = [chase(5, '市市场监管局'), supervision(7, '南昌县人民政府', 'RED'), chase(3, '市市场监管局')];

  it('lists every item with its unit, linked to the task’s dashboard page, and counts units and slips', () => {
    const m = renderCentralLetter({ ...base, recipient: '市质量强市领导小组办公室', leadership: false, entries });
    expect(m.subject).toBe('【督办汇总】催办2项、红色督办1项，涉及2个单位');
    expect(m.text).toContain('市质量强市领导小组办公室：');
    expect(m.text).toContain(
      `2026年12月17日（星期四） 09:00，《${PLAN}》督办事项共3项，涉及2个单位，已分别以单位督办函送达各单位；按督办程序抄送办公室，汇总如下。`,
    );
    expect(m.text).toContain('本轮涉及督办单：红色1张');
    // by unit, then task; each row opens the task's page
    const lines = m.text.split('\n').filter((l) => /^\d+\. 责任单位：/.test(l));
    expect(lines).toEqual([
      '1. 责任单位：南昌县人民政府；任务：(7)；事项：红色督办；时限：2025年前（2025年12月31日）；督办单：督〔2026〕0007号（红色）；查看：https://duban.example/assignments/a7',
      '2. 责任单位：市市场监管局；任务：(3)；事项：催办（2026年第四季度进展报告）；时限：2027年1月10日（星期日）前报送；查看：https://duban.example/assignments/a3',
      '3. 责任单位：市市场监管局；任务：(5)；事项：催办（2026年第四季度进展报告）；时限：2027年1月10日（星期日）前报送；查看：https://duban.example/assignments/a5',
    ]);
    expect(m.text).toContain('打开督办工作台：https://duban.example/');
    expect(m.html).toContain('href="https://duban.example/assignments/a7"');
    // no calendar: the Office does not report
    expect(m.attachments).toEqual([]);
    expect(m.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('to the leadership: 报领导小组阅知, and no call to act', () => {
    const m = renderCentralLetter({ ...base, recipient: '市质量强市领导小组', leadership: true, entries });
    expect(m.text).toContain('市质量强市领导小组：');
    expect(m.text).toContain('按督办程序报领导小组阅知，汇总如下。');
    expect(m.text).toContain('各单位办理情况可在督办工作台查阅。');
  });

  it('a long letter counts the items per unit in the body and names the attached list', () => {
    const many = [
      ...Array.from({ length: 30 }, (_, k) => chase(k + 1, '市市场监管局')),
      ...Array.from({ length: 12 }, (_, k) => supervision(k + 31, '南昌县人民政府', k < 10 ? 'RED' : 'ORANGE')),
    ];
    const m = renderCentralLetter({
      ...base,
      recipient: '市质量强市领导小组办公室',
      leadership: false,
      entries: many,
      listFile: '市质量强市领导小组办公室督办事项汇总清单.xlsx',
    });
    expect(m.subject).toBe('【督办汇总】催办30项、红色督办10项、橙色督办2项，涉及2个单位');
    expect(m.text).toContain(
      '事项较多，下表按单位汇总；逐项清单见附件《市质量强市领导小组办公室督办事项汇总清单.xlsx》。',
    );
    const lines = m.text.split('\n').filter((l) => /^\d+\. 责任单位：/.test(l));
    expect(lines).toEqual([
      '1. 责任单位：南昌县人民政府；事项：红色督办10项、橙色督办2项；督办单：红色10张、橙色2张',
      '2. 责任单位：市市场监管局；事项：催办30项',
    ]);
    expect(centralLetterRows(many)).toHaveLength(42);
  });
});

describe('the summary letter’s attached list', () => {
  it('has one row per item with its unit, in the letter’s order, text kept exactly', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const { letterWorkbook } = await import('../../app/notices/letter-file');
    const rows = centralLetterRows([chase(5, '市市场监管局'), supervision(7, '南昌县人民政府', 'RED')]);
    const file = await letterWorkbook(
      { unit: '市质量强市领导小组办公室', issuedAt: base.issuedAt, zone: ZONE, sender: SENDER },
      rows,
      true,
    );
    expect(file.filename).toBe('市质量强市领导小组办公室督办事项汇总清单.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.content as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const values = (r: number) => (ws.getRow(r).values as unknown[]).slice(1).map((v) => (v ?? '') as string | number);
    expect(values(1)[0]).toBe(`市质量强市领导小组办公室督办事项汇总清单（2026年12月17日，${SENDER}）`);
    expect(values(2)).toEqual(['序号', '责任单位', '任务', '事项', '任务内容', '单位角色', '时限', '督办单']);
    expect(values(3)).toEqual([
      1,
      '南昌县人民政府',
      7,
      '红色督办',
      '第7项任务的内容。',
      '牵头',
      '2025年前（2025年12月31日）',
      '督〔2026〕0007号（红色）',
    ]);
    expect(values(4).slice(0, 4)).toEqual([2, '市市场监管局', 5, '催办（2026年第四季度进展报告）']);
  });
});
