/**
 * Use case: alert the Office that an email could not be delivered (a 【投递失败】 notice, kind
 * delivery_failure, to the registry's fixed recipients). The alert's key is deterministic per failed
 * notice, so retrying its submission cannot alert twice. An alert is never raised about an alert:
 * that could loop; the log and the FAILED/DEAD record are the trace.
 */
import type { NotificationPort, NoticeSubmission } from '../../contracts/notification';
import { fixedRecipients, isNoticeKind, noticeKey } from '../../domain/notices';
import type { Logger } from '../../contracts/logger';
import type { LoadedNotice } from './delivery-store';

/** What failed: the outcome, its cause, the addresses tried, the attempts made, the subject if rendered. */
export interface DeliveryFailure {
  status: 'FAILED' | 'DEAD';
  error: string;
  recipients: string[];
  attempts: number;
  subject: string | null;
}

/** The alert about a failed notice, as submitted. */
export function alertSubmission(n: LoadedNotice, f: DeliveryFailure, now: Date): NoticeSubmission<'delivery_failure'> {
  const a = n.assignment;
  const scope = `alert-${n.id}`;
  return {
    key: noticeKey(scope, 'delivery_failure', n.dueAt.getTime()),
    kind: 'delivery_failure',
    assignmentId: null,
    scope,
    dueAt: now.toISOString(),
    slipId: null,
    payload: {
      to: [...(fixedRecipients('delivery_failure') ?? [])],
      unit: a?.unit.name ?? null,
      ...(a ? { task: a.task.number } : {}),
      taskInfo: a
        ? {
            number: a.task.number,
            text: a.task.text,
            deadlinePhrase: a.task.deadlinePhrase,
            dueAt: null,
            kind: a.task.kind,
          }
        : null,
      failure: {
        // a kind this version does not know (a row of a newer version) cannot be named; key and subject identify it
        kind: isNoticeKind(n.kind) ? n.kind : 'assignment',
        key: n.key,
        subject: f.subject,
        recipients: f.recipients,
        error: f.error,
        attempts: f.attempts,
        status: f.status,
      },
      reason: f.error,
    },
  };
}

/** Alerts the Office about a failed notice (not about a failed alert: that is only logged). */
export function createAlertOffice(d: { notify: NotificationPort; logger: Logger; clock: () => Date }) {
  return async function alertOffice(n: LoadedNotice, f: DeliveryFailure): Promise<void> {
    if (n.kind === 'delivery_failure') {
      const about = { noticeId: n.id, key: n.key, error: f.error };
      d.logger.error('delivery-failure alert itself could not be delivered', about);
      return;
    }
    await d.notify.submit(alertSubmission(n, f, d.clock()));
  };
}

export type AlertOffice = ReturnType<typeof createAlertOffice>;
