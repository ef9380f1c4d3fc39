/**
 * Deadline items: the due instant extensions move (judgedDue), the clock the delivered notices start,
 * and the judgement: completed on time, completed late, overdue, or still open. Pure.
 */
import type { Evidence, ExtensionFact, NoticeFact } from './types';
import { aboutDeadline, STARTS_OVERDUE_CLOCK, TELLS_DEADLINE } from './asked';
import type { CitedEvents } from './facts';
import { deduct, uncount, type Judging } from './judging';
import type { Year } from './year';

/** The due instant an item is judged against, and the approved extensions that moved it or came too late. */
export interface JudgedDue {
  due: number;
  applied: ExtensionFact[];
  tooLate: ExtensionFact[];
}

/**
 * The due instant an item is judged against: the original one, moved by each approved extension
 * that was decided no later than the due instant in force when it was decided. Extensions approved
 * after that (or after the as-of instant) do not move it.
 */
export function judgedDue(originalDueAt: number, extensions: readonly ExtensionFact[], asOf: number): JudgedDue {
  let due = originalDueAt;
  const applied: ExtensionFact[] = [];
  const tooLate: ExtensionFact[] = [];
  const approved = extensions
    .filter((e) => e.status === 'APPROVED' && e.decidedAt !== null && e.decidedAt <= asOf)
    .sort((x, y) => x.decidedAt! - y.decidedAt!);
  for (const e of approved) {
    if (e.decidedAt! <= due) {
      applied.push(e);
      due = Math.max(due, e.requestedDueAt);
    } else tooLate.push(e);
  }
  return { due, applied, tooLate };
}

/** When the clock of a deadline item starts, and the delivered notice that started it. */
interface DeadlineClock {
  asked: NoticeFact | null;
  /** null while no notice about the deadline was delivered */
  clock: number | null;
  /** the reason's note when the clock started after the due instant */
  note: string;
}

/**
 * The clock of a deadline item: the judged due instant when the unit was told of the deadline
 * before it; else the first 督办 or catch-up letter listing the item after it; null while neither
 * was delivered.
 */
function deadlineClock(j: Judging, due: number): DeadlineClock {
  const before = j.told.find((n) => TELLS_DEADLINE.has(n.kind) && aboutDeadline(n) && n.sentAt <= due);
  if (before) return { asked: before, clock: due, note: '' };
  const after = j.told.find((n) => STARTS_OVERDUE_CLOCK.has(n.kind) && aboutDeadline(n) && n.sentAt > due);
  if (!after) return { asked: null, clock: null, note: '' };
  return {
    asked: after,
    clock: after.sentAt,
    note: `（时限届满前未通知，自${j.y.day(after.sentAt)}${j.y.cite(after).kind}送达起计）`,
  };
}

/** The reason's note on extensions: the one the item is judged by, and one approved too late to count. */
function extensionNote(y: Year, judged: JudgedDue): string {
  const { applied, tooLate } = judged;
  return (
    (applied.length ? `（已按${y.day(applied[applied.length - 1]!.decidedAt!)}批准的延期时限考核）` : '') +
    (tooLate.length ? `；延期申请于${y.day(tooLate[0]!.decidedAt!)}批准，晚于当时的完成时限，仍按原定时限考核` : '')
  );
}

/**
 * Deadline items: completed on time, completed late, overdue, or still open, judged against the due
 * instant extensions moved (judgedDue) from the clock the notices started (deadlineClock). Late or
 * overdue with no notice about the deadline delivered is uncounted. A standing task, or an
 * assignment without a due instant, is a standing item. Cancelled items are not judged.
 */
export function judgeDeadline(j: Judging, cited: CitedEvents): void {
  const { a, y, acc, trow, completed, label } = j;
  const c = acc.counts;
  if (j.task.kind === 'standing' || a.originalDueAt === null) {
    c.standingItems++;
    return;
  }
  c.deadlineItems++;
  const judged = judgedDue(a.originalDueAt, j.exts, y.asOf);
  const due = judged.due;
  const { asked, clock, note: clockNote } = deadlineClock(j, due);
  const extEv: Evidence[] = [...judged.applied, ...judged.tooLate].map((e) => ({ type: 'Extension', id: e.id }));
  const extNote = extensionNote(y, judged);
  if (completed !== null) {
    if (completed <= due) {
      c.completedOnTime++;
      trow.completedOnTime++;
    } else if (clock === null || completed <= clock) {
      uncount(j, 'completedLate', null, due, `应于${y.day(due)}前完成，${y.day(completed)}销号，销号前未收到相关通知`);
    } else {
      c.completedLate++;
      trow.completedLate++;
      const ev = cited.completion.get(a.id);
      deduct(
        j,
        'completedLate',
        {
          period: null,
          dueAt: y.iso(clock ?? due),
          at: y.iso(completed),
          slip: null,
          reason: `${label}应于${y.day(due)}前完成，${y.day(completed)}方予销号，逾期完成${clockNote}${extNote}`,
          evidence: [j.assignmentEv, ...(ev ? [{ type: 'AuditEvent' as const, id: ev.id }] : []), ...extEv],
        },
        asked,
      );
    }
  } else if (j.cancelled === null) {
    if (due < y.asOf && (clock === null || clock >= y.asOf)) {
      uncount(
        j,
        'overdue',
        null,
        due,
        `完成时限为${y.day(due)}，截至${y.asOfDay}仍未完成，但时限届满前未通知，此后也未督办`,
      );
    } else if (due < y.asOf) {
      c.overdue++;
      trow.overdue++;
      deduct(
        j,
        'overdue',
        {
          period: null,
          dueAt: y.iso(clock ?? due),
          at: null,
          slip: null,
          reason: `${label}完成时限为${y.day(due)}，截至${y.asOfDay}仍未完成${clockNote}${extNote}`,
          evidence: [...j.originEv, ...extEv],
        },
        asked,
      );
    } else {
      c.open++;
      trow.open++;
    }
  }
}
