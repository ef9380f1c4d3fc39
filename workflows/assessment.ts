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

/** Workflow type name, for clients that start it by name. */
export const ANNUAL_ASSESSMENT_WORKFLOW = 'annualAssessment';

/** The zone the assessment year is named in, unless the input says otherwise. */
export const ASSESSMENT_ZONE = 'Asia/Shanghai';

/** Input of the workflow; every field optional (the schedule passes `{}`). */
export interface AnnualAssessmentInput {
  /** the assessment year; default the year of the scheduled (or start) time in `zone` */
  year?: number;
  /** judge as of this instant (ISO with offset) or whole day (YYYY-MM-DD); default the scheduled time, clamped to the year's end */
  asOf?: string;
  /** only this plan (slug); default every plan */
  planSlug?: string;
  /** IANA zone the default year is read in (default Asia/Shanghai) */
  zone?: string;
}

/** Input of the activity: the year is always known here. */
export interface RunAnnualAssessmentInput {
  year: number;
  /** ISO instant with offset, or YYYY-MM-DD (the whole day included); default now */
  asOf?: string;
  planSlug?: string;
}

/** What a run produced, small enough for workflow history. */
export interface AnnualAssessmentSummary {
  year: number;
  /** 2025年度 */
  label: string;
  /** the instant judged at (ISO) */
  asOf: string;
  /** judged before the year's end */
  interim: boolean;
  /** units scored */
  units: number;
  /** units per grade, e.g. { A: 3, B: 10, C: 5, D: 20 } */
  grades: Record<string, number>;
  /** sha256 of the result: equal digests mean identical results */
  digest: string;
  files: { json: string; xlsx: string; summaryCsv: string; deductionsCsv: string; bulletin: string };
  /** the email to the Office and leadership: its key derives from year, digest and as-of */
  notice: { key: string; noticeId: string; created: boolean };
}

/** The activities this workflow calls (activities/assessment.ts implements them). */
export interface AssessmentActivities {
  runAnnualAssessment(input: RunAnnualAssessmentInput): Promise<AnnualAssessmentSummary>;
}

/** Set by the server on workflows a schedule starts (also for a manual trigger): the nominal time of that action. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

// Loading and scoring a large year takes seconds, writing its XLSX tens of seconds (docs/assessment.md);
// the database may be briefly away: retry with backoff for a while, never on a refused input.
const { runAnnualAssessment } = proxyActivities<AssessmentActivities>({
  startToCloseTimeout: '15m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 12, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
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
