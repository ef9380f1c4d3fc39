/**
 * Contract of the annual assessment workflow (workflows/assessment.ts) with its activity
 * (activities/assessment.ts) and its starters (app/assessment/schedule.ts, the CLI): the workflow's
 * type name, its input and result, and the activity it calls. Types and constants only; plain JSON,
 * evolved only by adding optional fields (recorded histories must still decode).
 */

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

/** The activities the assessment workflow calls (activities/assessment.ts implements them). */
export interface AssessmentActivities {
  runAnnualAssessment(input: RunAnnualAssessmentInput): Promise<AnnualAssessmentSummary>;
}
