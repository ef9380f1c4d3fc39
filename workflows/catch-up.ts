/**
 * Catch-up at `supervise start` (docs/product.md#catch-up): one consolidated overdue notice per unit
 * and one summary to the Office, instead of the burst of historical reminders, and one 督办单 per
 * overdue assignment they cover (docs/product.md#escalation), cited by both notices.
 * `supervise start` plans it across every task of the plan (domain/policy planCatchUp) and starts
 * this workflow under a fixed id (`dubang-<plan>-catchup`), so it runs once per plan whatever the
 * number of starts; slips carry a dedupe key per assignment and notices a deterministic key, so a
 * retried activity or a second run issues and submits nothing twice either.
 */
import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../contracts/errors';
import type { CatchUpInput, CatchUpResult, LifecycleActivities } from '../contracts/workflows';

const delivery = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

export async function supervisionCatchUp(input: CatchUpInput): Promise<CatchUpResult> {
  // One activity issues the 督办单 (once each, by dedupe key, numbered consecutively) and submits
  // the notices citing them (once each, by key): the commands are the same as before slips existed.
  const out = await delivery.submitPlanNotices(input);
  const slips = new Set(out.flatMap((d) => d.slips ?? []));
  return {
    submitted: out.filter((d) => d.created).length,
    alreadyThere: out.filter((d) => !d.created).length,
    slips: slips.size,
  };
}
