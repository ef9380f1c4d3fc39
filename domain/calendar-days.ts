/**
 * Days of the business calendar: YYYY-MM-DD dates as day numbers, the holiday data (the packaged
 * chinese-days data, or a replacement, and the override file), and what each day is (dayBook). Pure.
 */
import packaged from 'chinese-days/dist/chinese-days.json';
import {
  CalendarError,
  type CalendarSpec,
  type CalendarWarning,
  type DayInfo,
  type HolidayOverride,
  type HolidayYear,
  type YearCoverage,
} from './calendar-types';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date; NaN when it is not a real date. */
export function dayNumber(date: string): number {
  if (!DATE_RE.test(date)) return Number.NaN;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 30 Feb over into March: reject dates that do not round-trip
  return dateOf(ms / DAY_MS) === date ? ms / DAY_MS : Number.NaN;
}

/** YYYY-MM-DD of a day number (pure arithmetic on an explicit value, no clock). */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

interface DayData {
  holidays: Map<string, string>;
  workdays: Map<string, string>;
  /** years with official data in the package */
  years: Set<number>;
}

function indexData(d: { holidays: Record<string, string>; workdays: Record<string, string> }): DayData {
  // The package's values read "Spring Festival,春节,4"; the Chinese name is the second field.
  const name = (v: string) => v.split(',')[1] ?? v;
  const holidays = new Map(Object.entries(d.holidays).map(([k, v]) => [k, name(v)]));
  const workdays = new Map(Object.entries(d.workdays).map(([k, v]) => [k, name(v)]));
  const years = new Set<number>([...holidays.keys()].map((k) => Number(k.slice(0, 4))));
  return { holidays, workdays, years };
}

// Indexed once per process: the packaged data never changes at run time.
let packagedIndex: DayData | null = null;
function packagedData(): DayData {
  packagedIndex ??= indexData(packaged as { holidays: Record<string, string>; workdays: Record<string, string> });
  return packagedIndex;
}

/** Years the packaged data covers (for diagnostics). */
export function packagedYears(): number[] {
  return [...packagedData().years].sort((a, b) => a - b);
}

/** Checks an override object's shape and dates; throws CalendarError naming the field. */
export function validateHolidayOverride(o: HolidayOverride): HolidayOverride {
  for (const [year, y] of Object.entries(o.years)) {
    if (!/^\d{4}$/.test(year)) throw new CalendarError(`years.${year}: the key must be a year such as 2027`);
    for (const field of ['holidays', 'workdays'] as const) {
      for (const date of Object.keys(y[field] ?? {})) {
        const ok = Number.isFinite(dayNumber(date));
        if (!ok || !date.startsWith(year))
          throw new CalendarError(`years.${year}.${field}: ${date} is not a date (YYYY-MM-DD) in ${year}`);
      }
    }
  }
  return o;
}

/** The day number `n` months after (n < 0: before) `day`, its day of the month clamped to the month's last day. */
export function monthsLater(day: number, n: number): number {
  const date = dateOf(day);
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + n;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = Math.min(Number(date.slice(8, 10)), last);
  return Date.UTC(y, m, d) / DAY_MS;
}

/** The warning for a year whose holiday schedule neither the package nor the override knows. */
export function holidaysMissing(year: number): CalendarWarning {
  return {
    code: 'HOLIDAYS_MISSING',
    year,
    message:
      `${year}年节假日安排尚未收录（chinese-days 数据与 config/holidays-override.json 均无），按周一至周五为工作日计算；` +
      '国务院办公厅通知发布后请补入 config/holidays-override.json',
  };
}

/** What each day of the calendar is, by its year's coverage; memoised per date. */
export interface DayBook {
  coverage(year: number): YearCoverage;
  dayInfo(date: string): DayInfo;
}

/** The day book of a spec: its data (or the package's), its validated override, `workdaysOnly`. */
export function dayBook(spec: CalendarSpec): DayBook {
  const base = spec.data ? indexData(spec.data) : packagedData();
  const override = spec.override ? validateHolidayOverride(spec.override) : null;
  const overrideYears = new Map<number, HolidayYear>(
    Object.entries(override?.years ?? {}).map(([y, v]) => [Number(y), v]),
  );
  const cache = new Map<string, DayInfo>();

  const coverage = (year: number): YearCoverage =>
    overrideYears.has(year) ? 'override' : base.years.has(year) ? 'package' : 'fallback';

  function dayInfo(date: string): DayInfo {
    const hit = cache.get(date);
    if (hit) return hit;
    const dn = dayNumber(date);
    if (!Number.isFinite(dn)) throw new CalendarError(`not a date (YYYY-MM-DD): ${date}`);
    const year = Number(date.slice(0, 4));
    const cov = coverage(year);
    const weekday = ((((dn + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday; 1 = Monday
    const weekend = weekday >= 6;
    let info: DayInfo;
    const oy = overrideYears.get(year);
    const holidayName =
      cov === 'override' ? oy?.holidays[date] : cov === 'package' ? base.holidays.get(date) : undefined;
    const makeupName =
      cov === 'override' ? oy?.workdays[date] : cov === 'package' ? base.workdays.get(date) : undefined;
    if (makeupName !== undefined) info = { date, workday: true, reason: 'makeup', name: makeupName, coverage: cov };
    else if (holidayName !== undefined)
      info = { date, workday: false, reason: 'holiday', name: holidayName, coverage: cov };
    else info = { date, workday: !weekend, reason: weekend ? 'weekend' : 'weekday', coverage: cov };
    if (!spec.workdaysOnly) info = { ...info, workday: true };
    cache.set(date, info);
    return info;
  }

  return { coverage, dayInfo };
}
