/**
 * The schedule of a plan's assignments: when each came under supervision (recorded once in the
 * audit log, the earliest record winning; a reassignment's own record wins over any start), and at
 * the plan's first start the catch-up across every task.
 */
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { catchUpSlipColours, isPolicy, planCatchUp, policyCalendar } from '../../domain/policy';
import type { AssignmentSchedule, CatchUpInput, TaskLifecycleInput } from '../../contracts/workflows';
import { audit } from '../audit';
import { catchUpOrders } from './catch-up';
import { SCHEDULED_ACTION, SuperviseError, type SupervisionOptions } from './options';

interface ScheduledEvent {
  schedule: Record<string, AssignmentSchedule>;
  catchUp?: CatchUpInput | null;
}

/**
 * Every schedule recorded for the plan's assignments, and the catch-up recorded at the first start.
 * A start records the assignments it schedules (the earliest record wins); a reassignment, made
 * inside a lifecycle, records its new (or re-opened) assignment in its `assignment.created` event
 * with the instant the workflow planned from, and the latest reassignment wins over any start. So
 * a later start re-plans a reassigned unit from its reassignment: no second assignment notice,
 * no re-timed chase.
 */
async function storedSchedules(
  db: PrismaClient,
  planId: string,
): Promise<{ schedule: Map<string, AssignmentSchedule>; catchUp: CatchUpInput | null }> {
  const [events, reassigned] = await Promise.all([
    db.auditEvent.findMany({
      where: { planId, action: SCHEDULED_ACTION },
      orderBy: { id: 'asc' },
      select: { data: true },
    }),
    db.auditEvent.findMany({
      where: { planId, action: 'assignment.created' },
      orderBy: { id: 'asc' },
      select: { assignmentId: true, at: true, data: true },
    }),
  ]);
  const schedule = new Map<string, AssignmentSchedule>();
  let catchUp: CatchUpInput | null = null;
  for (const e of events) {
    const d = e.data as unknown as ScheduledEvent;
    for (const [id, s] of Object.entries(d.schedule ?? {})) if (!schedule.has(id)) schedule.set(id, s);
    if (!catchUp && d.catchUp) catchUp = d.catchUp;
  }
  for (const e of reassigned) {
    const d = (e.data ?? {}) as { reassignedFrom?: string; assignedAt?: string };
    if (!e.assignmentId || d.reassignedFrom === undefined) continue;
    // events written before assignedAt was recorded: the event's own instant (the same transaction)
    schedule.set(e.assignmentId, { assignedAt: d.assignedAt ?? e.at.toISOString() });
  }
  return { schedule, catchUp };
}

/**
 * Gives every assignment of the inputs its schedule: the one recorded at an earlier start, or a new
 * one (assigned now). At the plan's first start it also plans the catch-up across every task
 * (domain/policy planCatchUp): the assignments it covers carry `catchUpAt`, so their workflows send
 * no assignment notice and keep 督办/催办 quiet for a while instead of repeating what it says.
 * New schedules (and the catch-up) are recorded in the audit log before anything starts, and each
 * assignment's schedule instant on its row (`supervisedFrom`, set once).
 */
