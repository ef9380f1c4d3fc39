/**
 * The append-only audit log. Every state change the service makes writes one event, inside the same
 * transaction as the change.
 */
import type { Prisma } from '../generated/prisma/client';
import type { AuditAction } from '../domain/audit-actions';

export interface AuditInput {
  actor: string;
  /** a code of domain/audit-actions.ts (each has its Chinese name there) */
  action: AuditAction;
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

/**
 * Writes the event unless one with the same action and entity is already there. For events written
 * after a change that committed on its own (a notice's submission): an attempt cut off between the
 * two (PostgreSQL crashed) is retried, finds the change already made, and must still leave the
 * event, once (test/integration/db-restart.test.ts). `fresh`: the change was made just now, so
 * no event can exist yet and the lookup is skipped.
 */
export async function auditOnce(tx: Tx, e: AuditInput, fresh: boolean): Promise<void> {
  if (!fresh) {
    const found = await tx.auditEvent.findFirst({
      where: { action: e.action, entityType: e.entityType, entityId: e.entityId },
      select: { id: true },
    });
    if (found) return;
  }
  await audit(tx, e);
}
