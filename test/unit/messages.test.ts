/** Rendering of every notice kind: what a recipient reads, in both bodies, and the calendar file. */
import { NOTICE_KINDS, type NoticeKind } from '../../domain/notices';
import {
  buildIcs,
  formatDate,
  formatPeriod,
  icsEscape,
  icsFold,
  LINK_PLACEHOLDER,
  renderDigest,
  renderNotice,
  type NoticeMessageInput,
} from '../../domain/messages';

const ZONE = 'Asia/Shanghai';
const base: NoticeMessageInput = {
  kind: 'assignment',
  key: 'notice-a1-assignment-1767225600000',
  zone: ZONE,
  issuedAt: '2026-01-20T02:00:00.000Z',
  noticeDueAt: '2026-01-20T02:00:00.000Z',
  sender: '南昌市质量强市领导小组办公室',
  unit: '市市场监管局',
  assignmentId: 'a1',
  task: {
    number: 12,
    text: '健全质量基础设施，推进<script>alert("x")</script>标准化 & 计量建设。',
    deadlinePhrase: '2025年底前',
    dueAt: '2025-12-31T15:59:59.999Z',
    kind: 'deadline',
    role: 'LEAD',
    planTitle: '南昌市关于深入推进质量强市建设的实施方案',
  },
};

/** Data each kind needs beyond the base. */
const extra: Partial<Record<string, Partial<NoticeMessageInput>>> = {
  report_reminder: { period: '2026Q1', dueAt: '2026-04-10T15:59:59.999Z' },
  report_chase: {
    period: '2025Q4',
    dueAt: '2026-01-10T15:59:59.999Z',
    level: 2,
    respondBy: '2026-01-23T09:00:00+08:00',
  },
  deadline_reminder: { issuedAt: '2025-12-24T01:00:00.000Z', dueAt: '2025-12-31T15:59:59.999Z' },
  supervision: { slip: { number: '督〔2026〕0007号', colour: 'RED' }, respondBy: '2026-01-27T17:30:00+08:00' },
  extension_review: { requestedDueAt: '2026-06-30T15:59:59.999Z', reason: '项目资金尚未到位' },
  decision: {
    decision: { subject: 'extension', approved: true, newDueAt: '2026-06-30T15:59:59.999Z' },
    reason: '理由充分',
  },
  catchup_unit: {
    items: [{ task: 3, text: '任务三', dueAt: '2024-12-31T15:59:59.999Z', overdueDays: 385, slip: '督〔2026〕0001号' }],
  },
  catchup_summary: {
    items: [
      { task: 3, unit: '市市场监管局', dueAt: '2024-12-31T15:59:59.999Z', overdueDays: 385 },
      { task: 5, unit: '市商务局', dueAt: null },
    ],
  },
  delivery_failure: {
    failure: {
      kind: 'supervision',
      key: 'notice-x',
      subject: '【红色督办】…',
      recipients: ['bad@bureau.example'],
      error: '550 5.1.1 User unknown',
      attempts: 1,
      status: 'FAILED',
    },
  },
  assessment: { assessment: { year: 2025, rows: [{ unit: '市市场监管局', score: 96, grade: 'A' }], bulletin: null } },
};

const render = (kind: NoticeKind, more: Partial<NoticeMessageInput> = {}) =>
  renderNotice({ ...base, ...extra[kind], ...more, kind });

describe('every notice kind', () => {
  // digests and unit letters carry other notices; they have their own renderers (below, letter.test.ts)
  // im_message is not an email (domain/channels.ts writes it; test/unit/channels.test.ts)
  const kinds = NOTICE_KINDS.filter((k) => k !== 'digest' && k !== 'unit_letter' && k !== 'im_message');
  test.each(kinds)('%s: Chinese subject, text and HTML that agree, task and signature present', (kind) => {
    const m = render(kind);
    expect(m.subject).toMatch(/^【[\u4e00-\u9fa5·]+】/);
    expect(m.text).toContain('南昌市质量强市领导小组办公室');
    // the footer says whom to ask; the notice key (in the Message-ID header) is no part of what a person reads
    expect(m.text.trimEnd().split('\n').pop()).toBe(
      '（本邮件由督办系统自动发送，请勿直接回复；如有疑问，请与南昌市质量强市领导小组办公室联系。）',
    );
    expect(m.html).toContain('如有疑问，请与南昌市质量强市领导小组办公室联系。</p>');
    expect(m.text).not.toContain(base.key);
    expect(m.html).not.toContain(base.key);
    expect(m.html).toContain('<meta charset="utf-8">');
    expect(m.html).not.toContain('<script>');
    // every field label the text shows is in the HTML too
    for (const line of m.text.split('\n')) {
      const label = /^([\u4e00-\u9fa5]{2,6})：/.exec(line)?.[1];
      if (label) expect(m.html).toContain(label);
    }
  });

  test('user text is escaped in HTML and kept verbatim in the plain text', () => {
    const m = render('assignment');
    expect(m.text).toContain('推进<script>alert("x")</script>标准化 & 计量建设。');
    expect(m.html).toContain('推进&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;标准化 &amp; 计量建设。');
  });
});

