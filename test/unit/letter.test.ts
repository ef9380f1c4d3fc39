/** The unit letter (单位督办函): one email for every item of a unit's moment, as its reader reads it. */
import { letterRows, letterSummary, renderUnitLetter, type NoticeMessageInput } from '../../domain/messages';

const ZONE = 'Asia/Shanghai';
const PLAN = '南昌市关于深入推进质量强市建设的实施方案';
const given = (n: number, role: 'LEAD' | 'CO' | 'IMPLICIT', phrase = '2025年前'): NoticeMessageInput => ({
  kind: 'assignment',
  key: `k-${n}`,
  zone: ZONE,
  issuedAt: '2026-11-26T02:00:00.000Z',
  noticeDueAt: '2026-11-26T02:00:00.000Z',
  sender: '南昌市质量强市领导小组办公室',
  unit: '新建区政府',
  assignmentId: `a${n}`,
  link: `https://duban.example/f/a${n}?t=x`,
  task: {
    number: n,
    text: `第${n}项任务的内容。`,
    deadlinePhrase: phrase,
    dueAt: phrase === '长期' ? null : '2025-12-31T15:59:59.999Z',
    kind: phrase === '长期' ? 'standing' : 'deadline',
    role,
    planTitle: PLAN,
  },
});
const base = {
  key: 'letter-1',
  zone: ZONE,
  issuedAt: '2026-11-26T02:01:00.000Z',
  sender: '南昌市质量强市领导小组办公室',
};

