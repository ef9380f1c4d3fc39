/**
 * A report may be for the current, still open period (early) or any past one, never for a period
 * that has not started: domain/lifecycle `checkPeriodOpen` with workflows/planner `periodOpening`,
 * which the lifecycle's submitReport validator runs. Quarters and years start at local midnight in
 * the policy's zone; P<k> counts from the assignment instant and C<n> from the epoch, as the policy
 * plans them. Whatever the unit form offers (web/unit-input periodChoices) passes; the
 * period after the running one does not.
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { checkPeriodOpen } from '../../domain/lifecycle';
import type { Policy } from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { createPlanner } from '../../workflows/planner';
import { lightPolicy } from '../../app/dashboard/lights';
import { periodChoices } from '../../web/unit-input';

const cfg = loadConfig({});
const override = readHolidayOverride(cfg.holidaysOverrideFile);
const shipped = createPlanner(cfg.policy, override);
const at = (local: string) => Date.parse(`${local}+08:00`);

/** The decision the validator takes for `period` at `now` for an assignment made at `assigned`. */
function decideOpen(
  planner: ReturnType<typeof createPlanner>,
  kind: 'deadline' | 'standing',
  period: string,
  assigned: number,
  now: number,
) {
  return checkPeriodOpen(period, planner.periodOpening(kind, period, assigned), now);
}

describe('checkPeriodOpen', () => {
  it('accepts a period from its first instant on, and one the policy cannot place', () => {
    expect(checkPeriodOpen('2026Q4', { atMs: 1000, text: '2026年10月1日' }, 1000)).toEqual({ ok: true });
    expect(checkPeriodOpen('2026Q4', { atMs: 1000, text: '2026年10月1日' }, 5000)).toEqual({ ok: true });
    expect(checkPeriodOpen('P7', null, 0)).toEqual({ ok: true });
  });

  it('refuses a period before it starts, naming it and when it opens', () => {
    expect(checkPeriodOpen('2030Q1', { atMs: 1000, text: '2030年1月1日' }, 999)).toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      reason: '2030Q1 报告期尚未开始（2030年1月1日起可报送）',
    });
    expect(checkPeriodOpen('P99999999999999999999', { atMs: Number.POSITIVE_INFINITY, text: null }, 0)).toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      reason: 'P99999999999999999999 报告期尚未开始',
    });
  });
});

describe('periodOpening under the shipped policy (quarters, annual summaries)', () => {
  const assigned = at('2026-02-01T10:00:00');

  it('starts quarters and years at local midnight in the policy zone', () => {
    expect(shipped.periodOpening('deadline', '2030Q1', assigned)).toEqual({
      atMs: at('2030-01-01T00:00:00'),
      text: '2030年1月1日',
    });
    expect(shipped.periodOpening('deadline', '2026Q4', assigned)).toEqual({
      atMs: at('2026-10-01T00:00:00'),
      text: '2026年10月1日',
    });
    expect(shipped.periodOpening('standing', '2027Y', assigned)).toEqual({
      atMs: at('2027-01-01T00:00:00'),
      text: '2027年1月1日',
    });
  });

  it('cannot place fixed-length labels: it counts quarters and calendar years', () => {
    expect(shipped.periodOpening('deadline', 'P3', assigned)).toBeNull();
    expect(shipped.periodOpening('standing', 'C5', assigned)).toBeNull();
  });

  it('in November 2026: the open 2026Q4 and past periods pass, 2027Q1 and 2030Q1 do not', () => {
    const now = at('2026-11-26T10:00:00');
    for (const p of ['2026Q4', '2026Q1', '2025Q3', '2026Y', '2020Y'])
      expect([p, decideOpen(shipped, 'standing', p, assigned, now).ok]).toEqual([p, true]);
    expect(decideOpen(shipped, 'deadline', '2030Q1', assigned, now)).toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      reason: '2030Q1 报告期尚未开始（2030年1月1日起可报送）',
    });
    expect(decideOpen(shipped, 'deadline', '2027Q1', assigned, now)).toMatchObject({
      ok: false,
      reason: '2027Q1 报告期尚未开始（2027年1月1日起可报送）',
    });
    expect(decideOpen(shipped, 'standing', '2027Y', assigned, now)).toMatchObject({
      ok: false,
      reason: '2027Y 报告期尚未开始（2027年1月1日起可报送）',
    });
  });

  it('the quarter opens at local midnight, not UTC midnight', () => {
    expect(decideOpen(shipped, 'deadline', '2027Q1', assigned, at('2026-12-31T23:59:59.999')).ok).toBe(false);
    expect(decideOpen(shipped, 'deadline', '2027Q1', assigned, at('2027-01-01T00:00:00')).ok).toBe(true);
    // local midnight of 1 Jan in Shanghai is 16:00 UTC the day before
    expect(decideOpen(shipped, 'deadline', '2027Q1', assigned, Date.parse('2026-12-31T15:59:59.999Z')).ok).toBe(false);
    expect(decideOpen(shipped, 'deadline', '2027Q1', assigned, Date.parse('2026-12-31T16:00:00.000Z')).ok).toBe(true);
  });

  it('follows the policy zone', () => {
    const urumqi = createPlanner(
      { ...cfg.policy, calendar: { ...cfg.policy.calendar, zone: 'Asia/Urumqi' } } as Policy,
      override,
    );
    expect(urumqi.periodOpening('deadline', '2027Q1', assigned)).toEqual({
      atMs: Date.parse('2027-01-01T00:00:00+06:00'),
      text: '2027年1月1日',
    });
  });
});

