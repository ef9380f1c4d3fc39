/**
 * The notice queue (BullMQ). Job data holds the notice id only: the processor re-reads everything
 * else at send time, so a job never carries stale state. The job id is the notice's deterministic
 * key, so adding the same notice twice is a no-op while the first job still exists.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../contracts/logger';

/** Default queue name; one queue per SMTP relay (the rate limit applies per queue). */
export const NOTICE_QUEUE = 'notices';

/** The only thing a notice job carries. */
export interface NoticeJobData {
  noticeId: string;
}

/** Retry and retention settings of notice jobs. */
export interface NoticeJobPolicy {
  /** total attempts for temporary failures (4xx, connection loss) before the dead letter */
  attempts: number;
  /** first backoff delay; doubles each attempt (BullMQ exponential: delay × 2^(attempt-1)) */
  backoffMs: number;
  /**
   * how long completed jobs are kept. While a completed job exists, adding its id again is a no-op;
   * this must outlast any retry of the enqueue activity (Temporal retries within hours). After
   * that the Notice row's status still stops a second send, so this is the first guard, not the last.
   */
  keepCompletedSeconds: number;
  /** how long failed (dead-lettered) jobs stay visible in the queue dashboard */
  keepFailedSeconds: number;
}

export const DEFAULT_JOB_POLICY: NoticeJobPolicy = {
  attempts: 8,
  backoffMs: 30_000,
  keepCompletedSeconds: 14 * 24 * 3600,
  keepFailedSeconds: 90 * 24 * 3600,
};

/** Job options for one notice: id = key, delayed until its moment. */
export function noticeJobOptions(
  key: string,
  dueAtMs: number,
  nowMs: number,
  policy: NoticeJobPolicy = DEFAULT_JOB_POLICY,
): JobsOptions {
  if (key.includes(':')) throw new RangeError(`BullMQ job ids must not contain ':' (${key})`);
  return {
    jobId: key,
    delay: Math.max(0, dueAtMs - nowMs),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: policy.keepCompletedSeconds },
    removeOnFail: { age: policy.keepFailedSeconds },
  };
}

export interface NoticeQueueOptions {
  connection: Redis;
  prefix: string;
  name?: string;
  logger: Logger;
}

/** The producer side of the notice queue, with an error listener. */
export function createNoticeQueue(o: NoticeQueueOptions): Queue<NoticeJobData> {
  const q = new Queue<NoticeJobData>(o.name ?? NOTICE_QUEUE, { connection: o.connection, prefix: o.prefix });
  q.on('error', (err) => o.logger.error('notice queue error', { err }));
  return q;
}
