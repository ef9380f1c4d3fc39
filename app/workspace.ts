/**
 * Use case: a unit's workspace (本单位督办事项) for one plan, reached by the signed link every unit
 * letter carries (web/routes/unit-workspace.ts). What it shows (every assignment of the unit in the
 * plan with its light, deadline, reports, slips and pending requests; the letters the unit received;
 * its report drafts), the read receipt of a letter (the first opening of its link), and the report
 * drafts of the 季度进展报送 form. The unit's actions themselves go to each task's lifecycle as the
 * per-assignment form sends them (TaskActions), one update per assignment.
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { Light, LightParams } from './dashboard/lights';
import { lightSql } from './dashboard/queries/sql';
import { audit } from './audit';
import { boundToTask } from '../config/indicators';
import { defaultIndicatorRules } from './dashboard/queries/indicators';
import type { Cadence } from '../domain/deadline';
import { catchUpUnitScope } from '../domain/notices';

export interface WorkspaceAssignment {
  id: string;
  taskNumber: number;
  taskText: string;
  taskKind: 'deadline' | 'standing';
  /** a recurring task's cadence (每月 …): the periods it owes (domain/policy kindPolicy) */
  taskCadence: Cadence | null;
  deadlinePhrase: string;
  role: 'LEAD' | 'CO' | 'IMPLICIT';
  state: string;
  overdue: boolean;
  dueAt: Date | null;
  acknowledgedAt: Date | null;
  supervisedFrom: Date | null;
  light: Light;
  reported: string[];
  lastReportAt: Date | null;
  slips: { number: string; colour: string; issuedAt: Date; closedAt: Date | null }[];
  pendingExtension: boolean;
  pendingCompletion: boolean;
  /** the indicators the task may report (config/indicators.json), as its own form lists them */
  indicators: { code: string; name: string; targetText: string; unit: string }[];
}

export interface WorkspaceLetter {
  id: string;
  /** the plan's title */
  plan: string;
  email: string;
  sentAt: Date | null;
  /** its delivery (SENT, RETRY, FAILED …), null while it waits */
  status: string | null;
  readAt: Date | null;
  /** the letter an Office resend repeated */
  resendOf: string | null;
  /** tasks given in it not yet signed for */
  unsigned: number;
  /** the items it carried (those left out as no longer due are not counted) */
  items: number;
  /** a summary letter (督办汇总) to the Office or the leadership: no link, so no read receipt, nothing to sign */
  central: boolean;
}

export interface WorkspaceDraft {
  assignmentId: string;
  period: string;
  fields: Record<string, string>;
  refusal: string | null;
  updatedAt: Date;
}

export interface Workspace {
  unit: { id: string; name: string };
  plan: { id: string; slug: string; title: string };
  assignments: WorkspaceAssignment[];
  letters: WorkspaceLetter[];
  drafts: WorkspaceDraft[];
}

