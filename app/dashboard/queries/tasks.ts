/** The task list with its light counts (filterable by the task's worst light) and a task's page. */
import { Prisma, type PrismaClient } from '../../../generated/prisma/client';
import type { Light, LightParams } from '../lights';
import { counts, lightSql, taskWhere, unitKindWhere, type DashboardFilters, type LightCounts } from './sql';
import { assignmentRows } from './assignments';
import { timelineRows } from './audit';

const { sql, empty } = Prisma;

export interface TaskRow extends LightCounts {
  id: string;
  plan: string;
  number: number;
  text: string;
  deadlinePhrase: string;
  dueAt: Date | null;
  kind: string;
  light: Light;
  /** of the counts, the rule-bound (属地落实) assignments (UnitLightRow) */
  implicit: LightCounts;
}

/** Tasks with their light counts; `light` filters on the task's worst light. */
export async function taskList(
  db: PrismaClient,
  p: LightParams,
  f: DashboardFilters & { limit?: number; offset?: number } = {},
): Promise<{ rows: TaskRow[]; total: number }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  const offset = Math.max(f.offset ?? 0, 0);
  const worstSql = sql`(CASE WHEN count(*) FILTER (WHERE x.light = 'red') > 0 THEN 'red'
    WHEN count(*) FILTER (WHERE x.light = 'yellow') > 0 THEN 'yellow'
    WHEN count(*) FILTER (WHERE x.light = 'green') > 0 THEN 'green' ELSE 'grey' END)`;
  const having = f.light ? sql`HAVING ${worstSql} = ${f.light}` : empty;
  const rows = await db.$queryRaw<
    (Omit<TaskRow, Light | 'implicit'> & Record<Light | `i_${Light}`, bigint> & { total: bigint })[]
  >`
    SELECT x."taskId" AS id, min(pl.slug) AS plan, min(t2.number) AS number, min(t2.text) AS text, min(t2."deadlinePhrase") AS "deadlinePhrase",
      min(t2."dueAt") AS "dueAt", min(t2.kind::text) AS kind,
      count(*) FILTER (WHERE x.light = 'red') AS red, count(*) FILTER (WHERE x.light = 'yellow') AS yellow,
      count(*) FILTER (WHERE x.light = 'green') AS green, count(*) FILTER (WHERE x.light = 'grey') AS grey,
      count(*) FILTER (WHERE x.light = 'red' AND x.implicit) AS i_red, count(*) FILTER (WHERE x.light = 'yellow' AND x.implicit) AS i_yellow,
      count(*) FILTER (WHERE x.light = 'green' AND x.implicit) AS i_green, count(*) FILTER (WHERE x.light = 'grey' AND x.implicit) AS i_grey,
      ${worstSql} AS light, count(*) OVER () AS total
    FROM (SELECT a."taskId", a.role = 'IMPLICIT' AS implicit, ${lightSql(p)} AS light FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
          WHERE ${taskWhere(f)} ${unitKindWhere(f)}) x
    JOIN "Task" t2 ON t2.id = x."taskId" JOIN "Plan" pl ON pl.id = t2."planId"
    GROUP BY x."taskId" ${having}
    ORDER BY min(pl.slug), min(t2.number) LIMIT ${limit} OFFSET ${offset}`;
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map(({ total: _t, i_red, i_yellow, i_green, i_grey, ...r }) => ({
      ...r,
      number: Number(r.number),
      ...counts(r),
      implicit: counts({ red: i_red, yellow: i_yellow, green: i_green, grey: i_grey }),
      light: r.light as Light,
    })),
  };
}

/** A task, its assignments with lights, and its timeline from the audit log (newest first). */
export async function taskDetail(
  db: PrismaClient,
  p: LightParams,
  taskId: string,
  opts: { timelineLimit?: number } = {},
) {
  const task = await db.task.findUnique({
    where: { id: taskId },
    include: { plan: { select: { slug: true, title: true } }, section: { select: { title: true } } },
  });
  if (!task) return null;
  const [list, timeline] = await Promise.all([
    assignmentRows(db, p, sql`a."taskId" = ${taskId}::uuid`, 1000),
    db.auditEvent.findMany({
      where: { taskId },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: Math.min(opts.timelineLimit ?? 200, 1000),
      select: { id: true, at: true, actor: true, action: true, entityType: true, assignmentId: true, data: true },
    }),
  ]);
  return { task, assignments: list.rows, timeline: timelineRows(timeline) };
}
