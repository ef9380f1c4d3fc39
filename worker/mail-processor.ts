/**
 * The mail processor: a BullMQ worker on the notice queue. Thin on purpose: it maps a job to the
 * deliver-notice use case and the use case's errors to BullMQ's retry semantics.
 *  - PermanentDeliveryError → UnrecoverableError: no retry (5xx, bad address, dead letter);
 *  - ChannelRateLimited → the job is delayed until the robot has a slot (DelayedError: not an attempt);
 *  - a `deferred` outcome (a letter waiting for items of its moment) moves the job back to the
 *    delayed set until then, which is not an attempt either;
 *  - anything else is thrown as is: BullMQ retries with the job's exponential backoff.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../contracts/logger';
import { NOTICE_QUEUE, type NoticeJobData } from '../infra/queue/notice-queue';
import type { DeliverNotice, DeliveryOutcome } from '../app/notices/deliver-notice';
import { ErrorCodes, isDubangError } from '../contracts/errors';

export interface MailProcessorOptions {
  /** a connection with maxRetriesPerRequest: null (createRedis(url, 'worker')) */
  connection: Redis;
  prefix: string;
  queueName?: string;
  deliver: DeliverNotice;
  /** jobs in flight at once; keep above the SMTP pool size so database work overlaps sending */
  concurrency: number;
  logger: Logger;
  /** start processing immediately (default true) */
  autorun?: boolean;
  /**
   * how long a job stays locked to a worker without a lock renewal (default 30 s): after a crash
   * its jobs are picked up again once the lock expires and the stalled-job check runs
   */
  lockDurationMs?: number;
  /** how often the stalled-job check runs (default 30 s) */
  stalledIntervalMs?: number;
}

export function createMailProcessor(o: MailProcessorOptions): Worker<NoticeJobData, DeliveryOutcome> {
  const processor = async (job: Job<NoticeJobData>, token?: string): Promise<DeliveryOutcome> => {
    let outcome: DeliveryOutcome;
    try {
      outcome = await o.deliver({
        noticeId: job.data.noticeId,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
      });
    } catch (err) {
      if (isDubangError(err, ErrorCodes.PermanentDeliveryError)) throw new UnrecoverableError(err.message);
      // a group robot past its rate (app/notices/channels.ts): run again when a slot opens, not an attempt
      if (isDubangError(err, ErrorCodes.ChannelRateLimited)) {
        await job.moveToDelayed((err as unknown as { retryAtMs: number }).retryAtMs, token);
        throw new DelayedError();
      }
      throw err;
    }
    if (outcome.outcome === 'deferred') {
      await job.moveToDelayed(outcome.untilMs, token);
      throw new DelayedError();
    }
    return outcome;
  };
  const worker = new Worker<NoticeJobData, DeliveryOutcome>(o.queueName ?? NOTICE_QUEUE, processor, {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: o.concurrency,
    autorun: o.autorun ?? true,
    // no BullMQ limiter: it counts jobs, and most jobs of a storm only park a notice in its unit
    // letter; the relay's limit is on messages, so the mailer applies it (worker/mail-main.ts)
    // a crashed worker's jobs come back after the lock expires; allow several crashes before
    // BullMQ gives up on a job (the reconciler would put it back anyway)
    maxStalledCount: 5,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    // completed/failed retention comes from the job options (infra/queue/notice-queue.ts)
  });
  worker.on('error', (err) => o.logger.error('mail processor error', { err }));
  worker.on('failed', (job, err) => {
    if (job && !isDubangError(err, ErrorCodes.TransientDeliveryError))
      o.logger.warn('notice job failed', { jobId: job.id, err: err.message });
  });
  return worker;
}
