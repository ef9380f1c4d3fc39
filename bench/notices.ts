/**
 * Benchmark: N notices due at one instant flow through the whole pipeline (outbox row → BullMQ
 * delayed job → processor → render → MIME writer → pooled nodemailer → the local SMTP sink →
 * delivery record), then the same rendered messages are sent with plain pooled nodemailer (its own
 * composer: the issue's baseline) to the same sink, and once more with our mailer alone (MIME
 * writer + nodemailer's pool, no queue, no database: the transport floor; --no-floor skips it).
 *
 *   npm run build && npm run bench -- notices [--n 10000] [--json] [--pool 5] [--concurrency 40] [--workers 1]
 *
 * --workers K runs the processor as K separate processes (the real entry, worker/mail-main), as a
 * deployment scales it; the SMTP pool is split between them so the pipeline never holds more
 * connections than the raw run. With K = 0 the processor runs inside the benchmark process.
 *
 * Uses a throwaway database (copy of the migrated template) and a unique Redis prefix; both are
 * removed at the end. Lateness is arrival at the sink minus the notices' due instant.
 */
import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { loadConfig, type Config } from '../config';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db';
import { createLogger } from '../infra/logger';
import nodemailer from 'nodemailer';
import { createMailer } from '../infra/mail/mailer';
import { createRedis } from '../infra/queue/redis';
import { createNoticeQueue } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { startMailWorker } from '../worker/mail-main';
import { noticeKey } from '../domain/notices';
import type { Logger } from '../contracts/logger';
import type { OutgoingMail } from '../contracts/mail';
import { forkModule, stopChild } from './support/children';
import { startSinkProcess } from './support/sink';
import { renderedMails, seedNotices, type Seeded } from './support/notices-seed';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

type Sink = Awaited<ReturnType<typeof startSinkProcess>>;
type Queue = ReturnType<typeof createNoticeQueue>;
const JOB_POLICY = { attempts: 5, backoffMs: 200, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };

/** What every phase of a run shares. */
interface Bench {
  n: number;
  cfg: Config;
  logger: Logger;
  db: TestDatabase;
  sink: Sink;
  queue: Queue;
  prefix: string;
  poolSize: number;
  concurrency: number;
  say(s: string): void;
}

/**
 * The mail processor: K worker processes (the real entry, the SMTP pool split between them), or one
 * in this process when K = 0. The queue's limiter (SMTP_RATE_PER_SECOND, 200/s by default: what a
 * relay allows) is set far above either rate here, so the benchmark measures the pipeline, not the
 * limiter; --limit sets it.
 */
async function startProcessor(b: Bench, workersK: number, limit: number) {
  const procs: ChildProcess[] = [];
  // --cpu-prof DIR: the worker processes write V8 CPU profiles there (summarise with bench/support/profile-top)
  const profDir = arg('--cpu-prof');
  const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  if (workersK > 0) {
    for (let k = 0; k < workersK; k++) {
      const env = {
        ...process.env,
        DATABASE_URL: b.db.url,
        QUEUE_PREFIX: b.prefix,
        SMTP_HOST: b.sink.host,
        SMTP_PORT: String(b.sink.port),
        SMTP_POOL_SIZE: String(Math.max(1, Math.floor(b.poolSize / workersK) + (k < b.poolSize % workersK ? 1 : 0))),
        SMTP_RATE_PER_SECOND: String(limit),
        LOG_LEVEL: 'warn',
      };
      procs.push(forkModule('worker/mail-main', [], { env, execArgv }));
    }
    return { procs, worker: null };
  }
  const worker = await startMailWorker({
    config: b.cfg,
    logger: b.logger,
    databaseUrl: b.db.url,
    prefix: b.prefix,
    smtp: { host: b.sink.host, port: b.sink.port, poolSize: b.poolSize },
    jobPolicy: JOB_POLICY,
    concurrency: b.concurrency,
    ratePerSecond: limit,
    checkRedis: true,
  });
  return { procs, worker };
}

/**
 * Submits every notice due at one instant after the submissions, so every notice waits as a delayed
 * job and they all fall due at once. (Submitting runs at ~300-1000/s depending on the machine's
 * other load; a due instant that passes mid-submission would make the pipeline compete with the
 * submission and the figures meaningless, hence the generous default and the warning.)
 */
async function submitAll(b: Bench, seeded: Seeded) {
  const port = createQueueNotificationPort({
    prisma: b.db.prisma,
    queue: b.queue,
    logger: b.logger,
    policy: JOB_POLICY,
  });
  const leadMs = Number(arg('--lead-ms') ?? 5000 + b.n * 3);
  const dueAt = new Date(Date.now() + leadMs);
  b.say(`submitting ${b.n} notices due at ${dueAt.toISOString()}…`);
  const t0 = Date.now();
  await pool(seeded.assignments, 32, async (a) => {
    await port.submit({
      key: noticeKey(a.id, 'deadline_reminder', dueAt.getTime()),
      kind: 'deadline_reminder',
      assignmentId: a.id,
      scope: null,
      dueAt: dueAt.toISOString(),
      slipId: null,
      payload: { to: ['liaison'], dueAt: seeded.due.toISOString() },
    });
  });
  const submitMs = Date.now() - t0;
  const overran = Date.now() > dueAt.getTime();
  if (overran) b.say(`warning: submitting took ${submitMs} ms, past the due instant (raise --lead-ms)`);
  b.say(`submitted in ${submitMs} ms; waiting for the due instant…`);
  return { dueAt, submitMs, overran };
}

