/**
 * What `dubang supervise start` says about the catch-up: how many units and tasks it covers and how
 * many 督办单 it issues, by colour. The counts come from the catch-up's orders through the
 * activity's own choice of slips (domain/notices slipRequests), so they agree with the policy
 * decision (domain/policy planCatchUp `slips`) and a missing report counts no slip.
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { catchUpCounts, catchUpOrderCounts, catchUpOrders, type StartResult } from '../../app/supervise';
import { catchUpLine } from '../../cli/commands/plan-preview';
import { parseNotifyRoles, startText } from '../../cli/commands/supervise';
import type { AssignmentRole } from '../../domain/model';
import { planCatchUp, policyCalendar, type PlanAssignment } from '../../domain/policy';

const cfg = loadConfig({});
const cal = policyCalendar(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile));
const sh = (local: string) => `${local}+08:00`;

function entry(
  task: number,
  unit: string,
  dueAt: string | null,
  kind: 'deadline' | 'standing' = 'deadline',
  extra: Partial<PlanAssignment> = {},
) {
  return {
    task: { number: task, kind, dueAt },
    assignment: {
      unit,
      role: 'LEAD',
      state: 'ASSIGNED',
      assignedAt: sh('2026-02-02T10:00:00'),
      dueAt,
      ...extra,
    } as PlanAssignment,
  };
}

describe('catch-up counts', () => {
  // 2 Feb 2026: the 2024 deadline is red, the 2025 ones orange; the standing task only owes a report
  const entries = [
    entry(3, '市工信局', sh('2024-12-31T23:59:59.999')),
    entry(7, '市工信局', sh('2025-12-31T23:59:59.999')),
    entry(7, '市商务局', sh('2025-12-31T23:59:59.999')),
    entry(9, '市教育局', null, 'standing', {
      assignedAt: sh('2025-05-06T10:00:00'),
      state: 'ONGOING',
      reportedPeriods: ['2025Q2', '2025Q3'],
    }),
    entry(12, '市民政局', sh('2027-12-31T23:59:59.999')),
  ];
  const cu = planCatchUp({ entries, policy: cfg.policy, calendar: cal, now: sh('2026-02-02T10:00:00') });
  const orders = catchUpOrders('p', cu, new Map());

  it('counts units and tasks with something overdue, and one slip per overdue deadline', () => {
    expect(cu.items.map((i) => [i.task, i.unit, i.period ?? i.what, i.slip])).toEqual([
      [3, '市工信局', 'deadline', 'RED'],
      [7, '市工信局', 'deadline', 'ORANGE'],
      [7, '市商务局', 'deadline', 'ORANGE'],
      [9, '市教育局', '2025Q4', null],
      [9, '市教育局', '2025Y', null],
    ]);
    const c = catchUpOrderCounts(orders);
    expect(c).toEqual({ units: 3, tasks: 3, slips: 3, slipColours: { RED: 1, ORANGE: 2, BLUE: 0 } });
    // the activity's choice of slips is the policy's: the same counts from planCatchUp itself
    expect(catchUpCounts(cu.items, cu.slips)).toEqual(c);
    expect(catchUpLine(c)).toBe('补发督办：3 个单位，3 项任务，督办单 3 张（红色 1，橙色 2）');
  });

  it('says so when only reports are missing, and when nothing is overdue', () => {
    const reportsOnly = planCatchUp({
      entries: [entries[3]!],
      policy: cfg.policy,
      calendar: cal,
      now: sh('2026-02-02T10:00:00'),
    });
    expect(catchUpLine(catchUpOrderCounts(catchUpOrders('p', reportsOnly, new Map())))).toBe(
      '补发督办：1 个单位，1 项任务，无督办单（仅有逾期未报的进展报告，由催办跟进）',
    );
    expect(catchUpLine(catchUpCounts([], []))).toBe('补发督办：无已逾期事项');
  });
});

describe('supervise start output', () => {
  // the real plan started on 26 Nov 2026 under the shipped policy (notifyRoles LEAD, CO, IMPLICIT)
  const base: StartResult = {
    plan: 'nanchang-quality-city-2024',
    notifyRoles: ['LEAD', 'CO', 'IMPLICIT'],
    notifyRolesFrom: 'policy',
    started: Array.from({ length: 80 }, (_, i) => `w${i}`),
    alreadyRunning: [],
    catchUp: {
      workflowId: 'dubang-nanchang-quality-city-2024-catchup',
      status: 'started',
      notices: 38,
      units: 37,
      tasks: 45,
      slips: 705,
      slipColours: { RED: 705, ORANGE: 0, BLUE: 0 },
    },
  };
  const shipped = '\n通知角色: 牵头、配合、属地落实 (config/policy.json notifyRoles)';

  it('at the first start: the lifecycles, the catch-up notices, then what the catch-up issues', () => {
    expect(startText(base)).toBe(
      '方案「nanchang-quality-city-2024」: 新启动督办 80 项任务，已在督办中 0 项；补发逾期汇总通知 38 份 (每个单位一份，办公室一份)\n补发督办：37 个单位，45 项任务，督办单 705 张（红色 705）' +
        shipped,
    );
  });

  it('at a later start: nothing repeated, and what the first start issued', () => {
    const again = {
      ...base,
      started: [],
      alreadyRunning: base.started,
      catchUp: { ...base.catchUp, status: 'already' as const },
    };
    expect(startText(again)).toBe(
      '方案「nanchang-quality-city-2024」: 新启动督办 0 项任务，已在督办中 80 项；逾期汇总通知已在首次启动时发出，不再重复\n首次启动时补发督办：37 个单位，45 项任务，督办单 705 张（红色 705）' +
        shipped,
    );
  });

  it('without a catch-up: only the lifecycles', () => {
    const none = {
      ...base,
      catchUp: { ...base.catchUp, status: 'none' as const, notices: 0, ...catchUpCounts([], []) },
    };
    expect(startText(none)).toBe('方案「nanchang-quality-city-2024」: 新启动督办 80 项任务，已在督办中 0 项' + shipped);
  });

  it('says where the roles come from when the plan chose them', () => {
    const chosen = {
      ...base,
      notifyRoles: ['LEAD', 'CO'] as AssignmentRole[],
      catchUp: { ...base.catchUp, status: 'none' as const },
    };
    expect(startText({ ...chosen, notifyRolesFrom: 'option' }).split('\n')[1]).toBe(
      '通知角色: 牵头、配合 (本次 --notify-roles 设定，已记在方案上，以后启动沿用)',
    );
    expect(startText({ ...chosen, notifyRolesFrom: 'plan' }).split('\n')[1]).toBe(
      '通知角色: 牵头、配合 (此前 --notify-roles 为本方案设定)',
    );
  });
});

describe('supervise start --notify-roles', () => {
  it('reads one or more of LEAD, CO, IMPLICIT, comma separated, in their canonical order', () => {
    expect(parseNotifyRoles('LEAD,CO')).toEqual(['LEAD', 'CO']);
    expect(parseNotifyRoles(' implicit , lead ')).toEqual(['LEAD', 'IMPLICIT']);
    expect(parseNotifyRoles('CO，CO')).toEqual(['CO']);
  });

  it('refuses anything else with a message naming the flag and the expected values', () => {
    expect(() => parseNotifyRoles('LEAD,COUNTY')).toThrow(
      '--notify-roles「LEAD,COUNTY」中的 COUNTY 不是分工角色；应为 LEAD（牵头）、CO（配合）、IMPLICIT（属地落实）中的一个或几个，用逗号分隔，如 --notify-roles LEAD,CO',
    );
    expect(() => parseNotifyRoles(' , ')).toThrow(
      /^--notify-roles「 , 」为空；应为 LEAD（牵头）、CO（配合）、IMPLICIT（属地落实）/,
    );
  });
});
