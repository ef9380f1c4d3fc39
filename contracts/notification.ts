/**
 * The notification port: how the lifecycle (Temporal activities) and the use cases hand notices to
 * the notification pipeline. Callers depend on this interface; worker/ wires the real
 * implementation (infra/queue/), tests may pass small in-memory fakes. Types only.
 */
import type { NoticeKind, NoticePayloadOf } from '../domain/notices';

export type { NoticePayload, NoticePayloadOf } from '../domain/notices';

/**
 * One notice to submit. `NoticeSubmission<'digest'>` ties the payload to its kind; the default
 * (any kind) takes any kind's payload, as callers that pass a planned notice's kind through do.
 */
export interface NoticeSubmission<K extends NoticeKind = NoticeKind> {
  /** deterministic key, `notice-<assignmentId|scope>-<kind>-<dueAtMs>` (domain/notices noticeKey); also the job id */
  key: string;
  kind: K;
  assignmentId: string | null;
  /** for notices that are not about one assignment (plan summary, digest, alert): e.g. the plan slug */
  scope: string | null;
  /** the notice's moment: it must not go out before this instant (ISO with offset) */
  dueAt: string;
  slipId: string | null;
  payload: NoticePayloadOf<K>;
}

/**
 * Hands notices to the notification pipeline. Implementations must be idempotent by `key`: a
 * repeated submit (an activity retried after it succeeded) creates nothing new and sends nothing twice.
 */
export interface NotificationPort {
  submit(n: NoticeSubmission): Promise<{ noticeId: string; created: boolean }>;
  /** cancels pending notices of an assignment (all, or only those of the given kinds); returns how many */
  cancelPending(assignmentId: string, kinds?: NoticeKind[]): Promise<number>;
}
