/**
 * Restarts of every kind against the real Temporal dev server and PostgreSQL, with the lifecycle
 * workers in their own processes (test/workflows/support/worker-child.ts) so a crash is a real
 * SIGKILL: no drain, no goodbye to the server, the next worker replays from history.
 *
 * - After a reassign, the new unit gets exactly one assignment notice (and one of each chase) whether
 *   the worker is killed and replaced, the run continues as new, or `supervise start` runs again
 *   while the lifecycle runs and after a `supervise stop`.
 * - Workers down while notices fall due (docs/reliability.md row 7): when they are back, a reminder whose
 *   subject moment passed is dropped, a repeating 督办 series missed several times goes once (its
 *   latest, marked late), the other missed notices go once, late, and the series then continues on
 *   time; one 督办单 per notice that went out.
 *
 * Business time runs at real speed (policy in seconds, domain/policy/testing secondsPolicy); the outbox
 * (Notice rows) is what the mail pipeline would send.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { lifecycleInputs, stopSupervision, taskWorkflowId } from '../../app/supervise';
import { startSimulatedSupervision } from '../../app/supervise/testing';
import { decide, type LifecycleInputType } from '../../domain/lifecycle';
import { silentLogger } from '../../infra/logger';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { secondsPolicy } from '../../domain/policy/testing';
import { inputUpdates, stateQuery, upcomingQuery } from '../../workflows/task-lifecycle';
import type { BusinessClock } from '../../contracts/testing';
import type { InputArgs } from '../../contracts/workflows';
import { forkTs, kill9, type Child } from '../integration/notify-support/children';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { DUE_MS, of, outboxOf, seedPlan, sleep, until } from './support/fixture';
import { temporalServer, workflowBundle, type TemporalServer } from './temporal-env';

const ZONE = 'Asia/Shanghai';
const taskQueue = `restart-test-${process.pid}-${Date.now()}`;
const base = `r${Date.now().toString(36)}`;

let db: TestDatabase;
let server: TemporalServer;
let connection: Connection;
let client: Client;
let bundleDir: string;
let worker: Child | null = null;

/** Starts a worker process (support/worker-child.ts) and waits until it polls. */
async function startWorker(): Promise<Child> {
  const child = forkTs(path.join(__dirname, 'support', 'worker-child.ts'), {
    env: {
      T_DB_URL: db.url,
      T_TEMPORAL: server.address,
      T_TASK_QUEUE: taskQueue,
      T_BUNDLE: path.join(bundleDir, 'workflows.js'),
      T_ZONE: ZONE,
    },
    name: 'worker',
  });
  await child.ready;
  return child;
}

const seed = (planSlug: string, tasks: { number: number; kind: 'deadline' | 'standing' }[]) =>
  seedPlan(db.prisma, planSlug, tasks);
const outbox = (planSlug: string) => outboxOf(db.prisma, planSlug);

function send<T extends LifecycleInputType>(h: WorkflowHandle, type: T, args: InputArgs<T>) {
  return h.executeUpdate(inputUpdates[type] as never, { args: [args] as never }) as Promise<{
    state: string;
    newAssignmentId?: string;
  }>;
}

/** Business time that runs at real speed from `startAtMs`, shared by every run and every start (realOriginMs). */
function simulatedTime(startAtMs: number, extra: Partial<BusinessClock> = {}) {
  const realOriginMs = Date.now();
  const now = () => startAtMs + (Date.now() - realOriginMs);
  return {
    /** the first start: every run of the lifecycle counts business time from this origin */
    first: { startAtMs, speed: 1, realOriginMs, ...extra } as BusinessClock,
    /** a later `supervise start` happens now, as it would in production */
    later: (): BusinessClock => ({ startAtMs: now(), speed: 1, realOriginMs: Date.now(), ...extra }),
    now,
  };
}

beforeAll(async () => {
  let code: string;
  [db, server, { code }] = await Promise.all([createTestDatabase(), temporalServer(), workflowBundle()]);
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-bundle-'));
  fs.writeFileSync(path.join(bundleDir, 'workflows.js'), code);
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  worker = await startWorker();
}, 60_000);