describe('what each notice says', () => {
  test('assignment: role, deadline as written and as a date, what is asked, the link', () => {
    const m = render('assignment', {
      link: 'https://dubang.example/a/xyz?sig=1&exp=2',
      respondBy: '2026-01-23T09:00:00+08:00',
    });
    expect(m.subject).toBe('【任务交办】关于落实督办任务(12)的通知');
    expect(m.text).toContain(
      '根据《南昌市关于深入推进质量强市建设的实施方案》重点工作任务分工，贵单位为第(12)项任务的牵头单位。',
    );
    expect(m.text).toContain('完成时限：2025年底前（2025年12月31日）');
    expect(m.text).toContain('请于2026年1月23日（星期五） 09:00前通过下方链接签收任务。');
    expect(m.text).toContain('签收任务：https://dubang.example/a/xyz?sig=1&exp=2');
    expect(m.html).toContain('href="https://dubang.example/a/xyz?sig=1&amp;exp=2"');
  });

  test('without a signed link the placeholder is left for the web layer', () => {
    const m = render('deadline_reminder');
    expect(m.text).toContain(`办理任务：${LINK_PLACEHOLDER}`);
    expect(m.html).toContain(`href="${LINK_PLACEHOLDER}"`);
  });

  test('deadline reminder counts the days left in Shanghai time', () => {
    const m = render('deadline_reminder');
    expect(m.subject).toBe('【到期提醒】关于督办任务(12)即将到期的提醒');
    expect(m.text).toContain('督办任务(12)的完成时限为2025年12月31日（星期三），距到期还有7天。');
  });

  test('催办 names the period, the days overdue and the escalation step', () => {
    const m = render('report_chase');
    expect(m.subject).toBe('【催办】督办任务(12)2025年第四季度进展报告逾期未报（第二次催办）');
    expect(m.text).toContain('现已逾期10天');
    expect(m.text).toContain('市市场监管局分管负责同志：');
    expect(render('report_chase', { level: 1 }).subject).toBe('【催办】督办任务(12)2025年第四季度进展报告逾期未报');
    expect(render('report_chase', { level: 3 }).text).toContain('市质量强市领导小组办公室：');
  });

  test.each([
    ['BLUE', '【蓝色督办】督〔2026〕0007号 关于督办任务(12)的督办通知', '将于2025年12月31日（星期三）到期'],
    ['ORANGE', '【橙色督办】督〔2026〕0007号 关于督办任务(12)的督办通知', '现已逾期20天'],
    ['RED', '【红色督办】督〔2026〕0007号 关于督办任务(12)的督办通知', '约谈'],
  ] as const)('督办 %s slip: colour, slip number, what follows', (colour, subject, phrase) => {
    const m = render('supervision', { slip: { number: '督〔2026〕0007号', colour } });
    expect(m.subject).toBe(subject);
    expect(m.text).toContain('督办单编号：督〔2026〕0007号');
    expect(m.text).toContain(phrase);
    expect(m.html).toContain(`${{ BLUE: '蓝色', ORANGE: '橙色', RED: '红色' }[colour]}督办单`);
  });

  test('catch-up notices list one row per item', () => {
    const u = render('catchup_unit');
    expect(u.subject).toBe('【逾期汇总】市市场监管局共有1项督办事项已逾期');
    expect(u.text).toContain(
      '1. 任务：(3)；任务内容：任务三；完成时限：2024年12月31日（星期二）；逾期天数：385天；督办单：督〔2026〕0001号',
    );
    const s = render('catchup_summary');
    expect(s.subject).toBe('【督办汇总】逾期事项2项，涉及2个单位');
    expect(s.html.match(/<tr>/g)).toHaveLength(3);
  });

  test('extension approved: new deadline in subject, body and a calendar update for the same event', () => {
    const m = render('decision');
    expect(m.subject).toBe('【审核结果】督办任务(12)延期申请已批准，完成时限调整为2026年6月30日');
    expect(m.attachments[0]!.content).toContain('UID:deadline-a1@dubang');
    expect(m.attachments[0]!.content).toContain('DTSTART;VALUE=DATE:20260630');
    expect(render('assignment').attachments[0]!.content).toContain('UID:deadline-a1@dubang');
  });

  test('a missing field needed by the kind is an error naming it', () => {
    expect(() => render('supervision', { slip: null })).toThrow(
      expect.objectContaining({
        name: 'MessageInputError',
        message: 'supervision notice: slip is required to render it',
      }),
    );
  });
});

