/**
 * Catch-up at the start of supervision: what each assignment already has overdue, one consolidated
 * notice per unit and one summary for the Office, and the 督办单 they issue. Pure; part of the policy
 * engine (plan.ts plans each assignment's notices from then on).
 */
import { toMs, type BusinessCalendar, type Instant } from '../calendar';
import type { SlipColour } from '../model';
import { isClosed } from '../lifecycle';
import type { CatchUpItem, PlannedNotice } from '../notices';
import type { Policy } from './types';
import { kindPolicy } from './kind';
import { deadlineSlipAt, owedReports, reported, type PlanAssignment, type PlanTask } from './plan';

const DAY_MS = 86_400_000;

/** Whole calendar days from the due date to the date of `nowMs`, in the calendar's zone. */
function daysLate(cal: BusinessCalendar, dueMs: number, nowMs: number): number {
  const a = Date.parse(`${cal.localDate(dueMs)}T00:00:00Z`);
  const b = Date.parse(`${cal.localDate(nowMs)}T00:00:00Z`);
  return Math.max(0, Math.round((b - a) / DAY_MS));
}

/** What one assignment has overdue at `now`: its deadline and the reports it still owes. */
export function overdueItems(input: {
  task: PlanTask;
  assignment: PlanAssignment;
  policy: Policy;
  calendar: BusinessCalendar;
  now: Instant;
}): CatchUpItem[] {
  const { task, assignment: a, policy, calendar: cal } = input;
  const nowMs = toMs(input.now);
  if (isClosed(a.state) || a.state === 'COMPLETION_REQUESTED' || !policy.notifyRoles.includes(a.role)) return [];
  const kp = kindPolicy(policy, task.kind, task.cadence);
  const items: CatchUpItem[] = [];
  if (kp.deadline && a.dueAt && toMs(a.dueAt) < nowMs) {
    const dueMs = toMs(a.dueAt);
    items.push({
      task: task.number,
      unit: a.unit,
      what: 'deadline',
      dueAt: cal.toIso(dueMs),
      overdueDays: daysLate(cal, dueMs, nowMs),
      slip: deadlineSlipAt(kp, cal, dueMs, nowMs),
    });
  }
  const done = reported(a);
  const assignedMs = toMs(a.assignedAt);
  for (const p of owedReports(kp, cal, assignedMs, assignedMs, nowMs)) {
    if (p.dueMs < nowMs && !done.has(p.period)) {
      items.push({
        task: task.number,
        unit: a.unit,
        what: 'report',
        period: p.period,
        dueAt: cal.toIso(p.dueMs),
        overdueDays: daysLate(cal, p.dueMs, nowMs),
        slip: null,
      });
    }
  }
  return items;
}

const RANK: Record<SlipColour, number> = { BLUE: 1, ORANGE: 2, RED: 3 };

/** The most severe colour, or null. */
export function worstSlip(colours: (SlipColour | null)[]): SlipColour | null {
  return colours.reduce<SlipColour | null>((w, c) => (c && (!w || RANK[c] > RANK[w]) ? c : w), null);
}

export interface CatchUpInput {
  entries: { task: PlanTask; assignment: PlanAssignment }[];
  policy: Policy;
  calendar: BusinessCalendar;
  now: Instant;
}

export interface CatchUpPlan {
  /** one catchup_unit per unit with something overdue, then one catchup_summary; all at the next opening */
  notices: PlannedNotice[];
  items: CatchUpItem[];
  /** the send instant of the catch-up notices (pass it as `catchUpAt` to the assignments they cover), ISO */
  at: string;
  /** "task|unit" of every assignment the catch-up covers */
  covered: string[];
  /**
   * The 督办单 the catch-up issues: one per covered assignment whose deadline is past (a missing
   * report gets none, as in the lifecycle), in the colour its ladder has reached; in numbering
   * order, unit by unit as the notices go, so each unit's slips carry consecutive numbers.
   */
  slips: { task: number; unit: string; colour: SlipColour }[];
}

/**
 * Catch-up at start: moments already past are not sent one by one. Each unit with overdue items
 * gets one consolidated notice listing them (slip = the worst colour reached), and the Office one
 * summary of everything; both at the next office opening. Units are in first-seen order. Every
 * item whose deadline is past gets its own 督办单 (`slips`), issued when the notices go out and
 * cited by both of them.
 */
export function planCatchUp(input: CatchUpInput): CatchUpPlan {
  const { policy, calendar: cal } = input;
  const nowMs = toMs(input.now);
  const atMs = cal.nextOpening(nowMs);
  const at = cal.toIso(atMs);
  const items = input.entries.flatMap((e) => overdueItems({ ...e, policy, calendar: cal, now: nowMs }));
  const byUnit = new Map<string, CatchUpItem[]>();
  for (const it of items) byUnit.set(it.unit, [...(byUnit.get(it.unit) ?? []), it]);
  const nominalAt = cal.toIso(nowMs);
  const notices: PlannedNotice[] = [...byUnit].map(([unit, list]) => ({
    kind: 'catchup_unit' as const,
    at,
    nominalAt,
    task: 0,
    unit,
    to: [...policy.catchUp.unitTo],
    slip: worstSlip(list.map((i) => i.slip)),
    items: list,
  }));
  if (items.length)
    notices.push({
      kind: 'catchup_summary',
      at,
      nominalAt,
      task: 0,
      unit: null,
      to: [...policy.catchUp.summaryTo],
      slip: null,
      items,
    });
  const covered = [...new Set(items.map((i) => `${i.task}|${i.unit}`))];
  const slips = [...byUnit.values()].flatMap((list) =>
    list.flatMap((i) => (i.what === 'deadline' && i.slip ? [{ task: i.task, unit: i.unit, colour: i.slip }] : [])),
  );
  return { notices, items, at, covered, slips };
}

/** The colour of the catch-up slip of each covered assignment, by "task|unit" (pass it as `catchUpSlip`). */
export function catchUpSlipColours(cu: Pick<CatchUpPlan, 'slips'>): Map<string, SlipColour> {
  return new Map(cu.slips.map((s) => [`${s.task}|${s.unit}`, s.colour]));
}
