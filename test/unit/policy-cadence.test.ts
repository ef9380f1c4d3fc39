/**
 * Recurring standing tasks (完成时限 每月 / 每季度 / 每年, domain/deadline.ts `cadence`) report at
 * their cadence under the shipped policy (config/policy.json kinds.standing.cadences): the
 * lifecycle's reminders, due dates and 催办 (domain/policy planAssignmentNotices), the catch-up, the
 * unit form's choices (web/unit-input periodChoices) and the assessment's obligations agree.
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { lightPolicy } from '../../app/dashboard/lights';
import { formatPeriod } from '../../domain/messages/format';
import { renderNotice } from '../../domain/messages';
import { REPORT_PERIOD } from '../../domain/lifecycle';
import type { Cadence } from '../../domain/deadline';
import type { PlannedNotice } from '../../domain/notices';
import {
  kindPolicy,
  overdueItems,
  planAssignmentNotices,
  policyCalendar,
  type PlanAssignment,
  type Policy,
} from '../../domain/policy';
import { periodChoices } from '../../web/unit-input';

const cfg = loadConfig({});
const policy = cfg.policy as Policy;
const override = readHolidayOverride(cfg.holidaysOverrideFile);
const cal = policyCalendar(policy, override);
const sh = (local: string) => `${local}+08:00`;

const assignment = (over: Partial<PlanAssignment> = {}): PlanAssignment => ({
  unit: '市统计局',
  role: 'LEAD',
  state: 'ACKNOWLEDGED',
  acknowledgedAt: sh('2026-01-06T10:00:00'),
  assignedAt: sh('2026-01-05T10:00:00'),
  dueAt: null,
  reportedPeriods: [],
  ...over,
});

function plan(cadence: Cadence | undefined, now: string, horizon: string, over: Partial<PlanAssignment> = {}) {
  return planAssignmentNotices({
    task: { number: 7, kind: 'standing', dueAt: null, ...(cadence ? { cadence } : {}) },
    assignment: assignment(over),
    policy,
    calendar: cal,
    now: sh(now),
    horizon: sh(horizon),
  });
}

/** period → its due date, from the report reminders and 催办 planned */
const duesOf = (ns: PlannedNotice[]) => [
  ...new Map(ns.filter((n) => n.period).map((n) => [n.period!, n.dueAt!.slice(0, 10)])).entries(),
];

describe('a 每月 task reports monthly', () => {
  it('each month is due the 5th workday after it ends, with the reminders and 催办 of the standing reports', () => {
    const ns = plan('month', '2026-01-05T10:00:00', '2026-05-31T00:00:00');
    expect(duesOf(ns)).toEqual([
      ['2026M01', '2026-02-06'], // 2 Feb (Mon) … 6 Feb (Fri)
      ['2026M02', '2026-03-06'],
      ['2026M03', '2026-04-08'], // 清明 (4–6 Apr 2026): the 5th workday after 31 Mar is 8 Apr
      ['2026M04', '2026-05-11'], // 劳动节 1–5 May
      ['2026M05', '2026-06-05'], // its first reminder (29 May) is inside the horizon
    ]);
    const jan = ns.filter((n) => n.period === '2026M01').map((n) => `${n.at.slice(0, 16)} ${n.kind} ${n.level ?? ''}`);
    expect(jan).toEqual([
      '2026-01-30T09:00 report_reminder ',
      '2026-02-05T09:00 report_reminder ',
      '2026-02-09T09:00 report_chase 1',
      '2026-02-11T09:00 report_chase 2',
      '2026-02-13T09:00 report_chase 3',
    ]);
    // no quarter is asked of it; the annual summary of the standing cycle still is
    expect(ns.some((n) => /Q/.test(n.period ?? ''))).toBe(false);
    expect(plan('month', '2026-01-05T10:00:00', '2026-12-31T00:00:00').some((n) => n.period === '2026Y')).toBe(true);
  });

  it('a reported month gets no reminder or 催办; the labels read as months and pass the lifecycle', () => {
    const ns = plan('month', '2026-01-05T10:00:00', '2026-03-31T00:00:00', { reportedPeriods: ['2026M01'] });
    expect(ns.some((n) => n.period === '2026M01')).toBe(false);
    expect(ns.some((n) => n.period === '2026M02')).toBe(true);
    expect(REPORT_PERIOD.test('2026M02')).toBe(true);
    expect(REPORT_PERIOD.test('2026M13')).toBe(false);
    expect(formatPeriod('2026M02')).toBe('2026年2月');
  });

  it('the reminder email names the month', () => {
    const [reminder] = plan('month', '2026-01-05T10:00:00', '2026-02-28T00:00:00').filter(
      (n) => n.kind === 'report_reminder',
    );
    const m = renderNotice({
      kind: 'report_reminder',
      key: 'k',
      zone: 'Asia/Shanghai',
      issuedAt: reminder!.at,
      noticeDueAt: reminder!.at,
      sender: '南昌市质量强市领导小组办公室',
      unit: '市统计局',
      assignmentId: 'a1',
      period: reminder!.period!,
      dueAt: reminder!.dueAt!,
      task: {
        number: 7,
        text: '每月报送质量监测数据。',
        deadlinePhrase: '每月',
        dueAt: null,
        kind: 'standing',
        role: 'LEAD',
        planTitle: '南昌市质量监测工作方案',
      },
    });
    expect(m.subject).toBe('【报告提醒】督办任务(7)2026年1月进展报告将于2026年2月6日到期');
  });

  it('the catch-up lists each month overdue, not quarters', () => {
    const items = overdueItems({
      task: { number: 7, kind: 'standing', dueAt: null, cadence: 'month' },
      assignment: assignment(),
      policy,
      calendar: cal,
      now: sh('2026-04-20T10:00:00'),
    });
    expect(items.map((i) => `${i.period} ${i.dueAt.slice(0, 10)}`)).toEqual([
      '2026M01 2026-02-06',
      '2026M02 2026-03-06',
      '2026M03 2026-04-08',
    ]);
  });
});