/** The unit's workspace for one plan, or null when the unit or plan is gone or the unit has no task in it. */
export async function loadWorkspace(
  db: PrismaClient,
  p: LightParams,
  o: { unitId: string; planId: string },
): Promise<Workspace | null> {
  const [unit, plan] = await Promise.all([
    db.unit.findUnique({ where: { id: o.unitId }, select: { id: true, name: true } }),
    db.plan.findUnique({ where: { id: o.planId }, select: { id: true, slug: true, title: true } }),
  ]);
  if (!unit || !plan) return null;
  const rows = await db.assignment.findMany({
    where: { unitId: unit.id, task: { planId: plan.id } },
    include: {
      task: { select: { number: true, text: true, kind: true, cadence: true, deadlinePhrase: true } },
      reports: { select: { period: true, submittedAt: true } },
      slips: { select: { number: true, colour: true, issuedAt: true, closedAt: true }, orderBy: { issuedAt: 'desc' } },
      extensions: { where: { status: 'REQUESTED' }, select: { id: true } },
      completionRequests: { where: { status: 'REQUESTED' }, select: { id: true } },
    },
  });
  if (!rows.length) return null;
  const lights = await db.$queryRaw<{ id: string; light: Light }[]>`
    SELECT a.id, ${lightSql(p)} AS light FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
    WHERE a."unitId" = ${unit.id}::uuid AND t."planId" = ${plan.id}::uuid`;
  const lightOf = new Map(lights.map((l) => [l.id, l.light]));
  const indicators = await db.indicator.findMany({
    where: { planId: plan.id },
    select: { code: true, name: true, targetText: true, unit: true },
    orderBy: { code: 'asc' },
  });
  const rules = defaultIndicatorRules();
  const assignments: WorkspaceAssignment[] = rows
    .map((a) => ({
      id: a.id,
      taskNumber: a.task.number,
      taskText: a.task.text,
      taskKind: a.task.kind as 'deadline' | 'standing',
      taskCadence: a.task.cadence,
      deadlinePhrase: a.task.deadlinePhrase,
      role: a.role,
      state: a.state,
      overdue: a.overdue,
      dueAt: a.dueAt,
      acknowledgedAt: a.acknowledgedAt,
      supervisedFrom: a.supervisedFrom,
      light: lightOf.get(a.id) ?? 'green',
      reported: a.reports.map((r) => r.period),
      lastReportAt: a.reports.reduce<Date | null>((m, r) => (!m || r.submittedAt > m ? r.submittedAt : m), null),
      slips: a.slips,
      pendingExtension: a.extensions.length > 0,
      pendingCompletion: a.completionRequests.length > 0,
      indicators: indicators.filter((i) => boundToTask(rules, plan.title, i.name, a.task.number)),
    }))
    .sort((x, y) => x.taskNumber - y.taskNumber);
  const [letters, drafts] = await Promise.all([unitLetters(db, unit.id, plan.id), reportDrafts(db, unit.id, plan.id)]);
  return { unit, plan, assignments, letters, drafts };
}

/** The letters a unit received (in one plan, or all), newest first, with their read and sign state (the workspace and the unit's dashboard page). */
export async function unitLetters(db: PrismaClient, unitId: string, planId?: string): Promise<WorkspaceLetter[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      plan: string;
      email: string;
      sentAt: Date | null;
      status: string | null;
      readAt: Date | null;
      resendOf: string | null;
      items: bigint;
      unsigned: bigint;
      central: boolean;
    }[]
  >`
    SELECT l.id, p.title AS plan, l.email, d."sentAt", d.status::text AS status, l."readAt", l."resendOf"::text AS "resendOf",
      l.central,
      -- a catch-up item lists several tasks (its payload's items): each is a row of the letter
      (SELECT coalesce(sum(CASE WHEN n.kind = 'catchup_unit' THEN coalesce(jsonb_array_length(n.payload->'items'), 0) ELSE 1 END), 0)
         FROM "LetterItem" i JOIN "Notice" n ON n.id = i."noticeId" WHERE i."letterId" = l.id AND i.skipped IS NULL) AS items,
      (SELECT count(DISTINCT a.id) FROM "LetterItem" i JOIN "Notice" n ON n.id = i."noticeId"
         JOIN "Assignment" a ON a."unitId" = l."unitId" AND a."acknowledgedAt" IS NULL AND a.state = 'ASSIGNED'
         JOIN "Task" t ON t.id = a."taskId" AND t."planId" = l."planId"
       WHERE i."letterId" = l.id AND i.skipped IS NULL AND NOT l.central
         AND (a.id = n."assignmentId" OR (n.kind = 'catchup_unit' AND EXISTS (
               SELECT 1 FROM jsonb_array_elements(n.payload->'items') it WHERE (it->>'task')::int = t.number)))) AS unsigned
    FROM "Letter" l JOIN "Plan" p ON p.id = l."planId" LEFT JOIN "Delivery" d ON d."noticeId" = l."noticeId"
    WHERE l."unitId" = ${unitId}::uuid ${planId ? Prisma.sql`AND l."planId" = ${planId}::uuid` : Prisma.empty}
      AND l."closedAt" IS NOT NULL
    ORDER BY l."createdAt" DESC LIMIT 200`;
  return rows.map((r) => ({ ...r, items: Number(r.items), unsigned: Number(r.unsigned) }));
}

async function reportDrafts(db: PrismaClient, unitId: string, planId: string): Promise<WorkspaceDraft[]> {
  const rows = await db.reportDraft.findMany({ where: { unitId, planId } });
  return rows.map((r) => ({
    assignmentId: r.assignmentId,
    period: r.period,
    fields: (r.fields ?? {}) as Record<string, string>,
    refusal: r.refusal,
    updatedAt: r.updatedAt,
  }));
}