describe('unit letter', () => {
  it('a 交办 letter lists every task with its role and time limit, links the workspace once, and counts by role', () => {
    const entries = [given(3, 'IMPLICIT', '长期'), given(1, 'LEAD'), given(2, 'CO')];
    const m = renderUnitLetter({ ...base, unit: '新建区政府', link: 'https://duban.example/w/u?t=y', entries });
    expect(m.subject).toBe('【督办函】新建区政府：任务交办3项');
    expect(m.text).toContain(
      `根据《${PLAN}》重点工作任务分工，现将涉及贵单位的3项任务交办如下（牵头1项、配合1项、属地落实1项）`,
    );
    // rows in task order, each with its role and time limit
    const lines = m.text.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('第1项任务')).toBeLessThan(at('第2项任务'));
    expect(at('第2项任务')).toBeLessThan(at('第3项任务'));
    expect(lines[at('第3项任务')]).toContain('属地落实');
    expect(lines[at('第3项任务')]).toContain('长期');
    expect(m.text).toContain('进入本单位督办事项');
    expect(m.text).toContain('https://duban.example/w/u?t=y');
    expect(m.text).not.toContain('/f/a1');
    expect(m.text).toContain('勾选后一次签收全部任务');
    // one calendar: the two dated tasks (a 长期 task has no due date)
    const ics = m.attachments.find((a) => a.filename === '新建区政府督办日程.ics');
    expect(ics).toBeDefined();
    expect(String(ics?.content).match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it('a 交办 letter says how each task reports and puts the next reports due in its calendar', () => {
    const q4 = { period: '2026Q4', dueAt: '2027-01-10T15:59:59.999Z' };
    const summary = { period: '2026Y', dueAt: '2026-12-10T15:59:59.999Z' };
    const withCalendar = (e: NoticeMessageInput, text: string, next: { period: string; dueAt: string }[]) => ({
      ...e,
      task: { ...e.task!, reporting: { text, next } },
    });
    const entries = [
      withCalendar(given(1, 'LEAD'), '每季度结束后10日内报送进展', [q4]),
      withCalendar(given(2, 'CO', '长期'), '每季度结束后10日内报送进展，每年12月10日前报送年度总结', [summary, q4]),
      withCalendar(given(3, 'LEAD', '长期'), '每月结束后5个工作日内报送进展，每年12月10日前报送年度总结', [summary]),
    ];
    const m = renderUnitLetter({ ...base, unit: '新建区政府', link: 'https://duban.example/w/u?t=y', entries });
    const lines = m.text.split('\n');
    const row = (n: number) => lines.find((l) => l.includes(`第${n}项任务的内容`))!;
    expect(row(1)).toContain('进展报送：每季度结束后10日内报送进展');
    expect(row(3)).toContain('进展报送：每月结束后5个工作日内报送进展，每年12月10日前报送年度总结');
    const ics = String(m.attachments.find((a) => a.filename === '新建区政府督办日程.ics')?.content);
    // the dated task's deadline, and one event per report due (with how many tasks report then)
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ics).toContain('DTSTART;VALUE=DATE:20270110');
    expect(ics).toContain('DTSTART;VALUE=DATE:20261210');
    expect(ics.replace(/\r\n /g, '')).toContain('SUMMARY:报送2026年第四季度进展报告（2项任务）');
    expect(ics.replace(/\r\n /g, '')).toContain('SUMMARY:报送2026年度工作总结（2项任务）');
  });

  it('without a workspace link each row keeps its own form link, and the ask says so', () => {
    const m = renderUnitLetter({
      ...base,
      unit: '新建区政府',
      link: null,
      entries: [given(1, 'LEAD'), given(2, 'CO')],
    });
    expect(m.text).toContain('https://duban.example/f/a1?t=x');
    expect(m.text).toContain('https://duban.example/f/a2?t=x');
    expect(m.text).toContain('逐项签收');
    expect(m.text).not.toContain('进入本单位督办事项');
  });

  it('a long letter keeps a summary in the body and sends readers to the attached list', () => {
    const entries = Array.from({ length: 80 }, (_, i) => given(i + 1, 'IMPLICIT'));
    const m = renderUnitLetter({
      ...base,
      unit: '新建区政府',
      link: 'https://duban.example/w/u?t=y',
      entries,
      listFile: '新建区政府任务分工表.xlsx',
    });
    expect(m.subject).toBe('【督办函】新建区政府：任务交办80项');
    expect(m.text).toContain(
      '事项较多，下表列出清单概要；各项任务内容、时限和报送要求详见附件《新建区政府任务分工表.xlsx》。',
    );
    // the summary table leaves the task texts out, every task number is listed
    expect(m.text).not.toContain('第80项任务的内容');
    expect(m.text).toContain('(80)');
    expect(letterRows(entries)).toHaveLength(80);
  });

  it('a first letter that also lists the tasks already past their time limit counts every task, then the late ones', () => {
    const catchUp: NoticeMessageInput = {
      ...given(9, 'LEAD'),
      kind: 'catchup_unit',
      key: 'k-catchup',
      task: undefined,
      items: [
        {
          task: 7,
          text: '第7项任务的内容。',
          dueAt: '2025-12-31T15:59:59.999Z',
          overdueDays: 337,
          slip: 'RED',
          slipNumber: '督〔2026〕0001号',
        },
        {
          task: 8,
          text: '第8项任务的内容。',
          dueAt: '2025-12-31T15:59:59.999Z',
          overdueDays: 337,
          slip: 'RED',
          slipNumber: '督〔2026〕0002号',
        },
      ],
    } as NoticeMessageInput;
    const m = renderUnitLetter({
      ...base,
      unit: '市市场监管局',
      link: 'https://duban.example/w/u?t=y',
      entries: [given(1, 'LEAD', '长期'), catchUp],
    });
    expect(m.subject).toBe('【督办函】市市场监管局：任务交办1项、逾期督办2项');
    expect(m.text).toContain(
      `根据《${PLAN}》重点工作任务分工，涉及贵单位的任务共3项：其中1项交办如下（牵头1项），请认真组织落实；2项已超过完成时限，列为逾期督办，请抓紧办理并报送进展。`,
    );
    expect(m.text).not.toContain('督办事项函告如下');
    expect(m.text).toContain('督〔2026〕0002号（红色）');
  });

  it('counts what is asked across kinds', () => {
    expect(
      letterSummary([
        {
          kind: 'assignment',
          what: '任务交办',
          task: 1,
          text: '',
          role: '',
          due: '',
          slip: '',
          reports: '',
          link: null,
        },
        {
          kind: 'report_reminder',
          what: '报告提醒（2026年第四季度进展报告）',
          task: 1,
          text: '',
          role: '',
          due: '',
          slip: '',
          reports: '',
          link: null,
        },
        {
          kind: 'report_reminder',
          what: '报告提醒（2026年第四季度进展报告）',
          task: 2,
          text: '',
          role: '',
          due: '',
          slip: '',
          reports: '',
          link: null,
        },
      ]),
    ).toBe('任务交办1项、报告提醒2项');
  });
});
