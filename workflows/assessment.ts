/**
 * The annual assessment rollup (年度考核): one activity that scores every unit from stored events,
 * writes the exports and hands the email to the notification pipeline. Started by the Temporal
 * Schedule `dubang-annual-assessment` (20 Dec 09:00 Asia/Shanghai by default, app/assessment/
 * schedule.ts) or on demand.
 *
 * The year defaults to the scheduled time's year in the plan's zone: the schedule fires on 20 Dec,
 * so the assessed year is that year. The as-of instant is fixed here, once, in the workflow's
 * history, and passed to the activity: every retry judges the same moment, computes the same digest
 * and so submits under the same notice key (one email, however often the activity runs).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { DateTime } from 'luxon';
import { NON_RETRYABLE_ERROR_TYPES } from '../contracts/errors';
import {
  ASSESSMENT_ZONE,
  type AnnualAssessmentInput,
  type AnnualAssessmentSummary,
  type AssessmentActivities,
} from '../contracts/assessment';

/** Set by the server on workflows a schedule starts (also for a manual trigger): the nominal time of that action. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

// Loading and scoring a large year takes seconds, writing its XLSX tens of seconds (docs/assessment.md);
// the database may be briefly away: retry with backoff for a while, never on a refused input.
const { runAnnualAssessment } = proxyActivities<AssessmentActivities>({
  startToCloseTimeout: '15m',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    maximumAttempts: 12,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/** Runs the assessment for one year and returns its summary. */
export async function annualAssessment(input: AnnualAssessmentInput = {}): Promise<AnnualAssessmentSummary> {
  // the nominal time rather than the start time: a run started late inside the catch-up window
  // still assesses the year it was meant for
  const at = workflowInfo().typedSearchAttributes.get(SCHEDULED_START)?.getTime() ?? Date.now();
  const year = input.year ?? DateTime.fromMillis(at, { zone: input.zone ?? ASSESSMENT_ZONE }).year;
  const asOf = input.asOf ?? new Date(at).toISOString();
  return runAnnualAssessment({ year, asOf, ...(input.planSlug ? { planSlug: input.planSlug } : {}) });
}
