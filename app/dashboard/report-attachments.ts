/**
 * The parts of a progress report the lifecycle's submitReport input does not carry (yet): evidence
 * links and indicator values. After the lifecycle accepted a report (its Report row exists), they
 * are attached to that row, once: a repeat leaves what is there. When recordTransition learns to
 * store them itself, this becomes a no-op (it only fills what is missing).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { audit } from '../../infra/audit';

export interface ReportAttachments {
  evidenceLinks: string[];
  /** indicator code (I01 …) → value */
  indicatorValues: { code: string; value: number }[];
}

export async function attachToReport(db: PrismaClient, opts: { assignmentId: string; period: string; actor: string } & ReportAttachments): Promise<{ attached: boolean }> {
  if (opts.evidenceLinks.length === 0 && opts.indicatorValues.length === 0) return { attached: false };
  return db.$transaction(async (tx) => {
    const report = await tx.report.findUnique({
      where: { assignmentId_period: { assignmentId: opts.assignmentId, period: opts.period } },
      include: { indicatorValues: true, assignment: { select: { unitId: true, taskId: true, task: { select: { planId: true } } } } },
    });
    if (!report) return { attached: false };
    const links = report.evidenceLinks.length === 0 ? opts.evidenceLinks : [];
    if (links.length) await tx.report.update({ where: { id: report.id }, data: { evidenceLinks: links } });
    const indicators = await tx.indicator.findMany({ where: { planId: report.assignment.task.planId, code: { in: opts.indicatorValues.map((v) => v.code) } } });
    const byCode = new Map(indicators.map((i) => [i.code, i]));
    const values: { code: string; value: number }[] = [];
    for (const v of opts.indicatorValues) {
      const ind = byCode.get(v.code);
      if (!ind || report.indicatorValues.some((x) => x.indicatorId === ind.id)) continue;
      await tx.indicatorValue.create({ data: { reportId: report.id, indicatorId: ind.id, value: v.value } });
      values.push(v);
    }
    if (!links.length && !values.length) return { attached: false };
    await audit(tx, {
      actor: opts.actor,
      action: 'report.attachments',
      entityType: 'Report',
      entityId: report.id,
      planId: report.assignment.task.planId,
      taskId: report.assignment.taskId,
      assignmentId: opts.assignmentId,
      unitId: report.assignment.unitId,
      data: { period: opts.period, evidenceLinks: links, indicatorValues: values },
    });
    return { attached: true };
  });
}