/** Waits until every notice arrived and settled (or a time-out), then counts what the sink got. */
async function measureArrivals(b: Bench, seeded: Seeded, dueAt: Date) {
  const p = b.db.prisma;
  const deadline = dueAt.getTime() + 120_000 + b.n * 20;
  let received = 0;
  while (Date.now() < deadline) {
    // a cheap count while waiting: the full list is fetched once at the end
    received = await b.sink.count();
    const settled = await p.notice.count({ where: { status: { in: ['SENT', 'FAILED', 'DEAD', 'SKIPPED'] } } });
    if (received >= b.n && settled >= b.n) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up here
  const mails = await b.sink.arrivals();
  const keys = new Map<string, number>();
  const lateness: number[] = [];
  let last = 0;
  for (const [key, at] of mails) {
    keys.set(key, (keys.get(key) ?? 0) + 1);
    lateness.push(at - dueAt.getTime());
    last = Math.max(last, at);
  }
  const sent = keys.size;
  const expected = new Set(seeded.assignments.map((a) => noticeKey(a.id, 'deadline_reminder', dueAt.getTime())));
  const elapsedMs = Math.max(1, last - dueAt.getTime());
  lateness.sort((a, c) => a - c);
  return {
    sent,
    duplicates: mails.length - sent,
    lost: [...expected].filter((k) => !keys.has(k)).length,
    recorded: await p.delivery.count({ where: { status: 'SENT' } }),
    elapsedMs,
    rate: sent / (elapsedMs / 1000),
    lateness,
  };
}

/** --debug: the jobs' processing times, and the scans on the send path's tables. */
async function debugStats(b: Bench, dueAt: Date): Promise<void> {
  const p = b.db.prisma;
  const jobs = await b.queue.getJobs(['completed'], 0, b.n);
  const proc = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)).sort((a, c) => a - c);
  const start = jobs.map((j) => (j.processedOn ?? 0) - dueAt.getTime()).sort((a, c) => a - c);
  b.say(
    `jobs ${jobs.length}: processing p50 ${pct(proc, 50)} p99 ${pct(proc, 99)} ms; start after due p50 ${pct(start, 50)} p99 ${pct(start, 99)} ms`,
  );
  // sequential scans on the send path's tables would make each email cost O(N) on the server
  const scans = await p.$queryRawUnsafe<
    { relname: string; seq_scan: bigint; seq_tup_read: bigint; idx_scan: bigint }[]
  >(
    `SELECT relname, seq_scan, seq_tup_read, idx_scan FROM pg_stat_user_tables WHERE relname IN ('Notice', 'Delivery', 'Assignment', 'Task', 'Unit', 'Contact') ORDER BY relname`,
  );
  for (const r of scans)
    b.say(`  ${r.relname}: seq scans ${r.seq_scan} (${r.seq_tup_read} rows read), index scans ${r.idx_scan}`);
  const [x] = await p.$queryRawUnsafe<{ xact_commit: bigint }[]>(
    `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`,
  );
  b.say(`  commits in the database: ${x?.xact_commit}`);
}

/**
 * The baselines, same messages, same sink, same pool size: (1) what the issue measures against,
 * nodemailer's own pooled transport composing each message; (2) unless --no-floor, the transport
 * floor: our mailer (MIME writer + nodemailer's pool), nothing else, to show how much of the
 * pipeline's cost is queue and database rather than mail.
 */
async function baselineRates(b: Bench, messages: OutgoingMail[]) {
  b.say('raw nodemailer run…');
  await b.sink.request('clear', 'cleared');
  const transport = nodemailer.createTransport({
    pool: true,
    host: b.sink.host,
    port: b.sink.port,
    secure: false,
    maxConnections: b.poolSize,
    maxMessages: Infinity,
    tls: { rejectUnauthorized: false },
  });
  let r0 = Date.now();
  await pool(messages, b.concurrency, async (m) => {
    await transport.sendMail({
      from: m.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      attachments: m.attachments,
      messageId: m.messageId,
      headers: m.headers,
    });
  });
  const rawMs = Math.max(1, Date.now() - r0);
  transport.close();
  const rawRate = (await b.sink.arrivals()).length / (rawMs / 1000);

  let floorRate = NaN;
  if (!process.argv.includes('--no-floor')) {
    await b.sink.request('clear', 'cleared');
    const mailer = createMailer({
      host: b.sink.host,
      port: b.sink.port,
      secure: false,
      poolSize: b.poolSize,
      timeoutMs: b.cfg.smtp.timeoutMs,
      logger: b.logger,
    });
    r0 = Date.now();
    await pool(messages, b.concurrency, async (m) => {
      await mailer.send(m);
    });
    const floorMs = Math.max(1, Date.now() - r0);
    await mailer.close();
    floorRate = (await b.sink.arrivals()).length / (floorMs / 1000);
  }
  return { rawRate, floorRate };
}

