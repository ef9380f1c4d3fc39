/**
 * Supervision of an imported plan: start one lifecycle workflow per task (idempotent: the workflow
 * id is derived from plan and task), stop them, and report their status. Shared by the CLI, the
 * API and `npm run up`.
 *
 * - options.ts: workflow ids, the options of a start and its result;
 * - inputs.ts: the workflow inputs from the stored tasks and assignments;
 * - schedule.ts: when each assignment came under supervision, and the catch-up at the first start;
 * - catch-up.ts: the catch-up's orders, counts and its one start;
 * - start.ts: `supervise start` (the lifecycles, started in parallel);
 * - control.ts: stop and status;
 * - testing.ts: the test-only start with simulated business time (test/ and bench/ only).
 */
export {
  SCHEDULED_ACTION,
  SuperviseError,
  catchUpWorkflowId,
  taskWorkflowId,
  type CatchUpCounts,
  type StartResult,
  type SupervisionOptions,
} from './options';
export { lifecycleInputs, viewOf } from './inputs';
export { catchUpCounts, catchUpOrderCounts, catchUpOrders } from './catch-up';
export { inParallel, startSupervision, type StartDeps, type StartOptions } from './start';
export { stopSupervision, supervisionStatus, type TaskStatus } from './control';
