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
 */
import { IANAZone } from 'luxon';
import packaged from 'chinese-days/dist/chinese-days.json';
import { DomainErrorCodes, DubangError } from './errors';

/** A duration as policy data. Workday spans skip holidays; `seconds` is exact (for real-time tests). */
export type Span = { workdays: number } | { days: number } | { months: number } | { seconds: number };

/** An instant: epoch milliseconds or an ISO-8601 string with an offset (or Z). */
export type Instant = number | string;

/** Office hours as local wall-clock times, HH:mm; `end` is exclusive (17:30 itself is closed). */
export interface OfficeHours {
  start: string;
  end: string;
}

/** One year of holiday data supplied by the override file: date → name (e.g. "春节", "春节调休"). */
export interface HolidayYear {
  /** where the dates come from, e.g. 国办发明电〔2026〕×号 */
  source?: string;
  /** official days off that would otherwise be workdays (weekend days inside a holiday may be listed too) */
  holidays: Record<string, string>;
  /** make-up workdays (调休上班) that fall on a Saturday or Sunday */
  workdays: Record<string, string>;
}

/** Parsed config/holidays-override.json: years keyed "2027". A year listed here wins over the package. */
export interface HolidayOverride {
  years: Record<string, HolidayYear>;
}

/** Everything a calendar needs; plain JSON so a workflow can carry it in its input. */
export interface CalendarSpec {
  /** IANA zone, e.g. Asia/Shanghai */
  zone: string;
  /** null: any time of day counts as open (seconds-based test policies) */
  officeHours: OfficeHours | null;
  /** false: every day is a workday and `workdays` spans count calendar days (seconds-based test policies) */
  workdaysOnly: boolean;
  /** holiday data for years the package lacks, or corrections; see HolidayOverride */
  override?: HolidayOverride | null;
  /** replaces the packaged data entirely (tests); default: chinese-days */
  data?: { holidays: Record<string, string>; workdays: Record<string, string> };
}

/** Why a day is or is not a workday. */
export type DayReason = 'weekday' | 'weekend' | 'holiday' | 'makeup';

/** Where a year's holiday data comes from. */
export type YearCoverage = 'package' | 'override' | 'fallback';

export interface DayInfo {
  date: string;
  workday: boolean;
  reason: DayReason;
  /** holiday or make-up day name, e.g. 春节 */
  name?: string;
  coverage: YearCoverage;
}

/** A year whose holidays are unknown: weekends only are assumed. */
export interface CalendarWarning {
  code: 'HOLIDAYS_MISSING';
  year: number;
  message: string;
}

export class CalendarError extends DubangError {
  static override readonly code = DomainErrorCodes.CalendarError;
}

