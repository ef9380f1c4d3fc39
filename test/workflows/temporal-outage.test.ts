/**
 * docs/reliability.md row 11: the Temporal server is down across a due moment.
 *
 * This file runs a Temporal dev server of its own (not the shared TEMPORAL_TEST_ADDRESS one, since it
 * kills it): SQLite in a temp file, a fixed port. The worker is the production entry point
 * (worker/temporal-main.ts, `--outbox`: notices become Notice rows, what the mail pipeline would
 * send) in its own process, and it stays up the whole time. The server is SIGKILLed while a task
 * lifecycle sleeps towards its deadline, stays down across the deadline (the first overdue 督办, with
 * its slip) and across the moments of two Temporal Schedules made by the production schedule code
 * (app/assessment/schedule.ts, catch-up window 10 s, the server's minimum), then starts again on the
 * same port with the same database file. What a user would see:
 *
 * - the worker process rides out the outage (it reconnects by itself, no restart);
 * - nothing goes out while the server is down; once it is back the 督办 goes out once per unit,
 *   marked late (its moment passed more than `clock.missedAfterMs` ago), with one 督办单 each; the
 *   deadline passing is recorded; the next 督办 goes at its own moment, on time, with its own slip;
 * - the schedule whose moment passed more than the catch-up window before the server came back
 *   does not run at all (counted as missed); the one that passed within the window runs once.
 *
 * Business time runs at real speed (policy in seconds, domain/policy/testing secondsPolicy).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import {
  describeAssessmentSchedule,
  ensureAssessmentSchedule,
  type AssessmentScheduleView,
} from '../../app/assessment/schedule';
import { taskWorkflowId } from '../../app/supervise';
import { startSimulatedSupervision } from '../../app/supervise/testing';
import { secondsPolicy } from '../../domain/policy/testing';
import { stateQuery } from '../../workflows/task-lifecycle';
import type { BusinessClock } from '../../contracts/testing';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { freePort, ROOT } from '../helpers/services';
import { forkTs, kill9, type Child } from '../integration/notify-support/children';
import { DUE_MS, of, outboxOf, seedPlan, sleep, until as untilMet } from './support/fixture';
import { startDevServer, type DevServer } from './temporal-env';

const ZONE = 'Asia/Shanghai';
const stamp = `${process.pid}-${Date.now().toString(36)}`;
const taskQueue = `outage-test-${stamp}`;
const planSlug = `o${Date.now().toString(36)}`;
/** the units told of the task (seedPlan: the lead and the co-unit; the implicit unit is not notified) */
const UNITS = ['市市场监管局', '市工信局'];

let db: TestDatabase;
let dir: string;
let port: number;
let server: DevServer | null = null;
let connection: Connection;
let client: Client;
let worker: Child | null = null;

/** The production worker (worker/temporal-main.ts) in its own process; ready when it logs that it started. */
async function startWorker(): Promise<Child> {
  const child = forkTs(path.join(ROOT, 'worker', 'temporal-main.ts'), {
    args: ['--outbox'],
    env: {
      TS_CHILD_MAIN: '1',
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'info',
    },
    name: 'the worker',
    readyLine: (l) => l.includes('"msg":"temporal worker started"'),
  });
  await child.ready;
  return child;
}

const workerAlive = () => worker !== null && worker.proc.exitCode === null && worker.proc.signalCode === null;
const workerState = () =>
  `worker alive: ${workerAlive()}; its log:\n${worker ? worker.lines.slice(-30).join('\n') : '(no worker)'}`;
/** until(), 30 s by default, its failure message telling whether the worker is alive and what it logged */
const until = <T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000) =>
  untilMet(what, get, ok, ms, workerState);

const outbox = () => outboxOf(db.prisma, planSlug);

/** A 7-field cron (second … year) that matches the single second `ms` in `ZONE`: the schedule fires once. */
function onceAt(ms: number): string {
  const t = DateTime.fromMillis(ms, { zone: ZONE });
  return `${t.second} ${t.minute} ${t.hour} ${t.day} ${t.month} * ${t.year}`;
}

beforeAll(async () => {
  port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-outage-'));
  [db, server] = await Promise.all([createTestDatabase(), startDevServer(port, dir)]);
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  await seedPlan(db.prisma, planSlug, [{ number: 1, kind: 'deadline' }]);
  worker = await startWorker();
}, 60_000);

