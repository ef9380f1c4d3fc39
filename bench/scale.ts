/**
 * Benchmark: N copies of the real plan supervised by ONE Temporal worker (issue 12, "Scale, measured").
 *
 *   npm run build && npm run bench -- scale --plans 1,10 [--json] [--lead S] [--start-concurrency 4]
 *     [--rate 20] [--runs 30] [--no-storm] [--storm-timeout S] [--cache N]
 *     [--worker-node-options "--max-old-space-size=256"]
 *
 * For each N (a fresh environment each time): a throwaway database (a copy of the migrated
 * template), a Temporal dev server of its own, the SMTP sink in a child process, and two more child
 * processes running the real entries: the Temporal worker (worker/temporal-main, one process, whose
 * RSS is what is measured) and the mail processor (worker/mail-main) limited to `--rate` messages/s
 * (SMTP_RATE_PER_SECOND, 20: a typical government relay). The real plan (../shared/plans) is
 * imported N times under distinct slugs, and supervision of every plan starts with a business clock
 * set `--lead` seconds before the first 2026Q4 report reminder (bench/support/real-plan.ts), so the
 * quarter-end storm of every plan falls on one real instant.
 *
 * Measured:
 * - superviseStartS: `startSupervision` of all N plans (`--start-concurrency` plans at a time);
 * - workerRssIdleMb: the worker's RSS once supervision has started and every workflow sleeps;
 * - workerRssPeakMb: its highest RSS from start-up to the end of the storm;
 * - stormDrainS: from the moment to the last storm message at the sink (everything due by then);
 * - dashboardP95Ms: the worst p95 over the dashboard pages (bench/support/pages.ts), after the storm;
 * - assessmentS: the 2026 assessment (load + score) plus its exports.
 *
 * The worker runs with `--outbox` (Notice rows only): its activities stamp notices in business
 * time, which the queue would delay by real time. The benchmark hands each new row to the real
 * queue within 250 ms, delayed against the business clock (what the activity's enqueue does in
 * production), and the mail processor sends it to the sink at the relay's rate.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../config';
import { readHolidayOverride } from '../config/policy-schema';
import { importPlan, loadPlan } from '../app/plan-import';
import { inParallel } from '../app/supervise';
import { startSimulatedSupervision } from '../app/supervise/testing';
import { policyCalendar } from '../domain/policy';
import { createLogger } from '../infra/logger';
import { createRedis } from '../infra/queue/redis';
import { createNoticeQueue } from '../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../infra/queue/notification-port';
import { createTestDatabase } from '../test/helpers/db';
import { assessmentOptions, timeAssessment } from './support/assessment';
import { forkModule, sampleRss, stopChild } from './support/children';
import { dashboardPages, serveDashboard, timePages } from './support/pages';
import { ASSIGNED_AT, PLAN_FILE, PLAN_SLUG, q4ReminderMoment, startBenchTemporal } from './support/real-plan';
import { startSinkProcess } from './support/sink';
import { benchDirectory } from './support/robots';
import { WORKER_ENV } from '../devtools/apps';
import type { RobotSink } from '../devtools/robot-sink/sink';

export interface ScaleRow {
  plans: number;
  workflows: number;
  assignments: number;
  superviseStartS: number;
  workerRssIdleMb: number;
  workerRssPeakMb: number;
  stormDrainS: number | null;
  dashboardP95Ms: number;
  assessmentS: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Waits until a worker polls the task queue. */
