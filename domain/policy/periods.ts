/**
 * Reporting periods and standing-task cycles, and the anchoring of due-relative spans. Pure.
 */
import { spanValue, type BusinessCalendar, type Span } from '../calendar';
import type { CyclePolicy, KindPolicy } from './types';
import { DomainErrorCodes, DubangError } from '../errors';

/** One reporting period (or a standing task's annual summary) and when its report is due. */
export interface ReportPeriod {
  /** 2026Q3, 2026M03 (monthly), 2026Y (annual summary), P3 (fixed-length periods), C12 (fixed-length cycle summary) */
  period: string;
  /** period start and end (end exclusive), epoch ms */
  startMs: number;
  endMs: number;
  /** when the report falls due, epoch ms */
  dueMs: number;
  /** true for a standing task's annual summary */
  summary: boolean;
}

/** One cycle of a standing task. */
export interface CycleBounds {
  /** the local year for yearly cycles; the index from the Unix epoch for fixed-length cycles */
  cycle: number;
  startMs: number;
  endMs: number;
}

export class PolicyError extends DubangError {
  static override readonly code = DomainErrorCodes.PolicyError;
}

const isSeconds = (s: Span) => spanValue(s).unit === 'seconds';
const spanMs = (s: Span) => spanValue(s).n * 1000;

/** A span multiplied by k (months stay months: 31 Jan + 2 months ≠ (31 Jan + 1 month) + 1 month). */
export function timesSpan(s: Span, k: number): Span {
  const { unit, n } = spanValue(s);
  return { [unit]: n * k } as Span;
}

/**
 * The moment `span` after a due instant. Calendar spans count from the office opening on the due
 * date (a report due 10 Jan 23:59:59.999 is chased "1 workday after" at the next workday's
 * opening); seconds spans count from the instant. A zero calendar span means "just after it".
 */
export function afterDue(cal: BusinessCalendar, dueMs: number, span: Span): number {
  if (isSeconds(span)) return dueMs + spanMs(span);
  if (spanValue(span).n === 0) return dueMs + 1;
  return cal.addSpan(cal.openingOn(cal.localDate(dueMs)), span, 1);
}

/** The moment `span` before a due instant, counted like `afterDue` but backwards. */
export function beforeDue(cal: BusinessCalendar, dueMs: number, span: Span): number {
  if (isSeconds(span)) return dueMs - spanMs(span);
  return cal.addSpan(cal.openingOn(cal.localDate(dueMs)), span, -1);
}

/** End of the local day (23:59:59.999) `span` after the local date of `endMs - 1` (the period's last day). */
function dueAfterPeriod(cal: BusinessCalendar, endMs: number, span: Span): number {
  if (isSeconds(span)) return endMs + spanMs(span);
  const lastDay = cal.openingOn(cal.localDate(endMs - 1));
  return cal.endOfDay(cal.localDate(cal.addSpan(lastDay, span, 1)));
}

/** A calendar month's period label: 2026M03. */
export function monthLabel(year: number, month: number): string {
  return `${year}M${String(month).padStart(2, '0')}`;
}

/**
 * The reporting periods of an assignment from the one containing `fromMs` while their start is
 * before `toMs`, with their due instants. Quarterly: calendar quarters in the calendar's zone,
 * due the end of the 10th day after the quarter ends by default. Monthly (recurring 每月 tasks):
 * calendar months, labelled 2026M03, due `dueAfterEnd` after the month ends. Fixed-length periods count from
 * `fromMs` (the assignment instant), labelled P1, P2 …
 */
export function reportPeriods(
  kp: Pick<KindPolicy, 'reports'>,
  cal: BusinessCalendar,
  fromMs: number,
  toMs: number,
): ReportPeriod[] {
  const r = kp.reports;
  if (!r || r.summaryOnly) return [];
  const out: ReportPeriod[] = [];
  if ('monthly' in r.period) return calendarPeriods(cal, r.dueAfterEnd, fromMs, toMs, 1, monthLabel);
  if ('quarterly' in r.period)
    return calendarPeriods(cal, r.dueAfterEnd, fromMs, toMs, 3, (y, m) => `${y}Q${(m + 2) / 3}`);
  const len = periodLengthMs(r.period.every);
  for (let k = 1, start = fromMs; start < toMs; k++, start += len) {
    out.push({
      period: `P${k}`,
      startMs: start,
      endMs: start + len,
      dueMs: dueAfterPeriod(cal, start + len, r.dueAfterEnd),
      summary: false,
    });
  }
  return out;
}

