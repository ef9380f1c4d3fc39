/**
 * What the notice templates share: the required-field check, how a task, its deadline and its
 * calendar files are shown, the link, the respond-by date and the greetings. Pure.
 */
import type { NoticeKind } from '../../notices';
import { formatDate, formatDay, formatPeriod, localDate } from '../format';
import {
  LINK_PLACEHOLDER,
  MessageInputError,
  type MessageTask,
  type NoticeDoc,
  type NoticeMessageInput,
} from '../input';

/** One notice kind's template: the notice's data to its document. */
export type Template = (i: NoticeMessageInput) => NoticeDoc;

/** A value the kind cannot be rendered without; MessageInputError when it is missing. */
export function need<T>(v: T | null | undefined, what: string, kind: NoticeKind): T {
  if (v === null || v === undefined) throw new MessageInputError(`${kind} notice: ${what} is required to render it`);
  return v;
}

/** Whole calendar days from `from` to `to` in `zone` (0 if `to` is not later). */
export function calendarDaysBetween(from: string, to: string, zone: string): number {
  // whole local dates, compared as UTC midnights: exact whatever the zone's offsets do in between
  const ms = Date.parse(`${localDate(to, zone)}T00:00:00Z`) - Date.parse(`${localDate(from, zone)}T00:00:00Z`);
  return Math.max(0, Math.round(ms / 86_400_000));
}

/** How a notice names the unit's role in the task. */
export const ROLE_TEXT = { LEAD: '牵头单位', CO: '配合单位', IMPLICIT: '责任单位' } as const;

/** 督办任务(12): how every notice names a task. */
export function taskName(t: MessageTask): string {
  return `督办任务(${t.number})`;
}

/** The deadline as the plan words it, with the day (or that a standing task has none). */
export function deadlineText(t: MessageTask, zone: string): string {
  if (t.kind === 'standing' || !t.dueAt) return `${t.deadlinePhrase}（长期任务，持续推进）`;
  return `${t.deadlinePhrase}（${formatDay(t.dueAt, zone)}）`;
}

/** The task's fields: its text, the unit and its role, the deadline. */
export function taskFields(i: NoticeMessageInput, t: MessageTask): [string, string][] {
  const f: [string, string][] = [['任务内容', t.text]];
  if (i.unit) f.push(['责任单位', t.role ? `${i.unit}（${ROLE_TEXT[t.role]}）` : i.unit]);
  f.push(['完成时限', deadlineText(t, i.zone)]);
  return f;
}

/** The signed link, or the placeholder the web layer replaces. */
export function linkOf(i: NoticeMessageInput): string {
  return i.link ?? LINK_PLACEHOLDER;
}

/** The calendar file of a task's deadline (one UID per assignment, so a new date replaces the old). */
export function deadlineIcs(i: NoticeMessageInput, t: MessageTask, dueAt: string): NoticeDoc['ics'] {
  return {
    filename: `督办任务${t.number}-完成时限.ics`,
    event: {
      uid: `deadline-${i.assignmentId ?? i.key}@dubang`,
      date: localDate(dueAt, i.zone),
      summary: `${taskName(t)}完成时限${i.unit ? `（${i.unit}）` : ''}`,
      description: `${t.text}\n完成时限：${deadlineText(t, i.zone)}\n办理链接：${linkOf(i)}`,
      issuedAt: i.issuedAt,
      url: i.link ?? null,
    },
  };
}

/** The calendar file of a report's due day (one UID per assignment and period). */
export function reportIcs(i: NoticeMessageInput, t: MessageTask, period: string, dueAt: string): NoticeDoc['ics'] {
  return {
    filename: `督办任务${t.number}-${period}报告.ics`,
    event: {
      uid: `report-${i.assignmentId ?? i.key}-${period}@dubang`,
      date: localDate(dueAt, i.zone),
      summary: `报送${taskName(t)}${formatPeriod(period)}进展报告`,
      description: `${t.text}\n报送截止：${formatDate(dueAt, i.zone)}\n填报链接：${linkOf(i)}`,
      issuedAt: i.issuedAt,
      url: i.link ?? null,
    },
  };
}

/** By when the recipient is asked to act, as a reader's date; null when not given. */
export function respondBy(i: NoticeMessageInput): string | null {
  return i.respondBy ? formatDate(i.respondBy, i.zone) : null;
}

/** The greeting of a notice to a unit. */
export const unitGreeting = (i: NoticeMessageInput) => `${i.unit ?? '各有关单位'}：`;

/** The greeting of a notice to the Office. */
export const OFFICE_GREETING = `市质量强市领导小组办公室：`;
