/**
 * The policy engine: from a task, one assignment, the policy, the calendar and `now`, what goes to
 * whom and when. Pure and deterministic; inputs and outputs are plain JSON (the calendar object is
 * rebuilt from its spec wherever it is needed).
 */
import { spanValue, toMs, type BusinessCalendar, type Instant, type Span } from '../calendar';
import type { AssignmentRole, AssignmentState, SlipColour, TaskKind } from '../model';
import { isClosed } from '../lifecycle';
import {
  NOTICE_KINDS,
  supersededAtDue,
  type CatchUpItem,
  type NoticeKind,
  type PlannedNotice,
  type RecipientRole,
} from '../notices';
import { afterDue, beforeDue, cycleSummaries, reportPeriods, timesSpan, type ReportPeriod } from './periods';
import type { KindPolicy, Policy } from './types';
import { kindPolicy } from './kind';
import type { Cadence } from '../deadline';

/** What the engine needs about a task. */
export interface PlanTask {
  number: number;
  kind: TaskKind;
  /** the plan's due instant, ISO; null for standing tasks */
  dueAt: string | null;
  text?: string;
  /** a recurring standing task (每年 / 每季度 / 每月) reports at this cadence (kindPolicy) */
  cadence?: Cadence | null;
}

/**
 * What the engine needs about one assignment. A superset-compatible subset of AssignmentView
 * (domain/lifecycle.ts) plus `assignedAt`: pass the view and the instant supervision started.
 */
export interface PlanAssignment {
  unit: string;
  role: AssignmentRole;
  state: AssignmentState;
  /** when the assignment was made (supervision start); the assignment notice's moment */
  assignedAt: string;
  acknowledgedAt?: string | null;
  /** the due instant in force (after an approved extension); null for standing tasks */
  dueAt: string | null;
  /** the due instant the plan set (kept for the record; planning uses `dueAt`) */
  originalDueAt?: string | null;
  /** periods already reported (2026Q3, 2026Y, P3 …) */
  reportedPeriods?: string[];
  /** alternative to reportedPeriods: the reports themselves */
  reports?: { period: string; submittedAt: string }[];
  completionRequestedAt?: string | null;
  pendingExtension?: { requestedDueAt: string; requestedAt: string } | null;
  /**
   * When a catch-up notice covered this assignment: its assignment notice and acknowledgement chase
   * are not sent (the catch-up notice replaced them) and 督办/催办 stay quiet for policy.catchUp.quietFor.
   */
  catchUpAt?: string | null;
  /**
   * The colour of the 督办单 the catch-up issued for this assignment (its deadline was past). That
   * slip is the step the assignment had reached, so a 督办 the ladder plans at or before the
   * catch-up moment is not issued again, whatever `quietFor` says (null: no catch-up slip).
   */
  catchUpSlip?: SlipColour | null;
}

export interface PlanAssignmentInput {
  task: PlanTask;
  assignment: PlanAssignment;
  policy: Policy;
  calendar: BusinessCalendar;
  /** notices going out at or after this instant are returned */
  now: Instant;
  /** and before or at this one; default `now` + 400 days */
  horizon?: Instant;
}

/** Repeating series (weekly 督办, second-based periods) yield at most this many future notices per call. */
export const MAX_PER_SERIES = 200;
const DAY_MS = 86_400_000;
const DEFAULT_HORIZON_DAYS = 400;
const KIND_ORDER = new Map<NoticeKind, number>(NOTICE_KINDS.map((k, i) => [k, i]));

/** Nothing has moved: not acknowledged, or no report and no completion request. Drives the blue slip. */
export function isStalled(a: PlanAssignment): boolean {
  if (a.state === 'COMPLETION_REQUESTED') return false;
  return a.state === 'ASSIGNED' || reported(a).size === 0;
}

function reported(a: PlanAssignment): Set<string> {
  return new Set([...(a.reportedPeriods ?? []), ...(a.reports ?? []).map((r) => r.period)]);
}

/** An upper bound of a span's length in ms, to know how far back a series may still reach the window. */
function spanUpperMs(s: Span): number {
  const { unit, n } = spanValue(s);
  switch (unit) {
    case 'seconds':
      return n * 1000;
    case 'days':
      return n * DAY_MS + DAY_MS;
    case 'months':
      return (n * 31 + 1) * DAY_MS;
    case 'workdays':
      // the longest run of non-workdays in China is a 9-day Spring Festival; be generous
      return (Math.ceil((n * 7) / 5) + 14) * DAY_MS;
  }
}