describe('ICS attachments', () => {
  test('deadlines and report due dates carry one; other kinds do not', () => {
    expect(render('assignment').attachments.map((a) => a.filename)).toEqual(['督办任务12-完成时限.ics']);
    expect(render('report_reminder').attachments.map((a) => a.filename)).toEqual(['督办任务12-2026Q1报告.ics']);
    expect(render('supervision').attachments).toEqual([]);
    expect(render('report_reminder').attachments[0]!.contentType).toBe('text/calendar; charset=utf-8; method=PUBLISH');
  });

  test('all-day event on the due date in Shanghai (not UTC), CRLF, lines folded at 75 octets', () => {
    const ics = render('assignment').attachments[0]!.content;
    expect(ics).toContain('DTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260101\r\n');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('SUMMARY:督办任务(12)完成时限（市市场监管局）');
    expect(unfolded).toContain('\\n完成时限：2025年底前（2025年12月31日）\\n办理链接：{{link}}');
    expect(icsEscape('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  test('folding never splits a multi-byte character', () => {
    const folded = icsFold('DESCRIPTION:' + '质量强市'.repeat(40));
    expect(folded.replace(/\r\n /g, '')).toBe('DESCRIPTION:' + '质量强市'.repeat(40));
    expect(folded.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
  });

  test('rejects a malformed date', () => {
    expect(() =>
      buildIcs({ uid: 'u', date: '2025-12-3', summary: 's', description: 'd', issuedAt: base.issuedAt }),
    ).toThrow(RangeError);
  });
});

describe('formatting', () => {
  test.each([
    ['2025-12-31T15:59:59.999Z', '2025年12月31日（星期三）'],
    ['2026-01-23T01:00:00Z', '2026年1月23日（星期五） 09:00'],
    ['2026-01-22T16:00:00Z', '2026年1月23日（星期五）'],
  ])('%s reads as %s in Shanghai', (iso, text) => expect(formatDate(iso, ZONE)).toBe(text));

  test.each([
    ['2025Q1', '2025年第一季度'],
    ['2025Q4', '2025年第四季度'],
    ['2025Y', '2025年度'],
    ['special', 'special'],
  ])('period %s → %s', (p, text) => expect(formatPeriod(p)).toBe(text));
});

describe('digest', () => {
  test('one message for several notices, each with its own section and attachment', () => {
    const entries: NoticeMessageInput[] = [
      { ...base, ...extra.deadline_reminder, kind: 'deadline_reminder', key: 'k1' },
      { ...base, ...extra.report_chase, kind: 'report_chase', key: 'k2' },
      { ...base, ...extra.report_reminder, kind: 'report_reminder', key: 'k3' },
    ];
    const m = renderDigest({
      key: 'notice-digest-x',
      zone: ZONE,
      issuedAt: base.issuedAt,
      sender: base.sender,
      recipientName: '市市场监管局',
      windowStart: base.issuedAt,
      entries,
    });
    expect(m.subject).toBe('【每日督办摘要】2026年1月20日 共3条督办事项');
    expect(m.text).toContain('1. 【到期提醒】关于督办任务(12)即将到期的提醒');
    expect(m.text).toContain('2. 【催办】');
    expect(m.text).toContain('3. 【报告提醒】');
    expect(m.html.match(/<h3/g)).toHaveLength(3);
    expect(m.attachments).toHaveLength(2);
    expect(m.text.split('\n').filter((l) => l === '南昌市质量强市领导小组办公室')).toHaveLength(1); // one signature
  });
});

test('a deadline reminder that goes out after the deadline says how long it is overdue', () => {
  const m = renderNotice({
    ...base,
    kind: 'deadline_reminder',
    issuedAt: '2026-01-05T02:00:00Z',
    dueAt: '2025-12-31T15:59:59.999Z',
  });
  expect(m.text).toContain('督办任务(12)的完成时限为2025年12月31日（星期三），已逾期5天。');
});

test('catch-up items read in Chinese: the slip colour as a word, the task text, no codes', () => {
  const u = render('catchup_unit', {
    items: [
      {
        task: 45,
        unit: '市民政局',
        text: '加强养老服务质量标准与评价体系建设，深化社区嵌入式养老服务。',
        dueAt: '2025-12-31T23:59:59.999+08:00',
        overdueDays: 330,
        slip: 'RED',
      },
    ],
  });
  expect(u.text).toContain(
    '1. 任务：(45)；任务内容：加强养老服务质量标准与评价体系建设，深化社区嵌入式养老服务。；完成时限：2025年12月31日（星期三）；逾期天数：330天；督办单：红色',
  );
  expect(u.text).not.toMatch(/\bRED\b/);
  expect(u.html).toMatch(/<td[^>]*>红色<\/td>/);
});
