/**
 * docs/reliability.md row 12, the restart case: PostgreSQL crashes (pg_ctl stop -m immediate: every backend
 * killed, no checkpoint) while work is in flight, stays down a few seconds and comes back.
 *
 *  A. The mail processor (a real process, worker/mail-main.ts startMailWorker) is delivering a batch
 *     when the database dies. It must survive (pool errors handled), its jobs retry with backoff,
 *     and once the database is back every notice arrives at the SMTP sink exactly once and ends
 *     with one SENT delivery record: a job whose message the server accepted while the database was
 *     down keeps retrying the record (not the send) until the database is back, so an outage
 *     shorter than recordRetryMs (10 min) sends no duplicate.
 *  B. A lifecycle activity (deliverNotices: a 督办单 and a notice per order) is cut off by the crash
 *     mid-run and retried the way Temporal retries it: the failures are retryable, the retry that
 *     runs once the database is back completes the work, and nothing is issued twice; running it
 *     again after success changes nothing.
 *
 * The database is a private cluster (test/helpers/private-postgres.ts): the shared server on 5432
 * is never stopped.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config';
import type { PrismaClient } from '../../generated/prisma/client';
import { createPrisma } from '../../infra/db/client';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { noticeKey } from '../../domain/notices';
import type { NoticeOrder, TaskRef } from '../../contracts/workflows';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';
import { countByNotice, eventually, seed, submission, uniquePrefix } from './notify-support/fixture';
import { kill9, logged, startProcessor, type Child } from './notify-support/children';

jest.setTimeout(60_000);

const config = loadConfig();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let pg: PrivatePostgres;
let dbUrl: string;
let prisma: PrismaClient;
let sink: MailSink;
let redis: Redis;
const queues: Queue<NoticeJobData>[] = [];
const children: Child[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  dbUrl = await pg.createDatabase('dubang_restart');
  prisma = createPrisma(dbUrl, { max: 4 });
  sink = await startMailSink({ port: 0 });
  redis = createRedis(config.redis.url, 'producer', silentLogger);
});

afterAll(async () => {
  for (const c of children) await kill9(c.proc);
  for (const q of queues) {
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  redis?.disconnect();
  await sink?.close();
  await prisma?.$disconnect().catch(() => undefined);
  await pg?.destroy();
});

/** Makes sure the server is up again even when a test failed while it was down. */
afterEach(() => {
  if (pg && !pg.running()) pg.start();
});

function newQueue(tag: string): { queue: Queue<NoticeJobData>; prefix: string } {
  const prefix = uniquePrefix(tag);
  const queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
  queues.push(queue);
  return { queue, prefix };
}