async function waitForPoller(
  client: Client,
  namespace: string,
  taskQueue: string,
  child: ChildProcess,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode})`);
    const r = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (r.pollers.length) return;
    await sleep(250);
  }
  throw new Error(`no worker polled ${taskQueue} within ${timeoutMs / 1000} s`);
}

async function runOnce(n: number, say: (s: string) => void): Promise<ScaleRow> {
  const cfg = loadConfig();
  const rate = Number(arg('--rate') ?? 20);
  const runs = Number(arg('--runs') ?? 30);
  const width = Number(arg('--start-concurrency') ?? 4);
  const storm = !process.argv.includes('--no-storm');
  // supervise start and the worker's first task of every workflow must be over before the moment:
  // 4 s for one plan, 8 s for ten and 220 s for a hundred on a 2-CPU machine (loaded for the last)
  const lead = Number(arg('--lead') ?? 60 + n * 4);
  const policy = cfg.policy;
  const override = readHolidayOverride(cfg.holidaysOverrideFile);
  const moment = q4ReminderMoment(policy, policyCalendar(policy, override));
  const logger = createLogger('warn', { bench: 'scale' });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-bench-scale-'));
  const server = await startBenchTemporal(cfg, path.join(tmp, 'temporal.log'));
  const db = await createTestDatabase();
  const sink = await startSinkProcess();
  const prefix = `bench-scale-${process.pid}-${n}`;
  const redis = createRedis(cfg.redis, 'producer', logger);
  const queue = createNoticeQueue({ connection: redis, prefix, logger });
  const taskQueue = `bench-scale-${process.pid}-${n}`;
  const children: ChildProcess[] = [];
  let connection: Connection | null = null;
  let robotSink: RobotSink | null = null;
  try {
    const p = db.prisma;
    // ---- N copies of the real plan
    const t0 = performance.now();
    const bench = await benchDirectory(cfg.unitsFile);
    robotSink = bench.robots;
    const dir = bench.dir;
    const loaded = await loadPlan(PLAN_FILE, cfg, { dir, source: 'config' });
    const slugs = Array.from({ length: n }, (_, k) => `${PLAN_SLUG}-${String(k + 1).padStart(3, '0')}`);
    for (const slug of slugs) await importPlan(p, loaded, { slug, actor: 'bench', seedDirectory: dir });
    await p.$executeRawUnsafe('ANALYZE');
    const assignments = await p.assignment.count();
    say(
      `N=${n}: imported ${n} plans, ${assignments} assignments in ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${load()})`,
    );

    // ---- the worker and the mail processor, each in a process of its own
    const env = {
      // the worker's production allocator setting (devtools/apps.ts WORKER_ENV), unless overridden
      ...WORKER_ENV,
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      // --cache N: the worker's sticky cache (sizing trials; default the config's)
      ...(arg('--cache') ? { TEMPORAL_MAX_CACHED_WORKFLOWS: arg('--cache') } : {}),
    };
    // --worker-node-options "--max-old-space-size=…": Node flags for the worker process (sizing trials)
    const execArgv = (arg('--worker-node-options') ?? '').split(' ').filter(Boolean);
    const worker = forkModule('worker/temporal-main', ['--outbox'], { env, execArgv });
    children.push(worker);
    const rss = sampleRss(worker.pid!);
    const smtp = { SMTP_HOST: sink.host, SMTP_PORT: String(sink.port), SMTP_RATE_PER_SECOND: String(rate) };
    children.push(forkModule('worker/mail-main', [], { env: { ...env, ...smtp } }));
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: cfg.temporal.namespace });
    await waitForPoller(client, cfg.temporal.namespace, taskQueue, worker);
    await sleep(2000);
    const rssStarted = rss.now();

    // ---- supervise start: one clock origin for every plan
    const originMs = Date.now();
    const clock = { startAtMs: moment.ms - lead * 1000, speed: 1, realOriginMs: originMs };
    const momentReal = originMs + lead * 1000;
    const businessNow = () => clock.startAtMs + (Date.now() - originMs);

    // ---- the queue's producer for the worker's outbox rows, against the business clock (from the
    // start: the catch-up's rows are written then, and the mail processor's reconciler would queue
    // a row left PENDING for 10 s against the real clock)
    const producer = createQueueNotificationPort({ prisma: p, queue, logger, clock: businessNow });
    // The mail processor queues each unit letter's own notice (app/notices/letters.ts) through its
    // production port, against the real clock, which is weeks behind the business one here: the
    // feeder promotes a letter's delayed job when its business moment has come.
    const promoted = new Set<string>();
    const promoteLetters = async () => {
      const due = await p.notice.findMany({
        where: { kind: 'unit_letter', status: 'QUEUED', dueAt: { lte: new Date(businessNow()) } },
        select: { key: true },
      });
      for (const { key } of due.filter((r) => !promoted.has(r.key))) {
        const job = await queue.getJob(key);
        // a job that left the delayed state meanwhile (the mail processor took it) needs nothing
        if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
        promoted.add(key);
      }
    };
    let feeding = true;
    const feeder = (async () => {
      while (feeding) {
        await promoteLetters();
        const rows = await p.notice.findMany({
          where: { status: 'PENDING' },
          select: { id: true, key: true, kind: true, dueAt: true },
          orderBy: { id: 'asc' },
          take: 2000,
        });
        if (!rows.length) {
          await sleep(250);
          continue;
        }
        // the production port's enqueue: the job delayed to the row's moment on the business
        // clock, then PENDING → QUEUED
        await Promise.all(rows.map((r) => producer.enqueue(r)));
      }
    })().catch((err: unknown) => say(`N=${n}: queueing the outbox failed: ${(err as Error).message}`));

    let workflows = 0;
    const ts = performance.now();
    await inParallel(slugs, width, async (planSlug) => {
      const r = await startSimulatedSupervision(
        { db: p, client, taskQueue },
        {
          planSlug,
          zone: cfg.timezone,
          policy,
          holidayOverride: override,
          clock,
          assignedAt: ASSIGNED_AT,
        },
      );
      workflows += r.started.length + (r.catchUp.status === 'started' ? 1 : 0);
    });
    const superviseStartS = (performance.now() - ts) / 1000;
    say(`N=${n}: started ${workflows} workflows in ${superviseStartS.toFixed(1)} s (load ${load()})`);
    if (Date.now() > momentReal - 5000)
      throw new Error(`starting took longer than --lead ${lead} s less 5 s; raise it`);

    // ---- idle: every workflow asleep until the moment
    await sleep(Math.max(0, momentReal - 1500 - Date.now()));
    const rssIdle = rss.now();
    say(
      `N=${n}: worker RSS after start-up ${mb(rssStarted)} MB, idle ${mb(rssIdle)} MB, peak so far ${mb(rss.peak)} MB (load ${load()})`,
    );

    // ---- the storm: every notice due by the moment, to the sink at the relay's rate
    let stormDrainS: number | null = null;
    // A reminder the worker reaches more than its grace after the moment is sent as late, stamped
    // when it is (RELIABILITY row 7): the storm is every notice due by now, however stamped.
    const dueByNow = () => ({ dueAt: { lte: new Date(businessNow()) } });
    const open = ['PENDING', 'QUEUED'] as const;
    const expected = await p.assignment.count({
      where: { role: { in: policy.notifyRoles }, state: { notIn: ['COMPLETED', 'CANCELLED'] } },
    });
    // the target: the storm drains within the office day of its moment (or `--storm-timeout` s)
    const end = policy.calendar.officeHours?.end ?? '24:00';
    const officeEnd = DateTime.fromISO(moment.at, { zone: cfg.timezone })
      .startOf('day')
      .plus({ hours: Number(end.slice(0, 2)), minutes: Number(end.slice(3)) });
    const officeLeftS = (officeEnd.toMillis() - moment.ms) / 1000;
    say(`N=${n}: the moment is ${moment.at}; the office day has ${officeLeftS.toFixed(0)} s left after it`);
    if (storm) {
      const deadline = momentReal + Number(arg('--storm-timeout') ?? officeLeftS) * 1000;
      let last = -1;
      let drained = false;
      while (Date.now() < deadline) {
        await sleep(1000);
        if (worker.exitCode !== null || worker.signalCode !== null)
          throw new Error(`the worker exited (${worker.exitCode ?? worker.signalCode})`);
        const [reminders, late, unsettled] = await Promise.all([
          p.notice.count({ where: { kind: 'report_reminder' } }),
          p.notice.count({ where: { kind: 'report_reminder', dueAt: { gt: new Date(moment.ms) } } }),
          p.notice.count({ where: { ...dueByNow(), status: { in: [...open] } } }),
        ]);
        if (reminders >= expected && unsettled === 0) {
          drained = true;
          break;
        }
        if (Math.floor((Date.now() - momentReal) / 30_000) !== last) {
          last = Math.floor((Date.now() - momentReal) / 30_000);
          const at = ((Date.now() - momentReal) / 1000).toFixed(0);
          say(
            `N=${n}: storm +${at} s: ${reminders}/${expected} reminders recorded (${late} late), ${unsettled} due and unsent, RSS ${mb(rss.now())} MB (load ${load()})`,
          );
        }
      }
      await sleep(500);
      const rows = await p.notice.findMany({ where: dueByNow(), select: { key: true, status: true, dueAt: true } });
      const keys = new Set(rows.map((r) => r.key));
      const arrivals = (await sink.arrivals()).filter(([k]) => keys.has(k));
      const lastArrival = Math.max(...arrivals.map(([, at]) => at));
      const sent = rows.filter((r) => r.status === 'SENT').length;
      const late = rows.filter((r) => r.dueAt.getTime() > moment.ms).length;
      const seen = `${keys.size} notices (${expected} reminders expected, ${late} of them late; ${sent} sent, ${arrivals.length} messages at the sink)`;
      if (drained) {
        stormDrainS = (lastArrival - momentReal) / 1000;
        say(`N=${n}: storm of ${seen} drained in ${stormDrainS.toFixed(1)} s (load ${load()})`);
      } else {
        const reminders = await p.notice.count({ where: { kind: 'report_reminder' } });
        say(
          `N=${n}: storm NOT drained within ${((deadline - momentReal) / 1000).toFixed(0)} s: ${reminders}/${expected} reminders recorded; ${seen} (load ${load()})`,
        );
      }
    }
    const rssPeak = rss.peak;
    rss.stop();
    feeding = false;
    await feeder;

    // ---- the dashboard and the assessment, with the worker and the mail processor idle
    const office = await p.unit.findFirstOrThrow({ where: { kind: 'OFFICE' }, select: { id: true } });
    const sample = await p.assignment.findFirstOrThrow({
      where: { role: 'LEAD' },
      orderBy: { id: 'asc' },
      select: { id: true, taskId: true, unitId: true },
    });
    const served = await serveDashboard(p, {
      officeUnitId: office.id,
      zone: cfg.timezone,
      policy,
      holidayOverride: override,
    });
    const pages = await timePages(served, dashboardPages(sample, served.formToken(sample.id)), runs);
    await served.close();
    const worst = pages.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    say(
      `N=${n}: dashboard worst p95 ${worst.p95.toFixed(1)} ms (${worst.page}) over ${runs} requests a page (load ${load()})`,
    );
    const assessed = await timeAssessment(p, assessmentOptions(cfg, 2026, businessNow()));
    say(
      `N=${n}: assessment ${assessed.assessS.toFixed(2)} s + exports ${assessed.exportS.toFixed(2)} s, ${assessed.rows} rows (load ${load()})`,
    );
    return {
      plans: n,
      workflows,
      assignments,
      superviseStartS: round(superviseStartS),
      workerRssIdleMb: mb(rssIdle),
      workerRssPeakMb: mb(rssPeak),
      stormDrainS: stormDrainS === null ? null : round(stormDrainS),
      dashboardP95Ms: round(worst.p95),
      assessmentS: round(assessed.assessS + assessed.exportS, 2),
    };
  } finally {
    await robotSink?.close();
    for (const c of children) await stopChild(c);
    await connection?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await sink.close();
    await db.drop();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const plans = (arg('--plans') ?? '1').split(',').map(Number);
  if (plans.some((x) => !Number.isInteger(x) || x < 1))
    throw new Error('--plans takes counts separated by commas, e.g. --plans 1,10');
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const rows: ScaleRow[] = [];
  for (const n of plans) {
    rows.push(await runOnce(n, say));
    say(`row ${JSON.stringify(rows.at(-1))}`);
  }
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(`\nscale benchmark (${os.cpus().length} CPUs, Node ${process.version}, load ${load()})\n`);
  console.log(
    '| plans | workflows | assignments | supervise start s | worker RSS idle MB | peak MB | storm drain s | dashboard p95 ms | assessment s |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.plans} | ${r.workflows} | ${r.assignments} | ${r.superviseStartS} | ${r.workerRssIdleMb} | ${r.workerRssPeakMb} | ${r.stormDrainS ?? '—'} | ${r.dashboardP95Ms} | ${r.assessmentS} |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