afterAll(async () => {
  if (worker) await kill9(worker.proc);
  await connection?.close();
  await db?.drop();
  await server?.stop();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
}, 30_000);

describe('a reassign followed by restarts', () => {
  // reports far away: only the assignment notice and the acknowledgement chase (3 s, 6 s after it) matter here
  const policy = secondsPolicy({ reportEvery: 600, ack: [3, 6] });
  const start = Date.parse('2025-11-03T10:00:00+08:00');

  /** Starts supervision of a one-task plan, reassigns 市工信局 → 市商务局 once the first notices are out. */
  async function reassigned(planSlug: string, kind: 'deadline' | 'standing', clock: BusinessClock, pol = policy) {
    await seed(planSlug, [{ number: 1, kind }]);
    await startSimulatedSupervision({ db: db.prisma, client, taskQueue }, { planSlug, zone: ZONE, policy: pol, clock });
    const h = client.workflow.getHandle(taskWorkflowId(planSlug, 1));
    await until(
      'assignment notices',
      () => outbox(planSlug),
      (rows) => rows.filter((r) => r.kind === 'assignment').length === 2,
    );
    const r = await send(h, 'reassign', {
      unit: '市工信局',
      toUnit: '市商务局',
      reason: '职能调整',
      actor: 'office:test',
    });
    expect(r.newAssignmentId).toBeDefined();
    await until(
      'the new unit is told',
      () => outbox(planSlug),
      (rows) => of(rows, 'assignment', '市商务局').length === 1,
    );
    return { h, newId: r.newAssignmentId! };
  }

  it.each([
    ['supervise stop, supervise start', 'a', false],
    ['supervise start while it runs, then stop and start', 'w', true],
  ])(
    '%s: the new unit is told once and its plan is unchanged',
    async (_name, suffix, whileRunning) => {
      const planSlug = `${base}${suffix}`;
      const time = simulatedTime(start);
      const { h, newId } = await reassigned(planSlug, 'deadline', time.first);
      const planned = (await h.query(upcomingQuery, { limit: 100 })).filter((n) => n.unit === '市商务局');
      expect(planned.map((n) => n.kind)).toEqual(expect.arrayContaining(['ack_reminder', 'ack_escalation']));

      if (whileRunning) {
        // `supervise start` again while the lifecycle runs: nothing starts
        const again = await startSimulatedSupervision(
          { db: db.prisma, client, taskQueue },
          { planSlug, zone: ZONE, policy, clock: time.later() },
        );
        expect(again.started).toEqual([]);
      }
      // stop, then start again (a worker move, an operator restarting supervision)
      await stopSupervision({ db: db.prisma, client }, { planSlug });
      await until(
        'cancelled',
        async () => (await h.describe()).status.name,
        (s) => s === 'CANCELLED',
      );
      const restartAt = time.now();
      const restarted = await startSimulatedSupervision(
        { db: db.prisma, client, taskQueue },
        { planSlug, zone: ZONE, policy, clock: time.later() },
      );
      expect(restarted.started).toEqual([taskWorkflowId(planSlug, 1)]);
      const next = client.workflow.getHandle(taskWorkflowId(planSlug, 1));
      // the new run has handled its first moment
      await until(
        'first moment handled',
        async () => Date.parse((await next.query(stateQuery)).handledThrough),
        (ms) => ms > restartAt + 500,
      );

      // no unit is told again of its assignment
      const told = await outbox(planSlug);
      expect(of(told, 'assignment', '市商务局').map((r) => r.key)).toEqual([expect.stringContaining(newId)]);
      expect(of(told, 'assignment', '市市场监管局')).toHaveLength(1);
      expect(of(told, 'assignment', '市工信局')).toHaveLength(1);
      // it plans the new unit's notices from the reassignment, as the first run did
      const replanned = (await next.query(upcomingQuery, { limit: 100 })).filter((n) => n.unit === '市商务局');
      const stillAhead = planned.filter((n) => Date.parse(n.at) > time.now() + 1000);
      expect(stillAhead.map((n) => n.kind)).toContain('ack_escalation');
      for (const n of stillAhead) expect(replanned).toContainEqual(n);

      // wait past the new unit's acknowledgement chase, then count what each unit received
      await until(
        'the chase went out',
        () => outbox(planSlug),
        (rows) => of(rows, 'ack_escalation', '市商务局').length >= 1,
        20_000,
      );
      await sleep(1000);
      const rows = await outbox(planSlug);
      expect(of(rows, 'assignment', '市商务局').map((r) => r.key)).toEqual([expect.stringContaining(newId)]);
      expect(of(rows, 'assignment', '市市场监管局')).toHaveLength(1);
      expect(of(rows, 'assignment', '市工信局')).toHaveLength(1);
      expect(of(rows, 'ack_reminder', '市商务局')).toHaveLength(1);
      expect(of(rows, 'ack_escalation', '市商务局')).toHaveLength(1);
      await stopSupervision({ db: db.prisma, client }, { planSlug });
    },
    60_000,
  );

  it('a worker killed and replaced after the reassign: the replayed lifecycle tells the new unit nothing twice', async () => {
    const planSlug = `${base}b`;
    const time = simulatedTime(start);
    const { h } = await reassigned(planSlug, 'deadline', time.first);
    await sleep(300);
    await kill9(worker!.proc);
    worker = await startWorker();
    await until(
      'the chase went out',
      () => outbox(planSlug),
      (rows) => of(rows, 'ack_escalation', '市商务局').length >= 1,
      30_000,
    );
    await sleep(1000);
    const rows = await outbox(planSlug);
    for (const unit of ['市市场监管局', '市工信局', '市商务局'])
      expect([unit, of(rows, 'assignment', unit).length]).toEqual([unit, 1]);
    expect(of(rows, 'ack_reminder', '市商务局')).toHaveLength(1);
    expect(of(rows, 'ack_escalation', '市商务局')).toHaveLength(1);
    await h.cancel();
  }, 60_000);

  it('a standing task continuing as new after the reassign carries the new unit’s schedule', async () => {
    const planSlug = `${base}c`;
    const time = simulatedTime(start);
    // cycles of 8 s counted from the epoch: the run hands over at the next boundary
    const { h } = await reassigned(
      planSlug,
      'standing',
      time.first,
      secondsPolicy({ reportEvery: 600, cycle: 8, summaryBeforeEnd: 2 }),
    );
    const first = (await h.describe()).runId;
    await until(
      'continued as new',
      async () => (await client.workflow.getHandle(h.workflowId).describe()).runId,
      (id) => id !== first,
      20_000,
    );
    const next = client.workflow.getHandle(h.workflowId);
    expect((await next.query(stateQuery)).run).toBeGreaterThanOrEqual(1);
    await sleep(1500);
    const rows = await outbox(planSlug);
    for (const unit of ['市市场监管局', '市工信局', '市商务局'])
      expect([unit, of(rows, 'assignment', unit).length]).toEqual([unit, 1]);
    expect(of(rows, 'ack_reminder', '市商务局')).toHaveLength(1);
    await next.cancel();
  }, 60_000);
});

