/**
 * Deadline phrases (完成时限) → due instants, through the configured table. Pure.
 */
import { DateTime } from 'luxon';
import type { TaskKind } from './model';

/** One row of the deadline-phrase table (config/deadline-phrases.json). */
export interface DeadlinePhraseRule {
  phrase: string;
  kind: TaskKind;
  /** YYYY-MM-DD in the plan's zone; required for `deadline`, absent for `standing` */
  due?: string;
}

export interface InterpretedDeadline {
  phrase: string;
  kind: TaskKind;
  /** YYYY-MM-DD, or null for standing tasks */
  dueDate: string | null;
  /** the end of the due date in `zone` as an ISO instant with offset, or null */
  dueAt: string | null;
}

/** Normalises a phrase for lookup only: trims, and folds full-width digits to ASCII. The text kept is the original. */
export function phraseKey(phrase: string): string {
  return phrase.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/**
 * Interprets a phrase, or returns null when the table does not know it (the caller reports the
 * line; we never guess). The due instant is 23:59:59.999 of the due date in `zone`.
 */
export function interpretDeadline(
  phrase: string,
  table: readonly DeadlinePhraseRule[],
  zone: string,
): InterpretedDeadline | null {
  const key = phraseKey(phrase);
  const rule = table.find((r) => phraseKey(r.phrase) === key);
  if (!rule) return null;
  if (rule.kind === 'standing' || !rule.due) return { phrase, kind: 'standing', dueDate: null, dueAt: null };
  const end = DateTime.fromISO(rule.due, { zone }).endOf('day');
  if (!end.isValid) throw new Error(`deadline table: ${rule.phrase} has an invalid due date ${rule.due}`);
  return { phrase, kind: 'deadline', dueDate: rule.due, dueAt: end.toISO()! };
}
