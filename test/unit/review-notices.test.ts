/**
 * What the Office's decisions, completion reviews and catch-up letters say, through the mail
 * processor's own compose → render: each of the four decisions reads as decided, from the payload
 * written today and from the bare action lifecycles stored before (saved histories); the review
 * reminder quotes the unit's 完成情况说明; every item of a catch-up letter carries its own link.
 * Also which transitions close a 督办单.
 */
import { slipClosure } from '../../activities/lifecycle';
import { composeMessageInput, type ComposeOptions } from '../../app/notices/compose';
import type { LoadedNotice } from '../../app/notices/delivery-store';
import { decisionOf, decisionPayload, renderNotice } from '../../domain/messages';

const ZONE = 'Asia/Shanghai';
const NOW = new Date('2026-03-02T02:00:00.000Z');
const opts = (more: Partial<ComposeOptions> = {}): ComposeOptions => ({
  zone: ZONE,
  sender: '南昌市质量强市领导小组办公室',
  now: NOW,
  link: 'https://dubang.example/f/a1?t=tok',
  ...more,
});

function notice(
  kind: string,
  payload: Record<string, unknown>,
  more: Partial<NonNullable<LoadedNotice['assignment']>> = {},
): LoadedNotice {
  return {
    id: 'n1',
    key: `notice-a1-${kind}-1`,
    kind,
    assignmentId: 'a1',
    scope: null,
    dueAt: NOW,
    status: 'PENDING',
    payload,
    delivery: null,
    slip: null,
    assignment: {
      id: 'a1',
      state: 'COMPLETED',
      role: 'LEAD',
      dueAt: new Date('2025-12-31T15:59:59.999Z'),
      cancelledAt: null,
      acknowledgedAt: new Date('2025-01-10T02:00:00Z'),
      task: {
        number: 3,
        text: '推进质量基础设施建设',
        deadlinePhrase: '2025年前',
        dueAt: new Date('2025-12-31T15:59:59.999Z'),
        kind: 'deadline',
        cancelledAt: null,
        plan: { title: '测试方案' },
      },
      unit: { id: 'u1', name: '市市场监管局', contacts: [] },
      reports: [],
      completion: null,
      ...more,
    },
  };
}

const render = (n: LoadedNotice, o: Partial<ComposeOptions> = {}) => renderNotice(composeMessageInput(n, opts(o)));
const NEW_DUE = '2026-06-30T15:59:59.999Z';

describe('decision notices say what the Office decided', () => {
  // [action, due instant in the payload, subject, sentence in the body]
  const cases: [string, string, string, string][] = [
    [
      'completion.approved',
      '2025-12-31T15:59:59.999Z',
      '【审核结果】督办任务(3)销号申请已通过',
      '贵单位督办任务(3)的销号申请已经办公室审核通过，该任务已销号。',
    ],
    [
      'completion.rejected',
      '2025-12-31T15:59:59.999Z',
      '【审核结果】督办任务(3)销号申请未通过',
      '贵单位督办任务(3)的销号申请未通过审核，请按审核意见继续办理后重新申请。',
    ],
    [
      'extension.approved',
      NEW_DUE,
      '【审核结果】督办任务(3)延期申请已批准，完成时限调整为2026年6月30日',
      '贵单位督办任务(3)的延期申请已获批准，完成时限调整为2026年6月30日',
    ],
    [
      'extension.rejected',
      '2025-12-31T15:59:59.999Z',
      '【审核结果】督办任务(3)延期申请未获批准',
      '贵单位督办任务(3)的延期申请未获批准，完成时限不变，请按原时限完成。',
    ],
  ];

  test.each(cases)('%s, as written today and as stored by older lifecycles', (action, dueAt, subject, sentence) => {
    const forms = { today: decisionPayload(action, dueAt), stored: action };
    for (const [form, decision] of Object.entries(forms)) {
      const m = render(notice('decision', { to: ['liaison', 'leader'], decision, reason: '审核意见原文', dueAt }));
      expect([form, m.subject]).toEqual([form, subject]);
      expect(m.text).toContain(sentence);
      expect(m.text).toContain('审核意见：审核意见原文');
      expect(m.html).toContain('审核意见：审核意见原文');
    }
  });

  test('the contract: both forms read the same; anything else is no decision', () => {
    expect(decisionPayload('extension.approved', NEW_DUE)).toEqual({
      action: 'extension.approved',
      subject: 'extension',
      approved: true,
      newDueAt: NEW_DUE,
    });
    expect(decisionOf('extension.approved', NEW_DUE)).toEqual({
      subject: 'extension',
      approved: true,
      newDueAt: NEW_DUE,
    });
    expect(decisionOf({ subject: 'completion', approved: true })).toEqual({ subject: 'completion', approved: true });
    expect(decisionOf('assignment.cancelled')).toBeNull();
    expect(decisionOf(undefined)).toBeNull();
    expect(() => render(notice('decision', { to: ['liaison'], decision: 'nonsense' }))).toThrow(
      'decision notice: decision is required to render it',
    );
  });
});

describe('the Office does not review blind', () => {
  test('the completion review reminder quotes the 完成情况说明 and lists the evidence', () => {
    const m = render(
      notice(
        'completion_review',
        { to: ['office'] },
        {
          state: 'COMPLETION_REQUESTED',
          completion: { note: '平台已建成并通过验收', evidenceLinks: ['https://example.gov.cn/yanshou.pdf'] },
        },
      ),
    );
    expect(m.subject).toBe('【销号审核】市市场监管局申请督办任务(3)销号');
    expect(m.text).toContain('完成情况说明：平台已建成并通过验收');
    expect(m.text).toContain('佐证材料：https://example.gov.cn/yanshou.pdf');
  });
});

