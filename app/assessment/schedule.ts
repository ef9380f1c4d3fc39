/**
 * The Temporal Schedule of the annual assessment: `dubang-annual-assessment` starts the
 * `annualAssessment` workflow at the cron of config/assessment.json (`0 9 20 12 *`, 09:00 on
 * 20 December) in its zone (Asia/Shanghai).
 *
 * Catch-up window: short on purpose (default 1 day, docs/reliability.md row 11). A Temporal server down
 * across 20 Dec 09:00 still runs the assessment when it is back the same or the next day; one down
 * longer skips that year's run instead of mailing a stale ranking weeks later (run it by hand:
 * `dubang assess --year <y> --email`, or `dubang assess schedule --trigger`). Overlap SKIP: a run
 * still going when the next one falls due (a year later) is not doubled.
 *
 * `ensureAssessmentSchedule` creates the schedule or brings an existing one in line with the config,
 * so `npm run up` can call it every time.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { AssessmentConfig } from '../../config/assessment';
import { ANNUAL_ASSESSMENT_WORKFLOW, type AnnualAssessmentInput } from '../../contracts/assessment';
import { ErrorCodes, DubangError } from '../../contracts/errors';

/** The schedule's id (one per Temporal namespace). */
export const ASSESSMENT_SCHEDULE_ID = 'dubang-annual-assessment';

export interface AssessmentScheduleConfig {
  /** the Temporal worker's task queue (config temporal.taskQueue) */
  taskQueue: string;
  /** config/assessment.json `schedule` */
  schedule: AssessmentConfig['schedule'];
  /** default ASSESSMENT_SCHEDULE_ID (tests use their own) */
  scheduleId?: string;
}

/** The schedule as the CLI shows it. */
export interface AssessmentScheduleView {
  scheduleId: string;
  /** the cron it was configured with (kept in the schedule's note; the server stores calendars) */
  cron: string | null;
  timezone: string | null;
  /** catch-up window, ms */
  catchupWindowMs: number;
  overlap: string;
  paused: boolean;
  workflowType: string;
  taskQueue: string;
  /** the next times it fires (ISO) */
  nextRuns: string[];
  /** recent runs, oldest first: nominal time, start time, workflow id */
  recentRuns: { scheduledAt: string; takenAt: string; workflowId: string; runId: string }[];
  /** runs the catch-up window let go (the server was down too long) */
  missedCatchupWindow: number;
}

const NOTE_PREFIX = '年度考核 cron=';

function note(s: AssessmentConfig['schedule']): string {
  return `${NOTE_PREFIX}${s.cron}; timezone=${s.timezone}; catchupWindow=${s.catchupWindow}`;
}

/** Thrown for a schedule setting Temporal would not take; names the config key. */
export class AssessmentScheduleError extends DubangError {
  static override readonly code = ErrorCodes.AssessmentScheduleError;
}

/** `1 day`, `12h`, `30m` → ms (the `ms` format Temporal uses); the server's minimum is 10 s. */
export function catchupMs(text: string): number {
  let v: number;
  try {
    v = msToNumber(text as Duration);
  } catch {
    throw new AssessmentScheduleError(
      `config/assessment.json schedule.catchupWindow「${text}」不是有效时长，应如 "1 day"、"12h"`,
    );
  }
  if (v < 10_000)
    throw new AssessmentScheduleError(
      `config/assessment.json schedule.catchupWindow「${text}」过短：Temporal 要求至少 10 秒`,
    );
  return v;
}

function options(cfg: AssessmentScheduleConfig, scheduleId: string): ScheduleOptions {
  const input: AnnualAssessmentInput = { zone: cfg.schedule.timezone };
  return {
    scheduleId,
    spec: { cronExpressions: [cfg.schedule.cron], timezone: cfg.schedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: ANNUAL_ASSESSMENT_WORKFLOW,
      // the year and as-of come from the run's scheduled time (workflows/assessment.ts)
      args: [input],
      taskQueue: cfg.taskQueue,
      // the server appends the scheduled time: dubang-annual-assessment-2025-12-20T01:00:00Z
      workflowId: scheduleId,
      // a run that cannot finish in a day (the database gone for good) stops, visibly, instead of blocking next year's
      workflowExecutionTimeout: '1 day',
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: catchupMs(cfg.schedule.catchupWindow),
      pauseOnFailure: false,
    },
    memo: { purpose: 'annual assessment rollup (年度考核)' },
    state: { note: note(cfg.schedule) },
  };
}

/**
 * Creates the schedule, or updates an existing one to the configuration (cron, zone, catch-up
 * window, task queue) keeping its paused state. Idempotent.
 */
export async function ensureAssessmentSchedule(
  client: Client,
  cfg: AssessmentScheduleConfig,
): Promise<{ scheduleId: string; action: 'created' | 'updated' }> {
  const scheduleId = cfg.scheduleId ?? ASSESSMENT_SCHEDULE_ID;
  const o = options(cfg, scheduleId);
  try {
    await client.schedule.create(o);
    return { scheduleId, action: 'created' };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err; // the SDK's instanceof is realm-safe
  }
  await client.schedule.getHandle(scheduleId).update((prev) => ({
    spec: o.spec,
    action: o.action,
    policies: o.policies,
    state: { paused: prev.state.paused, note: note(cfg.schedule) },
  }));
  return { scheduleId, action: 'updated' };
}

function view(scheduleId: string, d: ScheduleDescription): AssessmentScheduleView {
  const n = d.state.note ?? '';
  const cron = n.startsWith(NOTE_PREFIX) ? n.slice(NOTE_PREFIX.length).split(';')[0]!.trim() : null;
  return {
    scheduleId,
    cron,
    timezone: d.spec.timezone ?? null,
    catchupWindowMs: d.policies.catchupWindow,
    overlap: String(d.policies.overlap),
    paused: d.state.paused,
    workflowType: d.action.workflowType,
    taskQueue: d.action.taskQueue ?? '',
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    })),
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
  };
}

/** The schedule as it is on the server, or null when it does not exist. */
export async function describeAssessmentSchedule(
  client: Client,
  scheduleId = ASSESSMENT_SCHEDULE_ID,
): Promise<AssessmentScheduleView | null> {
  try {
    return view(scheduleId, await client.schedule.getHandle(scheduleId).describe());
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null; // the SDK's instanceof is realm-safe
    throw err;
  }
}

/**
 * Runs the schedule's action now (the assessment of the current year, as of now) and waits up to
 * `waitMs` for the run to appear; returns it, or null if it did not start in time (e.g. skipped
 * because a run is still going: overlap SKIP).
 */
export async function triggerAssessmentSchedule(
  client: Client,
  scheduleId = ASSESSMENT_SCHEDULE_ID,
  waitMs = 5000,
): Promise<AssessmentScheduleView['recentRuns'][number] | null> {
  const h = client.schedule.getHandle(scheduleId);
  const before = new Set((await h.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
  await h.trigger();
  const end = Date.now() + waitMs;
  for (;;) {
    const v = view(scheduleId, await h.describe());
    const run = v.recentRuns.find((r) => !before.has(r.workflowId));
    if (run) return run;
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 200));
  }
}
