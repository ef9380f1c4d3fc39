/** The audit log and the timelines (a task's, an assignment's) read from it. */
import type { PrismaClient } from '../../../generated/prisma/client';

export interface TimelineEvent {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  assignmentId: string | null;
  data: unknown;
}
export function timelineRows(
  rows: {
    id: bigint;
    at: Date;
    actor: string;
    action: string;
    entityType: string;
    assignmentId: string | null;
    data: unknown;
  }[],
): TimelineEvent[] {
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}

/** The audit log, newest first, paged by id (`before` = the last id of the previous page). */
export async function auditLog(
  db: PrismaClient,
  f: { before?: string; action?: string; assignmentId?: string; taskId?: string; unitId?: string; limit?: number } = {},
): Promise<{ rows: TimelineEvent[]; next: string | null }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  const rows = await db.auditEvent.findMany({
    where: {
      ...(f.before && /^\d{1,19}$/.test(f.before) ? { id: { lt: BigInt(f.before) } } : {}),
      ...(f.action ? { action: f.action } : {}),
      ...(f.assignmentId ? { assignmentId: f.assignmentId } : {}),
      ...(f.taskId ? { taskId: f.taskId } : {}),
      ...(f.unitId ? { unitId: f.unitId } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit,
    select: { id: true, at: true, actor: true, action: true, entityType: true, assignmentId: true, data: true },
  });
  const out = timelineRows(rows);
  return { rows: out, next: out.length === limit ? out[out.length - 1]!.id : null };
}
