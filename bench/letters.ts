/**
 * Benchmark: the quarter-end storm of the real plan as units receive it. Every assignment of the
 * plan (牵头, 配合 and the rule-bound 属地落实: 1 246) gets its 2026Q4 report reminder at one instant,
 * through the whole pipeline (outbox row → BullMQ → mail processor → unit letters → SMTP sink), once
 * with unit letters (the default) and once with `MAIL_LETTERS=off` for comparison.
 *
 *   npm run build && npm run bench -- letters [--debounce MS (default MAIL_LETTER_DEBOUNCE_MS)] [--json] [--no-off] [--office]
 *
 * `--office`: the storm is the 催办 round copied to the Office instead (a 2026Q4 report_chase to the
 * unit's liaison and the Office for every assignment), so the Office's summary letter (督办汇总) is
 * measured too.
 *
 * Prints, per mode: notices, emails received, letters, letters per unit (max and median), the most
 * emails one address got, the emails the Office got, and the drain time (the moment → the last email
 * at the sink; with letters it includes the debounce). Uses a throwaway database and a unique Redis prefix, removed at the end.
 */
import * as os from 'node:os';
import { loadConfig } from '../config';
import { createTestDatabase } from '../test/helpers/db';
import { createLogger } from '../infra/logger';
import { createRedis } from '../infra/queue/redis';
import { createNoticeQueue } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { startMailWorker } from '../worker/mail-main';
import { importPlan, loadPlan } from '../app/plan-import';
import { noticeKey } from '../domain/notices';
import { PLAN_FILE, PLAN_SLUG } from './support/real-plan';
import { startSinkProcess } from './support/sink';
import { benchDirectory } from './support/robots';
import type { RobotSink } from '../devtools/robot-sink/sink';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};

interface Row {
  mode: 'letters' | 'single';
  notices: number;
  emails: number;
  letters: number;
  units: number;
  lettersPerUnitMax: number;
  lettersPerUnitMedian: number;
  itemsPerLetterMax: number;
  maxEmailsToOneAddress: number;
  officeEmails: number;
  drainS: number;
  lost: number;
}

