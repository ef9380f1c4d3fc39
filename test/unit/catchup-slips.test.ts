/**
 * Catch-up 督办单 in the pure parts: which slips the catch-up plans (one per overdue deadline,
 * coloured as its ladder has reached, in unit order), that the lifecycle's ladder does not issue a
 * second slip at the catch-up moment, and how the unit notice and the Office summary cite them.
 */
import * as fs from 'node:fs';
import { loadConfig } from '../../config';
import { interpretDeadline } from '../../domain/deadline';
import { renderNotice, type NoticeMessageInput } from '../../domain/messages';
import { slipNumbersText } from '../../domain/messages/templates';
import { parsePlanText } from '../../domain/plan/parse';
import {
  catchUpSlipColours,
  planAssignmentNotices,
  planCatchUp,
  policyCalendar,
  previewPlan,
  type PlanAssignment,
  type PlanTask,
  type Policy,
} from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { REAL_PLAN } from '../helpers/paths';

const config = loadConfig({});
const policy = config.policy as Policy;
const cal = policyCalendar(policy);
const sh = (local: string) => `${local}+08:00`;
const END_2025 = '2025-12-31T23:59:59.999+08:00';

const entry = (
  n: number,
  unit: string,
  dueAt: string | null,
  over: Partial<PlanAssignment> = {},
): { task: PlanTask; assignment: PlanAssignment } => ({
  task: { number: n, kind: dueAt ? 'deadline' : 'standing', dueAt },
  assignment: {
    unit,
    role: 'LEAD',
    state: 'ASSIGNED',
    assignedAt: sh('2026-11-26T10:00:00'),
    dueAt,
    originalDueAt: dueAt,
    ...over,
  },
});

describe('planCatchUp: the slips it issues', () => {
  it('one per overdue deadline, none for a missing report, numbered unit by unit as the notices list them', () => {
    const entries = [
      entry(3, '市工信局', '2024-12-31T23:59:59.999+08:00'),
      entry(9, '市商务局', END_2025),
      entry(7, '市工信局', END_2025),
      // a standing task owing a report: listed, but a missing report gets a 催办, not a slip
      entry(40, '市商务局', null, {
        assignedAt: sh('2026-05-06T10:00:00'),
        state: 'ACKNOWLEDGED',
        reportedPeriods: ['2026Q2'],
      }),
      // not yet due: not covered at all
      entry(41, '市商务局', '2026-12-31T23:59:59.999+08:00'),
    ];
    const cu = planCatchUp({ entries, policy, calendar: cal, now: sh('2026-11-26T10:00:00') });
    expect(cu.items.map((i) => `${i.task}|${i.unit}|${i.what}`)).toEqual([
      '3|市工信局|deadline',
      '9|市商务局|deadline',
      '7|市工信局|deadline',
      '40|市商务局|report',
    ]);
    expect(cu.slips).toEqual([
      { task: 3, unit: '市工信局', colour: 'RED' },
      { task: 7, unit: '市工信局', colour: 'RED' },
      { task: 9, unit: '市商务局', colour: 'RED' },
    ]);
    expect([...catchUpSlipColours(cu)]).toEqual([
      ['3|市工信局', 'RED'],
      ['7|市工信局', 'RED'],
      ['9|市商务局', 'RED'],
    ]);
  });

  it('colours each slip as the policy ladder stands: orange when overdue and at the leadership step, red from its first repeat', () => {
    const e = [entry(7, '市工信局', END_2025)];
    // the leadership step of a 31 Dec 2025 deadline is 22 Jan 2026 (15 workdays), its first red repeat 22 Feb
    const colour = (now: string) =>
      planCatchUp({ entries: e, policy, calendar: cal, now: sh(now) }).slips.map((s) => s.colour);
    expect(colour('2026-01-08T10:00:00')).toEqual(['ORANGE']);
    expect(colour('2026-02-02T10:00:00')).toEqual(['ORANGE']);
    expect(colour('2026-03-02T10:00:00')).toEqual(['RED']);
    expect(colour('2025-12-30T10:00:00')).toEqual([]);
  });
});