describe('workers down while notices fall due (docs/reliability.md row 7)', () => {
  it('drops stale reminders, sends a missed 督办 series once (its latest), the other missed notices once, late, then carries on', async () => {
    const planSlug = `${base}d`;
    await seed(planSlug, [{ number: 1, kind: 'deadline' }]);
    // t = 0 is 8 s before the deadline D. Assignment notices at 0; deadline reminders at D−6 s and
    // D−1 s; acknowledgement reminder at 3 s, escalation at 10 s (D+2 s); 督办 at D and every 2 s
    // after it (the weekly series compressed); leadership far away. A notice more than 5 s past its
    // moment counts as missed (production: a minute).
    const policy = secondsPolicy({
      ack: [3, 10],
      deadlineReminders: [6, 1],
      stalled: null,
      overdueEvery: 2,
      leadershipAfter: 300,
      leadershipEvery: 300,
      reportEvery: 600,
    });
    const GRACE = 5000;
    const t0 = DUE_MS - 8000;
    const time = simulatedTime(t0, { missedAfterMs: GRACE });
    await startSimulatedSupervision(
      { db: db.prisma, client, taskQueue },
      { planSlug, zone: ZONE, policy, clock: time.first },
    );
    const h = client.workflow.getHandle(taskWorkflowId(planSlug, 1));
    // the co-unit acknowledges at once (no chase for it); the lead does not
    await send(h, 'acknowledge', { unit: '市工信局' });

    // the worker dies while the workflow sleeps towards D−1 s (nothing in flight)
    await until(
      'acknowledgement reminder sent',
      () => outbox(planSlug),
      (rows) => of(rows, 'ack_reminder', '市市场监管局').length === 1,
    );
    await until(
      'asleep until D−1 s',
      async () => (await h.query(stateQuery)).nextWakeAt,
      (at) => at !== null && Date.parse(at) === DUE_MS - 1000,
    );
    await sleep(Math.max(0, t0 + 4500 - time.now()));
    await kill9(worker!.proc);
    const killedAt = time.now();
    const killedReal = Date.now();
    worker = null;
    // (the test means to be down before D−1 s; a machine too slow for that fails here, not below)
    expect(killedAt).toBeLessThan(DUE_MS - 1500);
    // down across D−1 s, D, the escalation and several 督办 moments; back at D+10 s
    await sleep(DUE_MS + 10_000 - time.now());
    const restartedReal = Date.now();
    const restartedAt = time.now();
    worker = await startWorker();

    // back: what was missed goes at once, marked late, in one pass at the resume instant R
    const late = await until(
      'missed notices sent',
      () => outbox(planSlug),
      (rows) => rows.some((r) => r.late && r.kind === 'ack_escalation'),
    );
    const R = of(late, 'ack_escalation', '市市场监管局')[0]!.atMs;
    expect(R).toBeGreaterThanOrEqual(restartedAt);
    // then the series carries on as planned: wait for a 督办 moment well after R for each unit
    const rows = await until(
      '督办 after the restart',
      () => outbox(planSlug),
      (rs) => ['市市场监管局', '市工信局'].every((u) => of(rs, 'supervision', u).some((r) => r.nominalMs > R + 2000)),
    );
    await h.cancel();
    await until(
      'cancelled',
      async () => (await h.describe()).status.name,
      (st) => st === 'CANCELLED',
    );
    // Keep this history (a crash, the missed notices settled, the series carrying on) as a replay
    // fixture once: test/workflows/task-lifecycle.test.ts replays every saved history with the
    // current code, so a change that would break such a run fails CI. Only a run in which a notice
    // came due during the pass after the restart is kept, so the fixture covers that branch
    // (patched('due-during-pass')) too.
    const fixture = path.join(__dirname, '..', 'fixtures', 'histories', 'task-lifecycle-worker-restart.json');
    if (!fs.existsSync(fixture)) {
      const history = await h.fetchHistory();
      if (history.events?.some((e) => e.markerRecordedEventAttributes)) {
        const History = temporal.api.history.v1.History;
        fs.writeFileSync(
          fixture,
          JSON.stringify(
            History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }),
            null,
            1,
          ),
        );
      }
    }

    // nothing went out while the worker was down
    expect(rows.filter((r) => r.createdMs > killedReal + 200 && r.createdMs < restartedReal)).toEqual([]);
    // every late notice went in the one pass at R
    expect(new Set(rows.filter((r) => r.late).map((r) => r.atMs))).toEqual(new Set([R]));

    for (const unit of ['市市场监管局', '市工信局']) {
      // one assignment notice each, on time
      expect(of(rows, 'assignment', unit).map((r) => [r.nominalMs - t0, r.late])).toEqual([
        [expect.any(Number), false],
      ]);
      // the reminder at D−6 s went on time; the one at D−1 s, whose deadline passed while down, is dropped
      expect(of(rows, 'deadline_reminder', unit).map((r) => [r.nominalMs - DUE_MS, r.late])).toEqual([[-6000, false]]);

      const sup = of(rows, 'supervision', unit);
      // the 督办 moments that passed more than the grace before R: at least three were missed …
      const missed = [DUE_MS + 1, ...Array.from({ length: 20 }, (_, k) => DUE_MS + 1 + 2000 * (k + 1))].filter(
        (m) => m > killedAt && m < R - GRACE,
      );
      expect(missed.length).toBeGreaterThanOrEqual(3);
      // … and went once: the latest, late, at R, with its own 督办单
      const sentOfMissed = sup.filter((r) => r.nominalMs > killedAt && r.nominalMs < R - GRACE);
      expect(sentOfMissed.map((r) => [r.nominalMs, r.late, r.atMs])).toEqual([[missed[missed.length - 1], true, R]]);
      // what came since goes as planned, at its own moment
      for (const r of sup.filter((x) => x.nominalMs >= R - GRACE))
        expect([r.late, r.atMs]).toEqual([false, r.nominalMs]);
      // one slip per 督办 that went out, none for the moments collapsed away
      expect(sup.every((r) => r.slip !== null)).toBe(true);
    }
    const allSup = rows.filter((r) => r.kind === 'supervision');
    expect(new Set(allSup.map((r) => r.slip)).size).toBe(allSup.length);
    expect(
      await db.prisma.supervisionSlip.count({ where: { assignment: { task: { plan: { slug: planSlug } } } } }),
    ).toBe(allSup.length);

    // the lead's chase: the reminder on time; the escalation (13 s, while down) once, late, at R
    expect(of(rows, 'ack_reminder', '市市场监管局').map((r) => r.late)).toEqual([false]);
    expect(of(rows, 'ack_escalation', '市市场监管局').map((r) => [r.nominalMs < restartedAt, r.late, r.atMs])).toEqual([
      [true, true, R],
    ]);
    // the unit that acknowledged is not chased; the implicit unit gets nothing (notifyRoles)
    expect(rows.filter((r) => r.unit === '市工信局' && r.kind.startsWith('ack_'))).toEqual([]);
    expect(rows.filter((r) => r.unit === '东湖区人民政府')).toEqual([]);
    // the deadline passing while down is recorded when the workflow is back
    for (const unit of ['市市场监管局', '市工信局'])
      expect(
        (
          await db.prisma.assignment.findFirstOrThrow({
            where: { task: { plan: { slug: planSlug } }, unit: { name: unit } },
          })
        ).overdue,
      ).toBe(true);
  }, 60_000);
});

