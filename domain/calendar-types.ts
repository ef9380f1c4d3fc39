/** The business calendar's types: spans, instants, office hours, holiday data, the calendar's API. Pure. */
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

/** An error in a calendar's inputs (zone, office hours, holiday data, a date, an instant or span). */
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
