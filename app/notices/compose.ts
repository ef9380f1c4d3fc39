/**
 * A loaded notice → the message input the templates need. The notice's payload says what the
 * policy decided (period, level, slip, items); the database says what is true now (task text,
 * deadline in force, unit name, slip number).
 */
import type { NoticeKind } from '../../domain/notices';
import { decisionOf, type NoticeMessageInput } from '../../domain/messages';
import type { NoticePayload } from '../../contracts/notification';
import type { LoadedNotice } from './load-notice';

export interface ComposeOptions {
  zone: string;
  /** the Office's name, signs every message */
  sender: string;
  now: Date;
  /** the signed link for this notice, or null to leave the placeholder for the web layer */
  link: string | null;
  /** the link of one listed item's assignment (catch-up letters list many), or null for none */
  itemLink?: (assignmentId: string) => string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export function composeMessageInput(n: LoadedNotice, o: ComposeOptions): NoticeMessageInput {
  const p = (n.payload ?? {}) as NoticePayload;
  const a = n.assignment;
  const slip = n.slip ? { number: n.slip.number, colour: n.slip.colour } : p.slip ?? null;
  const task = a
    ? {
        number: a.task.number,
        text: a.task.text,
        deadlinePhrase: a.task.deadlinePhrase,
        dueAt: (a.dueAt ?? a.task.dueAt)?.toISOString() ?? null,
        kind: a.task.kind,
        role: a.role,
        planTitle: a.task.plan.title,
      }
    : ((p.taskInfo as NoticeMessageInput['task']) ?? null);
  const input: NoticeMessageInput = {
    kind: n.kind as NoticeKind,
    key: n.key,
    zone: o.zone,
    issuedAt: o.now.toISOString(),
    noticeDueAt: n.dueAt.toISOString(),
    link: o.link,
    sender: o.sender,
    unit: a?.unit.name ?? p.unit ?? null,
    assignmentId: n.assignmentId,
    task,
    slip,
    ...(p.level !== undefined ? { level: p.level } : {}),
    ...(p.period !== undefined ? { period: p.period } : {}),
    dueAt: p.dueAt ?? null,
    respondBy: str(p.respondBy),
    ...(p.items ? { items: p.items.map((it) => (it.assignmentId && o.itemLink ? { ...it, link: o.itemLink(it.assignmentId) } : it)) } : {}),
    // the Office's review reminder quotes what the unit sent with its completion request
    reason: p.reason ?? (n.kind === 'completion_review' && a?.completion?.note ? a.completion.note : null),
    ...(n.kind === 'completion_review' && a?.completion?.evidenceLinks.length ? { evidenceLinks: a.completion.evidenceLinks } : {}),
    requestedDueAt: str(p.requestedDueAt),
    // both payload forms: the bare action older lifecycles recorded, and the object (domain/messages decisionOf)
    decision: decisionOf(p.decision, p.dueAt),
    failure: (p.failure as NoticeMessageInput['failure']) ?? null,
    assessment: (p.assessment as NoticeMessageInput['assessment']) ?? null,
    ...(n.kind === 'assignment' ? { reissued: p.reissued === true, acknowledgedAt: a?.acknowledgedAt?.toISOString() ?? null } : {}),
  };
  return input;
}