describe('the lifecycle after a catch-up slip', () => {
  // A Friday deadline; supervision starts on Monday 08:00, before the office opens: the first 督办
  // of the ladder (nominally Saturday 00:00) would go out at Monday 09:00, with the catch-up.
  const due = sh('2026-03-13T23:59:59.999');
  const noQuiet: Policy = { ...policy, catchUp: { ...policy.catchUp, quietFor: null } };
  const now = sh('2026-03-16T08:00:00');
  const cu = planCatchUp({
    entries: [entry(5, '市市场监管局', due, { assignedAt: now })],
    policy: noQuiet,
    calendar: cal,
    now,
  });
  const plan = (p: Policy, catchUpSlip: PlanAssignment['catchUpSlip']) =>
    planAssignmentNotices({
      ...entry(5, '市市场监管局', due, { assignedAt: now, catchUpAt: cu.at, catchUpSlip }),
      policy: p,
      calendar: cal,
      now,
      horizon: sh('2026-04-01T00:00:00'),
    })
      .filter((n) => n.kind === 'supervision')
      .map((n) => `${n.at.slice(0, 16)} ${n.slip} L${n.level}`);

  it('issues no second slip at the catch-up moment, even with no quiet time, and goes on with the next step', () => {
    expect(cu.at).toBe('2026-03-16T09:00:00.000+08:00');
    expect(cu.slips).toEqual([{ task: 5, unit: '市市场监管局', colour: 'ORANGE' }]);
    expect(plan(noQuiet, 'ORANGE')).toEqual(['2026-03-23T09:00 ORANGE L2', '2026-03-30T09:00 ORANGE L2']);
    // a schedule recorded before catch-up issued slips (no catchUpSlip) plans as it always did:
    // running workflows replay the same commands
    expect(plan(noQuiet, null)).toEqual([
      '2026-03-16T09:00 ORANGE L2',
      '2026-03-23T09:00 ORANGE L2',
      '2026-03-30T09:00 ORANGE L2',
    ]);
  });

  it('changes nothing when the policy keeps a quiet time (the shipped one: 5 workdays)', () => {
    expect(plan(policy, 'ORANGE')).toEqual(plan(policy, null));
    expect(plan(policy, 'ORANGE')).toEqual(['2026-03-23T09:00 ORANGE L2', '2026-03-30T09:00 ORANGE L2']);
  });

  it('the seconds policy of the workflow tests: the step at the catch-up instant is covered, the leadership step still comes', () => {
    const sp: Policy = {
      ...secondsPolicy({ overdueEvery: 4, leadershipAfter: 10 }),
      catchUp: { ...secondsPolicy().catchUp, quietFor: null },
    };
    const scal = policyCalendar(sp);
    const dueMs = Date.parse(END_2025);
    const nowMs = dueMs + 8001; // exactly the third orange of the ladder (due + 1 ms + 2 × 4 s)
    const e = entry(1, '市市场监管局', END_2025, { assignedAt: scal.toIso(nowMs) });
    const c = planCatchUp({ entries: [e], policy: sp, calendar: scal, now: nowMs });
    expect(c.slips.map((s) => s.colour)).toEqual(['ORANGE']);
    const sup = (catchUpSlip: PlanAssignment['catchUpSlip']) =>
      planAssignmentNotices({
        ...e,
        assignment: { ...e.assignment, catchUpAt: c.at, catchUpSlip },
        policy: sp,
        calendar: scal,
        now: nowMs,
        horizon: nowMs + 5000,
      })
        .filter((n) => n.kind === 'supervision')
        .map((n) => [Date.parse(n.at) - dueMs, n.slip, n.level]);
    expect(sup(null)).toEqual([
      [8001, 'ORANGE', 2],
      [10000, 'ORANGE', 3],
    ]);
    expect(sup('ORANGE')).toEqual([[10000, 'ORANGE', 3]]);
  });
});

