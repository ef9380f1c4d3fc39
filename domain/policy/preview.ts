/**
 * The plan preview (`dubang plan preview --as-of`): the whole plan's catch-up and notices as if
 * supervision started at a given moment. Pure; built from the policy engine (plan.ts) and the
 * catch-up (catch-up.ts).
 */
import { toMs, type BusinessCalendar, type Instant } from '../calendar';
import type { AssignmentRole, TaskKind } from '../model';
import type { CatchUpItem, PlannedNotice } from '../notices';
import type { Cadence } from '../deadline';
import type { Policy } from './types';
import { compareNotices, planAssignmentNotices, type PlanAssignment } from './plan';

const DAY_MS = 86_400_000;
import { catchUpSlipColours, planCatchUp, type CatchUpPlan } from './catch-up';

/** What previewPlan needs about each task. */
export interface PreviewTask {
  number: number;
  kind: TaskKind;
  dueAt: string | null;
  cadence?: Cadence | null;
  units: { name: string; role: AssignmentRole }[];
}

export interface PreviewResult {
  /** catch-up notices first (they go at the first opening), then every planned notice in order */
  notices: PlannedNotice[];
  catchUp: CatchUpItem[];
  /** the 督办单 the catch-up issues (planCatchUp `slips`) */
  catchUpSlips: CatchUpPlan['slips'];
  /** years in the window whose holiday schedule is unknown */
  warnings: string[];
}

/**
 * The whole plan as if supervision started at `asOf`: every assignment fresh (assigned at `asOf`,
 * nothing acknowledged or reported), catch-up for what is already overdue, then every notice up to
 * `horizonDays` (default 365) later. Used by `dubang plan preview --as-of`.
 */
export function previewPlan(input: {
  tasks: PreviewTask[];
  policy: Policy;
  calendar: BusinessCalendar;
  asOf: Instant;
  horizonDays?: number;
}): PreviewResult {
  const { policy, calendar: cal } = input;
  const asOfMs = toMs(input.asOf);
  const horizon = asOfMs + (input.horizonDays ?? 365) * DAY_MS;
  const assignedAt = cal.toIso(asOfMs);
  const entries = input.tasks.flatMap((t) =>
    t.units.map((u) => ({
      task: { number: t.number, kind: t.kind, dueAt: t.dueAt, ...(t.cadence ? { cadence: t.cadence } : {}) },
      assignment: {
        unit: u.name,
        role: u.role,
        state: 'ASSIGNED' as const,
        assignedAt,
        dueAt: t.dueAt,
        originalDueAt: t.dueAt,
      } as PlanAssignment,
    })),
  );
  const cu = planCatchUp({ entries, policy, calendar: cal, now: asOfMs });
  const covered = new Set(cu.covered);
  const slips = catchUpSlipColours(cu);
  const planned = entries.flatMap((e) =>
    planAssignmentNotices({
      ...e,
      assignment: covered.has(`${e.task.number}|${e.assignment.unit}`)
        ? { ...e.assignment, catchUpAt: cu.at, catchUpSlip: slips.get(`${e.task.number}|${e.assignment.unit}`) ?? null }
        : e.assignment,
      policy,
      calendar: cal,
      now: asOfMs,
      horizon,
    }),
  );
  return {
    notices: [...cu.notices, ...planned.sort(compareNotices)],
    catchUp: cu.items,
    catchUpSlips: cu.slips,
    warnings: cal.warnings(asOfMs, horizon).map((w) => w.message),
  };
}
