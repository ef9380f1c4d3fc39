/** One assignment with everything about it (the Office's assignment page and the unit form). */
import type { PrismaClient } from '../../../generated/prisma/client';
import type { Light, LightParams } from '../lights';
import { boundToTask, type IndicatorRules } from '../../../config/indicators';
import { lightSql } from './sql';
import { timelineRows } from './audit';
import { defaultIndicatorRules } from './indicators';
import { catchUpUnitScope } from '../../../domain/notices';

export async function assignmentDetail(
  db: PrismaClient,
  p: LightParams,
  id: string,
  opts: { timelineLimit?: number; indicatorRules?: IndicatorRules } = {},
) {
  const a = await db.assignment.findUnique({
    where: { id },
    include: {
      unit: { select: { id: true, name: true, kind: true } },
      task: { include: { plan: { select: { id: true, slug: true, title: true } } } },
      reports: {
        orderBy: { submittedAt: 'desc' },
        include: { indicatorValues: { include: { indicator: { select: { code: true, name: true, unit: true } } } } },
      },
      extensions: { orderBy: { requestedAt: 'desc' } },
      completionRequests: { orderBy: { requestedAt: 'desc' } },
      slips: { orderBy: { issuedAt: 'desc' } },
    },
  });
  if (!a) return null;
  const [lightRow, own, catchUp, timeline, indicators] = await Promise.all([
    db.$queryRaw<
      { light: Light }[]
    >`SELECT ${lightSql(p, 'one')} AS light FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" WHERE a.id = ${id}::uuid`,
    db.notice.findMany({
      where: { assignmentId: id },
      orderBy: { dueAt: 'desc' },
      take: 100,
      include: { delivery: true },
    }),
    // the unit's catch-up letter lists this assignment among its overdue items (it has no assignment
    // of its own: its scope names the plan and the unit, app/supervise.ts catchUpOrders)
    db.notice.findMany({
      where: { scope: catchUpUnitScope(a.task.plan.slug, a.unitId), kind: 'catchup_unit' },
      orderBy: { dueAt: 'desc' },
      take: 10,
      include: { delivery: true },
    }),
    db.auditEvent.findMany({
      where: { assignmentId: id },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: Math.min(opts.timelineLimit ?? 200, 1000),
      select: { id: true, at: true, actor: true, action: true, entityType: true, assignmentId: true, data: true },
    }),
    db.indicator.findMany({ where: { planId: a.task.planId }, orderBy: { code: 'asc' } }),
  ]);
  const covers = (n: (typeof catchUp)[number]) =>
    ((n.payload as { items?: { task?: number }[] } | null)?.items ?? []).some((it) => it.task === a.task.number);
  const notices = [...own, ...catchUp.filter(covers)].sort((x, y) => y.dueAt.getTime() - x.dueAt.getTime());
  // only the indicators bound to this task (config/indicators.json): the form lists these and refuses any other code
  const rules = opts.indicatorRules ?? defaultIndicatorRules();
  const bound = indicators.filter((i) => boundToTask(rules, a.task.plan.title, i.name, a.task.number));
  return {
    assignment: a,
    light: lightRow[0]?.light ?? 'green',
    notices,
    timeline: timelineRows(timeline),
    indicators: bound,
  };
}
