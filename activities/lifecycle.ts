/**
 * Activities of the task lifecycle. Each one is idempotent, because Temporal runs activities at
 * least once: a transition is recorded once per `transitionId`, a slip once per `dedupeKey`, a
 * notice once per key (the port guarantees it). Every change writes its audit event in the same
 * transaction.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma, PrismaClient, SlipClosure } from '../generated/prisma/client';
import type { AssignmentView } from '../domain/lifecycle';
import { initialView, isClosed } from '../domain/lifecycle';
import type { SlipColour } from '../domain/model';
import { CANCELLED_ON_CLOSE, sentWhenClosed, type NoticeKind, type PlannedNotice } from '../domain/notices';
import { decisionPayload } from '../domain/messages';
import { audit, auditOnce } from '../app/audit';
import type { Logger } from '../contracts/logger';
import { ErrorType, isUniqueViolation } from '../contracts/errors';
import type {
  CatchUpInput,
  DeliveredNotice,
  DeliverNoticesArgs,
  LifecycleActivities,
  RecordTransitionArgs,
  RecordTransitionResult,
  TaskRef,
} from '../contracts/workflows';
import type { NotificationPort } from '../contracts/notification';
import { submitPlanned } from '../app/notices/submit';
import { submitCatchUp } from './catch-up';
import { closeSlips, createSlip, lockSlipYear, slipYear } from '../app/slips';

export interface LifecycleDeps {
  db: PrismaClient;
  notifications: NotificationPort;
  logger: Logger;
  /** IANA zone slip years and dates are computed in */
  zone: string;
}

function slipReason(n: PlannedNotice): string {
  const t = `任务(${n.task})`;
  const who = n.unit ? `${n.unit}承担的` : '';
  switch (n.kind) {
    case 'ack_escalation':
    case 'ack_reminder':
      return `${who}${t}交办后逾期未签收`;
    case 'report_chase':
    case 'report_reminder':
      return `${who}${t}${n.period ? ` ${n.period} ` : ''}进展报告逾期未报送`;
    case 'deadline_reminder':
      return `${who}${t}临近完成时限${n.dueAt ? ` (${n.dueAt})` : ''}，尚无进展`;
    default:
      return `${who}${t}已超过完成时限${n.dueAt ? ` (${n.dueAt})` : ''}仍未完成`;
  }
}

function viewFromRow(row: {
  id: string;
  unitId: string;
  role: AssignmentView['role'];
  state: AssignmentView['state'];
  dueAt: Date | null;
  originalDueAt: Date | null;
  unit: { name: string };
}): AssignmentView {
  return {
    ...initialView({
      assignmentId: row.id,
      unitId: row.unitId,
      unit: row.unit.name,
      role: row.role,
      dueAt: row.dueAt?.toISOString() ?? null,
      state: row.state,
    }),
    originalDueAt: row.originalDueAt?.toISOString() ?? null,
  };
}

const iso = (s: string | null) => (s ? new Date(s) : null);

/**
 * Whether a transition closes the assignment's open 督办单, and why: every slip is about the
 * deadline (docs/lifecycle.md "Slips close"), so it closes when the item is completed (销号), when
 * the assignment is cancelled or reassigned away, or when an approved extension re-times the deadline.
 */
export function slipClosure(
  action: string,
  before: Pick<AssignmentView, 'state'>,
  after: Pick<AssignmentView, 'state'>,
): SlipClosure | null {
  if (after.state === 'COMPLETED' && before.state !== 'COMPLETED') return 'COMPLETED';
  if (after.state === 'CANCELLED' && before.state !== 'CANCELLED') return 'CANCELLED';
  if (action === 'extension.approved') return 'EXTENDED';
  return null;
}