export interface BusinessCalendar {
  readonly spec: Readonly<CalendarSpec>;
  readonly zone: string;
  /** YYYY-MM-DD is a workday (official data, override, or weekday fallback); always true when `workdaysOnly` is false */
  isWorkday(date: string): boolean;
  dayInfo(date: string): DayInfo;
  /** the local date (YYYY-MM-DD) of an instant */
  localDate(at: Instant): string;
  /** true when `at` is on a workday within office hours [start, end) */
  isOpen(at: Instant): boolean;
  /** `at` itself when open, else the next office opening after it (epoch ms) */
  nextOpening(at: Instant): number;
  /** office opening (start of office hours, or 00:00 without office hours) on `date`, whether or not it is a workday */
  openingOn(date: string): number;
  /**
   * Same local wall-clock time on the n-th workday after (n > 0) or before (n < 0) the local date of
   * `at`; the date of `at` itself never counts. n = 0 returns `at`. Not moved into office hours.
   */
  addWorkdays(at: Instant, n: number): number;
  /** 00:00:00.000 local time on `date` */
  startOfDay(date: string): number;
  /** 23:59:59.999 local time on `date` (how deadlines and report due instants are expressed) */
  endOfDay(date: string): number;
  /** `at` moved by `span` forwards (sign 1) or backwards (sign -1); days/months in the local zone */
  addSpan(at: Instant, span: Span, sign?: 1 | -1): number;
  /** ISO-8601 in the calendar's zone, e.g. 2026-11-26T09:00:00.000+08:00 */
  toIso(at: Instant): string;
  coverage(year: number): YearCoverage;
  /** one warning per year in [from, to] (local years) whose holiday schedule is unknown */
  warnings(from: Instant, to: Instant): CalendarWarning[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;
/** no real calendar has a month without a workday; the bound only stops a broken override from looping */
const MAX_SCAN_DAYS = 400;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an instant; throws CalendarError naming the bad value. Strings must carry an
 * offset (or Z): a bare local time would be read in the server's zone, which must never leak in.
 */
export function toMs(at: Instant): number {
  if (typeof at === 'number') {
    if (!Number.isFinite(at)) throw new CalendarError(`not an instant: ${at}`);
    return at;
  }
  // the ECMAScript date-time format with an offset is parsed exactly by Date.parse
  const ms = ISO_WITH_OFFSET.test(at) ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CalendarError(`not an ISO instant with an offset (e.g. 2026-11-26T09:00:00+08:00): ${at}`);
  return ms;
}

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date; NaN when it is not a real date. */
function dayNumber(date: string): number {
  if (!DATE_RE.test(date)) return Number.NaN;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 30 Feb over into March: reject dates that do not round-trip
  return dateOf(ms / DAY_MS) === date ? ms / DAY_MS : Number.NaN;
}

/** YYYY-MM-DD of a day number (pure arithmetic on an explicit value, no clock). */
function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

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
  if (entries.length !== 1 || !first) throw new CalendarError(`span must have exactly one of workdays, days, months, seconds: ${JSON.stringify(span)}`);
  const [unit, n] = first;
  if (!['workdays', 'days', 'months', 'seconds'].includes(unit as string) || !Number.isFinite(n) || n < 0) {
    throw new CalendarError(`span ${JSON.stringify(span)}: expected a non-negative number of workdays, days, months or seconds`);
  }
  return { unit: unit as 'workdays' | 'days' | 'months' | 'seconds', n };
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
        if (!ok || !date.startsWith(year)) throw new CalendarError(`years.${year}.${field}: ${date} is not a date (YYYY-MM-DD) in ${year}`);
      }
    }
  }
  return o;
}