describe('the real plan as of 26 Nov 2026', () => {
  const parsed = parsePlanText(fs.readFileSync(REAL_PLAN, 'utf8')).plan;
  const tasks = parsed.tasks.map((t) => {
    const d = interpretDeadline(t.deadlinePhrase, config.deadlinePhrases, config.timezone)!;
    return {
      number: t.number,
      kind: d.kind,
      dueAt: d.dueAt,
      units: t.units.map((name, i) => ({ name, role: i === 0 ? ('LEAD' as const) : ('CO' as const) })),
    };
  });
  const asOf = sh('2026-11-26T10:00:00');

  it('issues one slip per overdue assignment, red for 2024 and 2025 deadlines, and nothing else about them on catch-up day', () => {
    const entries = tasks.flatMap((t) =>
      t.units.map((u) => ({
        task: { number: t.number, kind: t.kind, dueAt: t.dueAt },
        assignment: {
          unit: u.name,
          role: u.role,
          state: 'ASSIGNED' as const,
          assignedAt: asOf,
          dueAt: t.dueAt,
        } as PlanAssignment,
      })),
    );
    const cu = planCatchUp({ entries, policy, calendar: cal, now: asOf });
    const overdueAssignments = entries.filter(
      (e) => e.task.dueAt !== null && Date.parse(e.task.dueAt) < Date.parse(asOf),
    );
    expect(cu.slips).toHaveLength(overdueAssignments.length);
    expect(new Set(cu.slips.map((s) => `${s.task}|${s.unit}`)).size).toBe(cu.slips.length);
    expect(new Set(cu.slips.map((s) => s.task)).size).toBe(45);
    expect(new Set(cu.slips.map((s) => s.colour))).toEqual(new Set(['RED']));
    // each unit's slips follow one another
    const units = cu.slips.map((s) => s.unit);
    expect(units.filter((u, k) => k > 0 && u !== units[k - 1]).length).toBe(new Set(units).size - 1);

    const preview = previewPlan({ tasks, policy, calendar: cal, asOf, horizonDays: 60 });
    const covered = new Set(cu.slips.map((s) => `${s.task}|${s.unit}`));
    expect(
      preview.notices.filter(
        (n) => n.kind === 'supervision' && covered.has(`${n.task}|${n.unit}`) && n.at < '2026-12-03T09:00:00.000+08:00',
      ),
    ).toEqual([]);
  });
});

