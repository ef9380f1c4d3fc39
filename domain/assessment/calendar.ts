/**
 * Calendars of the assessment: the assessment year's window, the reporting calendar (quarterly
 * reports due by the 10th day after the quarter, a standing task's annual summary due 10 Dec), and
 * workday arithmetic for acknowledgements. Pure; every function takes its zone explicitly.
 */
import { DateTime } from 'luxon';
import type { AssessmentRubric, ReportCadence } from './types';
import { DomainErrorCodes, DubangError } from '../errors';

/** An error in the assessment's inputs (year, as-of date, rubric), with what was expected. */
export class AssessmentInputError extends DubangError {
  static override readonly code = DomainErrorCodes.AssessmentInputError;
}

export interface YearWindow {
  /** inclusive start, epoch ms */
  start: number;
  /** exclusive end, epoch ms */
  end: number;
}

/**
 * The window of assessment year `year`. With `startMonth` 1 it is the calendar year; otherwise it
 * runs from `startMonth` of the previous year to the same month of `year`, so the year is named by
 * the year it ends in (startMonth 7: year 2025 = 1 Jul 2024 – 30 Jun 2025, the national quality
 * assessment's July–June cycle).
 */
export function assessmentWindow(year: number, startMonth: number, zone: string): YearWindow {
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw new AssessmentInputError(`考核年度应为 2000–2100 之间的年份，收到 ${year}`);
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12)
    throw new AssessmentInputError(`yearStartMonth 应为 1–12，收到 ${startMonth}`);
  const first = startMonth === 1 ? year : year - 1;
  const start = DateTime.fromObject({ year: first, month: startMonth, day: 1 }, { zone });
  if (!start.isValid) throw new AssessmentInputError(`无效的时区 ${zone}`);
  return { start: start.toMillis(), end: start.plus({ years: 1 }).toMillis() };
}

/** 2025年度, or 2024—2025年度 for a window that spans two calendar years. */
export function yearLabel(year: number, startMonth: number): string {
  return startMonth === 1 ? `${year}年度` : `${year - 1}—${year}年度`;
}

/** One reporting period an assignment may owe a report for. */
export interface ReportPeriod {
  /** 2025Q1 or 2025Y, as Report.period stores it */
  period: string;
  cadence: ReportCadence;
  /** the period's start and (exclusive) end, epoch ms; an annual summary's period ends at its due instant */
  start: number;
  end: number;
  /** end of the due day in the zone, epoch ms */
  dueAt: number;
}

/**
 * Every period of `cadence` whose due instant falls in [from, to). Quarterly: due at the end of the
 * `quarterlyDueDay`-th day after the quarter ends (2025Q1 → 2025-04-10 23:59:59.999). Annual: the
 * summary of calendar year y is due at the end of `annualDue` (MM-DD) of y. Monthly (每月 tasks):
 * due at the end of the `monthlyDueWorkdays`-th workday after the month ends, by `isWorkday`
 * (2025M03 → 2025-04-08 with 5 and the 清明 holiday), as the lifecycle's policy asks for them.
 */
export function reportPeriodsDue(
  cadence: ReportCadence,
  from: number,
  to: number,
  zone: string,
  cal: AssessmentRubric['reports'],
  isWorkday: (date: string) => boolean = weekdaysOnly,
): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  const y0 = DateTime.fromMillis(from, { zone }).year - 1;
  const y1 = DateTime.fromMillis(to, { zone }).year;
  const monthlyDue = cadence === 'monthly' ? workdayDeadline(cal.monthlyDueWorkdays, zone, isWorkday) : null;
  for (let y = y0; y <= y1; y++) {
    if (monthlyDue) {
      for (let m = 1; m <= 12; m++) {
        const start = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone });
        const end = start.plus({ months: 1 });
        const period = `${y}M${String(m).padStart(2, '0')}`;
        out.push({
          period,
          cadence,
          start: start.toMillis(),
          end: end.toMillis(),
          dueAt: monthlyDue(end.toMillis() - 1),
        });
      }
    } else if (cadence === 'quarterly') {
      for (let q = 1; q <= 4; q++) {
        const start = DateTime.fromObject({ year: y, month: 3 * q - 2, day: 1 }, { zone });
        const end = start.plus({ months: 3 });
        const due = end.plus({ days: cal.quarterlyDueDay - 1 }).endOf('day');
        out.push({ period: `${y}Q${q}`, cadence, start: start.toMillis(), end: end.toMillis(), dueAt: due.toMillis() });
      }
    } else {
      const m = /^(\d{2})-(\d{2})$/.exec(cal.annualDue);
      if (!m) throw new AssessmentInputError(`reports.annualDue 应为 MM-DD，收到 ${cal.annualDue}`);
      const due = DateTime.fromObject({ year: y, month: Number(m[1]), day: Number(m[2]) }, { zone }).endOf('day');
      const start = DateTime.fromObject({ year: y, month: 1, day: 1 }, { zone });
      out.push({ period: `${y}Y`, cadence, start: start.toMillis(), end: due.toMillis() + 1, dueAt: due.toMillis() });
    }
  }
  return out.filter((p) => p.dueAt >= from && p.dueAt < to);
}

/** Monday–Friday; the app passes China's official calendar (holidays and make-up workdays). */
export function weekdaysOnly(date: string): boolean {
  const d = DateTime.fromISO(date, { zone: 'UTC' }).weekday;
  return d <= 5;
}

/**
 * A function giving the end (epoch ms) of the `n`-th workday after the day of an instant, in
 * `zone`: an assignment sent on Friday with n = 3 must be acknowledged by the end of Wednesday.
 * Memoised by day, since thousands of assignments share a creation day.
 */
export function workdayDeadline(n: number, zone: string, isWorkday: (date: string) => boolean): (at: number) => number {
  const memo = new Map<string, number>();
  // every zone offset in use is a multiple of 15 minutes: the local date is constant within a bucket
  const byBucket = new Map<number, number>();
  return (at: number) => {
    const bucket = Math.floor(at / 900_000);
    const cached = byBucket.get(bucket);
    if (cached !== undefined) return cached;
    const day = DateTime.fromMillis(at, { zone }).startOf('day');
    const key = day.toISODate()!;
    const hit = memo.get(key);
    if (hit !== undefined) {
      byBucket.set(bucket, hit);
      return hit;
    }
    let d = day;
    let left = n;
    // 60 days bounds the walk even across the Spring Festival; a calendar that has no workday in
    // two months is a broken calendar, and the deadline then falls at the bound.
    for (let guard = 0; left > 0 && guard < 60; guard++) {
      d = d.plus({ days: 1 });
      if (isWorkday(d.toISODate()!)) left--;
    }
    const end = d.endOf('day').toMillis();
    memo.set(key, end);
    byBucket.set(bucket, end);
    return end;
  };
}
