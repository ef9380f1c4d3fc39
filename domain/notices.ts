/**
 * Notice kinds and the plain data the policy engine returns. The workflow carries these out, the
 * notification pipeline renders and sends them. Pure.
 */
import type { SlipColour } from './model';

export const NOTICE_KINDS = [
  'assignment', // 任务交办通知: task, deadline, reporting calendar, signed link, ICS
  'ack_reminder', // 签收提醒: not acknowledged after N workdays
  'ack_escalation', // 签收催告 to the unit leader
  'report_reminder', // 报告提醒: a periodic report falls due soon
  'report_chase', // 催办: a report is missing (level 1 liaison, 2 leader, 3 Office)
  'deadline_reminder', // 到期提醒: 30 days / 7 days / 1 workday before the deadline
  'supervision', // 督办通知 with a 督办单 (slip colour blue/orange/red)
  'completion_review', // 销号审核提醒 to the Office
  'extension_review', // 延期审核提醒 to the Office
  'decision', // result of an Office decision (completion/extension approved or rejected) to the unit
  'catchup_unit', // one consolidated overdue notice per unit at catch-up
  'catchup_summary', // one summary to the Office at catch-up
  'digest', // per-recipient daily digest
  'delivery_failure', // alert to the Office: an email could not be delivered
  'assessment', // 年度考核结果 to the Office and leadership: bulletin draft, summary, XLSX/CSV attached
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Who a notice goes to, by role; the directory resolves roles to addresses. */
export type RecipientRole = 'liaison' | 'leader' | 'office' | 'leadership';

/** One notice the policy engine plans. */
export interface PlannedNotice {
  kind: NoticeKind;
  /** when it goes out: an ISO instant with offset, inside office hours on a workday */
  at: string;
  /** the moment the policy named before it was moved into office hours */
  nominalAt: string;
  /** task number within its plan */
  task: number;
  /** responsible unit's canonical name; null for notices about the whole plan (catch-up summary) */
  unit: string | null;
  to: RecipientRole[];
  /** colour of the 督办单 this notice issues or cites, or null */
  slip: SlipColour | null;
  /** escalation step for chases and supervision (1 = first) */
  level?: number;
  /** reporting period the notice is about, e.g. 2026Q3 or 2026Y */
  period?: string;
  /** the instant that falls due (report or deadline), ISO with offset */
  dueAt?: string;
  /** the overdue variant: sent after its moment because the service was down across it (docs/reliability.md row 7) */
  late?: boolean;
  /** catch-up notices: what is overdue, one line per task (and missing report) */
  items?: CatchUpItem[];
}

/** One overdue item listed in a catch-up notice. */
export interface CatchUpItem {
  task: number;
  unit: string;
  /** an overdue deadline, or a report that is missing */
  what: 'deadline' | 'report';
  /** the due instant, ISO with offset */
  dueAt: string;
  /** the reporting period, for missing reports */
  period?: string;
  /** whole calendar days since the due date, in the policy zone */
  overdueDays: number;
  /** the colour the item's 督办 has reached by now (orange, red after the leadership step); null for reports */
  slip: SlipColour | null;
  /** the number of the 督办单 the catch-up issued for it (督〔2026〕0001号), filled in when the catch-up goes out */
  slipNumber?: string;
  /** the task's text, filled in by the caller that knows it (the policy engine does not) */
  text?: string;
}

/** Deterministic idempotency key, also the BullMQ job id (no ':' allowed there). */
export function noticeKey(scope: string, kind: NoticeKind, dueAtMs: number): string {
  return `notice-${scope}-${kind}-${dueAtMs}`;
}
