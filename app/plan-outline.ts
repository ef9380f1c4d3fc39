/**
 * What a plan import writes besides tasks and assignments (split from app/plan-import.ts): the plan's
 * outline (sections, rules, indicators), upserted so a revision updates them in place, and the
 * cancellation of the tasks a revision removes (never deleted: their assignments are cancelled and
 * their slips closed, each with its audit event).
 */
import type { Prisma } from '../generated/prisma/client';
import type { ParsedPlan } from '../domain/model';
import { audit } from './audit';
import { closeSlips } from './slips';

/** Sections (level 1 first, so level 2 can point at its parent), rules and indicators; the section ids by key. */
export async function writeOutline(
  tx: Prisma.TransactionClient,
  planId: string,
  plan: Pick<ParsedPlan, 'sections' | 'rules' | 'indicators'>,
): Promise<Map<string, string>> {
  const sectionIds = new Map<string, string>();
  for (const s of [...plan.sections].sort((a, b) => a.level - b.level)) {
    const parentId = s.parentKey ? (sectionIds.get(s.parentKey) ?? null) : null;
    const row = await tx.section.upsert({
      where: { planId_key: { planId, key: s.key } },
      create: { planId, key: s.key, level: s.level, ordinal: s.ordinal, title: s.title, parentId },
      update: { level: s.level, ordinal: s.ordinal, title: s.title, parentId },
    });
    sectionIds.set(s.key, row.id);
  }
  for (const r of plan.rules) {
    await tx.planRule.upsert({
      where: { planId_kind_fromTask: { planId, kind: r.kind, fromTask: r.fromTask } },
      create: {
        planId,
        kind: r.kind,
        text: r.text,
        fromTask: r.fromTask,
        unitNames: r.units,
        sourceLine: r.line,
      },
      update: { text: r.text, unitNames: r.units, sourceLine: r.line },
    });
  }
  for (const ind of plan.indicators) {
    const data = {
      goal: ind.goal,
      name: ind.name,
      targetText: ind.targetText,
      targetValue: ind.targetValue,
      unit: ind.unit,
      comparator: ind.comparator,
      targetYear: ind.targetYear,
      sourceLine: ind.line,
    };
    await tx.indicator.upsert({
      where: { planId_code: { planId, code: ind.code } },
      create: { planId, code: ind.code, ...data },
      update: data,
    });
  }
  return sectionIds;
}

/** Cancels the tasks a revision removed (by number), their live assignments and their open slips. */
export async function cancelRemovedTasks(
  tx: Prisma.TransactionClient,
  o: { planId: string; numbers: number[]; at: Date; actor: string },
): Promise<void> {
  for (const n of o.numbers) {
    const t = await tx.task.update({
      where: { planId_number: { planId: o.planId, number: n } },
      data: { cancelledAt: o.at },
    });
    const live = await tx.assignment.findMany({
      where: { taskId: t.id, cancelledAt: null },
      select: { id: true, unitId: true },
    });
    await tx.assignment.updateMany({
      where: { taskId: t.id, cancelledAt: null },
      data: { cancelledAt: o.at, state: 'CANCELLED' },
    });
    for (const a of live)
      await closeSlips(tx, {
        assignmentId: a.id,
        because: 'CANCELLED',
        at: o.at,
        actor: o.actor,
        planId: o.planId,
        taskId: t.id,
        unitId: a.unitId,
        detail: { by: 'plan.revised', reason: '修订后的方案删除了该任务' },
      });
    await audit(tx, {
      actor: o.actor,
      action: 'task.cancelled',
      entityType: 'Task',
      entityId: t.id,
      planId: o.planId,
      taskId: t.id,
      data: { number: n, reason: '修订后的方案删除了该任务' },
    });
  }
}