/** Builds a calendar. Throws CalendarError for a bad zone, office hours or override. */
export function createCalendar(spec: CalendarSpec): BusinessCalendar {
  const zone = spec.zone;
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new CalendarError(`zone: ${zone} is not an IANA time zone`);
  const openMs = spec.officeHours ? parseHhmm(spec.officeHours.start, 'officeHours.start') : 0;
  const closeMs = spec.officeHours ? parseHhmm(spec.officeHours.end, 'officeHours.end') : DAY_MS;
  if (closeMs <= openMs) throw new CalendarError(`officeHours: end ${spec.officeHours?.end} must be after start ${spec.officeHours?.start}`);
  const base = spec.data ? indexData(spec.data) : packagedData();
  const override = spec.override ? validateHolidayOverride(spec.override) : null;
  const overrideYears = new Map<number, HolidayYear>(Object.entries(override?.years ?? {}).map(([y, v]) => [Number(y), v]));
  const cache = new Map<string, DayInfo>();
  const workdayByDay = new Map<number, boolean>();

  // The zone's offset, memoised per UTC day: when the offsets at both ends of a day agree, no
  // change happens inside it (no zone changes offset twice a day); on a transition day ask luxon
  // for the exact instant. Planning converts thousands of instants; luxon per call is too slow.
  const dayOffsets = new Map<number, number | null>();
  function offsetMs(ms: number): number {
    const d = Math.floor(ms / DAY_MS);
    let o = dayOffsets.get(d);
    if (o === undefined) {
      const a = tz.offset(d * DAY_MS);
      o = a === tz.offset((d + 1) * DAY_MS - 1) ? a * 60_000 : null;
      if (dayOffsets.size > 100_000) dayOffsets.clear();
      dayOffsets.set(d, o);
    }
    return o ?? tz.offset(ms) * 60_000;
  }
  /** local day number and ms since local midnight of an instant */
  function split(ms: number): { day: number; tod: number } {
    const l = ms + offsetMs(ms);
    const day = Math.floor(l / DAY_MS);
    return { day, tod: l - day * DAY_MS };
  }
  /** the instant of local wall-clock `tod` on local day `day` (two passes settle offset changes) */
  function instantOf(day: number, tod: number): number {
    const l = day * DAY_MS + tod;
    const guess = l - offsetMs(l);
    return l - offsetMs(guess);
  }

  const coverage = (year: number): YearCoverage => (overrideYears.has(year) ? 'override' : base.years.has(year) ? 'package' : 'fallback');

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
    const holidayName = cov === 'override' ? oy?.holidays[date] : cov === 'package' ? base.holidays.get(date) : undefined;
    const makeupName = cov === 'override' ? oy?.workdays[date] : cov === 'package' ? base.workdays.get(date) : undefined;
    if (makeupName !== undefined) info = { date, workday: true, reason: 'makeup', name: makeupName, coverage: cov };
    else if (holidayName !== undefined) info = { date, workday: false, reason: 'holiday', name: holidayName, coverage: cov };
    else info = { date, workday: !weekend, reason: weekend ? 'weekend' : 'weekday', coverage: cov };
    if (!spec.workdaysOnly) info = { ...info, workday: true };
    cache.set(date, info);
    return info;
  }

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
        const date = dateOf(day);
        const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + sign * n;
        const y = Math.floor(total / 12);
        const m = total - y * 12;
        const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
        const d = Math.min(Number(date.slice(8, 10)), last);
        return instantOf(Date.UTC(y, m, d) / DAY_MS, tod);
      }
    }
  }

  function openingOn(date: string): number {
    const dn = dayNumber(date);
    if (!Number.isFinite(dn)) throw new CalendarError(`not a date (YYYY-MM-DD): ${date}`);
    return instantOf(dn, openMs);
  }

  function toIso(at: Instant): string {
    const ms = toMs(at);
    const off = offsetMs(ms);
    const { day, tod } = split(ms);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const h = Math.floor(tod / 3_600_000);
    const m = Math.floor((tod % 3_600_000) / 60_000);
    const sec = Math.floor((tod % 60_000) / 1000);
    const milli = String(tod % 1000).padStart(3, '0');
    const abs = Math.abs(off) / 60_000;
    return `${dateOf(day)}T${p2(h)}:${p2(m)}:${p2(sec)}.${milli}${off < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
  }

  function startOfDay(date: string): number {
    const dn = dayNumber(date);
    if (!Number.isFinite(dn)) throw new CalendarError(`not a date (YYYY-MM-DD): ${date}`);
    return instantOf(dn, 0);
  }

  function warnings(from: Instant, to: Instant): CalendarWarning[] {
    if (!spec.workdaysOnly) return [];
    const out: CalendarWarning[] = [];
    for (let y = Number(localDate(from).slice(0, 4)); y <= Number(localDate(to).slice(0, 4)); y++) {
      if (coverage(y) === 'fallback') {
        out.push({
          code: 'HOLIDAYS_MISSING',
          year: y,
          message: `${y}年节假日安排尚未收录（chinese-days 数据与 config/holidays-override.json 均无），按周一至周五为工作日计算；国务院办公厅通知发布后请补入 config/holidays-override.json`,
        });
      }
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
    endOfDay: (date: string) => startOfDay(date) + (instantOf(dayNumber(date) + 1, 0) - instantOf(dayNumber(date), 0)) - 1,
    addWorkdays,
    addSpan,
    toIso,
    coverage,
    warnings,
  };
}
