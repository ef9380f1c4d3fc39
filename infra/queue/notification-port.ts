/**
 * NotificationPort over the outbox (the Notice table) and the BullMQ notice queue.
 *
 * submit(): insert the Notice row (unique key; P2002 means a previous submit got there first), then
 * add the job with jobId = key, delayed until the notice's moment, then mark the row QUEUED. A crash
 * between the insert and the add leaves a PENDING row without a job: a retried submit adds the job
 * (the row exists, its status says it was never sent), and so does the reconciler. Nothing here can
 * cause a second email: the processor's delivery record is the final guard.
 */
import type { Queue } from 'bullmq';
import type { PrismaClient } from '../../generated/prisma/client';
import type { NoticeKind } from '../../domain/notices';
import type { NoticeSubmission, NotificationPort } from '../../contracts/notification';
import { cancellableWhere, insertNotice } from '../outbox';
import type { Logger } from '../../contracts/logger';
import { noticeJobOptions, DEFAULT_JOB_POLICY, type NoticeJobData, type NoticeJobPolicy } from './notice-queue';

type Db = Pick<PrismaClient, 'notice'>;

export interface QueueNotificationPortDeps {
  prisma: Db;
  queue: Queue<NoticeJobData>;
  logger: Logger;
  policy?: NoticeJobPolicy;
  clock?: () => number;
}

export function createQueueNotificationPort(d: QueueNotificationPortDeps): NotificationPort & {
  /** adds (or re-adds) the job of an existing notice; a no-op when the job exists */
  enqueue(n: { id: string; key: string; kind: string; dueAt: Date }): Promise<void>;
} {
  const policy = d.policy ?? DEFAULT_JOB_POLICY;
  const now = d.clock ?? Date.now;

  async function enqueue(n: { id: string; key: string; kind: string; dueAt: Date }): Promise<void> {
    await d.queue.add(n.kind, { noticeId: n.id }, noticeJobOptions(n.key, n.dueAt.getTime(), now(), policy));
    // only PENDING → QUEUED: the processor may already have sent a notice whose moment is now
    await d.prisma.notice.updateMany({ where: { id: n.id, status: 'PENDING' }, data: { status: 'QUEUED' } });
  }

  return {
    enqueue,
    async submit(n: NoticeSubmission) {
      const { row, created } = await insertNotice(d.prisma, n);
      // A repeated submit still makes sure the job exists: the first one may have died before adding it.
      if (row.status === 'PENDING' || row.status === 'QUEUED') {
        await enqueue({ id: row.id, key: n.key, kind: n.kind, dueAt: row.dueAt });
      }
      if (!created) d.logger.debug('notice already submitted', { key: n.key, status: row.status });
      return { noticeId: row.id, created };
    },

    async cancelPending(assignmentId: string, kinds?: NoticeKind[]) {
      // unless named, the registry's never-cancelled kinds (alerts about failed mail) are left alone
      const where = cancellableWhere(assignmentId, ['PENDING', 'QUEUED'], kinds);
      const rows = await d.prisma.notice.findMany({ where, select: { id: true, key: true } });
      if (!rows.length) return 0;
      const r = await d.prisma.notice.updateMany({
        where: { ...where, id: { in: rows.map((x) => x.id) } },
        data: { status: 'SKIPPED', statusReason: '任务状态已变化，该通知已取消' },
      });
      // Removing a job that is active fails (it is locked): that is fine, the processor re-reads the
      // notice and skips it. Removal only keeps the queue tidy.
      await Promise.all(rows.map((x) => d.queue.remove(x.key).catch(() => 0)));
      return r.count;
    },
  };
}
