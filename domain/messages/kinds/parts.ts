/**
 * What the notice templates share: the required-field check, whole days between two instants, the
 * link, the respond-by date and the greetings (how a task is shown: task-parts.ts). Pure.
 */
import type { NoticeKind } from '../../notices';
import { formatDate, localDate } from '../format';
import { LINK_PLACEHOLDER, MessageInputError, type NoticeDoc, type NoticeMessageInput } from '../input';

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

/** The signed link, or the placeholder the web layer replaces. */
export function linkOf(i: NoticeMessageInput): string {
  return i.link ?? LINK_PLACEHOLDER;
}

/** By when the recipient is asked to act, as a reader's date; null when not given. */
export function respondBy(i: NoticeMessageInput): string | null {
  return i.respondBy ? formatDate(i.respondBy, i.zone) : null;
}

/** The greeting of a notice to a unit. */
export const unitGreeting = (i: NoticeMessageInput) => `${i.unit ?? '各有关单位'}：`;

/** The greeting of a notice to the Office. */
export const OFFICE_GREETING = `市质量强市领导小组办公室：`;
