/**
 * Business calendar: China's workdays (official holidays and make-up workdays 调休) and office
 * hours, in an explicit IANA zone. Pure: the holiday data is an input (the package data is bundled,
 * the override file is loaded by the config layer and passed in), `now` is always a parameter.
 *
 * Data: the npm package `chinese-days` (MIT), which transcribes the State Council General Office's
 * yearly notices on holiday arrangements (国务院办公厅关于××年部分节假日安排的通知), 2004 onward.
 * A year the package does not cover falls back to "Monday–Friday are workdays" plus the override
 * file (config/holidays-override.json), and the calendar reports it through `coverage()` /
 * `warnings()` so the caller can log it.
 *
 * API (stable):
 * - `createCalendar(spec)` → `BusinessCalendar` (methods below); `spec` is plain JSON.
 * - `cal.isWorkday('2026-02-14')`, `cal.dayInfo(date)`, `cal.isOpen(at)`, `cal.nextOpening(at)`,
 *   `cal.addWorkdays(at, n)`, `cal.addSpan(at, span, ±1)`, `cal.openingOn(date)`, `cal.localDate(at)`,
 *   `cal.toIso(ms)`, `cal.coverage(year)`, `cal.warnings(fromMs, toMs)`.
 * - `Span` = {workdays} | {days} | {months} | {seconds}: durations as policy data.
 * Instants are epoch ms or ISO strings with an offset; results are epoch ms unless named *Iso.
 *
 * The types are in calendar-types.ts, the days and holiday data in calendar-days.ts, local time in a
 * zone in calendar-zone.ts; this module builds the calendar from them and keeps every export.
 */
import { IANAZone } from 'luxon';
import { DAY_MS, dateOf, dayBook, dayNumber, holidaysMissing, monthsLater } from './calendar-days';
import {
  CalendarError,
  type BusinessCalendar,
  type CalendarSpec,
  type CalendarWarning,
  type Instant,
  type Span,
} from './calendar-types';
import { toMs, zoneClock } from './calendar-zone';

export {
  CalendarError,
  type BusinessCalendar,
  type CalendarSpec,
  type CalendarWarning,
  type DayInfo,
  type DayReason,
  type HolidayOverride,
  type HolidayYear,
  type Instant,
  type OfficeHours,
  type Span,
  type YearCoverage,
} from './calendar-types';
export { packagedYears, validateHolidayOverride } from './calendar-days';
export { toMs } from './calendar-zone';

const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** no real calendar has a month without a workday; the bound only stops a broken override from looping */
const MAX_SCAN_DAYS = 400;

/** Milliseconds from local midnight for HH:mm. */
function parseHhmm(v: string, field: string): number {
  const m = HHMM_RE.exec(v);
  if (!m) throw new CalendarError(`${field}: expected HH:mm (e.g. 09:00), got ${JSON.stringify(v)}`);
  return (Number(m[1]) * 60 + Number(m[2])) * 60_000;
}

/** Span length as a signed integer of its unit, with a check that it is a whole number ≥ 0. */
export function spanValue(span: Span): { unit: 'workdays' | 'days' | 'months' | 'seconds'; n: number } {
  const entries = Object.entries(span) as [keyof Span, number][];
  const first = entries[0];
  if (entries.length !== 1 || !first)
    throw new CalendarError(`span must have exactly one of workdays, days, months, seconds: ${JSON.stringify(span)}`);
  const [unit, n] = first;
  if (!['workdays', 'days', 'months', 'seconds'].includes(unit as string) || !Number.isFinite(n) || n < 0) {
    throw new CalendarError(
      `span ${JSON.stringify(span)}: expected a non-negative number of workdays, days, months or seconds`,
    );
  }
  return { unit: unit as 'workdays' | 'days' | 'months' | 'seconds', n };
}

