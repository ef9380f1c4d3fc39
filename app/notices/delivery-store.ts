/**
 * The delivery store: every SQL statement the notice use cases run on notices and their delivery
 * records, and nowhere else (plain parameterised SQL through the Sql port; see sql.ts for why not
 * Prisma on this path). Statuses are the DeliveryStatus enum (domain/notices/delivery.ts): bound
 * ones are cast, read ones are read as text.
 *
 * Loading: a notice and everything its send needs, fresh from the database; the processor never
 * trusts what was true when the notice was queued. One SQL round trip (notice, delivery, slip,
 * assignment, task, plan title, unit, contacts, reported periods): this runs once per email, and
 * the equivalent nested Prisma include costs six queries.
 *
 * Load, claim and record are coalesced across concurrent jobs (createDeliveryStore, batch.ts).
 */
import type { Sql } from '../../contracts/sql';
import type { DeliveryStatus } from '../../domain/notices';
import { coalesce } from './batch';

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
    task: {
      number: number;
      text: string;
      deadlinePhrase: string;
      dueAt: Date | null;
      kind: 'deadline' | 'standing';
      /** a recurring standing task's reporting cadence (每年 / 每季度 / 每月), else null */
      cadence?: 'year' | 'quarter' | 'month' | null;
      cancelledAt: Date | null;
      plan: { title: string };
    };
    unit: { id: string; name: string; contacts: { role: string; name: string; email: string }[] };
    reports: { period: string }[];
    /** the pending completion request's 完成情况说明 and evidence, if any (the Office's review reminder quotes them) */
    completion: { note: string; evidenceLinks: string[] } | null;
  } | null;
}

/** A row of the query below: the notice's own columns, then its joins flattened. */
interface Row extends Pick<
  LoadedNotice,
  'id' | 'key' | 'kind' | 'assignmentId' | 'scope' | 'dueAt' | 'status' | 'payload'
> {
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
  t_cadence: 'year' | 'quarter' | 'month' | null;
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
           t.number AS t_number, t.text AS t_text, t."deadlinePhrase" AS t_phrase, t."dueAt" AS t_due, t.kind::text AS t_kind, t.cadence::text AS t_cadence, t."cancelledAt" AS t_cancelled,
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
          task: {
            number: r.t_number!,
            text: r.t_text!,
            deadlinePhrase: r.t_phrase!,
            dueAt: r.t_due,
            kind: r.t_kind!,
            cadence: r.t_cadence,
            cancelledAt: r.t_cancelled,
            plan: { title: r.plan_title! },
          },
          unit: { id: r.u_id!, name: r.u_name!, contacts: r.contacts ?? [] },
          reports: (r.periods ?? []).map((period) => ({ period })),
          completion: r.completion
            ? { note: r.completion.note, evidenceLinks: r.completion.evidenceLinks ?? [] }
            : null,
        }
      : null,
  };
}

/** A claimed delivery: its attempt count and the state it was in before the claim (SENDING: ambiguous). */
export interface Claim {
  attempts: number;
  prev: string | null;
}

/** One final outcome to record: the Delivery row and the Notice's status change together. */
export interface Outcome {
  id: string;
  status: DeliveryStatus;
  noticeStatus: 'SENT' | 'FAILED' | 'DEAD';
  messageId: string | null;
  response: string | null;
  error: string | null;
  sentAt: string | null;
  reason: string | null;
  recipients: string[] | null;
}

/** The outcome a digest's members share (each on its own record). */
export interface MembersOutcome {
  status: 'SENT' | 'FAILED' | 'DEAD';
  messageId: string | null;
  response: string | null;
  error: string | null;
  sentAt: Date | null;
  reason: string | null;
}

/**
 * The send path's statements over one Sql port. Load, claim and record are coalesced: the calls of
 * concurrent jobs that arrive within `lingerMs` share one statement (batch.ts), each still as
 * fresh, atomic and durable as a statement of its own.
 */