export function createLifecycleActivities(deps: LifecycleDeps): LifecycleActivities {
  const { db, notifications, logger, zone } = deps;

  /** Issues the 督办单 for a notice once (by dedupe key); returns its id and number. */
  async function issueSlip(
    task: TaskRef,
    assignmentId: string,
    colour: SlipColour,
    n: PlannedNotice,
    dedupeKey: string,
  ): Promise<{ id: string; number: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.$transaction(async (tx) => {
          const found = await tx.supervisionSlip.findUnique({
            where: { dedupeKey },
            select: { id: true, number: true },
          });
          if (found) return found;
          const issuedAt = new Date(n.at);
          const year = slipYear(issuedAt, zone);
          const seq = (await lockSlipYear(tx, year)) + 1;
          const slip = await createSlip(tx, {
            year,
            seq,
            assignmentId,
            colour,
            reason: slipReason(n),
            dedupeKey,
            issuedAt,
            planId: task.planId,
            taskId: task.taskId,
            detail: { kind: n.kind, level: n.level ?? null },
          });
          return slip;
        });
      } catch (err) {
        // A concurrent issuer took the same dedupe key or number: read again (bounded).
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  }

  return {
    /**
     * Writes one accepted input: the assignment row, the input's own record (report, extension) and
     * the audit event, in one transaction. A second call with the same transitionId changes nothing.
     */
    async recordTransition(args: RecordTransitionArgs): Promise<RecordTransitionResult> {
      const { task, before, after, input } = args;
      const at = new Date(args.at);
      return db.$transaction(async (tx) => {
        const done = await tx.auditEvent.findFirst({
          where: {
            assignmentId: before.assignmentId,
            action: args.action,
            data: { path: ['transitionId'], equals: args.transitionId },
          },
          select: { id: true },
        });
        if (done) {
          if (input.type !== 'reassign') return { created: null };
          // toUnit may be an alias, as on the first attempt
          const row = await tx.assignment.findFirst({
            where: {
              taskId: task.taskId,
              unit: { OR: [{ name: input.toUnit }, { aliases: { some: { alias: input.toUnit } } }] },
              cancelledAt: null,
            },
            include: { unit: true },
          });
          return { created: row ? viewFromRow(row) : null };
        }
        const current = await tx.assignment.findUnique({ where: { id: before.assignmentId }, select: { id: true } });
        if (!current)
          throw ApplicationFailure.nonRetryable(
            `assignment ${before.assignmentId} of task (${task.number}) no longer exists`,
            ErrorType.MissingRow,
          );

        await tx.assignment.update({
          where: { id: before.assignmentId },
          data: {
            state: after.state,
            overdue: after.overdue,
            dueAt: iso(after.dueAt),
            acknowledgedAt: iso(after.acknowledgedAt),
            completedAt: iso(after.completedAt),
            cancelledAt: iso(after.cancelledAt),
          },
        });

        let created: AssignmentView | null = null;
        const extra: Record<string, unknown> = {};
        switch (input.type) {
          case 'submitReport': {
            const dueAt = at;
            const links = input.evidenceLinks ?? [];
            const report = await tx.report.upsert({
              where: { assignmentId_period: { assignmentId: before.assignmentId, period: input.period } },
              create: {
                assignmentId: before.assignmentId,
                period: input.period,
                dueAt,
                submittedAt: at,
                text: input.text,
                percent: input.percent ?? null,
                evidenceLinks: links,
              },
              update: {},
            });
            // Indicator values are stored against the plan's indicators; a code the plan does not
            // have is recorded in the audit event as refused rather than dropped unseen.
            const values = input.indicatorValues ?? [];
            if (values.length) {
              const known = new Map(
                (
                  await tx.indicator.findMany({
                    where: { planId: task.planId, code: { in: values.map((v) => v.code) } },
                    select: { id: true, code: true },
                  })
                ).map((i) => [i.code, i.id]),
              );
              await tx.indicatorValue.createMany({
                data: values
                  .filter((v) => known.has(v.code))
                  .map((v) => ({ reportId: report.id, indicatorId: known.get(v.code)!, value: v.value })),
                skipDuplicates: true,
              });
              extra.indicatorValues = values.filter((v) => known.has(v.code));
              const unknown = values.filter((v) => !known.has(v.code)).map((v) => v.code);
              if (unknown.length) extra.unknownIndicators = unknown;
            }
            extra.period = input.period;
            extra.percent = input.percent ?? null;
            if (links.length) extra.evidenceLinks = links;
            break;
          }
          case 'requestExtension':
            await tx.extension.create({
              data: {
                assignmentId: before.assignmentId,
                requestedAt: at,
                requestedDueAt: new Date(input.newDueAt),
                previousDueAt: iso(before.dueAt),
                reason: input.reason,
              },
            });
            extra.requestedDueAt = input.newDueAt;
            extra.reason = input.reason;
            break;
          case 'approveExtension':
          case 'rejectExtension': {
            const ext = await tx.extension.findFirst({
              where: { assignmentId: before.assignmentId, status: 'REQUESTED' },
              orderBy: { requestedAt: 'desc' },
            });
            if (ext) {
              await tx.extension.update({
                where: { id: ext.id },
                data: {
                  status: input.type === 'approveExtension' ? 'APPROVED' : 'REJECTED',
                  decidedAt: at,
                  decisionReason: input.reason ?? null,
                },
              });
            }
            extra.reason = input.reason ?? null;
            extra.dueAt = after.dueAt;
            break;
          }
          case 'reassign': {
            const unit = await tx.unit.findFirst({
              where: { OR: [{ name: input.toUnit }, { aliases: { some: { alias: input.toUnit } } }] },
            });
            if (!unit)
              throw ApplicationFailure.nonRetryable(
                `单位名录中没有「${input.toUnit}」，无法改派`,
                ErrorType.UnknownUnit,
              );
            const prev = await tx.assignment.findUnique({
              where: { taskId_unitId: { taskId: task.taskId, unitId: unit.id } },
            });
            if (prev && !prev.cancelledAt)
              throw ApplicationFailure.nonRetryable(
                `${unit.name}已承担任务(${task.number})，不能重复改派`,
                ErrorType.InputRefused,
              );
            const data = {
              role: before.role,
              state: 'ASSIGNED' as const,
              overdue: false,
              dueAt: iso(before.dueAt),
              originalDueAt: iso(before.originalDueAt),
              acknowledgedAt: null,
              completedAt: null,
              cancelledAt: null,
              // supervised from the workflow's instant of the reassignment (its schedule's assignedAt,
              // recorded below), also for a re-opened row: the lights and the unit form count from it
              supervisedFrom: at,
            };
            const row = prev
              ? await tx.assignment.update({ where: { id: prev.id }, data, include: { unit: true } })
              : await tx.assignment.create({
                  data: { taskId: task.taskId, unitId: unit.id, ordinal: 1000, ...data },
                  include: { unit: true },
                });
            created = viewFromRow(row);
            await audit(tx, {
              actor: args.actor,
              action: 'assignment.created',
              entityType: 'Assignment',
              entityId: row.id,
              planId: task.planId,
              taskId: task.taskId,
              assignmentId: row.id,
              unitId: unit.id,
              // assignedAt: the workflow's instant of the reassignment, which its notices are planned
              // from; a later `supervise start` reads it back (app/supervise.ts) so it re-plans the same.
              data: {
                task: task.number,
                unit: unit.name,
                role: before.role,
                reassignedFrom: before.unit,
                reason: input.reason,
                assignedAt: args.at,
              },
            });
            extra.toUnit = unit.name;
            extra.reason = input.reason;
            break;
          }
          case 'requestCompletion': {
            // the 完成情况说明 and evidence the Office reviews (/reviews, the assignment page)
            const note = input.note ?? '';
            const links = input.evidenceLinks ?? [];
            await tx.completionRequest.create({
              data: { assignmentId: before.assignmentId, requestedAt: at, note, evidenceLinks: links },
            });
            if (note) extra.note = note;
            if (links.length) extra.evidenceLinks = links;
            break;
          }
          case 'approveCompletion':
          case 'rejectCompletion': {
            // at most one is pending: the state machine takes no second request while one waits
            await tx.completionRequest.updateMany({
              where: { assignmentId: before.assignmentId, status: 'REQUESTED' },
              data: {
                status: input.type === 'approveCompletion' ? 'APPROVED' : 'REJECTED',
                decidedAt: at,
                decisionReason: input.reason ?? null,
              },
            });
            extra.reason = input.reason ?? null;
            break;
          }
          case 'cancel':
            extra.reason = input.reason ?? null;
            break;
          default:
            break;
        }
        const closes = slipClosure(args.action, before, after);
        if (closes) {
          await closeSlips(tx, {
            assignmentId: before.assignmentId,
            because: closes,
            at,
            actor: args.actor,
            planId: task.planId,
            taskId: task.taskId,
            unitId: before.unitId,
            detail: {
              transitionId: args.transitionId,
              by: args.action,
              task: task.number,
              unit: before.unit,
              ...(closes === 'EXTENDED' ? { dueAt: after.dueAt } : {}),
            },
          });
        }
        await audit(tx, {
          actor: args.actor,
          action: args.action,
          entityType: 'Assignment',
          entityId: before.assignmentId,
          planId: task.planId,
          taskId: task.taskId,
          assignmentId: before.assignmentId,
          unitId: before.unitId,
          at,
          data: {
            transitionId: args.transitionId,
            task: task.number,
            unit: before.unit,
            from: before.state,
            to: after.state,
            overdue: after.overdue,
            ...extra,
          } as Prisma.InputJsonValue,
        });
        return { created };
      });
    },

    /**
     * Carries out notices whose moment has come: issues the slip a notice carries (once), then hands
     * the notice to the pipeline (once, by key). The send-time guard re-reads the assignment and
     * skips notices about an assignment that has closed meanwhile.
     */
    async deliverNotices(args: DeliverNoticesArgs): Promise<DeliveredNotice[]> {
      const out: DeliveredNotice[] = [];
      const ids = [...new Set(args.orders.map((o) => o.assignmentId).filter((x): x is string => x !== null))];
      const rows = new Map(
        (await db.assignment.findMany({ where: { id: { in: ids } }, select: { id: true, state: true } })).map((r) => [
          r.id,
          r,
        ]),
      );
      for (const o of args.orders) {
        const n = o.notice;
        const row = o.assignmentId ? rows.get(o.assignmentId) : null;
        if (o.assignmentId && (!row || (isClosed(row.state) && !sentWhenClosed(n.kind)))) {
          out.push({
            key: o.key,
            noticeId: null,
            created: false,
            slip: null,
            skipped: row ? `assignment ${row.state}` : 'assignment missing',
          });
          continue;
        }
        const slip =
          n.slip && o.assignmentId
            ? await issueSlip(args.task, o.assignmentId, n.slip, n, `slip-${o.key.replace(/^notice-/, '')}`)
            : null;
        const r = await submitPlanned(
          notifications,
          o,
          {
            plan: args.task.planSlug,
            slip,
            // the workflow names the decision by its audit action; the notice carries what was decided
            // (domain/messages decisionOf reads this and the bare action of older payloads)
            ...(o.extra?.decision ? { decision: decisionPayload(o.extra.decision, n.dueAt) ?? o.extra.decision } : {}),
            ...(o.extra?.reason ? { reason: o.extra.reason } : {}),
          },
          slip?.id ?? null,
        );
        // written after the submit, outside its transaction: a retry after a crash in between writes it then
        await auditOnce(
          db,
          {
            actor: 'system',
            action: 'notice.submitted',
            entityType: 'Notice',
            entityId: r.noticeId,
            planId: args.task.planId,
            taskId: args.task.taskId,
            assignmentId: o.assignmentId,
            data: { key: o.key, kind: n.kind, at: n.at, to: n.to, slip: slip?.number ?? null, level: n.level ?? null },
          },
          r.created,
        );
        out.push({ key: o.key, noticeId: r.noticeId, created: r.created, slip: slip?.number ?? null });
      }
      if (out.some((d) => d.created))
        logger.debug('notices submitted', { task: args.task.number, count: out.filter((d) => d.created).length });
      return out;
    },

    /**
     * Cancels an assignment's pending reminders and escalations (after an extension, a completion or
     * a cancel), or only those of `kinds`. Decision notices are never cancelled: they report the
     * very change that triggers the cancelling.
     */
    async cancelPendingNotices(args: { assignmentId: string; kinds?: NoticeKind[] }): Promise<number> {
      return notifications.cancelPending(args.assignmentId, args.kinds ?? [...CANCELLED_ON_CLOSE]);
    },

    /**
     * Submits notices about the whole plan (the catch-up's per-unit notices and Office summary) and
     * issues the catch-up's 督办单 they cite: activities/catch-up.ts (idempotent by dedupe key and key).
     */
    async submitPlanNotices(args: CatchUpInput): Promise<DeliveredNotice[]> {
      return submitCatchUp(deps, args);
    },
  };
}

export type { LifecycleActivities };
