/**
 * Which delivered notices ask a unit for what (judged only on what was asked: docs/assessment.md),
 * and how a deduction cites the notice that asked. Pure.
 */
import type { NoticeCitation, NoticeFact } from './types';

/** The kinds of notice that ask a unit to acknowledge (sign for) an assignment. */
export const ASKS_ACK = new Set(['assignment', 'ack_reminder', 'ack_escalation', 'catchup_unit']);

/** The kinds that tell a unit an assignment's deadline while it is still ahead. */
export const TELLS_DEADLINE = new Set(['assignment', 'deadline_reminder', 'supervision', 'catchup_unit']);

/** The kinds that start the clock of a deadline already past when the unit was first told: 督办, the catch-up letter. */
export const STARTS_OVERDUE_CLOCK = new Set(['supervision', 'catchup_unit']);

/** The kinds that ask a unit something: a unit told only of a decision is not graded on that. */
export const ASKS_UNIT = new Set([...ASKS_ACK, ...TELLS_DEADLINE, 'report_reminder', 'report_chase']);

/** Whether a delivered notice tells the unit the assignment's deadline (a catch-up item on a report does not). */
export const aboutDeadline = (n: NoticeFact): boolean => n.kind !== 'catchup_unit' || n.what === 'deadline';

/**
 * Whether a delivered notice asks for the report of `period`, due at `dueAt`: a reminder, chase or
 * catch-up item naming the period, or the 交办通知 delivered before the due day (it carries the
 * reporting calendar).
 */
export function asksReport(n: NoticeFact, period: string, dueAt: number): boolean {
  if (n.kind === 'assignment') return n.sentAt <= dueAt;
  if (n.kind === 'report_reminder' || n.kind === 'report_chase') return n.period === period;
  return n.kind === 'catchup_unit' && n.what === 'report' && n.period === period;
}

/** 「依据督办通知（2026年12月3日 09:00发出，督办单督〔2026〕0001号）」: the citation a reason ends with. */
export function citationText(c: NoticeCitation): string {
  const ref = c.slip ? `督办单${c.slip}` : c.messageId ? `Message-ID ${c.messageId}` : `通知编号 ${c.id}`;
  return `依据${c.kind}（${c.sentAt}发出，${ref}）`;
}