describe('a reassign activity run twice (its worker died after the commit, before reporting)', () => {
  it('hands the workflow the new assignment again, when the unit was named by an alias too', async () => {
    const planSlug = `${base}e`;
    await seed(planSlug, [{ number: 1, kind: 'deadline' }]);
    const target = await db.prisma.unit.findUniqueOrThrow({ where: { name: '市商务局' } });
    await db.prisma.unitAlias.create({ data: { alias: '南昌市商务局', unitId: target.id } });
    const [input] = await lifecycleInputs(db.prisma, { planSlug, zone: ZONE, policy: secondsPolicy() });
    const before = input!.assignments.find((a) => a.unit === '市工信局')!;
    const li = { type: 'reassign' as const, toUnit: '南昌市商务局', reason: '职能调整' };
    const d = decide(before, 'deadline', li, Date.now());
    if (!d.ok) throw new Error(d.reason);
    const acts = createLifecycleActivities({
      db: db.prisma,
      notifications: createOutboxNotificationPort(db.prisma),
      logger: silentLogger,
      zone: ZONE,
    });
    const args = {
      task: input!.task,
      transitionId: 'run-x/0',
      actor: 'office:test',
      action: d.action,
      input: li,
      before,
      after: d.next,
      at: new Date().toISOString(),
    };
    const first = await acts.recordTransition(args);
    const again = await acts.recordTransition(args);
    expect(first.created).toMatchObject({ unit: '市商务局', state: 'ASSIGNED', role: 'CO' });
    expect(again.created).toEqual(first.created);
    // written once: one new assignment, one creation event carrying the instant notices count from
    expect(await db.prisma.assignment.count({ where: { unitId: target.id, task: { plan: { slug: planSlug } } } })).toBe(
      1,
    );
    const created = await db.prisma.auditEvent.findMany({
      where: { action: 'assignment.created', assignmentId: first.created!.assignmentId },
    });
    expect(created.map((e) => (e.data as { assignedAt?: string }).assignedAt)).toEqual([args.at]);
  });
});
