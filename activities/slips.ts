/**
 * 督办单 numbering, shared by every issuer (the lifecycle's 督办 and the catch-up): numbers are
 * `督〔YYYY〕NNNN号`, consecutive per year of the issuing moment in the service zone, allocated under
 * a per-year advisory lock so concurrent issuers never take the same number or leave a gap.
 */
import { DateTime } from 'luxon';
import type { Prisma } from '../generated/prisma/client';

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
