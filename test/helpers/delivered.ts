/**
 * Supervision as the assessment reads it, for tests over the real plan: every assignment supervised
 * from one instant and its 交办通知 delivered shortly after, recorded the way the mail pipeline
 * records them (a Notice with status SENT and its Delivery with sentAt and a Message-ID). Set-based
 * SQL: the real plan has well over a thousand assignments.
 */
import type { PrismaClient } from '../../generated/prisma/client';

export async function superviseAllDelivered(db: PrismaClient, o: { from: Date; sent: Date }): Promise<void> {
  await db.assignment.updateMany({ data: { supervisedFrom: o.from } });
  await db.$executeRaw`
    INSERT INTO "Notice" (id, key, kind, "assignmentId", "dueAt", recipients, payload, status, "updatedAt")
    SELECT gen_random_uuid(), 'notice-' || a.id || '-assignment-' || ${o.sent.getTime()}, 'assignment', a.id, ${o.sent}, ARRAY['liaison'], '{"to":["liaison"]}'::jsonb, 'SENT', now()
    FROM "Assignment" a`;
  await db.$executeRaw`
    INSERT INTO "Delivery" (id, "noticeId", "messageId", attempts, status, "sentAt")
    SELECT gen_random_uuid(), n.id, '<' || n.id || '@dubang.test>', 1, 'SENT', n."dueAt" FROM "Notice" n WHERE n.kind = 'assignment' AND n."dueAt" = ${o.sent}`;
}
