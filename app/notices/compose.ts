/**
 * A loaded notice → the message input the templates need. The notice's payload says what the
 * policy decided (period, level, slip, items); the database says what is true now (task text,
 * deadline in force, unit name, slip number). The payload is parsed by its kind's schema
 * (domain/notices/schema.ts); one that does not fit throws NoticePayloadError.
 */
import type { AnyStoredPayload, GuardAssignment, GuardNotice, NoticeKind } from '../../domain/notices';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';
import { isDubangError } from '../../contracts/errors';
import { decisionOf, type MessageTask, type NoticeMessageInput } from '../../domain/messages';
import { kindPolicy, reportingCalendar, type Policy } from '../../domain/policy';
import type { BusinessCalendar } from '../../domain/calendar';
import type { Cadence } from '../../domain/deadline';
import type { TaskKind } from '../../domain/model';
import type { LoadedNotice } from './delivery-store';

export interface ComposeOptions {
  zone: string;
  /** the Office's name, signs every message */
  sender: string;
  now: Date;
  /** the signed link for this notice, or null to leave the placeholder for the web layer */
  link: string | null;
  /** the link of one listed item's assignment (catch-up letters list many), or null for none */
  itemLink?: (assignmentId: string) => string | null;
  /** a task's reporting calendar from a moment on, told with its assignment notice (reportingOf) */
  reporting?: ReportingOf;
}

/** A task's reporting calendar given at `fromMs`, under the configured policy. */
export type ReportingOf = (
  task: { kind: TaskKind; cadence: Cadence | null },
  fromMs: number,
) => NonNullable<MessageTask['reporting']>;

/** The reporting calendar under `policy` and its business calendar (domain/policy reportingCalendar), ISO dates. */
export function reportingOf(policy: Policy, calendar: BusinessCalendar): ReportingOf {
  return (task, fromMs) => {
    const r = reportingCalendar(kindPolicy(policy, task.kind, task.cadence), calendar, fromMs);
    return { text: r.text, next: r.next.map((p) => ({ period: p.period, dueAt: new Date(p.dueMs).toISOString() })) };
  };
}

export function composeMessageInput(n: LoadedNotice, o: ComposeOptions): NoticeMessageInput {
  const p: AnyStoredPayload = parseNoticePayload(n.kind, n.payload);
  const a = n.assignment;
  const slip = n.slip ? { number: n.slip.number, colour: n.slip.colour } : (p.slip ?? null);
  const task = a
    ? {
        number: a.task.number,
        text: a.task.text,
        deadlinePhrase: a.task.deadlinePhrase,
        dueAt: (a.dueAt ?? a.task.dueAt)?.toISOString() ?? null,
        kind: a.task.kind,
        role: a.role,
        planTitle: a.task.plan.title,
        ...(n.kind === 'assignment' && o.reporting
          ? { reporting: o.reporting({ kind: a.task.kind, cadence: a.task.cadence ?? null }, n.dueAt.getTime()) }
          : {}),
      }
    : (p.taskInfo ?? null);
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
    respondBy: p.respondBy || null,
    ...(p.items
      ? {
          items: p.items.map((it) =>
            it.assignmentId && o.itemLink ? { ...it, link: o.itemLink(it.assignmentId) } : it,
          ),
        }
      : {}),
    // the Office's review reminder quotes what the unit sent with its completion request
    reason: p.reason ?? (n.kind === 'completion_review' && a?.completion?.note ? a.completion.note : null),
    ...(n.kind === 'completion_review' && a?.completion?.evidenceLinks.length
      ? { evidenceLinks: a.completion.evidenceLinks }
      : {}),
    requestedDueAt: p.requestedDueAt || null,
    // both payload forms: the bare action older lifecycles recorded, and the object (domain/messages decisionOf)
    decision: decisionOf(p.decision, p.dueAt),
    failure: p.failure ?? null,
    assessment: p.assessment ?? null,
    ...(n.kind === 'assignment'
      ? { reissued: p.reissued === true, acknowledgedAt: a?.acknowledgedAt?.toISOString() ?? null }
      : {}),
  };
  return input;
}

/**
 * The notice as the send-time guard (domain/notices staleReason) sees it. A payload that does not
 * fit its schema gives the guard nothing to compare: the notice is then judged by the assignment
 * alone, and fails when it is composed.
 */
export function guardNotice(n: LoadedNotice): GuardNotice {
  let p: AnyStoredPayload = {};
  try {
    p = parseNoticePayload(n.kind, n.payload);
  } catch (err) {
    if (!isDubangError(err, NoticePayloadError)) throw err;
  }
  return {
    kind: n.kind,
    status: n.status,
    payload: {
      ...(p.dueAt !== undefined ? { dueAt: p.dueAt } : {}),
      ...(p.period !== undefined ? { period: p.period } : {}),
    },
  };
}

/** The assignment as the send-time guard sees it, or null for a notice about none. */
export function guardAssignment(n: LoadedNotice): GuardAssignment | null {
  const a = n.assignment;
  if (!a) return null;
  return {
    state: a.state,
    cancelledAt: a.cancelledAt,
    acknowledgedAt: a.acknowledgedAt,
    dueAt: a.dueAt,
    taskCancelledAt: a.task.cancelledAt,
    reportedPeriods: a.reports.map((r) => r.period),
  };
}