describe('catch-up notices cite their slips', () => {
  const base: NoticeMessageInput = {
    kind: 'catchup_unit',
    key: 'notice-p-catchup-u1-catchup_unit-1795622400000',
    zone: 'Asia/Shanghai',
    issuedAt: '2026-11-26T01:00:00.000Z',
    noticeDueAt: '2026-11-26T01:00:00.000Z',
    sender: '南昌市质量强市领导小组办公室',
    unit: '市工信局',
  };
  const items = [
    {
      task: 3,
      unit: '市工信局',
      text: '任务三',
      dueAt: '2024-12-31T23:59:59.999+08:00',
      overdueDays: 695,
      slip: 'RED',
      slipNumber: '督〔2026〕0012号',
    },
    {
      task: 7,
      unit: '市工信局',
      text: '任务七',
      dueAt: END_2025,
      overdueDays: 330,
      slip: 'ORANGE',
      slipNumber: '督〔2026〕0013号',
    },
    {
      task: 40,
      unit: '市工信局',
      text: '任务四十',
      dueAt: '2026-10-10T23:59:59.999+08:00',
      overdueDays: 47,
      slip: null,
    },
  ];

  it('the unit notice lists each task with its slip number and says how many slips it issues', () => {
    const m = renderNotice({ ...base, items });
    expect(m.subject).toBe('【逾期汇总】市工信局共有3项督办事项已逾期，已发出督办单2份');
    expect(m.text).toContain(
      '截至2026年11月26日，贵单位负责的以下3项督办事项已超过完成时限或有进展报告未报送。对其中已超过完成时限的2项任务，现一并发出督办单2份（红色1份、橙色1份），编号见下表。',
    );
    expect(m.text).toContain('督办单编号：督〔2026〕0012号至督〔2026〕0013号');
    expect(m.text).toContain(
      '1. 任务：(3)；任务内容：任务三；完成时限：2024年12月31日（星期二）；逾期天数：695天；督办单：督〔2026〕0012号（红色）',
    );
    expect(m.text).toContain(
      '2. 任务：(7)；任务内容：任务七；完成时限：2025年12月31日（星期三）；逾期天数：330天；督办单：督〔2026〕0013号（橙色）',
    );
    // a missing report is listed without a slip
    expect(m.text).toMatch(
      /3\. 任务：\(40\)；任务内容：任务四十；完成时限：2026年10月10日（星期六）；逾期天数：47天\n/,
    );
    expect(m.text).toContain('红色督办单所列事项逾期已久，请主要负责同志高度重视');
    expect(m.html).toMatch(/<td[^>]*>督〔2026〕0012号（红色）<\/td>/);
    expect(m.text).not.toMatch(/\b(RED|ORANGE)\b/);
  });

  it('one slip is named in the sentence itself', () => {
    const m = renderNotice({ ...base, items: [items[1]!] });
    expect(m.subject).toBe('【逾期汇总】市工信局共有1项督办事项已逾期，已发出督办单1份');
    expect(m.text).toContain(
      '截至2026年11月26日，贵单位负责的以下1项督办事项已超过完成时限或有进展报告未报送。现发出橙色督办单（督〔2026〕0013号）。',
    );
    expect(m.text).toContain('督办单编号：督〔2026〕0013号');
    expect(m.text).not.toContain('红色督办单所列事项');
  });

  it('the Office summary cites every slip, as a range when the numbers follow one another', () => {
    const all = [
      ...items,
      {
        task: 9,
        unit: '市商务局',
        text: '任务九',
        dueAt: END_2025,
        overdueDays: 330,
        slip: 'RED',
        slipNumber: '督〔2026〕0014号',
      },
    ];
    const m = renderNotice({ ...base, kind: 'catchup_summary', unit: null, items: all });
    expect(m.subject).toBe('【督办汇总】逾期事项4项，涉及2个单位，已发出督办单3份');
    expect(m.text).toContain(
      '截至2026年11月26日，共有4项督办事项已逾期，涉及2个单位。已分别向各责任单位发出逾期汇总通知，并对其中已超过完成时限的3项发出督办单3份（红色2份、橙色1份），编号督〔2026〕0012号至督〔2026〕0014号；不再逐项补发历史提醒。明细如下。',
    );
    expect(m.text).toContain(
      '4. 任务：(9)；责任单位：市商务局；任务内容：任务九；完成时限：2025年12月31日（星期三）；逾期天数：330天；督办单：督〔2026〕0014号（红色）',
    );
  });

  it('every item overdue and red: the sentence says so in one colour', () => {
    const red = [items[0]!, { ...items[1]!, slip: 'RED' }];
    const u = renderNotice({ ...base, items: red });
    expect(u.text).toContain(
      '贵单位负责的以下2项督办事项已超过完成时限或有进展报告未报送。现对上述2项任务一并发出红色督办单2份，编号见下表。',
    );
    const s = renderNotice({ ...base, kind: 'catchup_summary', unit: null, items: red });
    expect(s.text).toContain(
      '已分别向各责任单位发出逾期汇总通知，并对上述2项发出红色督办单2份，编号督〔2026〕0012号至督〔2026〕0013号；不再逐项补发历史提醒。明细如下。',
    );
  });

  it('a notice queued before slips were issued still reads as before (colour only)', () => {
    const m = renderNotice({
      ...base,
      items: [{ task: 3, text: '任务三', dueAt: END_2025, overdueDays: 330, slip: 'RED' }],
    });
    expect(m.subject).toBe('【逾期汇总】市工信局共有1项督办事项已逾期');
    expect(m.text).toContain('督办单：红色');
    expect(m.text).not.toContain('督办单编号');
    const s = renderNotice({
      ...base,
      kind: 'catchup_summary',
      unit: null,
      items: [{ task: 3, unit: '市工信局', dueAt: END_2025, overdueDays: 330, slip: 'RED' }],
    });
    expect(s.subject).toBe('【督办汇总】逾期事项1项，涉及1个单位');
    expect(s.text).toContain('已分别向各责任单位发出逾期汇总通知，不再逐项补发历史提醒。明细如下。');
  });

  it('slip numbers read as a range, a list, or not at all when too many to list', () => {
    expect(slipNumbersText([])).toBeNull();
    expect(slipNumbersText(['督〔2026〕0007号'])).toBe('督〔2026〕0007号');
    expect(slipNumbersText(['督〔2026〕0009号', '督〔2026〕0007号', '督〔2026〕0008号'])).toBe(
      '督〔2026〕0007号至督〔2026〕0009号',
    );
    expect(slipNumbersText(['督〔2026〕0007号', '督〔2026〕0009号'])).toBe('督〔2026〕0007号、督〔2026〕0009号');
    expect(slipNumbersText(['督〔2025〕0099号', '督〔2026〕0001号'])).toBe('督〔2025〕0099号、督〔2026〕0001号');
    const many = Array.from({ length: 12 }, (_, k) => `督〔2026〕${String(2 * k + 1).padStart(4, '0')}号`);
    expect(slipNumbersText(many)).toBeNull();
  });
});