/** Builds a calendar. Throws CalendarError for a bad zone, office hours or override. */
export function createCalendar(spec: CalendarSpec): BusinessCalendar {
  const zone = spec.zone;
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new CalendarError(`zone: ${zone} is not an IANA time zone`);
  const openMs = spec.officeHours ? parseHhmm(spec.officeHours.start, 'officeHours.start') : 0;
  const closeMs = spec.officeHours ? parseHhmm(spec.officeHours.end, 'officeHours.end') : DAY_MS;
  if (closeMs <= openMs)
    throw new CalendarError(`officeHours: end ${spec.officeHours?.end} must be after start ${spec.officeHours?.start}`);
  const { coverage, dayInfo } = dayBook(spec);
  const { split, instantOf, isoOf } = zoneClock(tz);
  const workdayByDay = new Map<number, boolean>();

  const isWorkday = (date: string) => dayInfo(date).workday;
  function isWorkdayN(day: number): boolean {
    let w = workdayByDay.get(day);
    if (w === undefined) {
      w = !spec.workdaysOnly || dayInfo(dateOf(day)).workday;
      workdayByDay.set(day, w);
    }
    return w;
  }
  const localDate = (at: Instant) => dateOf(split(toMs(at)).day);

  function nextWorkday(day: number, step: 1 | -1): number {
    let d = day;
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      d += step;
      if (isWorkdayN(d)) return d;
    }
    throw new CalendarError(`no workday within ${MAX_SCAN_DAYS} days of ${dateOf(day)}: check the holiday override`);
  }

  function isOpen(at: Instant): boolean {
    const { day, tod } = split(toMs(at));
    return isWorkdayN(day) && tod >= openMs && tod < closeMs;
  }

  function nextOpening(at: Instant): number {
    const ms = toMs(at);
    const { day, tod } = split(ms);
    if (isWorkdayN(day)) {
      if (tod >= openMs && tod < closeMs) return ms;
      if (tod < openMs) return instantOf(day, openMs);
    }
    return instantOf(nextWorkday(day, 1), openMs);
  }

  function addWorkdays(at: Instant, n: number): number {
    const ms = toMs(at);
    if (!Number.isInteger(n)) throw new CalendarError(`workdays must be a whole number, got ${n}`);
    if (n === 0) return ms;
    const { day, tod } = split(ms);
    let d = day;
    for (let i = 0; i < Math.abs(n); i++) d = nextWorkday(d, n > 0 ? 1 : -1);
    return instantOf(d, tod);
  }

  function addSpan(at: Instant, span: Span, sign: 1 | -1 = 1): number {
    const { unit, n } = spanValue(span);
    const ms = toMs(at);
    switch (unit) {
      case 'seconds':
        return ms + sign * n * 1000;
      case 'workdays':
        return addWorkdays(ms, sign * n);
      case 'days': {
        const { day, tod } = split(ms);
        return instantOf(day + sign * n, tod);
      }
      case 'months': {
        // same wall-clock time, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)
        const { day, tod } = split(ms);
        return instantOf(monthsLater(day, sign * n), tod);
      }
    }
  }

  function openingOn(date: string): number {
    const dn = dayNumber(date);
    if (!Number.isFinite(dn)) throw new CalendarError(`not a date (YYYY-MM-DD): ${date}`);
    return instantOf(dn, openMs);
  }

  const toIso = (at: Instant): string => isoOf(toMs(at));

  function startOfDay(date: string): number {
    const dn = dayNumber(date);
    if (!Number.isFinite(dn)) throw new CalendarError(`not a date (YYYY-MM-DD): ${date}`);
    return instantOf(dn, 0);
  }

  function warnings(from: Instant, to: Instant): CalendarWarning[] {
    if (!spec.workdaysOnly) return [];
    const out: CalendarWarning[] = [];
    for (let y = Number(localDate(from).slice(0, 4)); y <= Number(localDate(to).slice(0, 4)); y++) {
      if (coverage(y) === 'fallback') out.push(holidaysMissing(y));
    }
    return out;
  }

  return {
    spec,
    zone,
    isWorkday,
    dayInfo,
    localDate,
    isOpen,
    nextOpening,
    openingOn,
    startOfDay,
    endOfDay: (date: string) =>
      startOfDay(date) + (instantOf(dayNumber(date) + 1, 0) - instantOf(dayNumber(date), 0)) - 1,
    addWorkdays,
    addSpan,
    toIso,
    coverage,
    warnings,
  };
}