type Result = ReturnType<typeof resultOf>;

function resultOf(
  b: Bench,
  run: { workers: number; limit: number; submitMs: number; overran: boolean },
  m: Awaited<ReturnType<typeof measureArrivals>>,
  base: { rawRate: number; floorRate: number },
) {
  const { rawRate, floorRate } = base;
  return {
    n: b.n,
    sent: m.sent,
    duplicates: m.duplicates,
    lost: m.lost,
    recorded: m.recorded,
    elapsedMs: m.elapsedMs,
    rate: Math.round(m.rate),
    rawRate: Math.round(rawRate),
    ratio: Number((m.rate / rawRate).toFixed(3)),
    floorRate: Number.isNaN(floorRate) ? null : Math.round(floorRate),
    floorRatio: Number.isNaN(floorRate) ? null : Number((m.rate / floorRate).toFixed(3)),
    p50LatenessMs: pct(m.lateness, 50),
    p99LatenessMs: pct(m.lateness, 99),
    submitMs: run.submitMs,
    submitOverran: run.overran,
    limiterPerSecond: run.limit,
    pool: b.poolSize,
    concurrency: b.concurrency,
    workers: run.workers,
  };
}

function printTable(result: Result): void {
  const { workers, pool: poolSize, concurrency, submitMs, submitOverran: overran, limiterPerSecond: LIMIT } = result;
  console.log(
    `\nnotice pipeline benchmark (${os.cpus().length} CPUs, Node ${process.version}, SMTP pool ${poolSize}, ${workers ? `${workers} worker processes` : `in-process worker, concurrency ${concurrency}`})`,
  );
  const rows: [string, string][] = [
    ['notices', String(result.n)],
    ['sent (distinct notices at the sink)', String(result.sent)],
    ['duplicates', String(result.duplicates)],
    ['lost', String(result.lost)],
    ['delivery records (SENT)', String(result.recorded)],
    ['elapsed from the due instant', `${result.elapsedMs} ms`],
    ['pipeline rate', `${result.rate} /s`],
    ['raw pooled nodemailer rate', `${result.rawRate} /s`],
    ['ratio (pipeline / raw)', result.ratio.toFixed(3)],
    ...(result.floorRate !== null
      ? ([
          [
            'our mailer alone (MIME writer + nodemailer pool)',
            `${result.floorRate} /s (pipeline at ${result.floorRatio!.toFixed(3)} of it)`,
          ],
        ] as [string, string][])
      : []),
    ['lateness p50 / p99', `${result.p50LatenessMs} / ${result.p99LatenessMs} ms`],
    ['submit (outbox + enqueue)', `${submitMs} ms${overran ? ' (past the due instant!)' : ''}`],
    ['queue limiter', `${LIMIT} /s`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [a, c] of rows) console.log(`${a.padEnd(w)}  ${c}`);
}

async function main(): Promise<void> {
  const n = Number(arg('--n') ?? 10_000);
  const json = process.argv.includes('--json');
  const cfg = loadConfig();
  const poolSize = Number(arg('--pool') ?? cfg.smtp.poolSize);
  const concurrency = Number(arg('--concurrency') ?? Math.max(20, poolSize * 8));
  const logger = createLogger('warn', { bench: 'notices' });
  const say = (s: string) => {
    if (!json) process.stderr.write(s + '\n');
  };
  const db = await createTestDatabase();
  const sink = await startSinkProcess();
  const prefix = `bench-${process.pid}-${Date.now()}`;
  const redis = createRedis(cfg.redis, 'producer', logger);
  const queue = createNoticeQueue({ connection: redis, prefix, logger });
  const b: Bench = { n, cfg, logger, db, sink, queue, prefix, poolSize, concurrency, say };
  let worker: Awaited<ReturnType<typeof startMailWorker>> | null = null;
  try {
    say(`seeding ${n} assignments…`);
    const seeded = await seedNotices(db.prisma, n);
    const workers = Number(arg('--workers') ?? 0);
    const limit = Number(arg('--limit') ?? 1_000_000);
    const processor = await startProcessor(b, workers, limit);
    worker = processor.worker;
    const submitted = await submitAll(b, seeded);
    const measured = await measureArrivals(b, seeded, submitted.dueAt);
    for (const c of processor.procs) await stopChild(c);
    if (process.argv.includes('--debug')) await debugStats(b, submitted.dueAt);
    await worker?.close();
    worker = null;
    const messages = renderedMails(seeded, submitted.dueAt, cfg.smtp.from, cfg.timezone);
    const result = resultOf(b, { workers, limit, ...submitted }, measured, await baselineRates(b, messages));
    if (json) console.log(JSON.stringify(result));
    else printTable(result);
  } finally {
    if (worker) await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await sink.close();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
