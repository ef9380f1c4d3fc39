/**
 * A plan's catch-up (the 督办单 and notices for what is already overdue when supervision starts):
 * its orders for the notification port, its counts, and its one start.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { SlipColour } from '../../domain/model';
import { catchUpUnitScope, noticeKey, slipRequests } from '../../domain/notices';
import type { CatchUpPlan } from '../../domain/policy';
import { SUPERVISION_CATCH_UP_WORKFLOW, type CatchUpInput, type NoticeOrder } from '../../contracts/workflows';
import { catchUpWorkflowId, type CatchUpCounts, type StartResult } from './options';

/** The catch-up of a plan as orders for the notification port (keys from plan, unit and moment). */
export function catchUpOrders(
  planSlug: string,
  cu: CatchUpPlan,
  unitIds: Map<string, string>,
  taskTexts: Map<number, string> = new Map(),
): NoticeOrder[] {
  return cu.notices.map((n) => {
    const scope =
      n.kind === 'catchup_unit'
        ? catchUpUnitScope(planSlug, unitIds.get(n.unit ?? '') ?? 'unit')
        : `${planSlug}-catchup`;
    // Each item names its task's text, so the unit sees what is overdue without looking it up.
    const items = n.items?.map((it) => (taskTexts.has(it.task) ? { ...it, text: taskTexts.get(it.task)! } : it));
    return {
      key: noticeKey(scope, n.kind, Date.parse(n.nominalAt)),
      assignmentId: null,
      scope,
      notice: items ? { ...n, items } : n,
    };
  });
}

/** Counts a catch-up's overdue items (one per task and unit) and the slips it issues. */
export function catchUpCounts(
  items: readonly { task: number; unit: string }[],
  slips: readonly { colour: SlipColour }[],
): CatchUpCounts {
  const slipColours: Record<SlipColour, number> = { RED: 0, ORANGE: 0, BLUE: 0 };
  for (const s of slips) slipColours[s.colour] += 1;
  return {
    units: new Set(items.map((i) => i.unit)).size,
    tasks: new Set(items.map((i) => i.task)).size,
    slips: slips.length,
    slipColours,
  };
}

/**
 * The counts of a planned catch-up, from its orders: the items its unit notices list, and the slips
 * its activity issues for them (domain/notices/catch-up-slips.ts `slipRequests`, the rule the activity applies).
 */
export function catchUpOrderCounts(orders: readonly NoticeOrder[]): CatchUpCounts {
  const items = orders
    .filter((o) => o.notice.kind === 'catchup_unit')
    .flatMap((o) => (o.notice.items ?? []).map((i) => ({ task: i.task, unit: i.unit })));
  return catchUpCounts(items, slipRequests([...orders]));
}

/** Starts the plan's catch-up once: its id is fixed and never reused, so a second start finds it and does nothing. */
export async function startCatchUp(
  deps: { client: Client; taskQueue: string },
  planSlug: string,
  input: CatchUpInput | null,
): Promise<StartResult['catchUp']> {
  const workflowId = catchUpWorkflowId(planSlug);
  if (!input) return { workflowId, status: 'none', notices: 0, ...catchUpCounts([], []) };
  const counts = catchUpOrderCounts(input.orders);
  try {
    await deps.client.workflow.start(SUPERVISION_CATCH_UP_WORKFLOW, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { plan: planSlug },
    });
    return { workflowId, status: 'started', notices: input.orders.length, ...counts };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { workflowId, status: 'already', notices: input.orders.length, ...counts };
    throw err;
  }
}