interface Raw {
  kind: NoticeKind;
  nominal: number;
  to: RecipientRole[];
  slip: SlipColour | null;
  level?: number;
  period?: string;
  dueMs?: number;
}

/** Sort: by send time, then task, unit, kind, nominal moment. */
export function compareNotices(a: PlannedNotice, b: PlannedNotice): number {
  return (
    Date.parse(a.at) - Date.parse(b.at) ||
    a.task - b.task ||
    (a.unit ?? '').localeCompare(b.unit ?? '') ||
    (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) ||
    Date.parse(a.nominalAt) - Date.parse(b.nominalAt)
  );
}

/**
 * A repeating series: first moment `firstMs`, then firstMs + k·every (k ≥ 1) while before `untilMs`
 * and `toMs`; only elements whose send time may reach [fromMs, …) are produced, at most
 * MAX_PER_SERIES of them.
 */
function series(
  cal: BusinessCalendar,
  firstMs: number,
  every: Span | null,
  untilMs: number,
  fromMs: number,
  toMs: number,
): number[] {
  const out: number[] = [];
  if (firstMs < untilMs) out.push(firstMs);
  if (!every || spanValue(every).n === 0) return out;
  const { unit, n } = spanValue(every);
  // Seconds series jump straight to the window; calendar series are short enough to walk.
  let k = unit === 'seconds' ? Math.max(1, Math.floor((fromMs - firstMs) / (n * 1000)) - 1) : 1;
  let count = 0;
  let prev = k === 1 ? firstMs : cal.addSpan(firstMs, timesSpan(every, k - 1), 1);
  for (; ; k++) {
    // months count from the first moment (31 Jan + 2 months is 31 Mar, not 28 Mar); other spans step on
    const m = unit === 'months' ? cal.addSpan(firstMs, timesSpan(every, k), 1) : cal.addSpan(prev, every, 1);
    prev = m;
    if (m >= untilMs || m > toMs) break;
    out.push(m);
    if (m >= fromMs && ++count >= MAX_PER_SERIES) break;
  }
  return out;
}

/** Slip colour a deadline's 督办 has reached at `atMs` (null before the due instant). */
export function deadlineSlipAt(kp: KindPolicy, cal: BusinessCalendar, dueMs: number, atMs: number): SlipColour | null {
  const d = kp.deadline;
  if (!d || atMs <= dueMs) return null;
  const l = d.leadership;
  if (l) {
    const lAt = cal.nextOpening(afterDue(cal, dueMs, l.after));
    if (l.every && spanValue(l.every).n > 0 && atMs >= cal.nextOpening(cal.addSpan(lAt, l.every, 1)))
      return l.repeatSlip;
    if (atMs >= lAt) return l.slip;
  }
  return d.overdue.slip;
}

/** Every report an assignment owes between `fromMs` and `toMs` (quarterly periods and annual summaries). */
function owedReports(
  kp: KindPolicy,
  cal: BusinessCalendar,
  assignedMs: number,
  windowStartMs: number,
  toMs: number,
): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  if (kp.reports) {
    const periods = reportPeriods(kp, cal, assignedMs, toMs);
    // keep the ones whose due (plus the longest chase) can still reach the window, at most MAX_PER_SERIES ahead
    let ahead = 0;
    for (const p of periods) {
      if (p.dueMs < windowStartMs) continue;
      out.push(p);
      if (++ahead >= MAX_PER_SERIES) break;
    }
  }
  if (kp.cycle) {
    for (const s of cycleSummaries(kp.cycle, cal, assignedMs, toMs))
      if (s.dueMs >= assignedMs && s.dueMs >= windowStartMs) out.push(s);
  }
  return out;
}

function longestAfterDue(kp: KindPolicy): number {
  const spans: Span[] = [
    ...(kp.reports?.chase.map((c) => c.after) ?? []),
    ...(kp.deadline?.leadership ? [kp.deadline.leadership.after] : []),
  ];
  return Math.max(DAY_MS, ...spans.map(spanUpperMs));
}

/**
 * Every notice still to come for one assignment, sorted: those going out in [now, horizon]. The
 * plan follows the state given: an acknowledged assignment gets no acknowledgement chase, a
 * reported period no reminders, a completion request stops reports and deadline notices and starts
 * the Office's review reminders, an approved extension (a new `dueAt`) re-times every deadline
 * notice, a closed assignment gets nothing.
 */
