/**
 * The append-only audit log. Every state change the service makes writes one event, inside the same
 * transaction as the change.
 */
import type { Prisma } from '../generated/prisma/client';

export interface AuditInput {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  planId?: string | null;
  taskId?: string | null;
  assignmentId?: string | null;
  unitId?: string | null;
  data?: unknown;
  at?: Date;
}

type Tx = Pick<Prisma.TransactionClient, 'auditEvent'>;

export async function audit(tx: Tx, e: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actor: e.actor,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      planId: e.planId ?? null,
      taskId: e.taskId ?? null,
      assignmentId: e.assignmentId ?? null,
      unitId: e.unitId ?? null,
      data: (e.data ?? {}) as Prisma.InputJsonValue,
      ...(e.at ? { at: e.at } : {}),
    },
  });
}
