/**
 * Catch-up at `supervise start` (PRODUCT.md "Catch-up"): one consolidated overdue notice per unit
 * and one summary to the Office, instead of the burst of historical reminders. `supervise start`
 * plans it across every task of the plan (domain/policy planCatchUp) and starts this workflow under
 * a fixed id (`dubang-<plan>-catchup`), so it runs once per plan whatever the number of starts; the
 * notices carry deterministic keys, so a retried activity submits nothing twice either.
 */
import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from './errors';
import type { CatchUpInput, CatchUpResult, LifecycleActivities } from './types';

const delivery = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export async function supervisionCatchUp(input: CatchUpInput): Promise<CatchUpResult> {
  const out = await delivery.submitPlanNotices(input);
  return { submitted: out.filter((d) => d.created).length, alreadyThere: out.filter((d) => !d.created).length };
}
