/**
 * Reads a notice and everything its send needs, fresh from the database: the processor never
 * trusts what was true when the notice was queued. One SQL round trip (notice, delivery, slip,
 * assignment, task, plan title, unit, contacts, reported periods): this runs once per email, and
 * the equivalent nested Prisma include costs six queries (see sql.ts for why plain SQL).
 */
import type { Sql } from '../../contracts/sql';

export interface LoadedNotice {
  id: string;
  key: string;
  kind: string;
  assignmentId: string | null;
  scope: string | null;
  dueAt: Date;
  status: string;
  payload: unknown;
  delivery: { status: string; attempts: number } | null;
  slip: { number: string; colour: 'BLUE' | 'ORANGE' | 'RED' } | null;
  assignment: {
    id: string;
    state: string;
    role: 'LEAD' | 'CO' | 'IMPLICIT';
    dueAt: Date | null;
    cancelledAt: Date | null;
    acknowledgedAt: Date | null;
    task: { number: number; text: string; deadlinePhrase: string; dueAt: Date | null; kind: 'deadline' | 'standing'; cancelledAt: Date | null; plan: { title: string } };
    unit: { id: string; name: string; contacts: { role: string; name: string; email: string }[] };
    reports: { period: string }[];
    /** the pending completion request's 完成情况说明 and evidence, if any (the Office's review reminder quotes them) */
    completion: { note: string; evidenceLinks: string[] } | null;
  } | null;
}

interface Row {
  id: string;
  key: string;
  kind: string;
  assignmentId: string | null;
  scope: string | null;
  dueAt: Date;
  status: string;
  payload: unknown;
  d_status: string | null;
  d_attempts: number | null;
  slip_number: string | null;
  slip_colour: 'BLUE' | 'ORANGE' | 'RED' | null;
  a_state: string | null;
  a_role: 'LEAD' | 'CO' | 'IMPLICIT' | null;
  a_due: Date | null;
  a_cancelled: Date | null;
  a_ack: Date | null;
  t_number: number | null;
  t_text: string | null;
  t_phrase: string | null;
  t_due: Date | null;
  t_kind: 'deadline' | 'standing' | null;
  t_cancelled: Date | null;
  plan_title: string | null;
  u_id: string | null;
  u_name: string | null;
  contacts: { role: string; name: string; email: string }[] | null;
  periods: string[] | null;
  completion: { note: string; evidenceLinks: string[] } | null;
}

const SELECT = `
    SELECT n.id::text, n.key, n.kind, n."assignmentId"::text AS "assignmentId", n.scope, n."dueAt", n.status::text, n.payload,
           d.status::text AS d_status, d.attempts AS d_attempts,
           s.number AS slip_number, s.colour::text AS slip_colour,
           a.state::text AS a_state, a.role::text AS a_role, a."dueAt" AS a_due, a."cancelledAt" AS a_cancelled, a."acknowledgedAt" AS a_ack,
           t.number AS t_number, t.text AS t_text, t."deadlinePhrase" AS t_phrase, t."dueAt" AS t_due, t.kind::text AS t_kind, t."cancelledAt" AS t_cancelled,
           p.title AS plan_title, u.id::text AS u_id, u.name AS u_name,
           (SELECT json_agg(json_build_object('role', c.role, 'name', c.name, 'email', c.email) ORDER BY c.role, c.email) FROM "Contact" c WHERE c."unitId" = u.id) AS contacts,
           (SELECT array_agg(r.period) FROM "Report" r WHERE r."assignmentId" = a.id) AS periods,
           (SELECT json_build_object('note', cr.note, 'evidenceLinks', cr."evidenceLinks") FROM "CompletionRequest" cr
             WHERE cr."assignmentId" = a.id AND cr.status = 'REQUESTED' ORDER BY cr."requestedAt" DESC LIMIT 1) AS completion
    FROM "Notice" n
    LEFT JOIN "Delivery" d ON d."noticeId" = n.id
    LEFT JOIN "SupervisionSlip" s ON s.id = n."slipId"
    LEFT JOIN "Assignment" a ON a.id = n."assignmentId"
    LEFT JOIN "Task" t ON t.id = a."taskId"
    LEFT JOIN "Plan" p ON p.id = t."planId"
    LEFT JOIN "Unit" u ON u.id = a."unitId"`;

/** One notice with everything its send needs, or null when it does not exist. */
export async function loadNotice(sql: Sql, noticeId: string): Promise<LoadedNotice | null> {
  const rows = await sql<Row>(`${SELECT} WHERE n.id = $1::uuid`, [noticeId]);
  return rows[0] ? toLoaded(rows[0]) : null;
}

/**
 * Several notices in one statement (the send path coalesces concurrent jobs' loads, see batch.ts),
 * by id; ids that do not exist are absent. Each row is read as fresh as by loadNotice.
 */
export async function loadNotices(sql: Sql, noticeIds: string[]): Promise<Map<string, LoadedNotice>> {
  const rows = await sql<Row>(`${SELECT} WHERE n.id = ANY($1::uuid[])`, [noticeIds]);
  return new Map(rows.map((r) => [r.id, toLoaded(r)]));
}

function toLoaded(r: Row): LoadedNotice {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind,
    assignmentId: r.assignmentId,
    scope: r.scope,
    dueAt: r.dueAt,
    status: r.status,
    payload: r.payload,
    delivery: r.d_status ? { status: r.d_status, attempts: r.d_attempts ?? 0 } : null,
    slip: r.slip_number ? { number: r.slip_number, colour: r.slip_colour! } : null,
    assignment: r.a_state
      ? {
          id: r.assignmentId!,
          state: r.a_state,
          role: r.a_role!,
          dueAt: r.a_due,
          cancelledAt: r.a_cancelled,
          acknowledgedAt: r.a_ack,
          task: { number: r.t_number!, text: r.t_text!, deadlinePhrase: r.t_phrase!, dueAt: r.t_due, kind: r.t_kind!, cancelledAt: r.t_cancelled, plan: { title: r.plan_title! } },
          unit: { id: r.u_id!, name: r.u_name!, contacts: r.contacts ?? [] },
          reports: (r.periods ?? []).map((period) => ({ period })),
          completion: r.completion ? { note: r.completion.note, evidenceLinks: r.completion.evidenceLinks ?? [] } : null,
        }
      : null,
  };
}
