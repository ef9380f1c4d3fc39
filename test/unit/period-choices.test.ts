/**
 * The reporting periods the unit form offers (web/unit-input.ts periodChoices) follow what
 * the lifecycle asks of the assignment under the configured policy: periods due or past due and
 * not yet reported (most recent first), then the current ones; a standing task's annual summary
 * of the previous cycle while unreported. Whatever is offered passes the form's own check and the
 * lifecycle's submitReport decision (the workflow validator runs `decide`).
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { decide, initialView } from '../../domain/lifecycle';
import type { TaskKind } from '../../domain/model';
import { overdueItems, type Policy } from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { lightPolicy, type LightPolicy } from '../../app/dashboard/lights';
import { MAX_PAST_CHOICES, parseReport, periodChoices } from '../../web/unit-input';

const cfg = loadConfig({});
const shipped = lightPolicy(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile));
const at = (local: string) => Date.parse(`${local}+08:00`);

function offered(kind: TaskKind, created: string, now: string, reported: string[] = [], lp: LightPolicy = shipped) {
  return periodChoices({ lights: lp, kind, assignedMs: at(created), nowMs: at(now), reported });
}
const values = (...a: Parameters<typeof offered>) => offered(...a).map((c) => c.value);

describe('period choices under the shipped policy (quarters due on the 10th, annual summary due 12-10)', () => {
  it('2026-04-05: a deadline task is offered 2026Q1 (due 4月10日, not yet late) and the running 2026Q2', () => {
    const c = offered('deadline', '2026-01-15T10:00:00', '2026-04-05T10:00:00');
    expect(c.map((x) => [x.value, x.status])).toEqual([
      ['2026Q1', 'due'],
      ['2026Q2', 'open'],
    ]);
    expect(c[0]!.label).toBe('2026年第一季度（请于2026年4月10日前报送）');
    expect(c[1]!.label).toBe('2026年第二季度（本季度，2026年7月10日前报送）');
    expect(c[0]!.dueAt).toBe('2026-04-10T23:59:59.999+08:00');
  });

  it("2026-04-05: a standing task also has this year's annual summary; last year's was due before it existed", () => {
    expect(values('standing', '2026-01-15T10:00:00', '2026-04-05T10:00:00')).toEqual(['2026Q1', '2026Q2', '2026Y']);
  });

  it('2027-01-05: a standing task is offered the late 2026Y summary, with 2026Q4 (due 1月10日) first', () => {
    const c = offered('standing', '2026-02-01T10:00:00', '2027-01-05T10:00:00', ['2026Q1', '2026Q2', '2026Q3']);
    expect(c.map((x) => x.value)).toEqual(['2026Q4', '2026Y', '2027Q1', '2027Y']);
    expect(c.find((x) => x.value === '2026Y')).toMatchObject({
      status: 'overdue',
      label: '2026年度总结（已逾期，应于2026年12月10日前报送）',
    });
    expect(c.find((x) => x.value === '2027Y')).toMatchObject({
      status: 'open',
      label: '2027年度总结（2027年12月10日前报送）',
    });
    // once 2026Y is reported it is no longer offered
    expect(
      values('standing', '2026-02-01T10:00:00', '2027-01-05T10:00:00', ['2026Q1', '2026Q2', '2026Q3', '2026Y']),
    ).toEqual(['2026Q4', '2027Q1', '2027Y']);
    // a deadline task has no annual summary
    expect(values('deadline', '2026-02-01T10:00:00', '2027-01-05T10:00:00', ['2026Q1', '2026Q2', '2026Q3'])).toEqual([
      '2026Q4',
      '2027Q1',
    ]);
  });

  it('unreported past-due periods stay on offer, most recent first', () => {
    const c = offered('standing', '2026-02-01T10:00:00', '2027-01-05T10:00:00');
    expect(c.map((x) => [x.value, x.status])).toEqual([
      ['2026Q4', 'due'],
      ['2026Y', 'overdue'],
      ['2026Q3', 'overdue'],
      ['2026Q2', 'overdue'],
      ['2026Q1', 'overdue'],
      ['2027Q1', 'open'],
      ['2027Y', 'open'],
    ]);
  });

  it("an assignment made after this year's summary fell due owes no summary for this year", () => {
    expect(values('standing', '2026-12-15T10:00:00', '2026-12-20T10:00:00')).toEqual(['2026Q4']);
    expect(values('standing', '2026-12-15T10:00:00', '2027-01-05T10:00:00')).toEqual(['2026Q4', '2027Q1', '2027Y']);
  });

  it('boundaries: the quarter turns at local midnight; a report turns late just after the end of its due day', () => {
    expect(values('deadline', '2026-01-15T10:00:00', '2026-03-31T23:59:59.999')).toEqual(['2026Q1']);
    expect(offered('deadline', '2026-01-15T10:00:00', '2026-04-01T00:00:00').map((x) => [x.value, x.status])).toEqual([
      ['2026Q1', 'due'],
      ['2026Q2', 'open'],
    ]);
    expect(offered('deadline', '2026-01-15T10:00:00', '2026-04-10T23:59:59.999')[0]!.status).toBe('due');
    expect(offered('deadline', '2026-01-15T10:00:00', '2026-04-11T00:00:00')[0]).toMatchObject({
      value: '2026Q1',
      status: 'overdue',
      label: '2026年第一季度（已逾期，应于2026年4月10日前报送）',
    });
    // the annual summary is late from 12-11 00:00
    expect(
      offered('standing', '2026-01-15T10:00:00', '2026-12-10T23:59:59.999', ['2026Q1', '2026Q2', '2026Q3']).find(
        (x) => x.value === '2026Y',
      )!.status,
    ).toBe('open');
    expect(
      offered('standing', '2026-01-15T10:00:00', '2026-12-11T00:00:00', ['2026Q1', '2026Q2', '2026Q3']).find(
        (x) => x.value === '2026Y',
      )!.status,
    ).toBe('overdue');
  });

  it('offers at most the 12 most recent past periods', () => {
    const c = offered('deadline', '2020-01-01T10:00:00', '2026-05-05T10:00:00');
    expect(c.length).toBe(MAX_PAST_CHOICES + 1);
    expect(c[0]!.value).toBe('2026Q1');
    expect(c[MAX_PAST_CHOICES - 1]!.value).toBe('2023Q2');
    expect(c[MAX_PAST_CHOICES]).toMatchObject({ value: '2026Q2', status: 'open' });
  });

  it('agrees with what the lifecycle chases: every past-due report it lists is offered', () => {
    for (const [kind, created, now] of [
      ['standing', '2026-02-01T10:00:00', '2027-01-05T10:00:00'],
      ['standing', '2025-11-20T10:00:00', '2026-04-15T10:00:00'],
      ['deadline', '2025-06-30T23:00:00', '2026-10-11T09:00:00'],
    ] as const) {
      const lifecycle = overdueItems({
        task: { number: 1, kind, dueAt: null },
        assignment: {
          unit: '市市场监管局',
          role: 'LEAD',
          state: 'IN_PROGRESS',
          assignedAt: shipped.calendar.toIso(at(created)),
          dueAt: null,
        },
        policy: shipped.policy,
        calendar: shipped.calendar,
        now: at(now),
      })
        .filter((i) => i.what === 'report')
        .map((i) => i.period!);
      const overdue = offered(kind, created, now)
        .filter((c) => c.status === 'overdue')
        .map((c) => c.value);
      expect([kind, created, overdue.sort()]).toEqual([kind, created, lifecycle.sort()]);
    }
  });
});

describe('a fixed-length (seconds) policy: periods P1, P2 … from the assignment, cycle summaries C<n>', () => {
  const sp = lightPolicy(secondsPolicy()); // 20 s periods due 5 s after; 60 s cycles, summary 10 s before the end
  const t0 = Date.parse('2026-11-26T02:00:00.000Z'); // also the start of a 60 s cycle

  it('offers the past periods (latest first) and the running one, not the quarters', () => {
    const c = periodChoices({ lights: sp, kind: 'deadline', assignedMs: t0, nowMs: t0 + 61_000, reported: [] });
    expect(c.map((x) => [x.value, x.status])).toEqual([
      ['P3', 'due'],
      ['P2', 'overdue'],
      ['P1', 'overdue'],
      ['P4', 'open'],
    ]);
    expect(c[0]!.label).toBe('第3期（请于2026年11月26日 10:01:05前报送）');
    expect(
      periodChoices({ lights: sp, kind: 'deadline', assignedMs: t0, nowMs: t0 + 61_000, reported: ['P2', 'P4'] }).map(
        (x) => x.value,
      ),
    ).toEqual(['P3', 'P1']);
  });

  it('a standing task also gets its cycle summaries', () => {
    const cycle = Math.floor(t0 / 60_000);
    // the cycle starting at t0 ends at t0 + 60 s; its summary is due 10 s before that
    const before = periodChoices({ lights: sp, kind: 'standing', assignedMs: t0, nowMs: t0 + 45_000, reported: [] });
    expect(before.map((x) => [x.value, x.status])).toEqual([
      ['P2', 'due'],
      ['P1', 'overdue'],
      [`C${cycle}`, 'open'],
      ['P3', 'open'],
    ]);
    const after = periodChoices({ lights: sp, kind: 'standing', assignedMs: t0, nowMs: t0 + 55_000, reported: ['P1'] });
    expect(after.map((x) => [x.value, x.status])).toEqual([
      [`C${cycle}`, 'overdue'],
      ['P2', 'overdue'],
      ['P3', 'open'],
    ]);
    expect(after[0]!.label).toMatch(new RegExp(`^第${cycle}周期总结（已逾期，应于`));
  });
});

describe('a policy without periodic reports', () => {
  it('offers only what remains: the annual summary, or nothing', () => {
    const p = structuredClone(cfg.policy) as Policy;
    p.kinds.deadline.reports = null;
    p.kinds.standing.reports = null;
    const lp = lightPolicy(p, readHolidayOverride(cfg.holidaysOverrideFile));
    expect(values('standing', '2026-02-01T10:00:00', '2027-01-05T10:00:00', [], lp)).toEqual(['2026Y', '2027Y']);
    expect(values('deadline', '2026-02-01T10:00:00', '2027-01-05T10:00:00', [], lp)).toEqual([]);
  });
});

describe('whatever the form offers, the form and the lifecycle accept', () => {
  it('every offered period passes parseReport and the submitReport decision, over two years of days, both kinds, both policies', () => {
    const seconds = lightPolicy(secondsPolicy());
    let checked = 0;
    for (const [lp, step, span] of [
      [shipped, 86_400_000 * 3 + 3_600_000, 2 * 366 * 86_400_000],
      [seconds, 7_000, 600_000],
    ] as const) {
      const created = at('2025-12-20T15:00:00');
      for (let now = created; now < created + span; now += step) {
        for (const kind of ['deadline', 'standing'] as const) {
          for (const c of periodChoices({ lights: lp, kind, assignedMs: created, nowMs: now, reported: [] })) {
            expect(parseReport({ period: c.value, text: '进展' }).period).toBe(c.value);
            const view = {
              ...initialView({ assignmentId: 'a', unitId: 'u', unit: '市市场监管局', role: 'LEAD', dueAt: null }),
              state: kind === 'standing' ? ('ONGOING' as const) : ('ACKNOWLEDGED' as const),
            };
            const d = decide(view, kind, { type: 'submitReport', period: c.value, text: '进展' }, now);
            expect([c.value, d.ok]).toEqual([c.value, true]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('the form refuses a malformed period before the lifecycle sees it, naming the field', () => {
    expect(() => parseReport({ period: '2026Q9', text: 'x' })).toThrow('报告期「2026Q9」格式不对');
    expect(() => parseReport({ period: 'P0', text: 'x' })).toThrow(/格式不对/);
    expect(parseReport({ period: 'P12', text: 'x' }).period).toBe('P12');
  });
});