describe('每季度 and 每年 tasks', () => {
  it('每季度 reports quarterly as a standing task does (the policy lists it the same)', () => {
    const a = plan('quarter', '2026-01-05T10:00:00', '2026-12-31T00:00:00');
    const b = plan(undefined, '2026-01-05T10:00:00', '2026-12-31T00:00:00');
    expect(a).toEqual(b);
    expect(duesOf(a).map(([p]) => p)).toEqual(['2026Q1', '2026Q2', '2026Q3', '2026Y']);
  });

  it('每年 reports the annual summary only (due 12月10日), with its reminders and 催办', () => {
    const ns = plan('year', '2026-01-05T10:00:00', '2026-12-31T00:00:00');
    expect(duesOf(ns)).toEqual([['2026Y', '2026-12-10']]);
    expect(ns.map((n) => n.kind)).toEqual([
      'assignment',
      'report_reminder',
      'report_reminder',
      'report_chase',
      'report_chase',
      'report_chase',
    ]);
  });

  it('a policy frozen before cadences (no kinds.standing.cadences) plans a recurring task as before', () => {
    const { cadences: _c, ...standing } = policy.kinds.standing;
    const old: Policy = { ...policy, kinds: { ...policy.kinds, standing } };
    expect(kindPolicy(old, 'standing', 'month')).toBe(old.kinds.standing);
  });
});

describe('the unit form offers what the cadence asks', () => {
  const lights = lightPolicy(cfg.policy, override);
  const offered = (cadence: Cadence | null, now: string) =>
    periodChoices({
      lights,
      kind: 'standing',
      cadence,
      assignedMs: Date.parse(sh('2026-01-05T10:00:00')),
      nowMs: Date.parse(sh(now)),
      reported: ['2026M01'],
    });

  it('a monthly task: the months past and the running one, then the annual summary', () => {
    const c = offered('month', '2026-03-03T10:00:00');
    expect(c.map((x) => x.label)).toEqual([
      '2026年2月（请于2026年3月6日前报送）',
      '2026年3月（本月，2026年4月8日前报送）',
      '2026年度总结（2026年12月10日前报送）',
    ]);
  });

  it('a yearly task: the annual summary only', () => {
    expect(offered('year', '2026-03-03T10:00:00').map((x) => x.value)).toEqual(['2026Y']);
    expect(offered(null, '2026-03-03T10:00:00').map((x) => x.value)).toEqual(['2026Q1', '2026Y']);
  });
});