async function runOnce(letters: boolean, debounceMs: number, office: boolean, say: (s: string) => void): Promise<Row> {
  const cfg = loadConfig();
  const logger = createLogger('warn', { bench: 'letters' });
  const db = await createTestDatabase();
  const sink = await startSinkProcess();
  const prefix = `bench-letters-${process.pid}-${letters ? 'on' : 'off'}`;
  const redis = createRedis(cfg.redis, 'producer', logger);
  const queue = createNoticeQueue({ connection: redis, prefix, logger });
  const policy = { attempts: 5, backoffMs: 500, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
  let worker: Awaited<ReturnType<typeof startMailWorker>> | null = null;
  let robotSink: RobotSink | null = null;
  try {
    const p = db.prisma;
    const bench = await benchDirectory(cfg.unitsFile);
    robotSink = bench.robots;
    const dir = bench.dir;
    const loaded = await loadPlan(PLAN_FILE, cfg, { dir, source: 'config' });
    await importPlan(p, loaded, { slug: PLAN_SLUG, actor: 'bench', seedDirectory: dir });
    const assignments = await p.assignment.findMany({
      include: { unit: { select: { name: true } }, task: { select: { number: true } } },
    });
    worker = await startMailWorker({
      config: cfg,
      logger,
      databaseUrl: db.url,
      prefix,
      smtp: { host: sink.host, port: sink.port, timeoutMs: 10_000, poolSize: 5 },
      jobPolicy: policy,
      concurrency: 20,
      ratePerSecond: 1000,
      letters: { enabled: letters, debounceMs, central: true },
    });
    const port = createQueueNotificationPort({ prisma: p, queue, logger, policy });
    // the moment: 30 s ahead, so every notice is queued (a delayed job) before it, as the lifecycles
    // queue theirs ahead of a quarter end; the Q4 report falls due on 10 Jan 2027
    const moment = Date.now() + 30_000;
    const due = '2027-01-10T23:59:59.999+08:00';
    const kind = office ? 'report_chase' : 'report_reminder';
    for (const a of assignments) {
      await port.submit({
        key: noticeKey(a.id, kind, moment),
        kind,
        assignmentId: a.id,
        scope: null,
        dueAt: new Date(moment).toISOString(),
        slipId: null,
        payload: {
          to: office ? ['liaison', 'office'] : ['liaison'],
          ...(office ? { level: 3 } : {}),
          task: a.task.number,
          unit: a.unit.name,
          plan: PLAN_SLUG,
          period: '2026Q4',
          dueAt: due,
        },
      });
    }
    say(`${letters ? 'letters' : 'single'}: ${assignments.length} notices submitted; waiting for the sink`);
    // done when every notice has its final record and the sink has been quiet for 3 s
    const deadline = Date.now() + 600_000;
    let quiet = 0;
    let last = -1;
    while (Date.now() < deadline) {
      await sleep(500);
      const open = await p.notice.count({ where: { status: { in: ['PENDING', 'QUEUED'] } } });
      const n = await sink.count();
      quiet = open === 0 && n === last ? quiet + 1 : 0;
      last = n;
      if (quiet >= 6) break;
    }
    const arrivals = await sink.arrivals();
    const drainS = (Math.max(...arrivals.map(([, at]) => at)) - moment) / 1000;
    const rows = await p.$queryRaw<{ unit: string; email: string; letters: bigint; items: bigint }[]>`
      SELECT u.name AS unit, l.email, count(DISTINCT l.id) AS letters, count(li."noticeId") AS items
      FROM "Letter" l JOIN "Unit" u ON u.id = l."unitId" LEFT JOIN "LetterItem" li ON li."letterId" = l.id
      GROUP BY 1, 2`;
    const perUnit = new Map<string, number>();
    for (const r of rows) perUnit.set(r.unit, (perUnit.get(r.unit) ?? 0) + Number(r.letters));
    const itemsMax = (
      await p.$queryRaw<
        { n: bigint }[]
      >`SELECT coalesce(max(c), 0) AS n FROM (SELECT count(*) AS c FROM "LetterItem" GROUP BY "letterId") x`
    )[0]!.n;
    // the most emails one address got: letters per address, or (alone) reminders per unit liaison
    const perAddress = letters
      ? await p.$queryRaw<
          { n: bigint }[]
        >`SELECT coalesce(max(c), 0) AS n FROM (SELECT count(*) AS c FROM "Letter" GROUP BY email) x`
      : await p.$queryRaw<{ n: bigint }[]>`
          SELECT coalesce(max(c), 0) AS n FROM (
            SELECT count(*) AS c FROM "Notice" n JOIN "Assignment" a ON a.id = n."assignmentId"
            WHERE n.status = 'SENT' GROUP BY a."unitId") x`;
    const sent = await p.notice.count({ where: { kind, status: 'SENT' } });
    const officeAddresses = (
      await p.contact.findMany({ where: { unit: { kind: 'OFFICE' } }, select: { email: true } })
    ).map((c) => c.email.trim());
    // the emails that went to the Office: each arrival is one notice's send, whose record names its recipients
    const officeEmails = Number(
      (
        await p.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM "Notice" n JOIN "Delivery" d ON d."noticeId" = n.id
          WHERE n.key = ANY(${arrivals.map(([k]) => k)}::text[]) AND n.recipients && ${officeAddresses}::text[]`
      )[0]?.n ?? 0,
    );
    return {
      mode: letters ? 'letters' : 'single',
      notices: assignments.length,
      emails: arrivals.length,
      letters: await p.letter.count(),
      units: letters ? perUnit.size : new Set(assignments.map((a) => a.unitId)).size,
      lettersPerUnitMax: Math.max(0, ...perUnit.values()),
      lettersPerUnitMedian: median([...perUnit.values()]),
      itemsPerLetterMax: Number(itemsMax),
      maxEmailsToOneAddress: Number(perAddress[0]?.n ?? 0),
      officeEmails,
      drainS: Number(drainS.toFixed(1)),
      lost: assignments.length - sent,
    };
  } finally {
    await robotSink?.close();
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await sink.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const debounce = Number(arg('--debounce') ?? loadConfig().smtp.letters.debounceMs);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const office = process.argv.includes('--office');
  const rows = [await runOnce(true, debounce, office, say)];
  if (!process.argv.includes('--no-off')) rows.push(await runOnce(false, debounce, office, say));
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(
    `\nquarter-end storm of the real plan${office ? ', the 催办 round copied to the Office' : ''} (${os.cpus().length} CPUs, Node ${process.version}, debounce ${debounce} ms)\n`,
  );
  console.log(
    '| mode | notices | emails | letters | units | letters/unit max | median | items/letter max | max emails to one address | emails to the Office | drain s | lost |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.mode} | ${r.notices} | ${r.emails} | ${r.letters} | ${r.units} | ${r.lettersPerUnitMax} | ${r.lettersPerUnitMedian} | ${r.itemsPerLetterMax} | ${r.maxEmailsToOneAddress} | ${r.officeEmails} | ${r.drainS} | ${r.lost} |`,
    );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