export function planAssignmentNotices(input: PlanAssignmentInput): PlannedNotice[] {
  const { task, assignment: a, policy, calendar: cal } = input;
  const nowMs = toMs(input.now);
  const toMsLimit = input.horizon !== undefined ? toMs(input.horizon) : nowMs + DEFAULT_HORIZON_DAYS * DAY_MS;
  if (isClosed(a.state) || !policy.notifyRoles.includes(a.role)) return [];
  const kp = kindPolicy(policy, task.kind, task.cadence);
  const assignedMs = toMs(a.assignedAt);
  const catchUpMs = a.catchUpAt ? toMs(a.catchUpAt) : null;
  const raws: Raw[] = [];
  const done = reported(a);
  const waitingForOffice = a.state === 'COMPLETION_REQUESTED';

  // Assignment notice and acknowledgement chase (replaced by the catch-up notice when there was one).
  const assignmentAt = cal.nextOpening(assignedMs);
  if (catchUpMs === null) {
    raws.push({
      kind: 'assignment',
      nominal: assignedMs,
      to: kp.assignment.to,
      slip: null,
      ...(a.dueAt ? { dueMs: toMs(a.dueAt) } : {}),
    });
    if (a.state === 'ASSIGNED' && !a.acknowledgedAt) {
      kp.acknowledgement.steps.forEach((s, i) => {
        raws.push({
          kind: i === 0 ? 'ack_reminder' : 'ack_escalation',
          nominal: cal.addSpan(assignmentAt, s.after, 1),
          to: s.to,
          slip: null,
          level: i + 1,
        });
      });
    }
  }

  // Reports: reminders ahead of each due instant, 催办 after it while missing.
  if (!waitingForOffice) {
    const windowStart = nowMs - longestAfterDue(kp) - DAY_MS;
    for (const p of owedReports(kp, cal, assignedMs, windowStart, toMsLimit)) {
      if (done.has(p.period)) continue;
      for (const r of kp.reports?.reminders ?? []) {
        const m = beforeDue(cal, p.dueMs, r.before);
        // a reminder that would precede the assignment itself makes no sense
        if (m >= assignedMs)
          raws.push({ kind: 'report_reminder', nominal: m, to: r.to, slip: null, period: p.period, dueMs: p.dueMs });
      }
      (kp.reports?.chase ?? []).forEach((c, i) => {
        raws.push({
          kind: 'report_chase',
          nominal: afterDue(cal, p.dueMs, c.after),
          to: c.to,
          slip: null,
          level: i + 1,
          period: p.period,
          dueMs: p.dueMs,
        });
      });
    }
  }

  // Deadline: reminders, the blue slip when nothing has moved, then the 督办 ladder.
  const d = kp.deadline;
  if (d && a.dueAt && !waitingForOffice) {
    const dueMs = toMs(a.dueAt);
    for (const r of d.reminders) {
      const m = beforeDue(cal, dueMs, r.before);
      if (m >= assignedMs) raws.push({ kind: 'deadline_reminder', nominal: m, to: r.to, slip: null, dueMs });
    }
    if (d.stalled && isStalled(a)) {
      const m = beforeDue(cal, dueMs, d.stalled.before);
      if (m >= assignedMs) {
        // the blue slip says all a reminder at the same moment would say: one email, not two
        const same = raws.findIndex((r) => r.kind === 'deadline_reminder' && r.nominal === m);
        if (same >= 0) raws.splice(same, 1);
        raws.push({ kind: 'supervision', nominal: m, to: d.stalled.to, slip: d.stalled.slip, level: 1, dueMs });
      }
    }
    const leadMs = d.leadership ? afterDue(cal, dueMs, d.leadership.after) : Number.POSITIVE_INFINITY;
    // Weekly repeats count from the first 督办's send time, so they fall on the same weekday morning.
    const firstAt = cal.nextOpening(dueMs + 1);
    for (const m of series(cal, firstAt, d.overdue.every, leadMs, nowMs, toMsLimit)) {
      raws.push({
        kind: 'supervision',
        nominal: m === firstAt ? dueMs + 1 : m,
        to: d.overdue.to,
        slip: d.overdue.slip,
        level: 2,
        dueMs,
      });
    }
    if (d.leadership) {
      const l = d.leadership;
      const lAt = cal.nextOpening(leadMs);
      for (const m of series(cal, lAt, l.every, Number.POSITIVE_INFINITY, nowMs, toMsLimit)) {
        const first = m === lAt;
        raws.push({
          kind: 'supervision',
          nominal: first ? leadMs : m,
          to: l.to,
          slip: first ? l.slip : l.repeatSlip,
          level: 3,
          dueMs,
        });
      }
    }
  }

  // The Office's pending decisions.
  if (waitingForOffice && kp.completionReview && a.completionRequestedAt) {
    const r = kp.completionReview;
    const first = cal.addSpan(toMs(a.completionRequestedAt), r.within, 1);
    series(cal, first, r.repeat, Number.POSITIVE_INFINITY, nowMs, toMsLimit).forEach((m, i) =>
      raws.push({ kind: 'completion_review', nominal: m, to: r.to, slip: null, level: i + 1 }),
    );
  }
  if (a.state === 'EXTENSION_REQUESTED' && kp.extensionReview && a.pendingExtension) {
    const r = kp.extensionReview;
    const first = cal.addSpan(toMs(a.pendingExtension.requestedAt), r.within, 1);
    const due = a.dueAt ? { dueMs: toMs(a.dueAt) } : {};
    series(cal, first, r.repeat, Number.POSITIVE_INFINITY, nowMs, toMsLimit).forEach((m, i) =>
      raws.push({ kind: 'extension_review', nominal: m, to: r.to, slip: null, level: i + 1, ...due }),
    );
  }

  const quietUntil =
    catchUpMs !== null && policy.catchUp.quietFor ? cal.addSpan(catchUpMs, policy.catchUp.quietFor, 1) : null;
  // The catch-up's own slip covers every 督办 that would go out with it or before it.
  const slipCoveredThrough = catchUpMs !== null && a.catchUpSlip ? catchUpMs : null;
  const out: PlannedNotice[] = [];
  for (const r of raws) {
    const at = cal.nextOpening(r.nominal);
    if (at < nowMs || at > toMsLimit) continue;
    if (quietUntil !== null && (r.kind === 'supervision' || r.kind === 'report_chase') && at < quietUntil) continue;
    if (slipCoveredThrough !== null && r.kind === 'supervision' && at <= slipCoveredThrough) continue;
    out.push(toNotice(cal, task.number, a.unit, r, at));
  }
  return out.sort(compareNotices);
}