describe('periodOpening under a fixed-length (seconds) policy', () => {
  const sp = createPlanner(secondsPolicy(), null); // 20 s periods from the assignment; 60 s cycles from the epoch
  const t0 = Date.parse('2026-11-26T02:00:00.000Z');

  it('counts P<k> from the assignment instant, in periods of the policy length', () => {
    expect(sp.periodOpening('deadline', 'P1', t0)).toEqual({ atMs: t0, text: '2026年11月26日 10:00:00' });
    expect(sp.periodOpening('deadline', 'P3', t0 + 500)).toEqual({
      atMs: t0 + 40_500,
      text: '2026年11月26日 10:00:40',
    });
    expect(decideOpen(sp, 'deadline', 'P3', t0, t0 + 39_999)).toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      reason: 'P3 报告期尚未开始（2026年11月26日 10:00:40起可报送）',
    });
    expect(decideOpen(sp, 'deadline', 'P3', t0, t0 + 40_000).ok).toBe(true);
  });

  it('counts C<n> from the epoch in cycles of the policy length', () => {
    const n = Math.floor(t0 / 60_000);
    expect(sp.periodOpening('standing', `C${n}`, t0)).toMatchObject({ atMs: n * 60_000 });
    expect(decideOpen(sp, 'standing', `C${n}`, t0, t0).ok).toBe(true);
    expect(decideOpen(sp, 'standing', `C${n + 1}`, t0, t0 + 59_999)).toMatchObject({
      ok: false,
      reason: `C${n + 1} 报告期尚未开始（2026年11月26日 10:01:00起可报送）`,
    });
    // a deadline task has no cycles: nothing to place C<n> by
    expect(sp.periodOpening('deadline', `C${n}`, t0)).toBeNull();
  });

  it('a label too large for any date never opens, and says so without a date', () => {
    expect(sp.periodOpening('deadline', 'P99999999999999999999', t0)).toEqual({
      atMs: Number.POSITIVE_INFINITY,
      text: null,
    });
    expect(decideOpen(sp, 'deadline', 'P99999999999999999999', t0, t0 + 1e12).ok).toBe(false);
  });

  it('still reads quarters and years as the calendar has them', () => {
    expect(decideOpen(sp, 'deadline', '2026Q4', t0, t0).ok).toBe(true);
    expect(decideOpen(sp, 'deadline', '2027Q1', t0, t0)).toMatchObject({
      ok: false,
      reason: '2027Q1 报告期尚未开始（2027年1月1日起可报送）',
    });
  });
});

describe('a run without a policy', () => {
  const none = createPlanner({}, null, 'Asia/Shanghai');
  it('places quarters and years in the task zone, and nothing else', () => {
    expect(none.periodOpening('deadline', '2027Q2', 0)).toEqual({
      atMs: at('2027-04-01T00:00:00'),
      text: '2027年4月1日',
    });
    expect(none.periodOpening('deadline', 'P3', 0)).toBeNull();
    expect(none.periodOpening('standing', 'C3', 0)).toBeNull();
  });
});

describe('agrees with the unit form', () => {
  it('every period the form offers is open; the period after the running one is not', () => {
    let checked = 0;
    for (const [policy, step, span] of [
      [cfg.policy, 86_400_000 * 3 + 3_600_000, 2 * 366 * 86_400_000],
      [secondsPolicy(), 7_000, 600_000],
    ] as const) {
      const planner = createPlanner(policy, override);
      const lights = lightPolicy(policy, override);
      const created = at('2025-12-20T15:00:00');
      for (let now = created; now < created + span; now += step) {
        for (const kind of ['deadline', 'standing'] as const) {
          const offered = periodChoices({ lights, kind, assignedMs: created, nowMs: now, reported: [] });
          for (const c of offered) {
            expect([c.value, decideOpen(planner, kind, c.value, created, now).ok]).toEqual([c.value, true]);
            checked++;
          }
          // the next period: the quarter (or P<k>) after the running one is refused
          const running = offered
            .filter((c) => c.status === 'open' && /^(\d{4}Q[1-4]|P\d+)$/.test(c.value))
            .map((c) => c.value);
          expect(running).toHaveLength(1);
          const next = nextPeriod(running[0]!);
          expect([next, decideOpen(planner, kind, next, created, now).ok]).toEqual([next, false]);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

function nextPeriod(p: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(p);
  if (q) return q[2] === '4' ? `${Number(q[1]) + 1}Q1` : `${q[1]}Q${Number(q[2]) + 1}`;
  return `P${Number(p.slice(1)) + 1}`;
}