export function createDeliveryStore(sql: Sql, o: { lingerMs?: number } = {}) {
  const lingerMs = o.lingerMs ?? 5;
  const loadBatch = coalesce((ids: string[]) => loadNotices(sql, ids), { lingerMs });

  /**
   * Claim: insert the Delivery row as SENDING, or bump an unfinished one (SENDING, RETRY); a final
   * row is left alone and answers nothing. Concurrent jobs' claims share one statement: one round
   * trip and one commit for all of them, each row still claimed atomically and durably before its
   * send. Ids are sorted so two workers' statements lock rows in the same order.
   */
  const claimBatch = coalesce<string, Claim>(
    async (ids) => {
      const rows = await sql<{ id: string; attempts: number; prev: string | null }>(
        `WITH prev AS (SELECT "noticeId", status FROM "Delivery" WHERE "noticeId" = ANY($1::uuid[]))
       INSERT INTO "Delivery" (id, "noticeId", attempts, status)
       SELECT gen_random_uuid(), x.id, 1, 'SENDING' FROM unnest($1::uuid[]) AS x(id)
       ON CONFLICT ("noticeId") DO UPDATE SET attempts = "Delivery".attempts + 1, status = 'SENDING'
         WHERE "Delivery".status IN ('SENDING', 'RETRY')
       RETURNING "noticeId"::text AS id, attempts,
         (SELECT prev.status::text FROM prev WHERE prev."noticeId" = "Delivery"."noticeId") AS prev`,
        [[...ids].sort()],
      );
      return new Map(rows.map((r) => [r.id, { attempts: r.attempts, prev: r.prev }]));
    },
    { lingerMs },
  );

  /**
   * Record final outcomes: Delivery and Notice change together, in one statement (atomic without a
   * transaction round trip); concurrent jobs' outcomes share the statement.
   */
  const recordBatch = coalesce<Outcome, true>(
    async (outcomes) => {
      const sorted = [...outcomes].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      await sql(
        `WITH v AS (
           SELECT * FROM json_to_recordset($1::json) AS x(id uuid, status text, "noticeStatus" text, "messageId" text,
             response text, error text, "sentAt" timestamptz, reason text, recipients text[])),
         del AS (
           UPDATE "Delivery" SET status = v.status::"DeliveryStatus", "messageId" = v."messageId",
             "smtpResponse" = v.response, error = v.error, "sentAt" = v."sentAt"
           FROM v WHERE "Delivery"."noticeId" = v.id AND "Delivery"."noticeId" = ANY($2::uuid[])
           RETURNING "Delivery"."noticeId")
         UPDATE "Notice" SET status = v."noticeStatus"::"NoticeStatus", "statusReason" = v.reason,
           recipients = COALESCE(v.recipients, "Notice".recipients), "updatedAt" = now()
         FROM v WHERE "Notice".id = v.id AND "Notice".id = ANY($2::uuid[])`,
        // the id list repeated as an array gives the planner an index condition: joined only
        // with the JSON rows, a young table without statistics is scanned whole for every batch
        [JSON.stringify(sorted), sorted.map((x) => x.id)],
      );
      return new Map(outcomes.map((x) => [x.id, true as const]));
    },
    { id: (x) => x.id, lingerMs },
  );

  return {
    /** a notice with everything its send needs (coalesced), or null when it does not exist */
    async load(noticeId: string): Promise<LoadedNotice | null> {
      return (await loadBatch(noticeId)) ?? null;
    },
    /** one notice, in a statement of its own (a digest's members) */
    loadOne: (noticeId: string) => loadNotice(sql, noticeId),
    /** claims the delivery before the send (coalesced); null when its record is final */
    async claim(noticeId: string): Promise<Claim | null> {
      return (await claimBatch(noticeId)) ?? null;
    },
    /** records a final outcome on the Delivery row and the Notice (coalesced) */
    async record(outcome: Outcome): Promise<void> {
      await recordBatch(outcome);
    },
    /** the notices a digest carried share its outcome and Message-ID, each on its own record */
    async recordMembers(members: string[], m: MembersOutcome): Promise<void> {
      await sql(
        `WITH del AS (
           UPDATE "Delivery" SET status = $2::"DeliveryStatus", "messageId" = $3, "smtpResponse" = $4, error = $5,
             "sentAt" = $6, attempts = 1
           WHERE "noticeId" = ANY($1::uuid[]) AND status = 'PARKED' RETURNING "noticeId")
         UPDATE "Notice" SET status = $7::"NoticeStatus", "statusReason" = $8, "updatedAt" = now()
         WHERE id IN (SELECT "noticeId" FROM del)`,
        [members, m.status, m.messageId, m.response, m.error, m.sentAt, m.status, m.reason],
      );
    },
    /** an attempt that did not finish (RETRY, or SENDING when the outcome is unknown): only the delivery row */
    async markUnfinished(noticeId: string, status: 'RETRY' | 'SENDING', error: string | null): Promise<void> {
      await sql(`UPDATE "Delivery" SET status = $2::"DeliveryStatus", error = $3 WHERE "noticeId" = $1::uuid`, [
        noticeId,
        status,
        error,
      ]);
    },
    /** a delivery that failed before anything was sent: the record, created if there is none (0 attempts) */
    async failWithoutSending(noticeId: string, error: string): Promise<void> {
      await sql(
        `INSERT INTO "Delivery" (id, "noticeId", attempts, status, error)
       VALUES (gen_random_uuid(), $1::uuid, 0, $2::"DeliveryStatus", $3)
       ON CONFLICT ("noticeId") DO UPDATE SET status = $2::"DeliveryStatus", error = $3
         WHERE "Delivery".status IN ('SENDING', 'RETRY')`,
        [noticeId, 'FAILED' satisfies DeliveryStatus, error],
      );
    },
    /** the send-time guard's verdict: a notice not yet sent is SKIPPED with its reason */
    async skipNotice(noticeId: string, reason: string): Promise<void> {
      await sql(
        `UPDATE "Notice" SET status = 'SKIPPED', "statusReason" = $2, "updatedAt" = now()
         WHERE id = $1::uuid AND status IN ('PENDING', 'QUEUED')`,
        [noticeId, reason],
      );
    },
    /** a parked notice its letter could not carry (it cannot be rendered): failed, with the reason */
    async failParked(noticeId: string, error: string): Promise<void> {
      await sql(
        `WITH d AS (
           UPDATE "Delivery" SET status = 'FAILED', error = $2 WHERE "noticeId" = $1::uuid AND status = 'PARKED'
           RETURNING "noticeId")
         UPDATE "Notice" SET status = 'FAILED', "statusReason" = $2, "updatedAt" = now() WHERE id IN (SELECT "noticeId" FROM d)`,
        [noticeId, error],
      );
    },
    /** a parked notice no longer due when its digest went out */
    async skipParked(noticeId: string, reason: string): Promise<void> {
      await sql(
        `UPDATE "Delivery" SET status = 'SKIPPED', error = $2 WHERE "noticeId" = $1::uuid AND status = 'PARKED'`,
        [noticeId, reason],
      );
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;

/** The digest's statements (digest.ts). */
export const digestStore = {
  /** the opted-in addresses: contacts with `digest` set, lower case */
  async optedIn(sql: Sql): Promise<Set<string>> {
    const rows = await sql<{ email: string }>(
      `SELECT DISTINCT lower(btrim(email)) AS email FROM "Contact" WHERE digest`,
      [],
    );
    return new Set(rows.map((r) => r.email));
  },
  /** whether the digest notice of this key already went (or was dropped) */
  async done(sql: Sql, key: string): Promise<boolean> {
    const rows = await sql<{ status: string }>(
      `SELECT status::text FROM "Notice" WHERE key = $1 AND status NOT IN ('PENDING', 'QUEUED')`,
      [key],
    );
    return rows.length > 0;
  },
  /** parks a notice for the address's digest: a PARKED delivery record, the address as its recipient */
  async park(sql: Sql, noticeId: string, email: string): Promise<void> {
    await sql(
      `INSERT INTO "Delivery" (id, "noticeId", attempts, status) VALUES (gen_random_uuid(), $1::uuid, 0, 'PARKED')
       ON CONFLICT ("noticeId") DO NOTHING`,
      [noticeId],
    );
    await sql(
      `UPDATE "Notice" SET recipients = $2::text[], "statusReason" = '并入每日督办摘要', "updatedAt" = now()
       WHERE id = $1::uuid`,
      [noticeId, [email]],
    );
  },
  /** ids of the notices parked for a digest: its recipient, due in (windowStart, windowEnd] */
  async parkedMembers(sql: Sql, email: string, windowStart: string, windowEnd: string): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      `SELECT n.id::text AS id FROM "Notice" n JOIN "Delivery" d ON d."noticeId" = n.id
     WHERE d.status = 'PARKED' AND n.recipients = $1::text[]
       AND n."dueAt" > $2::timestamptz AND n."dueAt" <= $3::timestamptz
     ORDER BY n."dueAt", n.key`,
      [[email], windowStart, windowEnd],
    );
    return rows.map((r) => r.id);
  },
};