test('mail worker: PostgreSQL crashes mid-batch and restarts; every notice arrives exactly once, the worker survives', async () => {
  const { queue, prefix } = newQueue('pgcrash');
  const s = await seed(prisma, { tasks: 20, units: 5 });
  // retries with backoff must outlast the outage: 250 ms doubling, 10 attempts (the production
  // policy is 30 s doubling, 8 attempts)
  const port = createQueueNotificationPort({
    prisma,
    queue,
    logger: silentLogger,
    policy: { attempts: 10, backoffMs: 250, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 },
  });
  const now = new Date();
  const subs = s.assignments.map((a) => submission(a.id, now));
  expect(subs).toHaveLength(100);
  for (const sub of subs) await port.submit(sub);

  // 25 sends a second: the batch takes ~4 s, so the crash lands in the middle of it
  const worker = startProcessor({
    T_DB_URL: dbUrl,
    T_REDIS_URL: config.redis.url,
    T_PREFIX: prefix,
    T_SMTP_PORT: String(sink.port),
    T_RATE: '25',
  });
  children.push(worker);
  await worker.ready;
  await sink.waitFor(20, 20_000);

  const crashAt = Date.now();
  pg.crash();
  const atCrash = sink.received().length;
  // down for at least 3 s, and until the worker has noticed: a job failed, or a message the relay
  // accepted is waiting for its delivery record. On a loaded machine the jobs in flight at the
  // crash can all be in the second case for a while (CI once saw no failed job within 3 s).
  const noticed = () =>
    logged(worker, /^notice job failed|^sent, but the delivery record could not be written yet/).length;
  await sleep(3000);
  await eventually(
    'the worker to notice the outage',
    async () => noticed(),
    (n) => n > 0,
    20_000,
  );
  const duringOutage = sink.received().length - atCrash;
  // the worker is still there, and it noticed
  expect(worker.proc.exitCode).toBeNull();
  expect(worker.proc.signalCode).toBeNull();
  const failedWhileDown = logged(worker, /^notice job failed/);
  pg.start();
  const downMs = Date.now() - crashAt;
  expect(atCrash).toBeLessThan(subs.length - 20); // really mid-batch: plenty left for after the restart

  const keys = subs.map((x) => x.key);
  await eventually(
    'every notice SENT after the restart',
    () => prisma.delivery.count({ where: { status: 'SENT', notice: { key: { in: keys } } } }),
    (n) => n === subs.length,
    40_000,
  );
  const recoveredMs = Date.now() - crashAt;
  await sleep(500); // nothing more may arrive

  // at the SMTP server: every notice exactly once
  const counts = countByNotice(sink.received());
  expect([...counts.keys()].sort()).toEqual([...keys].sort());
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  expect(duplicated).toEqual([]);
  const ambiguous = new Set(logged(worker, /^ambiguous delivery/).map((e) => String(e.key)));
  // the emails that arrived during the outage were recorded by retrying the record, not the send
  const recordRetries = new Set(
    logged(worker, /^sent, but the delivery record could not be written yet/).map((e) => String(e.key)),
  );
  expect(recordRetries.size).toBeGreaterThanOrEqual(duringOutage > 0 ? 1 : 0);

  // in the database: one delivery record per notice, SENT with its Message-ID; every notice SENT
  const deliveries = await prisma.delivery.findMany({
    where: { notice: { key: { in: keys } } },
    select: { status: true, messageId: true, noticeId: true },
  });
  expect(deliveries).toHaveLength(subs.length);
  expect(new Set(deliveries.map((d) => d.noticeId)).size).toBe(subs.length);
  expect(deliveries.filter((d) => d.status !== 'SENT' || !d.messageId)).toEqual([]);
  expect(await prisma.notice.count({ where: { key: { in: keys }, status: 'SENT' } })).toBe(subs.length);

  // the same process recovered on its own and still shuts down cleanly
  expect(worker.proc.exitCode).toBeNull();
  const poolErrors = logged(worker, /^postgres pool error/).length;
  const errorsSeen = [...new Set(failedWhileDown.map((e) => String(e.err)))].slice(0, 3);
  process.stderr.write(
    `db-restart A: ${atCrash}/${subs.length} received before the crash, ${duringOutage} during the ${downMs} ms outage; ` +
      `all SENT ${recoveredMs} ms after the crash; ${failedWhileDown.length} job failures while down (${errorsSeen.join(' | ')}); ` +
      `${poolErrors} pool error(s) logged; ${recordRetries.size} record(s) retried after the send; ${duplicated.length} duplicate(s), ${ambiguous.size} ambiguous logged\n`,
  );
  worker.proc.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
});

/** Retries `fn` with doubling backoff until it succeeds, recording each failure (as Temporal would). */
async function retrying<T>(
  fn: () => Promise<T>,
  o: { initialMs: number; maxMs: number; deadlineMs: number },
): Promise<{ value: T; failures: unknown[] }> {
  const failures: unknown[] = [];
  const end = Date.now() + o.deadlineMs;
  for (let delay = o.initialMs; ; delay = Math.min(delay * 2, o.maxMs)) {
    try {
      return { value: await fn(), failures };
    } catch (err) {
      failures.push(err);
      if (Date.now() > end) throw err;
      await sleep(delay);
    }
  }
}

