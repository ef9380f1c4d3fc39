/**
 * The assessment year being judged: its window, the as-of instant, the rubric's sets and calendars,
 * and the memoised formatters every reason uses (local day, ISO instant, notice citation). Pure.
 */
import { DateTime } from 'luxon';
import type { AssignmentRole } from '../model';
import { KIND_LABELS } from '../messages/input';
import {
  assessmentWindow,
  AssessmentInputError,
  reportPeriodsDue,
  weekdaysOnly,
  workdayDeadline,
  yearLabel,
  type ReportPeriod,
} from './calendar';
import type { AssessmentParams, AssessmentRubric, NoticeCitation, NoticeFact, ReportCadence } from './types';

const QUARTER_HOUR = 15 * 60_000;

/** The year being judged: its window, the as-of instant, the rubric's sets, and the formatters every reason uses. */
export interface Year {
  rubric: AssessmentRubric;
  /** the window's inclusive start and exclusive end, epoch ms */
  start: number;
  end: number;
  /** the instant judged at: the requested one, clamped to the window's end */
  asOf: number;
  /** the local day of the as-of instant (its last millisecond's day), as reasons print it */
  asOfDay: string;
  excluded: Set<string>;
  roles: Set<AssignmentRole>;
  planEffectiveFrom: AssessmentParams['planEffectiveFrom'];
  /** the reporting calendar's periods due in [start, asOf) */
  periods: Record<ReportCadence, ReportPeriod[]>;
  /** the end of the N-th workday (`ackWorkdays`) after the day of an instant */
  ackDeadline: (at: number) => number;
  day: (ms: number) => string;
  iso: (ms: number | null) => string | null;
  cite: (n: NoticeFact) => NoticeCitation;
}

/**
 * The year's window and as-of instant: events after the as-of instant are ignored, and an as-of
 * instant at or before the window's start is an input error.
 */
export function openYear(p: AssessmentParams): Year {
  const { rubric, zone } = p;
  const win = assessmentWindow(p.year, rubric.yearStartMonth, zone);
  const start = win.start;
  const asOf = Math.min(p.asOf, win.end);
  if (asOf <= start) {
    const year = yearLabel(p.year, rubric.yearStartMonth);
    const when = new Date(p.asOf).toISOString();
    throw new AssessmentInputError(`考核基准日 ${when} 早于${year}考核期的开始 ${new Date(start).toISOString()}`);
  }
  const day = localDay(zone);
  return {
    rubric,
    start,
    end: win.end,
    asOf,
    asOfDay: day(asOf - 1),
    excluded: new Set(rubric.excludedUnitKinds),
    roles: new Set<AssignmentRole>(rubric.roles),
    planEffectiveFrom: p.planEffectiveFrom,
    periods: {
      quarterly: reportPeriodsDue('quarterly', start, asOf, zone, rubric.reports),
      annual: reportPeriodsDue('annual', start, asOf, zone, rubric.reports),
      monthly: reportPeriodsDue('monthly', start, asOf, zone, rubric.reports, p.isWorkday ?? weekdaysOnly),
    },
    ackDeadline: workdayDeadline(rubric.ackWorkdays, zone, p.isWorkday ?? weekdaysOnly),
    day,
    iso: isoOf(),
    cite: noticeCiter(zone),
  };
}

/**
 * Local dates (yyyy-MM-dd in `zone`) by 15-minute bucket: every zone offset in use is a multiple of
 * 15 minutes, so a local midnight never falls inside a bucket. Saves a luxon DateTime per deduction.
 */
function localDay(zone: string): (ms: number) => string {
  const memo = new Map<number, string>();
  return (ms) => {
    const bucket = Math.floor(ms / QUARTER_HOUR);
    let s = memo.get(bucket);
    if (s === undefined) {
      s = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
      memo.set(bucket, s);
    }
    return s;
  };
}

/** ISO (UTC) text of an instant, memoised; null stays null. */
function isoOf(): (ms: number | null) => string | null {
  const memo = new Map<number, string>();
  return (ms) => {
    if (ms === null) return null;
    let s = memo.get(ms);
    if (s === undefined) memo.set(ms, (s = new Date(ms).toISOString()));
    return s;
  };
}

/** One citation per notice fact, its time formatted once per minute (a notice asks for many things). */
function noticeCiter(zone: string): (n: NoticeFact) => NoticeCitation {
  const citeMemo = new Map<NoticeFact, NoticeCitation>();
  const minuteMemo = new Map<number, string>();
  return (n) => {
    let c = citeMemo.get(n);
    if (!c) {
      const minute = Math.floor(n.sentAt / 60_000);
      let sentAt = minuteMemo.get(minute);
      if (sentAt === undefined) {
        sentAt = DateTime.fromMillis(n.sentAt, { zone }).toFormat('yyyy年M月d日 HH:mm');
        minuteMemo.set(minute, sentAt);
      }
      c = { id: n.id, kind: KIND_LABELS[n.kind] ?? '通知', sentAt, messageId: n.messageId, slip: n.slip };
      citeMemo.set(n, c);
    }
    return c;
  };
}