/**
 * Calendar periods of `months` months (3: quarters, 1: months) in the calendar's zone, from the one
 * containing `fromMs` while they start before `toMs`; `label` names one by its year and first month.
 */
function calendarPeriods(
  cal: BusinessCalendar,
  dueAfterEnd: Span,
  fromMs: number,
  toMs: number,
  months: number,
  label: (year: number, firstMonth: number) => string,
): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  const f = cal.localDate(fromMs);
  let year = Number(f.slice(0, 4));
  let month = Math.floor((Number(f.slice(5, 7)) - 1) / months) * months + 1;
  const startOf = (y: number, m: number) => cal.startOfDay(`${y}-${String(m).padStart(2, '0')}-01`);
  for (let startMs = startOf(year, month); startMs < toMs;) {
    const [ny, nm] = month + months > 12 ? [year + 1, 1] : [year, month + months];
    const endMs = startOf(ny, nm);
    out.push({
      period: label(year, month),
      startMs,
      endMs,
      dueMs: dueAfterPeriod(cal, endMs, dueAfterEnd),
      summary: false,
    });
    [year, month, startMs] = [ny, nm, endMs];
  }
  return out;
}

function periodLengthMs(span: Span): number {
  if (!isSeconds(span))
    throw new PolicyError(
      'reports.period.every: use {"quarterly": true} or {"monthly": true} for calendar periods; `every` takes seconds only',
    );
  const len = spanMs(span);
  if (!(len > 0)) throw new PolicyError(`reports.period.every: must be longer than zero, got ${JSON.stringify(span)}`);
  return len;
}

/** The standing-task cycle containing `at`. Yearly cycles are local calendar years. */
export function cycleAt(c: CyclePolicy, cal: BusinessCalendar, atMs: number): CycleBounds {
  if (c.length === 'year') {
    const y = Number(cal.localDate(atMs).slice(0, 4));
    return { cycle: y, startMs: cal.startOfDay(`${y}-01-01`), endMs: cal.startOfDay(`${y + 1}-01-01`) };
  }
  if (!isSeconds(c.length)) throw new PolicyError('cycle.length: "year" or a span in seconds');
  const len = spanMs(c.length);
  if (!(len > 0)) throw new PolicyError('cycle.length: must be longer than zero');
  const i = Math.floor(atMs / len);
  return { cycle: i, startMs: i * len, endMs: (i + 1) * len };
}

/** The annual-summary "period" of a cycle (2026Y, or C<n>), or null when the policy has none. */
export function cycleSummary(c: CyclePolicy, cal: BusinessCalendar, b: CycleBounds): ReportPeriod | null {
  if (!c.summary) return null;
  let dueMs: number;
  if ('due' in c.summary) {
    if (c.length !== 'year')
      throw new PolicyError('cycle.summary.due (MM-DD) needs yearly cycles; use beforeEnd for fixed-length cycles');
    try {
      dueMs = cal.endOfDay(`${b.cycle}-${c.summary.due}`);
    } catch {
      throw new PolicyError(`cycle.summary.due: ${c.summary.due} is not a day of ${b.cycle}`);
    }
  } else {
    dueMs = isSeconds(c.summary.beforeEnd)
      ? b.endMs - spanMs(c.summary.beforeEnd)
      : cal.addSpan(b.endMs, c.summary.beforeEnd, -1);
  }
  return {
    period: c.length === 'year' ? `${b.cycle}Y` : `C${b.cycle}`,
    startMs: b.startMs,
    endMs: b.endMs,
    dueMs,
    summary: true,
  };
}

/** Annual summaries of every cycle from the one containing `fromMs` while the cycle starts before `toMs`. */
export function cycleSummaries(c: CyclePolicy, cal: BusinessCalendar, fromMs: number, toMs: number): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  for (let b = cycleAt(c, cal, fromMs); b.startMs < toMs; b = cycleAt(c, cal, b.endMs)) {
    const s = cycleSummary(c, cal, b);
    if (s) out.push(s);
  }
  return out;
}
