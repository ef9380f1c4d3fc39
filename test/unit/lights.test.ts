/**
 * The dashboard's traffic-light parameters (app/dashboard/lights.ts) follow the configured
 * reporting policy: which report, if missing, turns an open assignment yellow ("report late"), per
 * task kind, at a given moment — and they agree with what the lifecycle itself chases
 * (domain/policy overdueItems) for the shipped policy, a workday-based policy across 国庆, and the
 * compressed policy of the workflow tests.
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import type { TaskKind } from '../../domain/model';
import { overdueItems, planAssignmentNotices } from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { lightParams, lightPolicy, type LightPolicy, type ReportRule } from '../../app/dashboard/lights';
import { rng, withDueAfterEnd } from '../helpers/lights';

const cfg = loadConfig({});
const shipped = lightPolicy(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile));
const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (d: Date) => shipped.calendar.toIso(d.getTime());

/** The report the SQL checks for an assignment created at `createdMs` (the same case analysis as queries.ts). */
function checkedReport(rule: ReportRule, createdMs: number): string | null {
  const r = rule.rolling;
  const k = r ? Math.ceil((r.pastDueBefore.getTime() - createdMs) / r.lengthMs) - 1 : 0;
  const endK = r ? createdMs + k * r.lengthMs : 0;
  let prev = Number.NEGATIVE_INFINITY;
  for (const f of rule.fixed) {
    if (createdMs >= prev && createdMs < f.owedBefore.getTime())
      return r && k >= 1 && endK >= f.rollingFrom!.getTime() ? `P${k}` : f.period;
    prev = f.owedBefore.getTime();
  }
  return r && k >= 1 ? `P${k}` : null;
}

/** What the lifecycle says: the past-due report it asks of that assignment that fell due last (null: none yet). */
function lifecycleLatest(lp: LightPolicy, kind: TaskKind, createdMs: number, nowMs: number): string | null {
  const items = overdueItems({
    task: { number: 1, kind, dueAt: null },
    assignment: {
      unit: '市市场监管局',
      role: 'LEAD',
      state: 'IN_PROGRESS',
      assignedAt: lp.calendar.toIso(createdMs),
      dueAt: null,
    },
    policy: lp.policy,
    calendar: lp.calendar,
    now: nowMs,
  }).filter((i) => i.what === 'report');
  let best: { period: string; due: number; summary: boolean } | null = null;
  for (const i of items) {
    const due = Date.parse(i.dueAt);
    const summary = /[YC]/.test(i.period!);
    // equal due moments: the dashboard checks the fixed report (annual summary) first
    if (!best || due > best.due || (due === best.due && summary && !best.summary))
      best = { period: i.period!, due, summary };
  }
  return best?.period ?? null;
}

describe('the shipped policy (config/policy.json): quarterly reports due by the end of the 10th day after the quarter', () => {
  it('until the end of 10 April the last report past due is the one of two quarters ago; from 11 April it is Q1', () => {
    const before = lightParams(at('2026-04-10T23:59:59.999'), shipped).reports.deadline;
    expect(before.fixed.map((f) => [f.period, iso(f.dueAt), iso(f.owedBefore)])).toEqual([
      ['2025Q4', '2026-01-10T23:59:59.999+08:00', '2026-01-01T00:00:00.000+08:00'],
    ]);
    expect(before.rolling).toBeNull();
    const after = lightParams(at('2026-04-11T00:00:00.000'), shipped).reports.deadline;
    expect(after.fixed.map((f) => [f.period, iso(f.dueAt), iso(f.owedBefore)])).toEqual([
      ['2026Q1', '2026-04-10T23:59:59.999+08:00', '2026-04-01T00:00:00.000+08:00'],
    ]);
  });

  it('across the year: 2025Q4 becomes the one past due on 11 January 2026', () => {
    expect(lightParams(at('2026-01-10T12:00:00'), shipped).reports.deadline.fixed.map((f) => f.period)).toEqual([
      '2025Q3',
    ]);
    expect(lightParams(at('2026-01-11T00:00:01'), shipped).reports.deadline.fixed.map((f) => f.period)).toEqual([
      '2025Q4',
    ]);
  });

  it('yellow "due soon" means within 7 calendar days', () => {
    const p = lightParams(at('2026-11-26T10:00:00'), shipped);
    expect(p.soon.getTime() - p.now.getTime()).toBe(7 * 86_400_000);
  });

  it('standing tasks are asked for quarterly reports too, and for the annual summary due by the end of 10 December', () => {
    // 26 Nov 2026: 2026Q3 (due 10 Oct) is more recent than 2025Y (due 10 Dec 2025)
    expect(lightParams(at('2026-11-26T10:00:00'), shipped).reports.standing.fixed.map((f) => f.period)).toEqual([
      '2026Q3',
    ]);
    expect(lightParams(at('2026-12-10T23:00:00'), shipped).reports.standing.fixed.map((f) => f.period)).toEqual([
      '2026Q3',
    ]);
    // from 11 Dec the summary is: owed by every assignment made up to its due moment
    const dec = lightParams(at('2026-12-11T00:00:00'), shipped).reports.standing;
    expect(dec.fixed.map((f) => [f.period, iso(f.dueAt), iso(f.owedBefore)])).toEqual([
      ['2026Y', '2026-12-10T23:59:59.999+08:00', '2026-12-11T00:00:00.000+08:00'],
    ]);
    expect(lightParams(at('2027-01-10T23:00:00'), shipped).reports.standing.fixed.map((f) => f.period)).toEqual([
      '2026Y',
    ]);
    // and from 11 Jan 2027 2026Q4 is the most recent one
    expect(lightParams(at('2027-01-11T00:00:00'), shipped).reports.standing.fixed.map((f) => f.period)).toEqual([
      '2026Q4',
    ]);
    // deadline tasks have no annual summary
    expect(lightParams(at('2026-12-11T00:00:00'), shipped).reports.deadline.fixed.map((f) => f.period)).toEqual([
      '2026Q3',
    ]);
  });
});

