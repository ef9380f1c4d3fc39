import { catchUpOrders } from '../../app/supervise';
import type { CatchUpPlan } from '../../domain/policy';

describe('catch-up orders', () => {
  const item = {
    task: 45,
    unit: '市民政局',
    what: 'deadline' as const,
    dueAt: '2025-12-31T23:59:59.999+08:00',
    overdueDays: 330,
    slip: 'RED' as const,
  };
  const cu = {
    at: '2026-11-26T09:00:00.000+08:00',
    covered: ['45|市民政局'],
    items: [item],
    notices: [
      {
        kind: 'catchup_unit',
        at: '2026-11-26T09:00:00.000+08:00',
        nominalAt: '2026-11-26T00:00:00.000+08:00',
        task: 0,
        unit: '市民政局',
        to: ['liaison', 'leader'],
        slip: 'RED',
        items: [item],
      },
      {
        kind: 'catchup_summary',
        at: '2026-11-26T09:00:00.000+08:00',
        nominalAt: '2026-11-26T00:00:00.000+08:00',
        task: 0,
        unit: null,
        to: ['office'],
        slip: null,
        items: [item],
      },
    ],
  } as unknown as CatchUpPlan;

  it("keys one notice per unit and one summary deterministically, and names each item's task text", () => {
    const orders = catchUpOrders(
      'nanchang',
      cu,
      new Map([['市民政局', 'u-mzj']]),
      new Map([[45, '加强养老服务质量标准与评价体系建设。']]),
    );
    expect(orders.map((o) => o.key)).toEqual([
      `notice-nanchang-catchup-u-mzj-catchup_unit-${Date.parse('2026-11-26T00:00:00.000+08:00')}`,
      `notice-nanchang-catchup-catchup_summary-${Date.parse('2026-11-26T00:00:00.000+08:00')}`,
    ]);
    expect(orders.every((o) => o.notice.items?.[0]?.text === '加强养老服务质量标准与评价体系建设。')).toBe(true);
    expect(catchUpOrders('nanchang', cu, new Map([['市民政局', 'u-mzj']]))).toEqual(
      catchUpOrders('nanchang', cu, new Map([['市民政局', 'u-mzj']])),
    );
  });
});
