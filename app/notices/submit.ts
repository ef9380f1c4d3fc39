/**
 * Use case: submit a planned notice. The lifecycle's and the catch-up's activities hand the
 * notices whose moment has come to the notification port; this is the one place that turns a
 * planned notice (an order: key, assignment or scope, the policy's PlannedNotice) into its
 * submission: the notice's moment is its `at`, its payload is domain/notices plannedPayload.
 * Idempotency is the port's (by key).
 */
import type { NoticeSubmission, NotificationPort } from '../../contracts/notification';
import { plannedPayload, type PlannedNotice } from '../../domain/notices';

/** A planned notice as the workflow orders it (workflows' NoticeOrder). */
export interface PlannedOrder {
  key: string;
  assignmentId: string | null;
  scope: string | null;
  notice: PlannedNotice;
}

/** The submission of a planned notice; `payload` says what it carries beyond the plan (see plannedPayload). */
export function plannedSubmission(
  o: PlannedOrder,
  payload: Parameters<typeof plannedPayload>[1],
  slipId: string | null = null,
): NoticeSubmission {
  return {
    key: o.key,
    kind: o.notice.kind,
    assignmentId: o.assignmentId,
    scope: o.scope,
    dueAt: o.notice.at,
    slipId,
    payload: plannedPayload(o.notice, payload),
  };
}

/** Submits a planned notice (once per key: the port's guarantee). */
export function submitPlanned(
  port: NotificationPort,
  o: PlannedOrder,
  payload: Parameters<typeof plannedPayload>[1],
  slipId: string | null = null,
): Promise<{ noticeId: string; created: boolean }> {
  return port.submit(plannedSubmission(o, payload, slipId));
}
