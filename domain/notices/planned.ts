/** The plain data the policy engine returns: the notices it plans, and a catch-up's overdue items. Pure. */
import type { SlipColour } from '../model';
import type { NoticeKind, RecipientRole } from './kinds';

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
