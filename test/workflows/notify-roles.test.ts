/**
 * `supervise start --notify-roles`: the roles chosen for a plan are frozen into its workflows'
 * input and stored on the plan, so a later start without the option (here with the shipped policy,
 * whose notifyRoles include IMPLICIT) keeps them; changing them while a lifecycle runs is refused
 * with what to do; after a stop the new choice starts the lifecycles again. The real plan, a real
 * Temporal dev server, the lifecycle and catch-up workflows.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { currentDirectory, importPlan, loadPlan } from '../../app/plan-import';
import { stopSupervision, taskWorkflowId } from '../../app/supervise';
import { startSimulatedSupervision } from '../../app/supervise/testing';
import type { TaskLifecycleInput } from '../../contracts/workflows';
import { readDirectoryFile } from '../../app/units-file';
import { silentLogger } from '../../infra/logger';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';
import { startTestWorker, temporalServer, workflowBundle, type TemporalServer, type TestWorker } from './temporal-env';

const ZONE = 'Asia/Shanghai';
// a slug of its own: workflow ids (and the catch-up's) are per slug, and other suites supervise the real plan on the same server
const REAL = `roles-${Date.now().toString(36)}`;
const taskQueue = `notify-roles-${process.pid}-${Date.now().toString(36)}`;
const cfg = loadConfig();
const holidayOverride = readHolidayOverride(cfg.holidaysOverrideFile);
const START = Date.parse('2026-11-26T10:00:00+08:00');

let db: TestDatabase;
let server: TemporalServer;
let worker: TestWorker;
let client: Client;

beforeAll(async () => {
  [db, server] = await Promise.all([createTestDatabase(), temporalServer(), workflowBundle()]);
  const loaded = await loadPlan(REAL_PLAN, cfg, await currentDirectory(cfg, db.prisma));
  await importPlan(db.prisma, loaded, { slug: REAL, actor: 'test', seedDirectory: readDirectoryFile(cfg.unitsFile) });
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
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await server?.stop();
}, 30_000);

const start = (tasks: number[], notifyRoles?: ('LEAD' | 'CO' | 'IMPLICIT')[]) =>
  startSimulatedSupervision(
    { db: db.prisma, client, taskQueue },
    {
      planSlug: REAL,
      zone: ZONE,
      policy: cfg.policy,
      holidayOverride,
      tasks,
      ...(notifyRoles ? { notifyRoles } : {}),
      clock: { startAtMs: START, speed: 1 },
    },
  );

/** The notifyRoles frozen into the latest run of a task's lifecycle (its start event's input). */
async function frozenRoles(task: number): Promise<string[]> {
  const history = await client.workflow.getHandle(taskWorkflowId(REAL, task)).fetchHistory();
  const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
  const input = defaultPayloadConverter.fromPayload<TaskLifecycleInput>(started.input!.payloads![0]!);
  return (input.policy as { notifyRoles: string[] }).notifyRoles;
}

const storedRoles = async () => (await db.prisma.plan.findUniqueOrThrow({ where: { slug: REAL } })).notifyRoles;

it('the shipped policy notifies the rule-bound units; nothing is stored on a plan that chose nothing', async () => {
  expect(cfg.policy.notifyRoles).toEqual(['LEAD', 'CO', 'IMPLICIT']);
  expect(await storedRoles()).toEqual([]);
});

it('--notify-roles LEAD,CO is frozen into the workflow, stored on the plan and audited', async () => {
  const r = await start([1], ['CO', 'LEAD']);
  expect(r).toMatchObject({
    notifyRoles: ['LEAD', 'CO'],
    notifyRolesFrom: 'option',
    started: [taskWorkflowId(REAL, 1)],
  });
  expect(await frozenRoles(1)).toEqual(['LEAD', 'CO']);
  expect(await storedRoles()).toEqual(['LEAD', 'CO']);
  const events = await db.prisma.auditEvent.findMany({ where: { action: 'plan.notify_roles' } });
  expect(events.map((e) => e.data)).toEqual([{ before: ['LEAD', 'CO', 'IMPLICIT'], after: ['LEAD', 'CO'] }]);
  // the catch-up was planned under the same roles: the rule-bound units are not in it
  const scheduled = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'supervision.scheduled' } });
  const orders = (scheduled.data as { catchUp: { orders: { notice: { kind: string; unit: string | null } }[] } })
    .catchUp.orders;
  expect(orders.filter((o) => o.notice.kind === 'catchup_unit')).toHaveLength(37);
  expect(r.catchUp).toMatchObject({ status: 'started', slips: 112 });
}, 60_000);

it('a later start without the option keeps the plan’s roles, though the policy file says otherwise', async () => {
  const r = await start([1, 2]);
  expect(r).toMatchObject({
    notifyRoles: ['LEAD', 'CO'],
    notifyRolesFrom: 'plan',
    started: [taskWorkflowId(REAL, 2)],
    alreadyRunning: [taskWorkflowId(REAL, 1)],
  });
  expect(await frozenRoles(2)).toEqual(['LEAD', 'CO']);
  // the same choice again changes nothing and writes no event
  await start([1, 2], ['LEAD', 'CO']);
  expect(await db.prisma.auditEvent.count({ where: { action: 'plan.notify_roles' } })).toBe(1);
}, 60_000);

it('refuses other roles while lifecycles run with these, saying to stop first; after a stop they start with the new ones', async () => {
  await expect(start([1, 2], ['LEAD', 'CO', 'IMPLICIT'])).rejects.toThrow(
    `方案「${REAL}」已在督办中，通知角色为 LEAD,CO；运行中的任务按启动时的角色通知，不能改为 LEAD,CO,IMPLICIT。请先 dubang supervise stop ${REAL}，再用 --notify-roles LEAD,CO,IMPLICIT 启动`,
  );
  expect(await storedRoles()).toEqual(['LEAD', 'CO']);

  const stopped = await stopSupervision({ db: db.prisma, client }, { planSlug: REAL });
  expect(stopped.stopped.sort()).toEqual([taskWorkflowId(REAL, 1), taskWorkflowId(REAL, 2)].sort());
  for (const id of stopped.stopped)
    await client.workflow
      .getHandle(id)
      .result()
      .catch(() => undefined);

  const r = await start([1, 2], ['LEAD', 'CO', 'IMPLICIT']);
  expect(r).toMatchObject({ notifyRoles: ['LEAD', 'CO', 'IMPLICIT'], notifyRolesFrom: 'option' });
  expect(r.started.sort()).toEqual([taskWorkflowId(REAL, 1), taskWorkflowId(REAL, 2)].sort());
  expect(await frozenRoles(1)).toEqual(['LEAD', 'CO', 'IMPLICIT']);
  expect(await storedRoles()).toEqual(['LEAD', 'CO', 'IMPLICIT']);
  // the catch-up ran once, at the first start, and is not planned again
  expect(r.catchUp.status).toBe('already');
}, 90_000);
