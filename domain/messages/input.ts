/**
 * What a notice message is made from (NoticeMessageInput: only data, nothing is read at render time)
 * and what a template makes of it (NoticeDoc), with the names of the notice kinds. Pure types.
 */
import { NOTICE_KIND_LABELS, type NoticeKind } from '../notices';
import { DomainErrorCodes, DubangError } from '../errors';
import type { SlipColour, TaskKind } from '../model';
import type { Decision } from './decision';
import type { IcsEvent } from './ics';

/** Literal placeholder for the signed link when the caller has none; the web layer replaces it. */
export const LINK_PLACEHOLDER = '{{link}}';

/** Chinese names of the notice kinds, as a reader would call them: the registry's (domain/notices). */
export const KIND_LABELS: Record<NoticeKind, string> & Record<string, string | undefined> = NOTICE_KIND_LABELS;

/** The task a notice is about, as stored. */
export interface MessageTask {
  number: number;
  text: string;
  deadlinePhrase: string;
  /** the due instant in force (ISO), null for standing tasks */
  dueAt: string | null;
  kind: TaskKind;
  /** 牵头 / 配合 / bound by the plan rule */
  role?: 'LEAD' | 'CO' | 'IMPLICIT' | null;
  /** the plan's title, for the assignment notice (《关于…的实施方案》) */
  planTitle?: string | null;
  /**
   * its reporting calendar, for the assignment notice and the unit letter (domain/policy
   * reportingCalendar, under the configured policy): the rule in words and the next reports due
   */
  reporting?: { text: string; next: { period: string; dueAt: string }[] } | null;
}

/** One line of a catch-up or summary notice. */
export interface MessageItem {
  task: number;
  unit?: string;
  text?: string;
  dueAt?: string | null;
  overdueDays?: number;
  /** the colour the item's 督办 has reached (BLUE/ORANGE/RED) */
  slip?: string | null;
  /** the 督办单 issued for it, 督〔2026〕0001号 */
  slipNumber?: string | null;
  /** its assignment (catch-up items name it) */
  assignmentId?: string | null;
  /** the link that lets the reader act on this item (the unit's signed form link, the Office's page) */
  link?: string | null;
}

/** What an assessment notice shows (payload `assessment`, written by app/assessment/run.ts). */
export interface AssessmentMessage {
  year: number;
  /** 2025年度, or 2024—2025年度 for a July–June year (default `${year}年度`) */
  label?: string;
  /** the instant judged at (ISO); the end of the year for a closed year */
  asOf?: string;
  /** judged before the year's end (a mid-year snapshot) */
  interim?: boolean;
  /** every scored unit, best first */
  rows: { rank?: number; unit: string; score: number; grade: string }[];
  /** grade bands, highest first (for the distribution line); default: the grades the rows use */
  grades?: { grade: string; label: string }[];
  /** how many best and lagging units the summary table names (default 3 each, as the bulletin) */
  top?: number;
  lagging?: number;
  /** the 通报 draft (Markdown), quoted in the body */
  bulletin?: string | null;
  /** names of the attached files, listed in the body */
  files?: string[];
  /** the result's digest (sha256:…): the same digest means the same result */
  digest?: string | null;
}

/**
 * Everything a notice message may show. Only ids and state come from the database; nothing here is
 * read at render time.
 */
export interface NoticeMessageInput {
  kind: NoticeKind;
  /** the notice's idempotency key (not printed: the Message-ID header carries it, see render.ts) */
  key: string;
  /** IANA zone readers live in (Asia/Shanghai) */
  zone: string;
  /** when the message is rendered/sent (ISO); DTSTAMP of attachments, "as of" of summaries */
  issuedAt: string;
  /** the notice's moment (ISO) */
  noticeDueAt: string;
  /** the signed link to the recipient's form or the dashboard; LINK_PLACEHOLDER when absent */
  link?: string | null;
  /** who signs (the Office's name) */
  sender: string;
  /** the unit the notice concerns (责任单位), if any */
  unit?: string | null;
  /** assignment id, for stable calendar UIDs */
  assignmentId?: string | null;
  task?: MessageTask | null;
  slip?: { number: string; colour: SlipColour } | null;
  /** escalation step for chases (1 = first) */
  level?: number;
  /** reporting period, e.g. 2025Q3 */
  period?: string;
  /** what falls due (report or deadline), ISO; defaults to the task's due instant */
  dueAt?: string | null;
  /** by when the recipient is asked to act (ISO) */
  respondBy?: string | null;
  items?: MessageItem[];
  /** free text: a decision's reason, an extension's reason, an alert's cause */
  reason?: string | null;
  /** decision notices: what was decided (read a stored payload with decisionOf) */
  decision?: Decision | null;
  /** completion review: the evidence links the unit sent with its request */
  evidenceLinks?: string[];
  /** extension review: the date asked for */
  requestedDueAt?: string | null;
  /** assessment notices: the year's scores, best first, and the bulletin draft */
  assessment?: AssessmentMessage | null;
  /** an assignment notice sent again because the Office revoked the unit's links (the earlier ones no longer work) */
  reissued?: boolean;
  /** when the unit acknowledged the assignment (ISO), if it has: a re-sent notice does not ask it again */
  acknowledgedAt?: string | null;
  /** delivery-failure alerts: the message that failed */
  failure?: {
    kind: NoticeKind;
    key: string;
    subject?: string | null;
    recipients: string[];
    error: string;
    attempts: number;
    /** FAILED: permanent answer; DEAD: temporary failures until the retries ran out */
    status: 'FAILED' | 'DEAD';
  } | null;
}

/** A document: what the message says, before it becomes text or HTML. */
export interface NoticeDoc {
  subject: string;
  /** heading of the body */
  title: string;
  greeting: string;
  paragraphs: string[];
  fields: [label: string, value: string][];
  /** a table; `links[k]`, when given, is row k's own action link (shown as `linkLabel`) */
  items?: { columns: string[]; rows: string[][]; links?: (string | null)[]; linkLabel?: string };
  /** what is asked and by when */
  ask?: string;
  action?: { label: string; href: string };
  slip?: { number: string; colour: SlipColour } | null;
  ics?: { filename: string; event: IcsEvent };
  /** a document quoted in full after everything else (the assessment's 通报 draft), Markdown headings allowed */
  appendix?: { title: string; lines: string[] };
}

export class MessageInputError extends DubangError {
  static override readonly code = DomainErrorCodes.MessageInputError;
}
