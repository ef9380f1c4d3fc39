/**
 * Recurring tasks on a real Temporal dev server and PostgreSQL: a 每月 task (Task.cadence month)
 * started through `supervise start` carries its cadence in the lifecycle input and the workflow
 * plans its report reminders, due moments and 催办 at the cadence's period (kinds.standing.cadences,
 * compressed into seconds), delivering them through the port at those moments; a 每年 task plans
 * no period reports, only its cycle's summary; a plain standing task plans as before. The history
 * of the monthly run is kept as a fixture (it holds the `task-cadence` marker) and replays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { silentLogger } from '../../infra/logger';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { stopSupervision, taskWorkflowId } from '../../app/supervise';
import { stateQuery, upcomingQuery } from '../../workflows/task-lifecycle';
import { secondsPolicy } from '../../domain/policy/testing';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startSimulatedSupervision } from '../../app/supervise/testing';
import { outboxOf, seedPlan, until } from './support/fixture';
import { startTestWorker, temporalServer, workflowBundle, type TemporalServer, type TestWorker } from './temporal-env';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');
const History = temporal.api.history.v1.History;
const ZONE = 'Asia/Shanghai';
const taskQueue = `cadence-test-${process.pid}-${Date.now()}`;
const slug = `cad${Date.now().toString(36)}`;
// months of 4 s due 1 s after they end; quarters (the standing reports) of 20 s due 5 s after
const policy = secondsPolicy({ monthEvery: 4, monthDueAfter: 1, reportReminder: 1, cycle: 600, summaryBeforeEnd: 10 });

let db: TestDatabase;
let server: TemporalServer;
let worker: TestWorker;
let client: Client;

beforeAll(async () => {
  [db, server] = await Promise.all([createTestDatabase(), temporalServer(), workflowBundle()]);
  await seedPlan(db.prisma, slug, [
    { number: 1, kind: 'standing' },
    { number: 2, kind: 'standing' },
    { number: 3, kind: 'standing' },
  ]);
  const plan = await db.prisma.plan.findUniqueOrThrow({ where: { slug } });
  await db.prisma.task.update({
    where: { planId_number: { planId: plan.id, number: 1 } },
    data: { cadence: 'month', deadlinePhrase: '每月' },
  });
  await db.prisma.task.update({
    where: { planId_number: { planId: plan.id, number: 2 } },
    data: { cadence: 'year', deadlinePhrase: '每年' },
  });
  worker = await startTestWorker({
    server,
    taskQueue,
    activities: createLifecycleActivities({
      db: db.prisma,
      notifications: createOutboxNotificationPort(db.prisma),
      logger: silentLogger,
      zone: ZONE,
    }),
  });
  client = worker.client;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await server?.stop();
}, 30_000);

it('a 每月 task reports every month, a 每年 task only its summary, a plain standing task as before', async () => {
  const t0 = Date.parse('2026-03-02T10:00:00+08:00');
  await startSimulatedSupervision(
    { db: db.prisma, client, taskQueue },
    { planSlug: slug, zone: ZONE, policy, clock: { startAtMs: t0, speed: 1 } },
  );
  const handle = (n: number) => client.workflow.getHandle(taskWorkflowId(slug, n));
  expect((await handle(1).query(stateQuery)).task.cadence).toBe('month');
  expect((await handle(3).query(stateQuery)).task).not.toHaveProperty('cadence');

  const reports = async (n: number) =>
    (await handle(n).query(upcomingQuery, { limit: 200 }))
      .filter((x) => x.unit === '市市场监管局' && x.kind.startsWith('report_'))
      .map((x) => [x.kind, x.period, (Date.parse(x.at) - t0) / 1000]);
  // 每月: P1 [0, 4) due at 5 s: reminder at 4, 催办 at 6, 8, 10; P2 due at 9 …
  expect((await reports(1)).slice(0, 6)).toEqual([
    ['report_reminder', 'P1', 4],
    ['report_chase', 'P1', 6],
    ['report_reminder', 'P2', 8],
    ['report_chase', 'P1', 8],
    ['report_chase', 'P1', 10],
    ['report_chase', 'P2', 10],
  ]);
  // 每年: no period reports, the cycle summary only (its cycle's summary due 10 s before the 600 s cycle ends)
  expect(new Set((await reports(2)).map(([, p]) => p))).toEqual(new Set([expect.stringMatching(/^C\d+$/)]));
  // plain 长期: the standing reports of 20 s periods, due 5 s after
  expect((await reports(3))[0]).toEqual(['report_reminder', 'P1', 24]);

  // delivered through the port at the cadence's moments
  await until(
    'the first 催办 of P1',
    () => outboxOf(db.prisma, slug),
    (rows) => rows.some((r) => r.kind === 'report_chase' && r.unit === '市市场监管局'),
  );
  const sent = (await outboxOf(db.prisma, slug)).filter(
    (r) => r.unit === '市市场监管局' && r.kind.startsWith('report_'),
  );
  expect(sent.map((r) => [r.kind, Math.round((r.nominalMs - t0) / 1000)]).slice(0, 2)).toEqual([
    ['report_reminder', 4],
    ['report_chase', 6],
  ]);
  await stopSupervision({ db: db.prisma, client }, { planSlug: slug });

  const recorded = path.join(HISTORIES, 'task-lifecycle-cadence.json');
  const history = await handle(1).fetchHistory();
  const markers = (history.events ?? [])
    .flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}))
    .flatMap((p) => p.payloads ?? [])
    .map((p) => Buffer.from(p.data!).toString());
  expect(markers).toContain('{"id":"task-cadence","deprecated":false}');
  if (!fs.existsSync(recorded))
    fs.writeFileSync(
      recorded,
      JSON.stringify(
        History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }),
        null,
        1,
      ),
    );
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [
    { workflowId: 'cadence', history: History.fromObject(JSON.parse(fs.readFileSync(recorded, 'utf8'))) },
  ]))
    results.push(r.error?.message ?? null);
  expect(results).toEqual([null]);
}, 60_000);
