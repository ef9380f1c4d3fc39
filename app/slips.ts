/**
 * 督办单 numbering, shared by every issuer (the lifecycle's 督办 and the catch-up): numbers are
 * `督〔YYYY〕NNNN号`, consecutive per year of the issuing moment in the service zone, allocated under
 * a per-year advisory lock so concurrent issuers never take the same number or leave a gap.
 */
import { DateTime } from 'luxon';
import type { Prisma, SlipClosure } from '../generated/prisma/client';
import type { SlipColour } from '../domain/model';
import { audit } from './audit';

/** 督〔2026〕0001号 */
export function slipNumber(year: number, seq: number): string {
  return `督〔${year}〕${String(seq).padStart(4, '0')}号`;
}

/** The numbering year of a slip issued at `issuedAt`: the year in `zone`. */
export function slipYear(issuedAt: Date, zone: string): number {
  return DateTime.fromJSDate(issuedAt, { zone }).year;
}

/**
 * Serialises issuers of one year until the transaction ends, then returns the last number taken
 * that year (0 when none). Call it before reading anything the allocation depends on, so what a
 * concurrent issuer committed is seen.
 */
export async function lockSlipYear(tx: Prisma.TransactionClient, year: number): Promise<number> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'slip:' + year}))`;
  const max = await tx.supervisionSlip.aggregate({ where: { year }, _max: { seq: true } });
  return max._max.seq ?? 0;
}

/** One slip to write: its number's year and sequence (after lockSlipYear), what it is for, who gets it. */
export interface NewSlip {
  year: number;
  seq: number;
  assignmentId: string;
  colour: SlipColour;
  reason: string;
  dedupeKey: string;
  issuedAt: Date;
  /** where the audit event files it */
  planId: string;
  taskId: string;
  unitId?: string;
  /** what the audit event records besides number, colour and reason */
  detail: Record<string, unknown>;
}

/** Writes the slip and its `slip.issued` audit event (inside the caller's transaction, after lockSlipYear). */
export async function createSlip(tx: Prisma.TransactionClient, s: NewSlip): Promise<{ id: string; number: string }> {
  const slip = await tx.supervisionSlip.create({
    data: {
      number: slipNumber(s.year, s.seq),
      year: s.year,
      seq: s.seq,
      assignmentId: s.assignmentId,
      colour: s.colour,
      reason: s.reason,
      dedupeKey: s.dedupeKey,
      issuedAt: s.issuedAt,
    },
    select: { id: true, number: true },
  });
  await audit(tx, {
    actor: 'system',
    action: 'slip.issued',
    entityType: 'SupervisionSlip',
    entityId: slip.id,
    planId: s.planId,
    taskId: s.taskId,
    assignmentId: s.assignmentId,
    ...(s.unitId ? { unitId: s.unitId } : {}),
    data: { number: slip.number, colour: s.colour, ...s.detail, reason: s.reason },
  });
  return slip;
}

/** Closing the open slips of one assignment: why, when, who, and what the audit events record besides number, colour and why. */
export interface SlipClosing {
  assignmentId: string;
  because: SlipClosure;
  at: Date;
  actor: string;
  planId: string;
  taskId: string;
  unitId?: string;
  detail: Record<string, unknown>;
}

/**
 * Closes the assignment's open 督办单 (every one is about its deadline: docs/lifecycle.md "Slips
 * close"), each with its `slip.closed` audit event, inside the caller's transaction. Returns how many.
 */
export async function closeSlips(tx: Prisma.TransactionClient, c: SlipClosing): Promise<number> {
  const open = await tx.supervisionSlip.findMany({
    where: { assignmentId: c.assignmentId, closedAt: null },
    select: { id: true, number: true, colour: true },
    orderBy: { seq: 'asc' },
  });
  if (!open.length) return 0;
  await tx.supervisionSlip.updateMany({
    where: { id: { in: open.map((s) => s.id) }, closedAt: null },
    data: { closedAt: c.at, closedBecause: c.because },
  });
  for (const s of open) {
    await audit(tx, {
      actor: c.actor,
      action: 'slip.closed',
      entityType: 'SupervisionSlip',
      entityId: s.id,
      planId: c.planId,
      taskId: c.taskId,
      assignmentId: c.assignmentId,
      ...(c.unitId ? { unitId: c.unitId } : {}),
      at: c.at,
      data: { number: s.number, colour: s.colour, because: c.because, ...c.detail },
    });
  }
  return open.length;
}
