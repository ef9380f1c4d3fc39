/**
 * Benchmark: the real plan under supervision, and a quarter-end storm of report reminders.
 *
 *   npm run build && node dist/bench/supervise.js [--lead 20] [--no-implicit] [--keep]
 *
 * Starts a dedicated Temporal dev server (in memory, free port) and a throwaway database (a copy of
 * the migrated template, like the tests), imports the real plan (../shared/plans), runs a lifecycle
 * worker in this process (outbox port: notices become Notice rows, nothing is mailed), and starts
 * supervision of every task with a business clock set `--lead` seconds before the first reminder
 * of the 2026Q4 reports (5 workdays before they fall due on 10 Jan 2027). The assignments count as
 * made on 1 Dec 2026, so the Q4 report is owed by every one of them; with IMPLICIT in notifyRoles
 * (the default here) that is every assignment the plan's bracket rule expands to.
 *
 * It measures how many workflows run, the worker's RSS before supervision and at its peak, and the
 * storm: from the moment (in real time) to the last of its notices recorded in the outbox. Every
 * workflow shares one clock origin, so the moment falls at the same real instant for all of them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../config';
import { readHolidayOverride } from '../config/policy-schema';
import { createLifecycleActivities } from '../activities/lifecycle';
import { importPlan, loadPlan } from '../app/plan-import';
import { stopSupervision } from '../app/supervise';
import { startSimulatedSupervision } from '../app/supervise/testing';
import { policyCalendar, type Policy } from '../domain/policy';
import { silentLogger } from '../infra/logger';
import { createOutboxNotificationPort } from '../infra/outbox';
import { workflowsPath } from '../worker/temporal-main';
import { createTestDatabase } from '../test/helpers/db';
import type { LifecycleState } from '../contracts/workflows';
import { ASSIGNED_AT, PLAN_FILE, PLAN_SLUG as SLUG, q4ReminderMoment, startBenchTemporal } from './support/real-plan';
import { benchDirectory } from './support/robots';
import type { RobotSink } from '../devtools/robot-sink/sink';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const lead = Number(arg('--lead') ?? 20);
  // The SDK's default logger prints every worker state change; the table is what this prints.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const keep = process.argv.includes('--keep');
  const cfg = loadConfig();
  // the shipped policy notifies the rule-bound units too; --no-implicit measures lead and co-units only
  const policy: Policy = process.argv.includes('--no-implicit')
    ? { ...cfg.policy, notifyRoles: ['LEAD', 'CO'] }
    : cfg.policy;
  const override = readHolidayOverride(cfg.holidaysOverrideFile);
  const calendar = policyCalendar(policy, override);

  // The moment: the first 2026Q4 report reminder of an assignment made on 1 Dec 2026.
  const reminder = q4ReminderMoment(policy, calendar);
  const momentMs = reminder.ms;

  const rows: [string, string][] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-bench-supervise-'));
  const t0 = performance.now();
  const server = await startBenchTemporal(cfg, path.join(tmp, 'temporal.log'));
  const address = server.address;
  const db = await createTestDatabase();
  rows.push(['dev server + database', `${((performance.now() - t0) / 1000).toFixed(1)} s`]);
  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  let nativeConnection: NativeConnection | null = null;
  let connection: Connection | null = null;
  let robotSink: RobotSink | null = null;
  try {
    const bench = await benchDirectory(cfg.unitsFile);
    robotSink = bench.robots;
    const dir = bench.dir;
    const loaded = await loadPlan(PLAN_FILE, cfg, { dir, source: 'config' });
    const imported = await importPlan(db.prisma, loaded, { slug: SLUG, actor: 'bench', seedDirectory: dir });
    const assignments = await db.prisma.assignment.count({ where: { task: { planId: imported.planId } } });
    const notified = await db.prisma.assignment.count({
      where: { task: { planId: imported.planId }, role: { in: policy.notifyRoles } },
    });
    rows.push([
      'plan',
      `${imported.summary.tasks} tasks, ${assignments} assignments (${notified} notified: ${policy.notifyRoles.join('+')})`,
    ]);

    const taskQueue = `bench-supervise-${process.pid}`;
    nativeConnection = await NativeConnection.connect({ address });
    const tw = performance.now();
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: createLifecycleActivities({
        db: db.prisma,
        notifications: createOutboxNotificationPort(db.prisma),
        logger: silentLogger,
        zone: cfg.timezone,
      }),
      maxCachedWorkflows: 500,
    });
    running = worker.run();
    rows.push(['worker bundle + start', `${((performance.now() - tw) / 1000).toFixed(1)} s`]);
    if (global.gc) global.gc();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);

    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    // One origin for every workflow: business time = moment - lead at this real instant.
    const originMs = Date.now();
    const clock = { startAtMs: momentMs - lead * 1000, speed: 1, realOriginMs: originMs };
    const momentReal = originMs + lead * 1000;
    const options = {
      planSlug: SLUG,
      zone: cfg.timezone,
      policy,
      holidayOverride: override,
      clock,
      assignedAt: ASSIGNED_AT,
    };
    const ts = performance.now();
    const started = await startSimulatedSupervision({ db: db.prisma, client, taskQueue }, options);
    const startSecs = (performance.now() - ts) / 1000;
    // the same start again: nothing new may start
    const again = await startSimulatedSupervision({ db: db.prisma, client, taskQueue }, options);
    rows.push([
      'supervise start',
      `${started.started.length} lifecycles + catch-up (${started.catchUp.status}, ${started.catchUp.notices} notices) in ${startSecs.toFixed(1)} s`,
    ]);
    rows.push([
      'supervise start again',
      `${again.started.length} started, ${again.alreadyRunning.length} already running, catch-up ${again.catchUp.status}`,
    ]);
    if (Date.now() > momentReal) throw new Error(`starting took longer than --lead ${lead} s; raise it`);

    // Wait for the storm: every notice whose moment is the reminder's, recorded in the outbox.
    const atMoment = { dueAt: new Date(momentMs) };
    const expected = await db.prisma.assignment.count({
      where: {
        task: { planId: imported.planId },
        role: { in: policy.notifyRoles },
        state: { notIn: ['COMPLETED', 'CANCELLED'] },
      },
    });
    let count = 0;
    let stable = 0;
    const deadline = momentReal + 180_000;
    while (Date.now() < deadline) {
      await sleep(250);
      const c = await db.prisma.notice.count({ where: { ...atMoment, kind: 'report_reminder' } });
      stable = c === count && c >= expected ? stable + 1 : 0;
      count = c;
      if (stable >= 8) break;
    }
    clearInterval(sampler);
    const storm = await db.prisma.notice.findMany({
      where: atMoment,
      select: { kind: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    });
    const reminders = storm.filter((n) => n.kind === 'report_reminder');
    const last = storm.at(-1)?.createdAt.getTime() ?? Number.NaN;
    // the catch-up is submitted at start (its dueAt holds it until the opening); the storm is the reminders
    const first = reminders[0]?.createdAt.getTime() ?? Number.NaN;
    const lastReminder = reminders.at(-1)?.createdAt.getTime() ?? Number.NaN;
    const drain = (last - momentReal) / 1000;

    // Health: every lifecycle answers its state query and is still running.
    const handles = started.started.map((id) => client.workflow.getHandle(id));
    const states = await Promise.all(
      handles.map(async (h) => ({ d: await h.describe(), s: await h.query<LifecycleState>('state') })),
    );
    const runningCount = states.filter((x) => x.d.status.name === 'RUNNING').length;
    const slips = await db.prisma.supervisionSlip.count();

    rows.push([
      'workflows',
      `${started.started.length + (started.catchUp.status === 'started' ? 1 : 0)} (${runningCount} lifecycles running and answering queries; catch-up ${started.catchUp.status})`,
    ]);
    rows.push(['moment', `${reminder.at} (2026Q4 report reminder), ${lead} s after start`]);
    rows.push([
      'storm notices',
      `${storm.length} (${reminders.length} report_reminder of ${expected} expected, ${storm.length - reminders.length} catch-up)`,
    ]);
    rows.push(['first reminder after moment', `${((first - momentReal) / 1000).toFixed(2)} s`]);
    rows.push(['drain time (moment → last outbox row)', `${drain.toFixed(2)} s`]);
    rows.push([
      'throughput',
      `${(reminders.length / Math.max((lastReminder - momentReal) / 1000, 0.001)).toFixed(0)} reminders/s`,
    ]);
    rows.push(['worker RSS before / peak', `${mb(rssBefore)} / ${mb(rssPeak)}`]);
    rows.push(['slips issued', String(slips)]);
    rows.push(['worker state', worker.getState()]);
    if (reminders.length < expected) process.exitCode = 1;
    await stopSupervision({ db: db.prisma, client }, { planSlug: SLUG });
  } finally {
    await robotSink?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await nativeConnection?.close();
    if (keep) process.stderr.write(`kept database ${db.name} and dev server ${address} (pid ${server.pid})\n`);
    else {
      await db.drop();
      await server.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `\nsupervision of the real plan (${SLUG})\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