describe('a policy with reports due 5 workdays after the quarter, across 国庆 2026 (1–7 Oct off, Sat 10 Oct a make-up workday)', () => {
  const five = lightPolicy(withDueAfterEnd(cfg.policy, { workdays: 5 }), readHolidayOverride(cfg.holidaysOverrideFile));

  it('2026Q3 falls due at the end of 13 Oct (8, 9, 10, 12, 13 Oct are the workdays), not 7 Oct', () => {
    expect(lightParams(at('2026-10-13T23:59:59.999'), five).reports.deadline.fixed.map((f) => f.period)).toEqual([
      '2026Q2',
    ]);
    const p = lightParams(at('2026-10-14T00:00:00'), five).reports.deadline;
    expect(p.fixed.map((f) => [f.period, iso(f.dueAt)])).toEqual([['2026Q3', '2026-10-13T23:59:59.999+08:00']]);
    // 2026Q2 ended on Tue 30 Jun: due at the end of Tue 7 Jul
    expect(
      lightParams(at('2026-07-08T00:00:00'), five).reports.deadline.fixed.map((f) => [f.period, iso(f.dueAt)]),
    ).toEqual([['2026Q2', '2026-07-07T23:59:59.999+08:00']]);
  });

  it('is the moment the lifecycle chases that report from', () => {
    const notices = planAssignmentNotices({
      task: { number: 1, kind: 'deadline', dueAt: '2027-12-31T23:59:59.999+08:00' },
      assignment: {
        unit: '市市场监管局',
        role: 'LEAD',
        state: 'IN_PROGRESS',
        assignedAt: '2026-08-01T10:00:00+08:00',
        dueAt: '2027-12-31T23:59:59.999+08:00',
      },
      policy: five.policy,
      calendar: five.calendar,
      now: at('2026-10-01T00:00:00'),
    });
    const chase = notices.find((n) => n.kind === 'report_chase' && n.period === '2026Q3');
    expect(chase?.dueAt).toBe(iso(lightParams(at('2026-10-14T00:00:00'), five).reports.deadline.fixed[0]!.dueAt));
  });

  it('follows the holiday override the lifecycle is given: a year listed there replaces the packaged holidays', () => {
    const noHolidays = lightPolicy(withDueAfterEnd(cfg.policy, { workdays: 5 }), {
      years: { '2026': { holidays: {}, workdays: {} } },
    });
    // without 国庆 the five workdays are 1, 2, 5, 6, 7 Oct
    expect(
      lightParams(at('2026-10-08T00:00:00'), noHolidays).reports.deadline.fixed.map((f) => [f.period, iso(f.dueAt)]),
    ).toEqual([['2026Q3', '2026-10-07T23:59:59.999+08:00']]);
    expect(lightParams(at('2026-10-08T00:00:00'), five).reports.deadline.fixed.map((f) => f.period)).toEqual([
      '2026Q2',
    ]);
  });
});

