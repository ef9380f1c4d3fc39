/**
 * The outbox implementation of the NotificationPort: a notice becomes one `Notice` row, status
 * PENDING, keyed by its deterministic key. The notification pipeline (BullMQ, infra/queue/) picks
 * PENDING rows up and sends them; until it is wired, this is the port's real implementation and the
 * rows wait. Idempotent: a second submit of the same key (an activity retried after it succeeded, a
 * replayed workflow) finds the row and creates nothing.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { NoticeKind } from '../domain/notices';
import type { NoticeSubmission, NotificationPort } from '../contracts/notification';

type Db = Pick<PrismaClient, 'notice'>;

/** Prisma's unique-violation code: the row already exists, which for an outbox means "already done". */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'P2002';
}

export function createOutboxNotificationPort(db: Db): NotificationPort {
  return {
    async submit(n: NoticeSubmission) {
      const existing = await db.notice.findUnique({ where: { key: n.key }, select: { id: true } });
      if (existing) return { noticeId: existing.id, created: false };
      try {
        const row = await db.notice.create({
          data: {
            key: n.key,
            kind: n.kind,
            assignmentId: n.assignmentId,
            scope: n.scope,
            dueAt: new Date(n.dueAt),
            recipients: n.payload.to,
            slipId: n.slipId,
            payload: n.payload as Prisma.InputJsonValue,
            status: 'PENDING',
          },
          select: { id: true },
        });
        return { noticeId: row.id, created: true };
      } catch (err) {
        // Two writers raced on the same key: the other one won, which is the same outcome.
        if (!isUniqueViolation(err)) throw err;
        const row = await db.notice.findUniqueOrThrow({ where: { key: n.key }, select: { id: true } });
        return { noticeId: row.id, created: false };
      }
    },
    async cancelPending(assignmentId: string, kinds?: NoticeKind[]) {
      const r = await db.notice.updateMany({
        where: { assignmentId, status: 'PENDING', ...(kinds ? { kind: { in: kinds } } : {}) },
        data: { status: 'SKIPPED', statusReason: '任务状态已变化，该通知不再需要发送' },
      });
      return r.count;
    },
  };
}