export async function scheduleInputs(
  db: PrismaClient,
  inputs: TaskLifecycleInput[],
  opts: SupervisionOptions,
): Promise<CatchUpInput | null> {
  if (!inputs.length) return null;
  const planId = inputs[0]!.task.planId;
  const nowMs = opts.now ?? Date.now();
  const assignedAt = opts.assignedAt ?? new Date(nowMs).toISOString();
  const stored = await storedSchedules(db, planId);
  const fresh: Record<string, AssignmentSchedule> = {};
  let catchUp: CatchUpInput | null = null;
  if (stored.schedule.size === 0 && isPolicy(opts.policy)) {
    const calendar = policyCalendar(opts.policy, opts.holidayOverride ?? null);
    const entries = inputs.flatMap((i) =>
      i.assignments.map((a) => ({
        task: { number: i.task.number, kind: i.task.kind, dueAt: i.task.dueAt, cadence: i.task.cadence ?? null },
        assignment: {
          ...a,
          assignedAt,
          pendingExtension: a.pendingExtension
            ? { requestedDueAt: a.pendingExtension.requestedDueAt, requestedAt: a.pendingExtension.requestedAt }
            : null,
        },
      })),
    );
    const cu = planCatchUp({ entries, policy: opts.policy, calendar, now: nowMs });
    const covered = new Set(cu.covered);
    // an assignment the catch-up issues a 督办单 for issues none of its own at that moment
    const slips = catchUpSlipColours(cu);
    const unitIds = new Map(inputs.flatMap((i) => i.assignments.map((a) => [a.unit, a.unitId] as const)));
    for (const i of inputs) {
      for (const a of i.assignments) {
        const k = `${i.task.number}|${a.unit}`;
        fresh[a.assignmentId] = {
          assignedAt,
          ...(covered.has(k) ? { catchUpAt: cu.at } : {}),
          ...(slips.has(k) ? { catchUpSlip: slips.get(k)! } : {}),
        };
      }
    }
    const texts = new Map(inputs.map((i) => [i.task.number, i.task.text] as const));
    if (cu.notices.length)
      catchUp = { planId, planSlug: opts.planSlug, orders: catchUpOrders(opts.planSlug, cu, unitIds, texts) };
  } else {
    for (const i of inputs)
      for (const a of i.assignments) if (!stored.schedule.has(a.assignmentId)) fresh[a.assignmentId] = { assignedAt };
  }
  if (Object.keys(fresh).length) {
    await audit(db, {
      actor: 'system',
      action: SCHEDULED_ACTION,
      entityType: 'Plan',
      entityId: planId,
      planId,
      data: { schedule: fresh, catchUp } as unknown as Prisma.InputJsonValue,
    });
  }
  for (const i of inputs) {
    i.schedule = Object.fromEntries(
      i.assignments.map((a) => [a.assignmentId, stored.schedule.get(a.assignmentId) ?? fresh[a.assignmentId]!]),
    );
    i.assignedAt = assignedAt;
    // The watermark starts where the schedule does: a notice at the supervision instant itself (the
    // assignment notice during office hours) is not history, whatever the delay before the run starts.
    i.handledThroughMs ??= nowMs;
  }
  await recordSupervisedFrom(db, inputs);
  return catchUp ?? stored.catchUp;
}

/**
 * Stores on each assignment the instant its lifecycle plans from (`supervisedFrom`, the schedule's
 * assignedAt), so the traffic lights and the unit form count owed reports from the same instant.
 * Only where none is stored yet: a later start never moves it (a reassignment sets its own, in the
 * lifecycle's activity). One statement per distinct instant (usually one for the whole plan).
 */
async function recordSupervisedFrom(db: PrismaClient, inputs: TaskLifecycleInput[]): Promise<void> {
  const byInstant = new Map<number, string[]>();
  for (const i of inputs) {
    for (const [id, s] of Object.entries(i.schedule ?? {})) {
      const ms = Date.parse(s.assignedAt);
      if (!Number.isFinite(ms))
        throw new SuperviseError(`分工 ${id} 的督办起点「${s.assignedAt}」不是有效的时间（应为 ISO 8601）`);
      const ids = byInstant.get(ms);
      if (ids) ids.push(id);
      else byInstant.set(ms, [id]);
    }
  }
  const CHUNK = 5000; // well under PostgreSQL's bind-parameter limit
  for (const [ms, ids] of byInstant) {
    for (let k = 0; k < ids.length; k += CHUNK) {
      await db.assignment.updateMany({
        where: { id: { in: ids.slice(k, k + CHUNK) }, supervisedFrom: null },
        data: { supervisedFrom: new Date(ms) },
      });
    }
  }
}
