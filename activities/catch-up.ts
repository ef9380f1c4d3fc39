/**
 * The catch-up's activity (workflow `supervisionCatchUp`): issues one 督办单 per overdue assignment
 * the catch-up covers, then submits the per-unit notices and the Office summary citing them.
 *
 * Idempotent, because Temporal runs activities at least once:
 * - a slip's dedupe key is `slip-<assignmentId>-catchup`: an assignment gets at most one catch-up
 *   slip, whatever the retries, a second run of the workflow or a restarted supervision; the slips of
 *   one catch-up are issued in one transaction under the year's numbering lock, so they carry
 *   consecutive numbers (unit by unit, in the order the notices list them) and a retry after the
 *   commit finds them all and takes no number;
 * - notices keep their deterministic keys (`notice-<plan>-catchup-…`), so a retry submits nothing
 *   twice; the slip numbers they cite are the same on every attempt.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { isClosed } from '../domain/lifecycle';
import { catchUpRef, slipRequests, type CatchUpItem, type SlipRequest } from '../domain/notices';
import { formatDay } from '../domain/messages';
import { auditOnce } from '../app/audit';
import type { Logger } from '../contracts/logger';
import { isUniqueViolation } from '../contracts/errors';
import type { CatchUpInput, DeliveredNotice } from '../contracts/workflows';
import type { NotificationPort } from '../contracts/notification';
import { submitPlanned } from '../app/notices/submit';
import { createSlip, lockSlipYear, slipYear } from '../app/slips';

export interface CatchUpDeps {
  db: PrismaClient;
  notifications: NotificationPort;
  logger: Logger;
  /** IANA zone slip years and dates are computed in */
  zone: string;
}

interface IssuedSlip {
  id: string;
  number: string;
}

/** The dedupe key of an assignment's catch-up slip: one per assignment, ever. */
export function catchUpSlipKey(assignmentId: string): string {
  return `slip-${assignmentId}-catchup`;
}

/** Why the slip was issued, as the dashboard and the assessment quote it. */
export function catchUpSlipReason(it: CatchUpItem, zone: string): string {
  const late = it.overdueDays > 0 ? `${it.overdueDays}天，` : '，';
  return `${it.unit}承担的任务(${it.task})已超过完成时限（${formatDay(it.dueAt, zone)}）${late}仍未完成（逾期事项汇总督办）`;
}

/**
 * Issues the catch-up's slips (or finds them, on a retry) and returns them by "task|unit". An
 * assignment that closed or disappeared before its slip was issued gets none.
 */
/** The assignments the catch-up's items name, by "task|unit" (one query). */
async function itemAssignments(db: PrismaClient, planId: string, items: { task: number; unit?: string }[]) {
  if (!items.length) return new Map<string, never>();
  const rows = await db.assignment.findMany({
    where: {
      task: { planId, number: { in: [...new Set(items.map((r) => r.task))] } },
      unit: { name: { in: [...new Set(items.map((r) => r.unit ?? ''))] } },
    },
    select: {
      id: true,
      taskId: true,
      unitId: true,
      state: true,
      cancelledAt: true,
      task: { select: { number: true } },
      unit: { select: { name: true } },
    },
  });
  // a unit re-assigned the same task keeps one row; prefer the live one if there ever were two
  const byRef = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const ref = `${r.task.number}|${r.unit.name}`;
    const prev = byRef.get(ref);
    if (!prev || (prev.cancelledAt && !r.cancelledAt)) byRef.set(ref, r);
  }
  return byRef;
}
type ItemAssignments = Awaited<ReturnType<typeof itemAssignments>>;

