/** A notice's identity within its task, and its key. Pure. */
import type { NoticeKind } from './kinds';

/**
 * Deterministic idempotency key, also the BullMQ job id (no ':' allowed there):
 * `notice-<assignmentId|scope>-<kind>-<dueAtMs>`, the moment being the notice's nominal one.
 */
export function noticeKey(scope: string, kind: NoticeKind, dueAtMs: number): string {
  return `notice-${scope}-${kind}-${dueAtMs}`;
}

/** The scope of a unit's catch-up notice in a plan (its overdue items are listed in its payload). */
export function catchUpUnitScope(planSlug: string, unitId: string): string {
  return `${planSlug}-catchup-${unitId}`;
}

/**
 * Identity of a planned notice within a task: (kind, unit, nominal moment), the parts of its key.
 */
export function noticeIdentity(n: { kind: NoticeKind; unit: string | null; nominalAt: string }): string {
  return `${n.kind}|${n.unit}|${n.nominalAt}`;
}
