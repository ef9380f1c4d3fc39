/**
 * The outbox implementation of the NotificationPort: a notice becomes one `Notice` row, status
 * PENDING, keyed by its deterministic key. The notification pipeline (BullMQ, infra/queue/) picks
 * PENDING rows up and sends them; until it is wired, this is the port's real implementation and the
 * rows wait. Idempotent: a second submit of the same key (an activity retried after it succeeded, a
 * replayed workflow) finds the row and creates nothing. insertNotice is the one Notice insert, the
 * queue's port (infra/queue/notification-port.ts) uses it too.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { NEVER_CANCELLED_IMPLICITLY, type NoticeKind } from '../domain/notices';
import type { NoticeSubmission, NotificationPort } from '../contracts/notification';
import { isUniqueViolation } from '../contracts/errors';

type Db = Pick<PrismaClient, 'notice'>;

/** A Notice row as submit sees it. */
export interface SubmittedNotice {
  id: string;
  status: string;
  dueAt: Date;
}

/**
 * The one insert of a Notice row: status PENDING, keyed by its deterministic key. A row that exists
 * already (a retried submit, a replayed workflow, two writers racing on one key: P2002) is found and
 * returned with `created: false`, which for an outbox means "already done". Not for use inside a
 * transaction: the unique violation it relies on aborts one.
 */
export async function insertNotice(db: Db, n: NoticeSubmission): Promise<{ row: SubmittedNotice; created: boolean }> {
  const dueAt = new Date(n.dueAt);
  if (Number.isNaN(dueAt.getTime())) throw new RangeError(`notice ${n.key}: dueAt is not an ISO instant (${n.dueAt})`);
  const select = { id: true, status: true, dueAt: true } as const;
  try {
    const row = await db.notice.create({
      data: {
        key: n.key,
        kind: n.kind,
        assignmentId: n.assignmentId,
        scope: n.scope,
        dueAt,
        recipients: n.payload.to,
        slipId: n.slipId,
        payload: n.payload as Prisma.InputJsonValue,
        status: 'PENDING',
      },
      select,
    });
    return { row, created: true };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return { row: await db.notice.findUniqueOrThrow({ where: { key: n.key }, select }), created: false };
  }
}

/** Pending notices of an assignment to cancel: the kinds named, or all but the registry's never-cancelled ones. */
export function cancellableWhere(
  assignmentId: string,
  statuses: ('PENDING' | 'QUEUED')[],
  kinds?: NoticeKind[],
): Prisma.NoticeWhereInput {
  return {
    assignmentId,
    status: { in: statuses },
    kind: kinds ? { in: kinds } : { notIn: [...NEVER_CANCELLED_IMPLICITLY] },
  };
}

export function createOutboxNotificationPort(db: Db): NotificationPort {
  return {
    async submit(n: NoticeSubmission) {
      const { row, created } = await insertNotice(db, n);
      return { noticeId: row.id, created };
    },
    async cancelPending(assignmentId: string, kinds?: NoticeKind[]) {
      const r = await db.notice.updateMany({
        where: cancellableWhere(assignmentId, ['PENDING'], kinds),
        data: { status: 'SKIPPED', statusReason: '任务状态已变化，该通知不再需要发送' },
      });
      return r.count;
    },
  };
}
