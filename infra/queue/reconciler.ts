/**
 * The reconciler: after Redis lost jobs (a restart without AOF, a failover, a flush), every notice
 * that is due to go out and has no final delivery record is added to the queue again, under its
 * original job id. Adding an id that still exists is a no-op, so running it at any time is safe;
 * it runs at start-up and then periodically (docs/reliability.md row 4).
 */
import type { Queue } from 'bullmq';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Logger } from '../../contracts/logger';
import { noticeJobOptions, DEFAULT_JOB_POLICY, type NoticeJobData, type NoticeJobPolicy } from './notice-queue';

export interface ReconcilerDeps {
  prisma: Pick<PrismaClient, 'notice'>;
  queue: Queue<NoticeJobData>;
  logger: Logger;
  policy?: NoticeJobPolicy;
  clock?: () => number;
  /**
   * notices created less than this long ago are left alone (default 10 s): their submit may be
   * between inserting the row and adding the job, and adding it here too would only be noise
   */
  graceMs?: number;
  /** rows read per database page (default 1000) */
  batchSize?: number;
}

export interface ReconcileResult {
  /** open notices looked at */
  checked: number;
  /** of those, jobs that were missing (or failed by BullMQ itself) and were added again */
  added: number;
}

/**
 * One pass: all PENDING/QUEUED notices (those never sent, skipped, failed or dead-lettered) are
 * re-added in batches. A job whose id exists is left alone by BullMQ, so `added` counts only the
 * jobs Redis had lost.
 */
export async function reconcileNotices(d: ReconcilerDeps): Promise<ReconcileResult> {
  const policy = d.policy ?? DEFAULT_JOB_POLICY;
  const now = d.clock ?? Date.now;
  const batch = d.batchSize ?? 1000;
  let checked = 0;
  let added = 0;
  let cursor: string | undefined;
  for (;;) {
    const rows = await d.prisma.notice.findMany({
      where: { status: { in: ['PENDING', 'QUEUED'] }, createdAt: { lt: new Date(now() - (d.graceMs ?? 10_000)) } },
      select: { id: true, key: true, kind: true, dueAt: true },
      orderBy: { id: 'asc' },
      take: batch,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (!rows.length) break;
    cursor = rows[rows.length - 1]!.id;
    checked += rows.length;
    const t = now();
    const existing = await Promise.all(rows.map((r) => d.queue.getJobState(r.key)));
    const missing = rows.filter((_, k) => existing[k] === 'unknown');
    // A job BullMQ failed on its own (stalled too often after worker crashes) while the notice is
    // still open would otherwise never run again: put it back.
    const stuck = rows.filter((_, k) => existing[k] === 'failed');
    for (const r of stuck) {
      const job = await d.queue.getJob(r.key);
      if (job) {
        await job.retry('failed');
        added++;
      }
    }
    if (missing.length) {
      await d.queue.addBulk(
        missing.map((r) => ({
          name: r.kind,
          data: { noticeId: r.id },
          opts: noticeJobOptions(r.key, r.dueAt.getTime(), t, policy),
        })),
      );
      added += missing.length;
    }
    if (rows.length < batch) break;
  }
  if (added) d.logger.warn('reconciler re-enqueued notices missing from the queue', { checked, added });
  else d.logger.debug('reconciler pass', { checked, added });
  return { checked, added };
}

/** Runs a pass now and then every `intervalMs`; stop() waits for a running pass. */
export function startReconciler(d: ReconcilerDeps & { intervalMs: number }): {
  stop(): Promise<void>;
  runNow(): Promise<ReconcileResult>;
} {
  let running: Promise<ReconcileResult> | null = null;
  let stopped = false;
  const run = (): Promise<ReconcileResult> => {
    if (!running) {
      running = reconcileNotices(d)
        .catch((err) => {
          d.logger.error('reconciler pass failed', { err });
          return { checked: 0, added: 0 };
        })
        .finally(() => {
          running = null;
        });
    }
    return running;
  };
  void run();
  const timer = setInterval(() => {
    if (!stopped) void run();
  }, d.intervalMs);
  timer.unref();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