/**
 * The read receipt (已读): the first opening of a letter's workspace link (its token id is the
 * letter's id) records when, once; later openings change nothing. Returns whether this was the first.
 */
export async function recordLetterRead(
  db: PrismaClient,
  o: { letterId: string; unitId: string; planId: string; at: Date; ip?: string },
): Promise<boolean> {
  const rows = await db.$queryRaw<{ email: string }[]>`
    UPDATE "Letter" SET "readAt" = ${o.at}
    WHERE id::text = ${o.letterId} AND "unitId" = ${o.unitId}::uuid AND "planId" = ${o.planId}::uuid AND "readAt" IS NULL
    RETURNING email`;
  const first = rows[0];
  if (!first) return false;
  await audit(db, {
    actor: `unit:${o.unitId}/link:${o.letterId}`,
    action: 'letter.read',
    entityType: 'Letter',
    entityId: o.letterId,
    unitId: o.unitId,
    planId: o.planId,
    data: { email: first.email, at: o.at.toISOString(), ...(o.ip ? { ip: o.ip } : {}) },
  });
  return true;
}

/** Saves (or replaces) the drafts of a period's reports; an empty draft is removed. */
export async function saveReportDrafts(
  db: PrismaClient,
  o: {
    unitId: string;
    planId: string;
    period: string;
    actor: string;
    drafts: { assignmentId: string; fields: Record<string, string>; refusal: string | null }[];
  },
): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const d of o.drafts) {
      const empty = Object.values(d.fields).every((v) => !v.trim());
      const where = { assignmentId_period: { assignmentId: d.assignmentId, period: o.period } };
      if (empty && !d.refusal) {
        await tx.reportDraft.deleteMany({ where: { assignmentId: d.assignmentId, period: o.period } });
        continue;
      }
      const data = { fields: d.fields, refusal: d.refusal, updatedAt: new Date(), actor: o.actor };
      await tx.reportDraft.upsert({
        where,
        create: { assignmentId: d.assignmentId, period: o.period, unitId: o.unitId, planId: o.planId, ...data },
        update: data,
      });
    }
  });
}

/** Drops the drafts of reports that were submitted. */
export async function dropReportDrafts(db: PrismaClient, period: string, assignmentIds: string[]): Promise<void> {
  if (assignmentIds.length) await db.reportDraft.deleteMany({ where: { period, assignmentId: { in: assignmentIds } } });
}

/** The letters that carried notices about one assignment, newest first, with their read state (its dashboard page). */
export async function assignmentLetters(
  db: PrismaClient,
  a: { id: string; unitId: string; planSlug: string },
): Promise<{ id: string; email: string; sentAt: Date | null; readAt: Date | null; what: string[] }[]> {
  // Two index lookups (the assignment's notices, the unit's catch-up notices by scope), not one OR
  // over every letter item: that scanned the items of all plans (97 ms at 10 plans, bench scale).
  const rows = await db.$queryRaw<
    { id: string; email: string; sentAt: Date | null; readAt: Date | null; kinds: string[] }[]
  >`
    WITH mine AS (
      SELECT n.id, n.kind FROM "Notice" n WHERE n."assignmentId" = ${a.id}::uuid
      UNION ALL
      -- the unit's catch-up letter lists it among its items
      SELECT n.id, n.kind FROM "Notice" n
      WHERE n.scope = ${catchUpUnitScope(a.planSlug, a.unitId)} AND n.kind = 'catchup_unit'
        AND n.payload->'items' @> jsonb_build_array(jsonb_build_object('assignmentId', ${a.id}::text)))
    SELECT l.id, l.email, d."sentAt", l."readAt", array_agg(DISTINCT m.kind::text) AS kinds
    FROM mine m JOIN "LetterItem" li ON li."noticeId" = m.id JOIN "Letter" l ON l.id = li."letterId"
    LEFT JOIN "Delivery" d ON d."noticeId" = l."noticeId"
    WHERE li.skipped IS NULL AND l."closedAt" IS NOT NULL AND NOT l.central
    GROUP BY l.id, l.email, d."sentAt", l."readAt", l."createdAt"
    ORDER BY l."createdAt" DESC LIMIT 50`;
  return rows.map(({ kinds, ...r }) => ({ ...r, what: kinds }));
}