async function issueCatchUpSlips(
  deps: CatchUpDeps,
  args: CatchUpInput,
  requests: SlipRequest[],
  byRef: ItemAssignments,
): Promise<Map<string, IssuedSlip>> {
  const { db, zone } = deps;
  const issued = new Map<string, IssuedSlip>();
  if (!requests.length) return issued;
  const wanted = requests.flatMap((q) => {
    const row = byRef.get(q.ref);
    return row ? [{ q, row, dedupeKey: catchUpSlipKey(row.id) }] : [];
  });
  const missing = requests.filter((q) => !byRef.has(q.ref)).map((q) => q.ref);
  if (missing.length) deps.logger.warn('catch-up slip without assignment', { plan: args.planSlug, items: missing });
  if (!wanted.length) return issued;

  // All of one catch-up's slips go out at the same instant, hence in the same numbering year.
  const issuedAt = new Date(wanted[0]!.q.at);
  const year = slipYear(issuedAt, zone);
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await db.$transaction(
        async (tx) => {
          let seq = await lockSlipYear(tx, year);
          const found = new Map(
            (
              await tx.supervisionSlip.findMany({
                where: { dedupeKey: { in: wanted.map((w) => w.dedupeKey) } },
                select: { id: true, number: true, dedupeKey: true },
              })
            ).map((s) => [s.dedupeKey, s]),
          );
          const out = new Map<string, IssuedSlip>();
          for (const w of wanted) {
            const have = found.get(w.dedupeKey);
            if (have) {
              out.set(w.q.ref, { id: have.id, number: have.number });
              continue;
            }
            // the send-time guard of the lifecycle, here at issue time: nothing to supervise any more
            if (isClosed(w.row.state)) continue;
            seq += 1;
            const reason = catchUpSlipReason(w.q.item, zone);
            const slip = await createSlip(tx, {
              year,
              seq,
              assignmentId: w.row.id,
              colour: w.q.colour,
              reason,
              dedupeKey: w.dedupeKey,
              issuedAt,
              planId: args.planId,
              taskId: w.row.taskId,
              unitId: w.row.unitId,
              detail: {
                kind: 'catchup_unit',
                level: null,
                catchUp: true,
                dueAt: w.q.item.dueAt,
                overdueDays: w.q.item.overdueDays,
              },
            });
            out.set(w.q.ref, slip);
          }
          return out;
        },
        // a large plan's catch-up is a few hundred rows: more than the 5 s Prisma allows by default
        { timeout: 120_000, maxWait: 30_000 },
      );
      for (const [k, v] of result) issued.set(k, v);
      return issued;
    } catch (err) {
      // Another issuer took a number or this dedupe key at the same moment: read again (bounded).
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
    }
  }
}

/**
 * The catch-up: slips first (one transaction), then each notice with the numbers it cites. No
 * assignment to guard (the notices are about a unit or the plan); once per key.
 */
export async function submitCatchUp(deps: CatchUpDeps, args: CatchUpInput): Promise<DeliveredNotice[]> {
  const { db, notifications, logger } = deps;
  const byRef = await itemAssignments(
    db,
    args.planId,
    args.orders.flatMap((o) => o.notice.items ?? []),
  );
  const slips = await issueCatchUpSlips(deps, args, slipRequests(args.orders), byRef);
  const out: DeliveredNotice[] = [];
  for (const o of args.orders) {
    const n = o.notice;
    // each item names its assignment: the unit's letter gives every item its own form link, and the
    // Office's assignment page finds the letter that covered it (docs/notifications.md "Catch-up")
    const items = n.items?.map((it) => {
      const s = it.what === 'deadline' ? slips.get(catchUpRef(it)) : undefined;
      const assignmentId = byRef.get(catchUpRef(it))?.id;
      return { ...it, ...(assignmentId ? { assignmentId } : {}), ...(s ? { slipNumber: s.number } : {}) };
    });
    const cited = [...new Set((items ?? []).flatMap((it) => (it.slipNumber ? [it.slipNumber] : [])))];
    const r = await submitPlanned(notifications, o, { plan: args.planSlug, items, slips: cited });
    // written after the submit, outside its transaction: a retry after a crash in between writes it then
    await auditOnce(
      db,
      {
        actor: 'system',
        action: 'notice.submitted',
        entityType: 'Notice',
        entityId: r.noticeId,
        planId: args.planId,
        data: { key: o.key, kind: n.kind, at: n.at, to: n.to, unit: n.unit, items: n.items?.length ?? 0, slips: cited },
      },
      r.created,
    );
    out.push({ key: o.key, noticeId: r.noticeId, created: r.created, slip: null, slips: cited });
  }
  logger.info('catch-up submitted', {
    plan: args.planSlug,
    notices: out.length,
    created: out.filter((d) => d.created).length,
    slips: slips.size,
  });
  return out;
}
