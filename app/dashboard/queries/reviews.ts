/** What the Office must decide: extension requests and pending completion requests (/reviews). */
import type { PrismaClient } from '../../../generated/prisma/client';

/** Extension requests, newest first (pending ones are what the Office must decide). */
export async function extensionList(db: PrismaClient, f: { status?: string; limit?: number; offset?: number } = {}) {
  const where = f.status ? { status: f.status as 'REQUESTED' } : {};
  const [rows, total] = await Promise.all([
    db.extension.findMany({
      where,
      orderBy: { requestedAt: 'desc' },
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        assignment: { select: { id: true, unit: { select: { name: true } }, task: { select: { number: true } } } },
      },
    }),
    db.extension.count({ where }),
  ]);
  return { rows, total };
}

/** The pending completion request (销号申请) of each assignment: the unit's 完成情况说明 and evidence, for the Office's review list. */
export async function pendingCompletionRequests(db: PrismaClient, assignmentIds: string[]) {
  const rows = await db.completionRequest.findMany({
    where: { assignmentId: { in: assignmentIds }, status: 'REQUESTED' },
    orderBy: { requestedAt: 'desc' },
  });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.assignmentId)) latest.set(r.assignmentId, r);
  return latest;
}
