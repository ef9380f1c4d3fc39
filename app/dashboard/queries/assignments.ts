/** Lists of assignments with their lights (the API's /api/assignments, a task's and a unit's page). */
import { Prisma, type PrismaClient } from '../../../generated/prisma/client';
import type { Light, LightParams } from '../lights';
import { lightSql } from './sql';

const { sql, join, raw } = Prisma;

export interface AssignmentRow {
  id: string;
  taskId: string;
  plan: string;
  taskNumber: number;
  taskText: string;
  unitId: string;
  unit: string;
  role: string;
  state: string;
  overdue: boolean;
  dueAt: Date | null;
  originalDueAt: Date | null;
  light: Light;
  lastReportAt: Date | null;
}
export async function assignmentRows(
  db: PrismaClient,
  p: LightParams,
  where: Prisma.Sql,
  limit: number,
  offset = 0,
): Promise<{ rows: AssignmentRow[]; total: number }> {
  // The light (and the count) of every matching row is needed to sort and page; the rest of a
  // row (the task's text, the last report: a subquery each) only for the page's rows. A unit of
  // 100 plans has 4 000+ assignments: computing those for all of them before LIMIT was most of
  // its page's time.
  const order = (x: string) =>
    raw(
      `CASE ${x}.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, ${x}.plan, ${x}."taskNumber", ${x}.ordinal`,
    );
  const rows = await db.$queryRaw<(AssignmentRow & { total: bigint })[]>`
    SELECT a.id, a."taskId", y.plan, y."taskNumber", t.text AS "taskText", a."unitId", u.name AS unit,
      a.role::text AS role, a.state::text AS state, a.overdue, a."dueAt", a."originalDueAt", y.light,
      (SELECT max(r."submittedAt") FROM "Report" r WHERE r."assignmentId" = a.id) AS "lastReportAt", y.total
    FROM (
      SELECT z.*, count(*) OVER () AS total FROM (
        SELECT a.id, pl.slug AS plan, t.number AS "taskNumber", a.ordinal, ${lightSql(p)} AS light
        FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" JOIN "Unit" u ON u.id = a."unitId" JOIN "Plan" pl ON pl.id = t."planId"
        WHERE ${where}) z
      ORDER BY ${order('z')}
      LIMIT ${limit} OFFSET ${offset}) y
    JOIN "Assignment" a ON a.id = y.id JOIN "Task" t ON t.id = a."taskId" JOIN "Unit" u ON u.id = a."unitId"
    ORDER BY ${order('y')}`;
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map(({ total: _t, ...r }) => ({ ...r, taskNumber: Number(r.taskNumber) }) as AssignmentRow),
  };
}

/** A list of assignments, filtered (the API's /api/assignments). */
export async function assignmentList(
  db: PrismaClient,
  p: LightParams,
  f: {
    unitId?: string;
    taskId?: string;
    state?: string;
    light?: Light;
    plan?: string;
    limit?: number;
    offset?: number;
  },
): Promise<{ rows: AssignmentRow[]; total: number }> {
  const parts: Prisma.Sql[] = [sql`TRUE`];
  if (f.unitId) parts.push(sql`a."unitId" = ${f.unitId}::uuid`);
  if (f.taskId) parts.push(sql`a."taskId" = ${f.taskId}::uuid`);
  if (f.state) parts.push(sql`a.state = ${f.state}::"AssignmentState"`);
  if (f.plan) parts.push(sql`pl.slug = ${f.plan}`);
  if (f.light) parts.push(sql`${lightSql(p)} = ${f.light}`);
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  return assignmentRows(db, p, join(parts, ' AND '), limit, Math.max(f.offset ?? 0, 0));
}
