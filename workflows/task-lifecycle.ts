/**
 * One lifecycle per task (the design card: "each task's lifecycle"). The workflow holds the state
 * of every assignment of its task (listed and implicit units) and:
 *
 * - sleeps until the next planned notice — `condition(() => replan, untilNext)`, the updatable
 *   timer: any accepted input sets `replan`, which wakes the loop and restarts the wait against a
 *   fresh plan (an approved extension re-times everything; a closed assignment drops its notices);
 * - when a moment comes, hands every notice due by then to one activity that issues the slip (if
 *   any) and submits the notice through the notification port, idempotent by notice key;
 * - accepts inputs as updates whose validators refuse, with the reason, what the state does not
 *   allow (domain/lifecycle.ts); an accepted input is written (row + audit event, one transaction)
 *   by an activity before the workflow's own state changes;
 * - Continues-As-New at each yearly cycle of a standing task and whenever the history grows large.
 *
 * This file is the Temporal wiring: the activity proxies, the query and update definitions, the
 * handlers (thin: each calls one method of the run's LifecycleMachine, workflows/lifecycle-machine.ts,
 * which holds the state and its transitions) and the main loop.
 *
 * Deterministic: time is workflow time (`Date.now()` here is replay-safe), activities are proxied
 * as types, and no Node API is used.
 */
import {
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { LifecycleInputType } from '../domain/lifecycle';
import type { PlannedNotice } from '../domain/notices';
import { NON_RETRYABLE_ERROR_TYPES } from '../contracts/errors';
import { LifecycleMachine } from './lifecycle-machine';
import {
  LIFECYCLE_QUERY,
  type InputArgs,
  type InputResult,
  type LifecycleActivities,
  type LifecycleState,
  type TaskLifecycleInput,
} from '../contracts/workflows';

// One proxy per retry policy (docs/engineering.md habit 2). Database writes retry with backoff for a
// long time (PostgreSQL restarting must not lose a transition); refusals never retry.
const writes = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});
// Delivering a batch of notices (a quarter-end storm can be dozens per task) gets more time.
const delivery = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/** Query: the task's state now. */
export const stateQuery = defineQuery<LifecycleState>(LIFECYCLE_QUERY.state);
/** Query: the notices still to come, in order (default the next 50). */
export const upcomingQuery = defineQuery<PlannedNotice[], [{ limit?: number }?]>(LIFECYCLE_QUERY.upcoming);

export const acknowledgeUpdate = defineUpdate<InputResult, [InputArgs<'acknowledge'>]>('acknowledge');
export const submitReportUpdate = defineUpdate<InputResult, [InputArgs<'submitReport'>]>('submitReport');
export const requestCompletionUpdate = defineUpdate<InputResult, [InputArgs<'requestCompletion'>]>('requestCompletion');
export const approveCompletionUpdate = defineUpdate<InputResult, [InputArgs<'approveCompletion'>]>('approveCompletion');
export const rejectCompletionUpdate = defineUpdate<InputResult, [InputArgs<'rejectCompletion'>]>('rejectCompletion');
export const requestExtensionUpdate = defineUpdate<InputResult, [InputArgs<'requestExtension'>]>('requestExtension');
export const approveExtensionUpdate = defineUpdate<InputResult, [InputArgs<'approveExtension'>]>('approveExtension');
export const rejectExtensionUpdate = defineUpdate<InputResult, [InputArgs<'rejectExtension'>]>('rejectExtension');
export const reassignUpdate = defineUpdate<InputResult, [InputArgs<'reassign'>]>('reassign');
export const cancelUpdate = defineUpdate<InputResult, [InputArgs<'cancel'>]>('cancel');

/** Update definitions by input type (the client and the CLI look them up here). */
export const inputUpdates = {
  acknowledge: acknowledgeUpdate,
  submitReport: submitReportUpdate,
  requestCompletion: requestCompletionUpdate,
  approveCompletion: approveCompletionUpdate,
  rejectCompletion: rejectCompletionUpdate,
  requestExtension: requestExtensionUpdate,
  approveExtension: approveExtensionUpdate,
  rejectExtension: rejectExtensionUpdate,
  reassign: reassignUpdate,
  cancel: cancelUpdate,
} as const;

/** History length after which a run hands over to a fresh one (well under Temporal's 50k limit). */
const HISTORY_LIMIT = 8_000;

export async function taskLifecycle(input: TaskLifecycleInput): Promise<{ closed: boolean; runs: number }> {
  const m = new LifecycleMachine(input, { writes, delivery });

  setHandler(stateQuery, () => m.state());
  setHandler(upcomingQuery, (opts) => m.upcoming(opts?.limit));
  for (const type of Object.keys(inputUpdates) as LifecycleInputType[]) {
    type Update = ReturnType<typeof defineUpdate<InputResult, [InputArgs<typeof type>]>>;
    setHandler(inputUpdates[type] as Update, (args: InputArgs<typeof type>) => m.apply(type, args), {
      validator: (args: InputArgs<typeof type>) => m.validate(type, args),
    });
  }

  for (;;) {
    await m.pass();

    if (m.allClosed()) {
      await condition(allHandlersFinished);
      return { closed: true, runs: m.run + 1 };
    }

    const now = m.now();
    if (m.cycleChanged(now) || workflowInfo().historyLength > HISTORY_LIMIT || workflowInfo().continueAsNewSuggested) {
      // Let in-flight inputs finish so none is lost across the hand-over.
      await condition(() => allHandlersFinished() && m.idle());
      return continueAsNew<typeof taskLifecycle>(m.nextRunInput(now));
    }

    // What came due while that pass ran (a long delivery, a worker's first replay after a restart)
    // goes now: waiting for the next planned moment would hold it until then and count it missed.
    if (m.dueMeanwhile(now) && patched('due-during-pass')) continue;

    // Sleep until the next planned moment; an accepted input wakes the loop to plan again.
    const wait = m.armWake(now);
    if (wait === null) await condition(() => m.replanRequested());
    else await condition(() => m.replanRequested(), wait);
  }
}
