/**
 * The `deliverNotices` activity (activities/lifecycle.ts), as named steps: the send-time guard (skip
 * notices about an assignment that has closed meanwhile), issuing the 督办单 a notice carries (once,
 * by dedupe key), handing the notice to the pipeline (once, by key) and auditing the submit.
 */
import { isUniqueViolation } from '../contracts/errors';
import type { AssignmentState, PrismaClient } from '../generated/prisma/client';
import { isClosed } from '../domain/lifecycle';
import type { SlipColour } from '../domain/model';
import { sentWhenClosed, type PlannedNotice } from '../domain/notices';
import { decisionPayload } from '../domain/messages';
import { auditOnce } from '../app/audit';
import type { DeliveredNotice, DeliverNoticesArgs, TaskRef } from '../contracts/workflows';
import { submitPlanned } from '../app/notices/submit';
import { createSlip, lockSlipYear, slipYear } from '../app/slips';
import type { Logger } from '../contracts/logger';
import type { NotificationPort } from '../contracts/notification';

/** What delivering needs (activities/lifecycle.ts LifecycleDeps has it; own type, so no import cycle). */
export interface DeliverDeps {
  db: PrismaClient;
  notifications: NotificationPort;
  logger: Logger;
  /** IANA zone slip years and dates are computed in */
  zone: string;
}

type Order = DeliverNoticesArgs['orders'][number];
type IssuedSlip = { id: string; number: string };

/** The reason a notice's 督办单 states: what the unit has missed, about which task. */
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

/** Issues the 督办单 for a notice once (by dedupe key); returns its id and number. */
async function issueSlip(
  { db, zone }: Pick<DeliverDeps, 'db' | 'zone'>,
  task: TaskRef,
  assignmentId: string,
  colour: SlipColour,
  n: PlannedNotice,
  dedupeKey: string,
): Promise<IssuedSlip> {
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

/** The states of the assignments the orders are about, read once for the send-time guard. */
async function loadAssignmentStates(
  db: DeliverDeps['db'],
  orders: Order[],
): Promise<Map<string, { id: string; state: AssignmentState }>> {
  const ids = [...new Set(orders.map((o) => o.assignmentId).filter((x): x is string => x !== null))];
  return new Map(
    (await db.assignment.findMany({ where: { id: { in: ids } }, select: { id: true, state: true } })).map((r) => [
      r.id,
      r,
    ]),
  );
}

/**
 * The send-time guard: why an order is skipped (its assignment is missing, or closed and the notice
 * is not one sent when closed), or null when it goes out.
 */
function skipReason(o: Order, rows: Map<string, { id: string; state: AssignmentState }>): string | null {
  const row = o.assignmentId ? rows.get(o.assignmentId) : null;
  if (o.assignmentId && (!row || (isClosed(row.state) && !sentWhenClosed(o.notice.kind))))
    return row ? `assignment ${row.state}` : 'assignment missing';
  return null;
}

/** Issues the order's 督办单 (if it carries one), submits the notice and audits the submit (once). */
async function deliverOne(deps: DeliverDeps, task: TaskRef, o: Order): Promise<DeliveredNotice> {
  const { db, notifications } = deps;
  const n = o.notice;
  const slip =
    n.slip && o.assignmentId
      ? await issueSlip(deps, task, o.assignmentId, n.slip, n, `slip-${o.key.replace(/^notice-/, '')}`)
      : null;
  const r = await submitPlanned(
    notifications,
    o,
    {
      plan: task.planSlug,
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
      planId: task.planId,
      taskId: task.taskId,
      assignmentId: o.assignmentId,
      data: { key: o.key, kind: n.kind, at: n.at, to: n.to, slip: slip?.number ?? null, level: n.level ?? null },
    },
    r.created,
  );
  return { key: o.key, noticeId: r.noticeId, created: r.created, slip: slip?.number ?? null };
}

/**
 * Carries out notices whose moment has come: issues the slip a notice carries (once), then hands
 * the notice to the pipeline (once, by key). The send-time guard re-reads the assignment and
 * skips notices about an assignment that has closed meanwhile.
 */
export async function deliverNotices(deps: DeliverDeps, args: DeliverNoticesArgs): Promise<DeliveredNotice[]> {
  const out: DeliveredNotice[] = [];
  const rows = await loadAssignmentStates(deps.db, args.orders);
  for (const o of args.orders) {
    const skipped = skipReason(o, rows);
    if (skipped !== null) {
      out.push({ key: o.key, noticeId: null, created: false, slip: null, skipped });
      continue;
    }
    out.push(await deliverOne(deps, args.task, o));
  }
  if (out.some((d) => d.created))
    deps.logger.debug('notices submitted', { task: args.task.number, count: out.filter((d) => d.created).length });
  return out;
}