describe('catch-up letters: every listed item carries the link that lets the reader act on it', () => {
  const items = [
    {
      task: 3,
      unit: '市市场监管局',
      text: '任务三',
      dueAt: '2024-12-31T15:59:59.999Z',
      overdueDays: 426,
      slip: 'RED',
      slipNumber: '督〔2026〕0001号',
      assignmentId: 'a3',
    },
    {
      task: 7,
      unit: '市市场监管局',
      text: '任务七',
      dueAt: '2025-12-31T15:59:59.999Z',
      overdueDays: 61,
      slip: 'ORANGE',
      slipNumber: '督〔2026〕0002号',
      assignmentId: 'a7',
    },
  ];
  const unitLetter = (): LoadedNotice => ({
    ...notice('catchup_unit', { to: ['liaison', 'leader'], unit: '市市场监管局', items }),
    assignmentId: null,
    assignment: null,
    scope: 'p-catchup-u1',
  });

  test("the unit's letter: one signed form link per item, and no link to the Office's sign-in page", () => {
    const m = render(unitLetter(), {
      link: 'https://dubang.example/',
      itemLink: (id) => `https://dubang.example/f/${id}?t=tok-${id}`,
    });
    expect(m.text).toContain(
      '1. 任务：(3)；任务内容：任务三；完成时限：2024年12月31日（星期二）；逾期天数：426天；督办单：督〔2026〕0001号（红色）；办理链接：https://dubang.example/f/a3?t=tok-a3',
    );
    expect(m.text).toContain(
      '2. 任务：(7)；任务内容：任务七；完成时限：2025年12月31日（星期三）；逾期天数：61天；督办单：督〔2026〕0002号（橙色）；办理链接：https://dubang.example/f/a7?t=tok-a7',
    );
    expect(m.text).toContain('通过每项任务后的办理链接办理');
    expect(m.text).not.toContain('逐项办理：https://dubang.example/\n');
    expect(m.text).not.toMatch(/https:\/\/dubang\.example\/\s/);
    expect(m.html).toContain('<a href="https://dubang.example/f/a3?t=tok-a3">办理链接</a>');
    expect(m.html).toContain('<a href="https://dubang.example/f/a7?t=tok-a7">办理链接</a>');
  });

  test('composed without a link signer, the letter keeps the one link it was given', () => {
    const m = render(unitLetter(), { link: 'https://dubang.example/' });
    expect(m.text).toContain('逐项办理：https://dubang.example/');
    expect(m.text).not.toContain('办理链接');
  });

  test("the Office's summary links each item to its assignment page", () => {
    const n: LoadedNotice = {
      ...notice('catchup_summary', { to: ['office'], items }),
      assignmentId: null,
      assignment: null,
      scope: 'p-catchup',
    };
    const m = render(n, {
      link: 'https://dubang.example/',
      itemLink: (id) => `https://dubang.example/assignments/${id}`,
    });
    expect(m.text).toContain('；查看分工：https://dubang.example/assignments/a3');
    expect(m.text).toContain('打开督办看板：https://dubang.example/');
  });
});

describe('which transitions close the open 督办单', () => {
  test.each([
    ['completion.approved', 'COMPLETION_REQUESTED', 'COMPLETED', 'COMPLETED'],
    ['assignment.cancelled', 'IN_PROGRESS', 'CANCELLED', 'CANCELLED'],
    ['assignment.reassigned', 'ACKNOWLEDGED', 'CANCELLED', 'CANCELLED'],
    ['extension.approved', 'EXTENSION_REQUESTED', 'IN_PROGRESS', 'EXTENDED'],
    ['extension.rejected', 'EXTENSION_REQUESTED', 'IN_PROGRESS', null],
    ['completion.rejected', 'COMPLETION_REQUESTED', 'IN_PROGRESS', null],
    ['report.submitted', 'ACKNOWLEDGED', 'IN_PROGRESS', null],
    ['assignment.overdue', 'IN_PROGRESS', 'IN_PROGRESS', null],
  ] as const)('%s (%s → %s): %s', (action, from, to, expected) => {
    expect(slipClosure(action, { state: from }, { state: to })).toBe(expected);
  });
});

describe('an assignment notice re-sent after the Office revoked the links', () => {
  it('says the old links stopped working and, the task being acknowledged, asks for no second 签收', () => {
    const m = render(notice('assignment', { to: ['liaison'], task: 3, reissued: true }, { state: 'IN_PROGRESS' }));
    expect(m.subject).toBe('【任务交办】关于落实督办任务(3)的通知');
    expect(m.text).toContain(
      '此前发给贵单位的本任务办理链接已停止使用，现重新发送本通知，请使用本邮件中的新链接办理。',
    );
    expect(m.text).toContain(
      '贵单位已于2025年1月10日（星期五） 10:00签收本任务，无需再次签收；请通过下方链接报送进展或办理其他事项。',
    );
    expect(m.text).toContain('办理任务：https://dubang.example/f/a1?t=tok');
    expect(m.text).not.toContain('签收任务');
    expect(m.html).toContain('>办理任务</a>');
  });

  it('the first notice, not yet acknowledged, asks for 签收 and mentions no old links', () => {
    const m = render(notice('assignment', { to: ['liaison'], task: 3 }, { state: 'ASSIGNED', acknowledgedAt: null }));
    expect(m.text).toContain('请在收到本通知后通过下方链接签收任务。');
    expect(m.text).toContain('签收任务：https://dubang.example/f/a1?t=tok');
    expect(m.text).not.toContain('停止使用');
  });
});