function toNotice(cal: BusinessCalendar, task: number, unit: string | null, r: Raw, at: number): PlannedNotice {
  return {
    kind: r.kind,
    at: cal.toIso(at),
    nominalAt: cal.toIso(r.nominal),
    task,
    unit,
    to: [...r.to],
    slip: r.slip,
    ...(r.level !== undefined ? { level: r.level } : {}),
    ...(r.period !== undefined ? { period: r.period } : {}),
    ...(r.dueMs !== undefined ? { dueAt: cal.toIso(r.dueMs) } : {}),
  };
}

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

/**
 * The overdue variant (docs/reliability.md row 7): notices whose send time passed while the workers were
 * down. Reminders about a due instant that has passed are dropped (the 催办/督办 planned after it
 * take their place), as is a blue slip whose deadline has passed; of a series missed several times
 * (weekly 督办) only the latest goes; what remains goes at the next opening, marked `late`.
 */
export function settleMissed(input: {
  missed: PlannedNotice[];
  calendar: BusinessCalendar;
  now: Instant;
}): PlannedNotice[] {
  const cal = input.calendar;
  const nowMs = toMs(input.now);
  const sendAt = cal.nextOpening(nowMs);
  const latest = new Map<string, PlannedNotice>();
  for (const n of input.missed) {
    const dueMs = n.dueAt ? Date.parse(n.dueAt) : null;
    if (dueMs !== null && dueMs <= nowMs && supersededAtDue(n)) continue;
    const key = [n.kind, n.task, n.unit, n.period ?? '', n.level ?? ''].join('|');
    const prev = latest.get(key);
    if (!prev || Date.parse(n.nominalAt) > Date.parse(prev.nominalAt)) latest.set(key, n);
  }
  return [...latest.values()]
    .map((n) => (Date.parse(n.at) < nowMs ? { ...n, at: cal.toIso(sendAt), late: true } : n))
    .sort(compareNotices);
}
