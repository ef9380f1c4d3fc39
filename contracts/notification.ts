/**
 * The notification port: how the lifecycle (Temporal activities) and the use cases hand notices to
 * the notification pipeline. Callers depend on this interface; worker/ wires the real
 * implementation (infra/queue/), tests may pass small in-memory fakes. Types only.
 */
import type { NoticeKind, RecipientRole } from '../domain/notices';
import type { SlipColour } from '../domain/model';

/** Data a notice carries beyond what the processor re-reads from the database at send time. */
export interface NoticePayload {
  /** recipients by role; resolved to addresses from the directory at send time */
  to: RecipientRole[];
  task?: number;
  unit?: string | null;
  slip?: { number: string; colour: SlipColour } | null;
  level?: number;
  period?: string;
  /** what falls due (report or deadline), ISO with offset */
  dueAt?: string;
  /** for catch-up and summaries: one line per item (`slip` the colour reached, `slipNumber` the 督办单 issued for it, `assignmentId` its assignment) */
  items?: { task: number; unit?: string; text?: string; dueAt?: string | null; overdueDays?: number; slip?: string | null; slipNumber?: string; assignmentId?: string }[];
  /** free text: a decision's reason, an alert's cause */
  reason?: string;
  [extra: string]: unknown;
}

export interface NoticeSubmission {
  /** deterministic key, `notice-<assignmentId|scope>-<kind>-<dueAtMs>` (domain/notices.ts noticeKey); also the job id */
  key: string;
  kind: NoticeKind;
  assignmentId: string | null;
  /** for notices that are not about one assignment (plan summary, digest, alert): e.g. the plan slug */
  scope: string | null;
  /** the notice's moment: it must not go out before this instant (ISO with offset) */
  dueAt: string;
  slipId: string | null;
  payload: NoticePayload;
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