test('lifecycle activity: cut off by the crash, retried until PostgreSQL is back; no 督办单 or notice twice', async () => {
  const { queue } = newQueue('pgcrash-act');
  const s = await seed(prisma, { tasks: 1, units: 40 });
  const plan = await prisma.plan.findUniqueOrThrow({ where: { id: s.planId } });
  const taskRow = await prisma.task.findUniqueOrThrow({ where: { id: s.taskIds[0]! } });
  const task: TaskRef = {
    planId: plan.id,
    planSlug: plan.slug,
    taskId: taskRow.id,
    number: taskRow.number,
    kind: 'deadline',
    text: taskRow.text,
    dueAt: taskRow.dueAt?.toISOString() ?? null,
    zone: config.timezone,
  };
  const at = '2026-01-05T09:00:00.000+08:00';
  const orders: NoticeOrder[] = s.assignments.map((a) => ({
    key: noticeKey(a.id, 'supervision', new Date(at).getTime()),
    assignmentId: a.id,
    scope: null,
    notice: {
      kind: 'supervision',
      at,
      nominalAt: at,
      task: a.taskNumber,
      unit: a.unit,
      to: ['liaison', 'leader'],
      slip: 'ORANGE',
      level: 1,
      dueAt: '2025-12-31T23:59:59.999+08:00',
    },
  }));
  // the activity worker's own client and port, as worker/temporal-main.ts builds them
  const db = createPrisma(dbUrl);
  const watcher = new Client({ connectionString: dbUrl });
  watcher.on('error', () => undefined); // the crash ends its connection too
  try {
    const activities = createLifecycleActivities({
      db,
      notifications: createQueueNotificationPort({
        prisma: db,
        queue,
        logger: silentLogger,
        policy: { attempts: 3, backoffMs: 1000, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 },
      }),
      logger: silentLogger,
      zone: config.timezone,
    });
    const slipsOfPlan = { assignment: { task: { planId: plan.id } } };
    await watcher.connect();
    const run = retrying(() => activities.deliverNotices({ task, orders }), {
      initialMs: 100,
      maxMs: 1000,
      deadlineMs: 40_000,
    });
    run.catch(() => undefined); // awaited below; an early assertion failure must not leave it unhandled
    // crash once some, not all, of the slips are issued
    let issuedAtCrash = 0;
    const deadline = Date.now() + 20_000;
    for (;;) {
      issuedAtCrash = Number(
        (
          await watcher.query(
            `SELECT count(*) AS n FROM "SupervisionSlip" s JOIN "Assignment" a ON a.id = s."assignmentId" JOIN "Task" t ON t.id = a."taskId" WHERE t."planId" = $1`,
            [plan.id],
          )
        ).rows[0].n,
      );
      if (issuedAtCrash >= 3 || Date.now() > deadline) break;
      await sleep(2);
    }
    pg.crash();
    expect(issuedAtCrash).toBeGreaterThanOrEqual(3);
    expect(issuedAtCrash).toBeLessThan(orders.length);
    await sleep(2000);
    pg.start();
    const { value: delivered, failures } = await run;

    // the failures were retryable ones (a non-retryable ApplicationFailure would fail the workflow)
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f instanceof ApplicationFailure && f.nonRetryable).toBe(false);
    expect(delivered).toHaveLength(orders.length);
    expect(delivered.every((d) => d.noticeId && d.slip)).toBe(true);

    // one 督办单 per order, numbered without a gap, each with its one slip.issued event
    const slips = await prisma.supervisionSlip.findMany({ where: slipsOfPlan, orderBy: { seq: 'asc' } });
    expect(slips).toHaveLength(orders.length);
    const seqs = slips.map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: orders.length }, (_, k) => seqs[0]! + k));
    expect(new Set(slips.map((x) => x.assignmentId)).size).toBe(orders.length);
    expect(
      await prisma.auditEvent.count({ where: { action: 'slip.issued', entityId: { in: slips.map((x) => x.id) } } }),
    ).toBe(orders.length);
    // one notice per order, citing its slip; one job per notice
    const notices = await prisma.notice.findMany({
      where: { key: { in: orders.map((o) => o.key) } },
      include: { slip: true },
    });
    expect(notices).toHaveLength(orders.length);
    for (const n of notices) expect(n.slip?.assignmentId).toBe(n.assignmentId);
    expect(new Set(notices.map((n) => n.slipId)).size).toBe(orders.length);
    const jobs = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(orders.length);
    // notice.submitted exactly once per notice: it is written after the submit, outside its
    // transaction, so the crash usually falls between the two; the retry must write it then
    const submitted = await prisma.auditEvent.findMany({
      where: { action: 'notice.submitted', entityId: { in: notices.map((n) => n.id) } },
      select: { entityId: true },
    });
    expect(submitted).toHaveLength(orders.length);
    expect(new Set(submitted.map((e) => e.entityId)).size).toBe(orders.length);

    // Temporal runs it again (the completion was lost): nothing new, the same numbers
    const again = await activities.deliverNotices({ task, orders });
    expect(again.every((d) => !d.created)).toBe(true);
    expect(again.map((d) => d.slip)).toEqual(delivered.map((d) => d.slip));
    expect(await prisma.supervisionSlip.count({ where: slipsOfPlan })).toBe(orders.length);
    expect(await prisma.notice.count({ where: { key: { in: orders.map((o) => o.key) } } })).toBe(orders.length);
    expect(
      await prisma.auditEvent.count({
        where: { action: 'notice.submitted', entityId: { in: notices.map((n) => n.id) } },
      }),
    ).toBe(orders.length);

    const kinds = [
      ...new Set(failures.map((f) => `${(f as Error).name}: ${(f as Error).message.split('\n')[0]!.slice(0, 80)}`)),
    ].slice(0, 3);
    process.stderr.write(
      `db-restart B: ${issuedAtCrash}/${orders.length} slips issued at the crash; ${failures.length} failed attempt(s) (${kinds.join(' | ')}); ` +
        `${submitted.length}/${orders.length} notice.submitted events\n`,
    );
  } finally {
    await watcher.end().catch(() => undefined);
    await db.$disconnect().catch(() => undefined);
  }
});
