/**
 * A plan revision against what is stored: the comparable snapshots the diff reads (domain/plan/diff.ts),
 * and the pairing of the revised tasks with the stored ones by path (domain/plan/revision.ts), so a
 * plan numbered per section keeps each task's number, workflow and history when a task is added to
 * an earlier section. Split from app/plan-import.ts, which applies the result.
 */
import type { Prisma } from '../generated/prisma/client';
import type { AssignmentSnapshot, TaskSnapshot } from '../domain/plan/diff';
import { followPaths, type PathPairing } from '../domain/plan/revision';
import type { ValidatedPlan } from '../domain/plan/validate';

/** What the diff compares of a validated plan. */
export function snapshotOf(v: ValidatedPlan): { tasks: TaskSnapshot[]; assignments: AssignmentSnapshot[] } {
  return {
    tasks: v.tasks.map((t) => ({
      number: t.number,
      text: t.text,
      section: t.section,
      subsection: t.subsection,
      units: t.units,
      deadlinePhrase: t.deadlinePhrase,
      dueAt: t.dueAt,
    })),
    assignments: v.assignments.map((a) => ({ task: a.task, unit: a.unit, role: a.role })),
  };
}

/** The same snapshot of the plan as stored (live tasks and assignments). */
export async function storedSnapshot(tx: Prisma.TransactionClient, planId: string) {
  const tasks = await tx.task.findMany({
    where: { planId, cancelledAt: null },
    include: {
      section: true,
      subsection: true,
      assignments: { where: { cancelledAt: null }, include: { unit: true } },
    },
    orderBy: { number: 'asc' },
  });
  return {
    tasks: tasks.map((t) => ({
      number: t.number,
      text: t.text,
      section: t.section.key,
      subsection: t.subsection?.key ?? null,
      units: t.units,
      deadlinePhrase: t.deadlinePhrase,
      dueAt: t.dueAt ? t.dueAt.toISOString() : null,
    })),
    assignments: tasks.flatMap((t) => t.assignments.map((a) => ({ task: t.number, unit: a.unit.name, role: a.role }))),
  };
}

/** The revised plan with every task numbered as the stored task of its path (followPaths), or the ambiguous moves. */
export async function followStoredPaths(
  tx: Prisma.TransactionClient,
  planId: string,
  v: ValidatedPlan,
): Promise<PathPairing> {
  const stored = await tx.task.findMany({
    where: { planId },
    select: { number: true, path: true, text: true, cancelledAt: true },
  });
  return followPaths(
    v,
    stored.map((t) => ({ number: t.number, path: t.path, text: t.text, cancelled: t.cancelledAt !== null })),
  );
}