describe('a policy with periods counted from each assignment (the compressed policy of the workflow tests)', () => {
  const sp = lightPolicy(secondsPolicy());
  const nowMs = Date.parse('2026-11-26T02:00:07.000Z');

  it('gives the period length and the cut-off: a 20 s period whose end is more than 5 s ago is past due', () => {
    const r = lightParams(nowMs, sp).reports.deadline;
    expect(r.fixed).toEqual([]);
    expect(r.rolling).toEqual({ lengthMs: 20_000, pastDueBefore: new Date(nowMs - 5_000) });
    expect(checkedReport(r, nowMs - 60_000)).toBe('P2'); // P2 ended 20 s ago, P3 ends now
    expect(checkedReport(r, nowMs - 24_000)).toBe(null); // P1 ended 4 s ago: not due yet
    expect(checkedReport(r, nowMs - 25_001)).toBe('P1');
  });

  it('standing tasks: the cycle summary (due 10 s before each 60 s cycle ends) when it fell due after the last period', () => {
    const r = lightParams(nowMs, sp).reports.standing;
    // the cycle containing now ends at 02:01:00 (cycles count from the epoch); the last summary due was 02:00:50 of the one before
    expect(r.fixed.map((f) => [f.period, f.dueAt.toISOString(), f.owedBefore.toISOString()])).toEqual([
      [`C${Math.floor(nowMs / 60_000) - 1}`, '2026-11-26T01:59:50.000Z', '2026-11-26T01:59:50.001Z'],
    ]);
    const c = `C${Math.floor(nowMs / 60_000) - 1}`;
    const made = (hms: string) => checkedReport(r, Date.parse(`2026-11-26T${hms}.000Z`));
    expect(made('01:58:00')).toBe('P6'); // P6 ended 02:00:00, due 02:00:05: after the summary
    expect(made('01:59:23')).toBe(c); // P1 due 01:59:48, before the summary; P2 not due yet
    expect(made('01:59:45')).toBe(c); // no period past due yet
    expect(made('01:59:51')).toBe(null); // made after the summary fell due, no period past due
  });
});

describe('property: the period the dashboard checks is the last past-due report the lifecycle asks of that assignment', () => {
  const cases: [string, LightPolicy, number, number][] = [
    // name, policy, window start, window length (ms)
    ['shipped policy', shipped, at('2025-06-01T00:00:00'), 3 * 366 * 86_400_000],
    [
      '5 workdays after the quarter',
      lightPolicy(withDueAfterEnd(cfg.policy, { workdays: 5 }), readHolidayOverride(cfg.holidaysOverrideFile)),
      at('2025-06-01T00:00:00'),
      3 * 366 * 86_400_000,
    ],
    [
      '1 month after the quarter',
      lightPolicy(withDueAfterEnd(cfg.policy, { months: 1 })),
      at('2025-06-01T00:00:00'),
      3 * 366 * 86_400_000,
    ],
    ['compressed (seconds) policy', lightPolicy(secondsPolicy()), Date.parse('2026-11-26T02:00:00.000Z'), 600_000],
  ];
  it.each(cases)('%s', (_name, lp, from, span) => {
    const rand = rng(20261126);
    const day = 86_400_000;
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const nowMs = from + Math.floor(rand() * span);
      const p = lightParams(nowMs, lp);
      for (const kind of ['deadline', 'standing'] as const) {
        // made anywhere up to two years (or 5 min) before, some exactly at quarter-like boundaries
        const back = span > day ? Math.floor(rand() * 2 * 366 * day) : Math.floor(rand() * 300_000);
        const candidates = [
          nowMs - back,
          ...p.reports[kind].fixed.flatMap((f) => [f.owedBefore.getTime() - 1, f.owedBefore.getTime()]),
        ];
        for (const createdMs of candidates) {
          if (createdMs > nowMs) continue;
          expect({
            kind,
            now: new Date(nowMs).toISOString(),
            created: new Date(createdMs).toISOString(),
            period: checkedReport(p.reports[kind], createdMs),
          }).toEqual({
            kind,
            now: new Date(nowMs).toISOString(),
            created: new Date(createdMs).toISOString(),
            period: lifecycleLatest(lp, kind, createdMs, nowMs),
          });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