afterAll(async () => {
  if (worker) await kill9(worker.proc);
  await connection?.close();
  await db?.drop();
  await server?.kill9();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('the Temporal server down across a due moment (docs/reliability.md row 11)', () => {
  it('the worker rides it out; the overdue 督办 goes once when the server is back (late, one slip each), the next on time; a schedule runs only within its catch-up window', async () => {
    // Business time t = 0 is 6 s before the deadline D. Assignment notices at t = 0, a deadline
    // reminder at D−4 s; 督办 (orange slip) at D and every 30 s while overdue; acknowledgement chases,
    // the leadership step and reports far away. A notice more than 3 s past its moment counts as
    // missed (production: a minute).
    const policy = secondsPolicy({
      ack: [300, 600],
      deadlineReminders: [4],
      stalled: null,
      overdueEvery: 30,
      leadershipAfter: 600,
      leadershipEvery: 600,
      reportEvery: 900,
    });
    const GRACE = 3000;
    const t0 = DUE_MS - 6000;
    const realOriginMs = Date.now();
    const now = () => t0 + (Date.now() - realOriginMs);
    /** the real instant of business instant `b` */
    const real = (b: number) => realOriginMs + (b - t0);
    const clock: BusinessClock = { startAtMs: t0, speed: 1, realOriginMs, missedAfterMs: GRACE };
    await startSimulatedSupervision({ db: db.prisma, client, taskQueue }, { planSlug, zone: ZONE, policy, clock });
    const h = client.workflow.getHandle(taskWorkflowId(planSlug, 1));
    const workerPid = worker!.proc.pid;

    // the reminder went on time; the lifecycle now sleeps towards D (a Temporal timer)
    await until(
      'deadline reminders sent',
      outbox,
      (rows) => UNITS.every((u) => of(rows, 'deadline_reminder', u).length === 1),
      15_000,
    );
    await until(
      'asleep until the deadline',
      async () => (await h.query(stateQuery)).nextWakeAt,
      (at) => at !== null && Date.parse(at) === DUE_MS + 1,
      10_000,
    );

    // Two schedules made by the production code (overlap SKIP, catch-up window from config: 10 s,
    // the server's minimum), each due once while the server is down: `stale` at D−1 s (its moment is
    // ~14 s old when the server is back), `fresh` at D+10 s (~2 s old). Their action starts a
    // workflow on a queue nobody polls: the start itself is what counts.
    const noWorkerQueue = `outage-no-worker-${stamp}`;
    const staleAt = Math.ceil(real(DUE_MS - 1000) / 1000) * 1000;
    const freshAt = Math.floor(real(DUE_MS + 10_000) / 1000) * 1000;
    const sched = (id: string, at: number) =>
      ensureAssessmentSchedule(client, {
        taskQueue: noWorkerQueue,
        scheduleId: `outage-${id}-${stamp}`,
        schedule: { cron: onceAt(at), timezone: ZONE, catchupWindow: '10s' },
      });
    const [stale, fresh] = [await sched('stale', staleAt), await sched('fresh', freshAt)];
    const described = async (id: string) => (await describeAssessmentSchedule(client, id))!;
    expect((await described(stale.scheduleId)).nextRuns).toEqual([new Date(staleAt).toISOString()]);
    expect((await described(fresh.scheduleId)).nextRuns).toEqual([new Date(freshAt).toISOString()]);
    expect((await described(fresh.scheduleId)).catchupWindowMs).toBe(10_000);

    // the server dies 2 s before D (SIGKILL: no goodbye to the worker, nothing flushed)
    await sleep(Math.max(0, DUE_MS - 2000 - now()));
    await server!.kill9();
    const killedReal = Date.now();
    // (the test means to be down before D and before the stale schedule's moment; a machine too slow for that fails here)
    expect(now()).toBeLessThan(DUE_MS - 1000);
    expect(killedReal).toBeLessThan(staleAt);

    // down across D, the stale and the fresh schedule moments; back at D+12 s on the same port and file
    await sleep(DUE_MS + 12_000 - now());
    expect(workerAlive()).toBe(true);
    const restartReal = Date.now();
    const restartAt = now();
    server = await startDevServer(port, dir);

    // back: the 督办 due at D goes out once per unit, late, without the worker being restarted
    const late = await until('the missed 督办 went out', outbox, (rows) =>
      UNITS.every((u) => of(rows, 'supervision', u).length >= 1),
    );
    const R = Math.max(...UNITS.map((u) => of(late, 'supervision', u)[0]!.atMs));
    // the schedules: the fresh one ran once, the stale one did not run (its moment is older than the window)
    const freshView = await until(
      'the fresh schedule ran',
      () => described(fresh.scheduleId),
      (v) => v.recentRuns.length >= 1,
    );
    const staleView = await until(
      'the stale schedule counted as missed',
      () => described(stale.scheduleId),
      (v) => v.missedCatchupWindow >= 1,
    );

    // then the series carries on: the 督办 at D+30 s goes at its own moment
    const rows = await until(
      'the next 督办',
      outbox,
      (rs) => UNITS.every((u) => of(rs, 'supervision', u).length >= 2),
      40_000,
    );
    await sleep(1000);
    const final = await outbox();

    // the worker never left: the same process, alive, through the whole outage
    expect(workerAlive()).toBe(true);
    expect(worker!.proc.pid).toBe(workerPid);
    // and its log told the operator: the outage once when it began, once when it ended (checks every 5 s)
    const said = (re: RegExp) => worker!.lines.filter((l) => re.test(l));
    expect(said(/temporal server unreachable/)).toHaveLength(1);
    expect(said(/temporal server reachable again/)).toHaveLength(1);

    // nothing went out while the server was down
    expect(final.filter((r) => r.createdMs > killedReal && r.createdMs < restartReal)).toEqual([]);
    expect(final).toEqual(rows);

    for (const unit of UNITS) {
      // before the outage: one assignment notice and one reminder, on time
      expect(of(final, 'assignment', unit).map((r) => [r.nominalMs - t0, r.late])).toEqual([[0, false]]);
      expect(of(final, 'deadline_reminder', unit).map((r) => [r.nominalMs - DUE_MS, r.late])).toEqual([[-4000, false]]);
      const sup = of(final, 'supervision', unit);
      // the 督办 due at D: once, after the server was back, marked late (missed by more than the grace)
      const [missed, next] = sup;
      expect([missed!.nominalMs - DUE_MS, missed!.late]).toEqual([1, true]);
      expect(missed!.atMs).toBeGreaterThanOrEqual(restartAt);
      expect(missed!.atMs - missed!.nominalMs).toBeGreaterThan(GRACE);
      expect(missed!.createdMs).toBeGreaterThanOrEqual(restartReal);
      // the next one at its own moment (D+30 s), on time
      expect([next!.nominalMs - DUE_MS, next!.late, next!.atMs]).toEqual([30_001, false, next!.nominalMs]);
      expect(next!.createdMs).toBeGreaterThanOrEqual(real(next!.nominalMs) - 50);
      // no other 督办, and one 督办单 per 督办 that went out
      expect(sup).toHaveLength(2);
      expect(sup.every((r) => r.slip !== null)).toBe(true);
    }
    const allSup = final.filter((r) => r.kind === 'supervision');
    expect(new Set(allSup.map((r) => r.slip)).size).toBe(4);
    expect(
      await db.prisma.supervisionSlip.count({ where: { assignment: { task: { plan: { slug: planSlug } } } } }),
    ).toBe(4);
    // no key twice, nothing else sent (no chase, nothing to the implicit unit)
    expect(new Set(final.map((r) => r.key)).size).toBe(final.length);
    expect(final.map((r) => r.kind).sort()).toEqual([
      'assignment',
      'assignment',
      'deadline_reminder',
      'deadline_reminder',
      'supervision',
      'supervision',
      'supervision',
      'supervision',
    ]);
    // the deadline passing while the server was down is recorded
    for (const unit of UNITS)
      expect(
        (
          await db.prisma.assignment.findFirstOrThrow({
            where: { task: { plan: { slug: planSlug } }, unit: { name: unit } },
          })
        ).overdue,
      ).toBe(true);
    expect(R).toBeLessThan(DUE_MS + 30_001);

    // the schedules: within the window → one run, started after the server was back, for its own moment
    const freshRuns = (await described(fresh.scheduleId)).recentRuns;
    expect(freshRuns.map((r) => r.scheduledAt)).toEqual([new Date(freshAt).toISOString()]);
    expect(Date.parse(freshRuns[0]!.takenAt)).toBeGreaterThanOrEqual(restartReal);
    expect(freshView.missedCatchupWindow).toBe(0);
    // older than the window → no run at all (nothing stale starts late), counted as missed
    const staleNow: AssessmentScheduleView = await described(stale.scheduleId);
    expect([staleNow.recentRuns, staleNow.missedCatchupWindow]).toEqual([[], 1]);
    expect(staleView.recentRuns).toEqual([]);
    await h.cancel();
  }, 90_000);
});
