/**
 * `supervise start`: one lifecycle workflow per task of an imported plan, idempotent (the workflow
 * id is derived from plan and task). The schedule and the catch-up are recorded first
 * (schedule.ts), then every lifecycle not already running starts, `START_CONCURRENCY` at a time.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PrismaClient } from '../../generated/prisma/client';
import { isPolicy } from '../../domain/policy';
import { TASK_LIFECYCLE_WORKFLOW, type TaskLifecycleInput } from '../../contracts/workflows';
import { audit } from '../audit';
import { canonicalRoles, effectiveNotifyRoles, sameRoles } from '../notify-roles';
import { unreachableMessage, unreachableUnits } from '../contacts-check';
import { startCatchUp } from './catch-up';
import { isRunning } from './control';
import { lifecycleInputs } from './inputs';
import { scheduleInputs } from './schedule';
import { SuperviseError, taskWorkflowId, type StartResult, type SupervisionOptions } from './options';

/** Options of a start: what supervision runs under, and a progress callback (the CLI's counter). */
export type StartOptions = SupervisionOptions & { onProgress?: (done: number, total: number) => void };

/** Who a start talks to. */
export interface StartDeps {
  db: PrismaClient;
  client: Client;
  taskQueue: string;
}

/**
 * Starts the lifecycle of every task of the plan that is not already running. Running it again
 * starts nothing new; a stopped or finished lifecycle is started again from the stored state.
 */
export function startSupervision(deps: StartDeps, opts: StartOptions): Promise<StartResult> {
  return startLifecycles(deps, opts, (input) => input);
}

/**
 * startSupervision, each lifecycle's input passed through `extend` as it starts. Not exported by
 * the index: its one other caller is the test-only entry point (testing.ts), which adds simulated
 * business time; production inputs carry nothing of it.
 */
export async function startLifecycles(
  deps: StartDeps,
  opts: StartOptions,
  extend: (input: TaskLifecycleInput) => TaskLifecycleInput,
): Promise<StartResult> {
  const unreachable = await unreachableUnits(deps.db, opts);
  if (unreachable.length) throw new SuperviseError(unreachableMessage(unreachable));
  const roles = await planNotifyRoles(deps, opts);
  opts = { ...opts, policy: roles.policy };
  // The schedule (and catch-up) covers the whole plan even when only some tasks start now.
  const all = await lifecycleInputs(deps.db, { ...opts, tasks: undefined });
  const cuInput = await scheduleInputs(deps.db, all, opts);
  const inputs = opts.tasks ? all.filter((i) => opts.tasks!.includes(i.task.number)) : all;
  const catchUp = await startCatchUp(deps, opts.planSlug, cuInput);
  const started: string[] = [];
  const alreadyRunning: string[] = [];
  let done = 0;
  const outcomes = await inParallel(inputs, START_CONCURRENCY, async (input) => {
    const outcome = await startLifecycle(deps, opts.planSlug, extend(input));
    opts.onProgress?.(++done, inputs.length);
    return outcome;
  });
  outcomes.forEach((o, k) =>
    (o === 'started' ? started : alreadyRunning).push(taskWorkflowId(opts.planSlug, inputs[k]!.task.number)),
  );
  return {
    plan: opts.planSlug,
    notifyRoles: roles.policy && isPolicy(roles.policy) ? roles.policy.notifyRoles : [],
    notifyRolesFrom: roles.from,
    started,
    alreadyRunning,
    catchUp,
  };
}

/**
 * The policy this start freezes into the plan's workflows: the given one with the plan's
 * notifyRoles (app/notify-roles.ts). A choice made now is stored on the plan first (audited); it is
 * refused while any lifecycle of the plan runs with other roles, since a running lifecycle keeps
 * the policy it started with (stop the plan, then start it with the new roles).
 */
async function planNotifyRoles(
  deps: { db: PrismaClient; client: Client },
  opts: SupervisionOptions,
): Promise<{ policy: SupervisionOptions['policy']; from: StartResult['notifyRolesFrom'] }> {
  if (!isPolicy(opts.policy)) return { policy: opts.policy, from: 'none' };
  const plan = await deps.db.plan.findUnique({
    where: { slug: opts.planSlug },
    select: { id: true, notifyRoles: true, tasks: { where: { cancelledAt: null }, select: { number: true } } },
  });
  if (!plan) throw new SuperviseError(`没有名为「${opts.planSlug}」的已导入方案；请先运行 dubang plan import <文件>`);
  const before = effectiveNotifyRoles(plan.notifyRoles, opts.policy);
  if (!opts.notifyRoles) {
    const from = plan.notifyRoles.length ? 'plan' : 'policy';
    return { policy: { ...opts.policy, notifyRoles: before }, from };
  }
  const chosen = canonicalRoles(opts.notifyRoles);
  if (!chosen.length) throw new SuperviseError('通知角色不能为空：应为 LEAD、CO、IMPLICIT 中的一个或几个');
  if (!sameRoles(chosen, before)) {
    for (const t of plan.tasks) {
      if (await isRunning(deps.client, taskWorkflowId(opts.planSlug, t.number)))
        throw new SuperviseError(
          `方案「${opts.planSlug}」已在督办中，通知角色为 ${before.join(',')}；运行中的任务按启动时的角色通知，不能改为 ${chosen.join(',')}。请先 dubang supervise stop ${opts.planSlug}，再用 --notify-roles ${chosen.join(',')} 启动`,
        );
    }
  }
  if (!sameRoles(chosen, plan.notifyRoles)) {
    await deps.db.$transaction(async (tx) => {
      await tx.plan.update({ where: { id: plan.id }, data: { notifyRoles: chosen } });
      await audit(tx, {
        actor: 'system',
        action: 'plan.notify_roles',
        entityType: 'Plan',
        entityId: plan.id,
        planId: plan.id,
        data: { before, after: chosen },
      });
    });
  }
  return { policy: { ...opts.policy, notifyRoles: chosen }, from: 'option' };
}

/**
 * Workflow starts in flight at once. One start is one RPC that the server answers in a few ms, so
 * a plan's 81 starts one after another left both the client and the server mostly waiting
 * (12–22 starts/s); 32 at once keep the frontend busy without queueing inside the gRPC channel.
 */
const START_CONCURRENCY = 32;

/**
 * Starts a task's lifecycle unless it runs: one RPC. The id is derived from plan and task, and
 * `workflowIdConflictPolicy: 'FAIL'` makes the server refuse a second run while one is open, so
 * a rerun (or another starter racing this one) finds it running and starts nothing; a stopped or
 * finished lifecycle starts again (`ALLOW_DUPLICATE`) from the stored state.
 */
async function startLifecycle(
  deps: { client: Client; taskQueue: string },
  planSlug: string,
  input: TaskLifecycleInput,
): Promise<'started' | 'running'> {
  try {
    await deps.client.workflow.start(TASK_LIFECYCLE_WORKFLOW, {
      workflowId: taskWorkflowId(planSlug, input.task.number),
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { plan: planSlug, task: input.task.number },
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'running'; // realm-safe, as below
    throw err;
  }
}

/**
 * Maps `items` through `fn`, at most `width` at a time, results in the items' order. Kept here
 * rather than a dependency: a dozen lines, and the one bounded pool the app needs.
 */
export async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await fn(items[k]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
