/**
 * The policy engine: from a task, one assignment, the policy, the calendar and `now`, what goes to
 * whom and when. Pure and deterministic; inputs and outputs are plain JSON (the calendar object is
 * rebuilt from its spec wherever it is needed).
 */
import { spanValue, toMs, type BusinessCalendar, type Instant, type Span } from '../calendar';
import type { AssignmentRole, AssignmentState, SlipColour, TaskKind } from '../model';
import { isClosed } from '../lifecycle';
import { NOTICE_KINDS, supersededAtDue, type NoticeKind, type PlannedNotice, type RecipientRole } from '../notices';
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

export function reported(a: PlanAssignment): Set<string> {
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
export function owedReports(
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
