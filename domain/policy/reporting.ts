/**
 * A task's reporting calendar as a unit is told it when it is given the task (the 交办通知 and the
 * unit letter's table and calendar file): the rule in words, from the same policy the lifecycle
 * plans its report reminders with (kindPolicy: the kind's reports, or a recurring task's cadence,
 * and the standing task's annual summary), and the next reports due. Pure.
 */
import { spanValue, type BusinessCalendar, type Span } from '../calendar';
import { cycleSummaries, reportPeriods, type ReportPeriod } from './periods';
import type { KindPolicy } from './types';

export interface ReportingCalendar {
  /** 每季度结束后10日内报送进展，每年12月10日前报送年度总结 */
  text: string;
  /** the next reports due after the moment asked about, earliest first */
  next: ReportPeriod[];
}

/** 10日, 5个工作日, 1个月 (seconds only in test policies). */
function spanText(s: Span): string {
  const { unit, n } = spanValue(s);
  return unit === 'days' ? `${n}日` : unit === 'workdays' ? `${n}个工作日` : unit === 'months' ? `${n}个月` : `${n}秒`;
}

/**
 * The reporting calendar of a task under `kp`, given at `fromMs`: its words, and the first `count`
 * reports due after `fromMs` (period reports and annual summaries together).
 */
export function reportingCalendar(kp: KindPolicy, cal: BusinessCalendar, fromMs: number, count = 2): ReportingCalendar {
  const parts: string[] = [];
  const r = kp.reports;
  if (r && !r.summaryOnly) {
    const each = 'quarterly' in r.period ? '每季度' : 'monthly' in r.period ? '每月' : `每${spanText(r.period.every)}`;
    parts.push(`${each}结束后${spanText(r.dueAfterEnd)}内报送进展`);
  }
  const summary = kp.cycle?.summary;
  if (summary && 'due' in summary) {
    const [m, d] = summary.due.split('-').map(Number);
    parts.push(`每年${m}月${d}日前报送年度总结`);
  } else if (summary) parts.push(`每个周期结束前${spanText(summary.beforeEnd)}报送总结`);
  // far enough ahead to find `count` of them: a year and a quarter covers quarters and summaries
  const toMs = fromMs + 460 * 86_400_000;
  const next = [
    ...reportPeriods(kp, cal, fromMs, toMs),
    ...(kp.cycle ? cycleSummaries(kp.cycle, cal, fromMs, toMs) : []),
  ]
    .filter((p) => p.dueMs > fromMs)
    .sort((a, b) => a.dueMs - b.dueMs)
    .slice(0, count);
  return { text: parts.length ? parts.join('，') : '无需定期报送进展', next };
}
