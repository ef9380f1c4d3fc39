/**
 * Activities of the task lifecycle. Each one is idempotent, because Temporal runs activities at
 * least once: a transition is recorded once per `transitionId`, a slip once per `dedupeKey`, a
 * notice once per key (the port guarantees it). Every change writes its audit event in the same
 * transaction.
 *
 * The factory only wires the steps: recording a transition is activities/transition.ts, delivering
 * notices (and issuing their 督办单) activities/deliver.ts, the catch-up activities/catch-up.ts.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { CANCELLED_ON_CLOSE, type NoticeKind } from '../domain/notices';
import type { Logger } from '../contracts/logger';
import type {
  CatchUpInput,
  DeliveredNotice,
  DeliverNoticesArgs,
  LifecycleActivities,
  RecordTransitionArgs,
  RecordTransitionResult,
} from '../contracts/workflows';
import type { NotificationPort } from '../contracts/notification';
import { submitCatchUp } from './catch-up';
import { deliverNotices } from './deliver';
import { recordTransition } from './transition';

export { slipClosure } from './transition';

export interface LifecycleDeps {
  db: PrismaClient;
  notifications: NotificationPort;
  logger: Logger;
  /** IANA zone slip years and dates are computed in */
  zone: string;
}

export function createLifecycleActivities(deps: LifecycleDeps): LifecycleActivities {
  const { db, notifications } = deps;

  return {
    /**
     * Writes one accepted input: the assignment row, the input's own record (report, extension) and
     * the audit event, in one transaction. A second call with the same transitionId changes nothing.
     */
    async recordTransition(args: RecordTransitionArgs): Promise<RecordTransitionResult> {
      return recordTransition(db, args);
    },

    /**
     * Carries out notices whose moment has come: issues the slip a notice carries (once), then hands
     * the notice to the pipeline (once, by key). The send-time guard re-reads the assignment and
     * skips notices about an assignment that has closed meanwhile.
     */
    async deliverNotices(args: DeliverNoticesArgs): Promise<DeliveredNotice[]> {
      return deliverNotices(deps, args);
    },

    /**
     * Cancels an assignment's pending reminders and escalations (after an extension, a completion or
     * a cancel), or only those of `kinds`. Decision notices are never cancelled: they report the
     * very change that triggers the cancelling.
     */
    async cancelPendingNotices(args: { assignmentId: string; kinds?: NoticeKind[] }): Promise<number> {
      return notifications.cancelPending(args.assignmentId, args.kinds ?? [...CANCELLED_ON_CLOSE]);
    },

    /**
     * Submits notices about the whole plan (the catch-up's per-unit notices and Office summary) and
     * issues the catch-up's 督办单 they cite: activities/catch-up.ts (idempotent by dedupe key and key).
     */
    async submitPlanNotices(args: CatchUpInput): Promise<DeliveredNotice[]> {
      return submitCatchUp(deps, args);
    },
  };
}

export type { LifecycleActivities };
