/**
 * Loads the facts the assessment reads, straight from PostgreSQL: eight set-based queries, no
 * per-assignment round trips. Instants come back as epoch milliseconds computed by the server
 * (no Date objects for half a million rows), audit ids as text (they are bigints).
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import type {
  AssessmentFacts,
  AssignmentFact,
  AuditFact,
  ExtensionFact,
  NoticeFact,
  ReportFact,
  SlipFact,
  TaskFact,
  UnitFact,
} from '../../domain/assessment';

/** epoch milliseconds of a timestamptz column, as a float8 the driver returns as a number */
const ms = (col: string) => Prisma.raw(`(extract(epoch from ${col}) * 1000)::float8`);

/** Evidence the scoring cites from the audit log. */
export const CITED_ACTIONS = ['assignment.acknowledged', 'completion.approved'] as const;

export interface LoadOptions {
  /** window start and the as-of instant, epoch ms */
  from: number;
  asOf: number;
  /** restrict to one plan (by slug); default every plan */
  planSlug?: string;
}

/**
 * Reads units, tasks, the assignments alive in the window, reports due in it, extensions requested
 * before the as-of instant, slips issued in the window, the audit events the deductions cite, and
 * the notices delivered by the as-of instant (what was asked, and when).
 */
export async function loadAssessmentFacts(
  db: Pick<PrismaClient, '$queryRaw'>,
  o: LoadOptions,
): Promise<AssessmentFacts> {
  const from = new Date(o.from);
  const asOf = new Date(o.asOf);
  const planFilter = o.planSlug ? Prisma.sql`AND p.slug = ${o.planSlug}` : Prisma.empty;
  // The assignments in scope: not closed before the window opened. Reports, extensions and slips
  // are read only for these, through the same predicate (a semi-join, not an id list).
  const inScope = Prisma.sql`
    SELECT a.id FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" JOIN "Plan" p ON p.id = t."planId"
    WHERE (a."cancelledAt" IS NULL OR a."cancelledAt" >= ${from})
      AND (a."completedAt" IS NULL OR a."completedAt" >= ${from}) ${planFilter}`;

  // Delivered notices (a SENT delivery by the as-of instant), as plain facts per assignment: a
  // notice about one assignment sent to the unit (its liaison or leader; a review reminder or a
  // chase addressed to the Office alone asks the unit nothing), and each item of a unit's catch-up letter, resolved through the
  // letter's plan, the item's task number and unit name to the assignment it lists.
  const delivered = Prisma.sql`d.status = 'SENT' AND d."sentAt" IS NOT NULL AND d."sentAt" <= ${asOf}`;
  const noticeFacts = Prisma.sql`
    SELECT n.id::text AS id, n."assignmentId"::text AS "assignmentId", n.kind, ${ms('d."sentAt"')} AS "sentAt", d."messageId" AS "messageId",
           COALESCE(s.number, n.payload->'slip'->>'number') AS slip, n.payload->>'period' AS period, NULL::text AS what
    FROM "Notice" n JOIN "Delivery" d ON d."noticeId" = n.id LEFT JOIN "SupervisionSlip" s ON s.id = n."slipId"
    WHERE ${delivered} AND n.recipients && ARRAY['liaison', 'leader'] AND n."assignmentId" IN (${inScope})
    UNION ALL
    SELECT n.id::text, a.id::text, n.kind, ${ms('d."sentAt"')}, d."messageId", it->>'slipNumber', it->>'period', it->>'what'
    FROM "Notice" n JOIN "Delivery" d ON d."noticeId" = n.id
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(n.payload->'items') = 'array' THEN n.payload->'items' ELSE '[]'::jsonb END) it
      JOIN "Plan" p ON p.slug = n.payload->>'plan'
      JOIN "Task" t ON t."planId" = p.id AND t.number::text = it->>'task'
      JOIN "Unit" u ON u.name = it->>'unit'
      JOIN "Assignment" a ON a."taskId" = t.id AND a."unitId" = u.id
    WHERE n.kind = 'catchup_unit' AND ${delivered} AND a.id IN (${inScope})`;

  const [units, tasks, assignments, reports, extensions, slips, audit, notices] = await Promise.all([
    db.$queryRaw<UnitFact[]>`SELECT id::text AS id, name, kind::text AS kind FROM "Unit"`,
    db.$queryRaw<TaskFact[]>`
      SELECT t.id::text AS id, t."planId"::text AS "planId", p.slug AS "planSlug", t.number, t.text, t.kind::text AS kind, t.cadence::text AS cadence, ${ms('t."dueAt"')} AS "dueAt"
      FROM "Task" t JOIN "Plan" p ON p.id = t."planId" WHERE TRUE ${planFilter}`,
    db.$queryRaw<AssignmentFact[]>`
      SELECT a.id::text AS id, a."taskId"::text AS "taskId", a."unitId"::text AS "unitId", a.role::text AS role, a.state::text AS state,
             ${ms('a."dueAt"')} AS "dueAt", ${ms('a."originalDueAt"')} AS "originalDueAt", ${ms('a."acknowledgedAt"')} AS "acknowledgedAt",
             ${ms('a."completedAt"')} AS "completedAt", ${ms('a."cancelledAt"')} AS "cancelledAt", ${ms('a."createdAt"')} AS "createdAt",
             ${ms('a."supervisedFrom"')} AS "supervisedFrom"
      FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" JOIN "Plan" p ON p.id = t."planId"
      WHERE (a."cancelledAt" IS NULL OR a."cancelledAt" >= ${from})
        AND (a."completedAt" IS NULL OR a."completedAt" >= ${from}) ${planFilter}`,
    db.$queryRaw<ReportFact[]>`
      SELECT r.id::text AS id, r."assignmentId"::text AS "assignmentId", r.period, ${ms('r."dueAt"')} AS "dueAt", ${ms('r."submittedAt"')} AS "submittedAt"
      FROM "Report" r WHERE r."dueAt" >= ${from} AND r."dueAt" < ${asOf} AND r."assignmentId" IN (${inScope})`,
    db.$queryRaw<ExtensionFact[]>`
      SELECT e.id::text AS id, e."assignmentId"::text AS "assignmentId", ${ms('e."requestedAt"')} AS "requestedAt",
             ${ms('e."requestedDueAt"')} AS "requestedDueAt", e.status::text AS status, ${ms('e."decidedAt"')} AS "decidedAt"
      FROM "Extension" e WHERE e."requestedAt" < ${asOf} AND e."assignmentId" IN (${inScope})`,
    db.$queryRaw<SlipFact[]>`
      SELECT s.id::text AS id, s."assignmentId"::text AS "assignmentId", s.number, s.colour::text AS colour, ${ms('s."issuedAt"')} AS "issuedAt", s.reason,
             ${ms('s."closedAt"')} AS "closedAt", s."closedBecause"::text AS "closedBecause"
      FROM "SupervisionSlip" s WHERE s."issuedAt" >= ${from} AND s."issuedAt" < ${asOf} AND s."assignmentId" IN (${inScope})`,
    db.$queryRaw<AuditFact[]>`
      SELECT e.id::text AS id, e.action, e."assignmentId"::text AS "assignmentId", e."planId"::text AS "planId", ${ms('e.at')} AS at
      FROM "AuditEvent" e
      WHERE e.action = 'plan.imported'
         OR (e.action = 'assignment.created' AND e."assignmentId" IN (${inScope}))
         OR (e.action = ANY(${[...CITED_ACTIONS]}::text[]) AND e.at <= ${asOf} AND e."assignmentId" IN (${inScope}))
      ORDER BY e.id`,
    db.$queryRaw<NoticeFact[]>`${noticeFacts}`,
  ]);
  return { units, tasks, assignments, reports, extensions, slips, audit, notices };
}
