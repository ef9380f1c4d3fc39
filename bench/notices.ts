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
import { loadConfig } from '../config';
import { createTestDatabase } from '../test/helpers/db';
import { createLogger } from '../infra/logger';
import nodemailer from 'nodemailer';
import { createMailer } from '../infra/mail/mailer';
import { createRedis } from '../infra/queue/redis';
import { createNoticeQueue } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { startMailWorker } from '../worker/mail-main';
import { renderNotice } from '../domain/messages';
import { noticeKey } from '../domain/notices';
import type { OutgoingMail } from '../contracts/mail';
import { senderName } from '../app/notices/deliver-notice';
import { forkModule, stopChild } from './support/children';
import { startSinkProcess } from './support/sink';

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
  const UNITS = 100;
  const tasks = Math.ceil(n / UNITS);

  const db = await createTestDatabase();
  const sink = await startSinkProcess();
  const arrivals = () => sink.arrivals();
  const prefix = `bench-${process.pid}-${Date.now()}`;
  const redis = createRedis(cfg.redis, 'producer', logger);
  const queue = createNoticeQueue({ connection: redis, prefix, logger });
  const policy = { attempts: 5, backoffMs: 200, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
  let worker: Awaited<ReturnType<typeof startMailWorker>> | null = null;
  try {
    // ---- seed: UNITS bureaus × tasks, one assignment each, every notice to the unit's liaison
    say(`seeding ${n} assignments…`);
    const p = db.prisma;
    const due = new Date('2026-12-31T15:59:59.999Z');
    const plan = await p.plan.create({
      data: {
        slug: 'bench',
        title: '南昌市关于深入推进质量强市建设的实施方案',
        sourceName: 'bench',
        sourceSha256: 'bench',
      },
    });
    const section = await p.section.create({
      data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '探索质量效益型发展新路径' },
    });
    await p.unit.create({
      data: {
        name: '市质量强市领导小组办公室',
        kind: 'OFFICE',
        contacts: { create: [{ role: 'RECIPIENT', name: '督办科', email: 'office@office.nanchang.example' }] },
      },
    });
    await p.task.createMany({
      data: Array.from({ length: tasks }, (_, k) => ({
        planId: plan.id,
        number: k + 1,
        text: `深入实施质量提升行动，推进第${k + 1}项重点工作，健全质量标准体系和质量基础设施。`,
        sectionId: section.id,
        unitsText: '市市场监管局',
        units: ['市市场监管局'],
        deadlinePhrase: '2026年底前',
        dueAt: due,
        kind: 'deadline' as const,
        sourceLine: k + 1,
      })),
    });
    for (let u = 0; u < UNITS; u++) {
      await p.unit.create({
        data: {
          name: `市测试局${u + 1}`,
          kind: 'BUREAU',
          contacts: { create: [{ role: 'LIAISON', name: `联络员${u + 1}`, email: `liaison${u + 1}@bureau.example` }] },
        },
      });
    }
    const [taskRows, unitRows] = await Promise.all([
      p.task.findMany({ select: { id: true, number: true }, orderBy: { number: 'asc' } }),
      p.unit.findMany({ where: { kind: 'BUREAU' }, select: { id: true } }),
    ]);
    await p.assignment.createMany({
      data: taskRows
        .flatMap((t) =>
          unitRows.map((u, k) => ({
            taskId: t.id,
            unitId: u.id,
            role: k ? ('CO' as const) : ('LEAD' as const),
            ordinal: k,
            dueAt: due,
            originalDueAt: due,
          })),
        )
        .slice(0, n),
    });
    const assignments = await p.assignment.findMany({ include: { task: true, unit: { include: { contacts: true } } } });

    // ---- pipeline run
    const workersK = Number(arg('--workers') ?? 0);
    // The queue's limiter (SMTP_RATE_PER_SECOND, 200/s by default: what a relay allows) is set far
    // above either rate here, so the benchmark measures the pipeline, not the limiter; --limit sets it.
    const LIMIT = Number(arg('--limit') ?? 1_000_000);
    const procs: ChildProcess[] = [];
    // --cpu-prof DIR: the worker processes write V8 CPU profiles there (summarise with bench/support/profile-top)
    const profDir = arg('--cpu-prof');
    const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
    if (workersK > 0) {
      for (let k = 0; k < workersK; k++) {
        const env = {
          ...process.env,
          DATABASE_URL: db.url,
          QUEUE_PREFIX: prefix,
          SMTP_HOST: sink.host,
          SMTP_PORT: String(sink.port),
          SMTP_POOL_SIZE: String(Math.max(1, Math.floor(poolSize / workersK) + (k < poolSize % workersK ? 1 : 0))),
          SMTP_RATE_PER_SECOND: String(LIMIT),
          LOG_LEVEL: 'warn',
        };
        procs.push(forkModule('worker/mail-main', [], { env, execArgv }));
      }
    } else
      worker = await startMailWorker({
        config: cfg,
        logger,
        databaseUrl: db.url,
        prefix,
        smtp: { host: sink.host, port: sink.port, poolSize },
        jobPolicy: policy,
        concurrency,
        ratePerSecond: LIMIT,
        checkRedis: true,
      });
    const port = createQueueNotificationPort({ prisma: p, queue, logger, policy });
    // the due instant lies after the submissions, so every notice waits as a delayed job and they
    // all fall due at once
    // (submitting runs at ~300-1000/s depending on the machine's other load; a due instant that
    // passes mid-submission would make the pipeline compete with the submission and the figures
    // meaningless, hence the generous default and the warning below)
    const leadMs = Number(arg('--lead-ms') ?? 5000 + n * 3);
    const dueAt = new Date(Date.now() + leadMs);
    say(`submitting ${n} notices due at ${dueAt.toISOString()}…`);
    const t0 = Date.now();
    await pool(assignments, 32, async (a) => {
      await port.submit({
        key: noticeKey(a.id, 'deadline_reminder', dueAt.getTime()),
        kind: 'deadline_reminder',
        assignmentId: a.id,
        scope: null,
        dueAt: dueAt.toISOString(),
        slipId: null,
        payload: { to: ['liaison'], dueAt: due.toISOString() },
      });
    });
    const submitMs = Date.now() - t0;
    const overran = Date.now() > dueAt.getTime();
    if (overran) say(`warning: submitting took ${submitMs} ms, past the due instant (raise --lead-ms)`);
    say(`submitted in ${submitMs} ms; waiting for the due instant…`);
    const deadline = dueAt.getTime() + 120_000 + n * 20;
    let received = 0;
    while (Date.now() < deadline) {
      // a cheap count while waiting: the full list is fetched once at the end
      received = await sink.count();
      const settled = await p.notice.count({ where: { status: { in: ['SENT', 'FAILED', 'DEAD', 'SKIPPED'] } } });
      if (received >= n && settled >= n) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up here
    const mails = await arrivals();
    const keys = new Map<string, number>();
    const lateness: number[] = [];
    let last = 0;
    for (const [key, at] of mails) {
      keys.set(key, (keys.get(key) ?? 0) + 1);
      lateness.push(at - dueAt.getTime());
      last = Math.max(last, at);
    }
    const sent = keys.size;
    const duplicates = mails.length - sent;
    const expected = new Set(assignments.map((a) => noticeKey(a.id, 'deadline_reminder', dueAt.getTime())));
    const lost = [...expected].filter((k) => !keys.has(k)).length;
    const recorded = await p.delivery.count({ where: { status: 'SENT' } });
    const elapsedMs = Math.max(1, last - dueAt.getTime());
    const rate = sent / (elapsedMs / 1000);
    lateness.sort((a, b) => a - b);
    for (const c of procs) await stopChild(c);
    if (process.argv.includes('--debug')) {
      const jobs = await queue.getJobs(['completed'], 0, n);
      const proc = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)).sort((a, b) => a - b);
      const start = jobs.map((j) => (j.processedOn ?? 0) - dueAt.getTime()).sort((a, b) => a - b);
      say(
        `jobs ${jobs.length}: processing p50 ${pct(proc, 50)} p99 ${pct(proc, 99)} ms; start after due p50 ${pct(start, 50)} p99 ${pct(start, 99)} ms`,
      );
      // sequential scans on the send path's tables would make each email cost O(N) on the server
      const scans = await p.$queryRawUnsafe<
        { relname: string; seq_scan: bigint; seq_tup_read: bigint; idx_scan: bigint }[]
      >(
        `SELECT relname, seq_scan, seq_tup_read, idx_scan FROM pg_stat_user_tables WHERE relname IN ('Notice', 'Delivery', 'Assignment', 'Task', 'Unit', 'Contact') ORDER BY relname`,
      );
      for (const r of scans)
        say(`  ${r.relname}: seq scans ${r.seq_scan} (${r.seq_tup_read} rows read), index scans ${r.idx_scan}`);
      const [x] = await p.$queryRawUnsafe<{ xact_commit: bigint }[]>(
        `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`,
      );
      say(`  commits in the database: ${x?.xact_commit}`);
    }
    await worker?.close();
    worker = null;

    // ---- raw pooled nodemailer, same messages, same sink, same pool size
    say('raw nodemailer run…');
    await sink.request('clear', 'cleared');
    const from = cfg.smtp.from;
    const issuedAt = new Date().toISOString();
    const messages: OutgoingMail[] = assignments.map((a) => {
      const key = noticeKey(a.id, 'deadline_reminder', dueAt.getTime());
      const r = renderNotice({
        kind: 'deadline_reminder',
        key,
        zone: cfg.timezone,
        issuedAt,
        noticeDueAt: dueAt.toISOString(),
        link: null,
        sender: senderName(from),
        unit: a.unit.name,
        assignmentId: a.id,
        task: {
          number: a.task.number,
          text: a.task.text,
          deadlinePhrase: a.task.deadlinePhrase,
          dueAt: due.toISOString(),
          kind: 'deadline',
          role: a.role,
          planTitle: plan.title,
        },
        dueAt: due.toISOString(),
      });
      return {
        from,
        to: [a.unit.contacts[0]!.email],
        ...r,
        messageId: `<${key}@office.nanchang.example>`,
        headers: { 'X-Dubang-Notice': key, 'X-Dubang-Kind': 'deadline_reminder' },
      };
    });
    // (1) what the issue measures against: nodemailer's own pooled transport composing each message
    const transport = nodemailer.createTransport({
      pool: true,
      host: sink.host,
      port: sink.port,
      secure: false,
      maxConnections: poolSize,
      maxMessages: Infinity,
      tls: { rejectUnauthorized: false },
    });
    let r0 = Date.now();
    await pool(messages, concurrency, async (m) => {
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
    const rawRate = (await arrivals()).length / (rawMs / 1000);

    // (2) the transport floor: our mailer (MIME writer + nodemailer's pool), nothing else; how much
    // of the pipeline's cost is queue and database rather than mail
    let floorRate = NaN;
    if (!process.argv.includes('--no-floor')) {
      await sink.request('clear', 'cleared');
      const mailer = createMailer({
        host: sink.host,
        port: sink.port,
        secure: false,
        poolSize,
        timeoutMs: cfg.smtp.timeoutMs,
        logger,
      });
      r0 = Date.now();
      await pool(messages, concurrency, async (m) => {
        await mailer.send(m);
      });
      const floorMs = Math.max(1, Date.now() - r0);
      await mailer.close();
      floorRate = (await arrivals()).length / (floorMs / 1000);
    }

    const result = {
      n,
      sent,
      duplicates,
      lost,
      recorded,
      elapsedMs,
      rate: Math.round(rate),
      rawRate: Math.round(rawRate),
      ratio: Number((rate / rawRate).toFixed(3)),
      floorRate: Number.isNaN(floorRate) ? null : Math.round(floorRate),
      floorRatio: Number.isNaN(floorRate) ? null : Number((rate / floorRate).toFixed(3)),
      p50LatenessMs: pct(lateness, 50),
      p99LatenessMs: pct(lateness, 99),
      submitMs,
      submitOverran: overran,
      limiterPerSecond: LIMIT,
      pool: poolSize,
      concurrency,
      workers: workersK,
    };
    if (json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(
        `\nnotice pipeline benchmark (${os.cpus().length} CPUs, Node ${process.version}, SMTP pool ${poolSize}, ${workersK ? `${workersK} worker processes` : `in-process worker, concurrency ${concurrency}`})`,
      );
      const rows: [string, string][] = [
        ['notices', String(n)],
        ['sent (distinct notices at the sink)', String(sent)],
        ['duplicates', String(duplicates)],
        ['lost', String(lost)],
        ['delivery records (SENT)', String(recorded)],
        ['elapsed from the due instant', `${elapsedMs} ms`],
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
      for (const [a, b] of rows) console.log(`${a.padEnd(w)}  ${b}`);
    }
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
