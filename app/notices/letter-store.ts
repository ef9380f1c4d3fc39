/**
 * The unit letters' statements (letters.ts): joining a letter, closing it as it goes, its items,
 * and the records of the notices it carried. Each is one statement, so each is atomic.
 *
 * Why joining and closing cannot race: a letter accepts items while its `openKey` is set, and
 * `openKey` is unique. Joining is an INSERT … ON CONFLICT ("openKey") DO UPDATE, which either
 * creates the open letter or locks the one that exists and adds the item in the same statement.
 * Closing sets `openKey` to NULL. If the close commits first, the join finds no conflict and opens
 * the next letter; if the join commits first, the close waits for it and the item is read with the
 * others. An item therefore lands in exactly one letter that has not yet gone, never in none.
 */
import type { Sql } from '../../contracts/sql';

/** A letter an item joined: the one it was already in, or the open one (created if there was none). */
export interface JoinedLetter {
  id: string;
  sendAt: Date;
  /** the letter's own notice, once submitted */
  noticeId: string | null;
}

/** A letter as it goes out: whom and what it is for. */
export interface ClosedLetter {
  id: string;
  unitId: string;
  unitName: string;
  planId: string;
  planSlug: string;
  email: string;
  resendOf: string | null;
  /** a summary letter to the Office or the leadership (its unit) about many units' items */
  central: boolean;
  /** the unit's kind (OFFICE or LEADERSHIP for a summary letter) */
  unitKind: string;
}

export const letterStore = {
  /**
   * Puts a notice into the letter of (unit, plan, address): the letter that already holds it
   * (a rerun), else the open one, else a new one that goes at `sendAt`.
   */
  async join(
    sql: Sql,
    j: {
      unitId: string;
      planId: string;
      email: string;
      openKey: string;
      sendAt: Date;
      noticeId: string;
      central: boolean;
    },
  ): Promise<JoinedLetter> {
    const rows = await sql<JoinedLetter>(
      `WITH existing AS (
         SELECT l.id, l."sendAt", l."noticeId" FROM "LetterItem" li JOIN "Letter" l ON l.id = li."letterId"
         WHERE li."noticeId" = $6::uuid AND l."unitId" = $1::uuid AND l."planId" = $2::uuid AND l.email = $3
           AND l.central = $7
         LIMIT 1
       ), opened AS (
         INSERT INTO "Letter" (id, "unitId", "planId", email, "openKey", "sendAt", central)
         SELECT gen_random_uuid(), $1::uuid, $2::uuid, $3, $4, $5::timestamptz, $7 WHERE NOT EXISTS (SELECT 1 FROM existing)
         ON CONFLICT ("openKey") DO UPDATE SET "openKey" = EXCLUDED."openKey"
         RETURNING id, "sendAt", "noticeId"
       ), item AS (
         INSERT INTO "LetterItem" ("letterId", "noticeId") SELECT id, $6::uuid FROM opened ON CONFLICT DO NOTHING
       )
       SELECT id::text AS id, "sendAt", "noticeId"::text AS "noticeId" FROM existing
       UNION ALL SELECT id::text, "sendAt", "noticeId"::text FROM opened`,
      [j.unitId, j.planId, j.email, j.openKey, j.sendAt, j.noticeId, j.central],
    );
    const r = rows[0];
    if (!r) throw new Error(`letter join returned no row for notice ${j.noticeId}`);
    return { id: r.id, sendAt: new Date(r.sendAt), noticeId: r.noticeId };
  },

  /** Records which notice sends the letter (first writer wins; the key makes it the same notice). */
  async setNotice(sql: Sql, letterId: string, noticeId: string): Promise<void> {
    await sql(`UPDATE "Letter" SET "noticeId" = $2::uuid WHERE id = $1::uuid AND "noticeId" IS NULL`, [
      letterId,
      noticeId,
    ]);
  },

  /** The member notice waits for its letters: a PARKED delivery record (unique per notice). */
  async park(sql: Sql, noticeId: string): Promise<void> {
    await sql(
      `WITH d AS (
         INSERT INTO "Delivery" (id, "noticeId", attempts, status) VALUES (gen_random_uuid(), $1::uuid, 0, 'PARKED')
         ON CONFLICT ("noticeId") DO NOTHING RETURNING "noticeId"
       )
       UPDATE "Notice" SET "statusReason" = '并入单位督办函', "updatedAt" = now() WHERE id IN (SELECT "noticeId" FROM d)`,
      [noticeId],
    );
  },

  /** Closes the letter to new items (idempotent) and says whom it is for; null when it no longer exists. */
  async close(sql: Sql, letterId: string): Promise<ClosedLetter | null> {
    const rows = await sql<ClosedLetter>(
      `WITH c AS (
         UPDATE "Letter" SET "openKey" = NULL, "closedAt" = COALESCE("closedAt", now()) WHERE id = $1::uuid
         RETURNING id, "unitId", "planId", email, "resendOf", central
       )
       SELECT c.id::text AS id, c."unitId"::text AS "unitId", u.name AS "unitName", c."planId"::text AS "planId",
              p.slug AS "planSlug", c.email, c."resendOf"::text AS "resendOf", c.central,
              u.kind::text AS "unitKind"
       FROM c JOIN "Unit" u ON u.id = c."unitId" JOIN "Plan" p ON p.id = c."planId"`,
      [letterId],
    );
    return rows[0] ?? null;
  },

  /** The notices a letter carries that were not dropped, in the order they fell due. */
  async items(sql: Sql, letterId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      `SELECT li."noticeId"::text AS id FROM "LetterItem" li JOIN "Notice" n ON n.id = li."noticeId"
       WHERE li."letterId" = $1::uuid AND li.skipped IS NULL ORDER BY n."dueAt", n.key`,
      [letterId],
    );
    return rows.map((r) => r.id);
  },

  /** An item no longer due when its letter went: the guard's reason on the item. */
  async skipItem(sql: Sql, letterId: string, noticeId: string, reason: string): Promise<void> {
    await sql(`UPDATE "LetterItem" SET skipped = $3 WHERE "letterId" = $1::uuid AND "noticeId" = $2::uuid`, [
      letterId,
      noticeId,
      reason,
    ]);
  },

  /**
   * The records of the notices a sent letter carried, from the letter's own: for a rerun that finds
   * the letter SENT but some of its notices still PARKED (the process died between the two records).
   */
  async settleMembers(sql: Sql, letterId: string): Promise<number> {
    const rows = await sql<{ n: number }>(
      `WITH sent AS (
         SELECT d."messageId", d."smtpResponse", d."sentAt" FROM "Letter" l JOIN "Delivery" d ON d."noticeId" = l."noticeId"
         WHERE l.id = $1::uuid AND d.status = 'SENT'
       ), del AS (
         UPDATE "Delivery" d SET status = 'SENT', "messageId" = sent."messageId", "smtpResponse" = sent."smtpResponse",
           "sentAt" = sent."sentAt", attempts = 1
         FROM sent, "LetterItem" li
         WHERE li."letterId" = $1::uuid AND li.skipped IS NULL AND d."noticeId" = li."noticeId" AND d.status = 'PARKED'
         RETURNING d."noticeId"
       ), n AS (
         UPDATE "Notice" SET status = 'SENT', "statusReason" = '已随单位督办函送达', "updatedAt" = now()
         WHERE id IN (SELECT "noticeId" FROM del) RETURNING id
       )
       SELECT count(*)::int AS n FROM n`,
      [letterId],
    );
    return rows[0]?.n ?? 0;
  },

  /**
   * A copy of a letter that went, for an Office resend: a new letter (not open to new items, to go
   * now) carrying the same items; null when the letter does not exist or has not gone yet.
   */
  async copyForResend(
    sql: Sql,
    letterId: string,
  ): Promise<{ id: string; sendAt: Date; email: string; unitId: string; plan: string } | null> {
    const rows = await sql<{ id: string; sendAt: Date; email: string; unitId: string; plan: string }>(
      `WITH l AS (
         INSERT INTO "Letter" (id, "unitId", "planId", email, "openKey", "sendAt", "resendOf", central)
         SELECT gen_random_uuid(), "unitId", "planId", email, NULL, now(), id, central FROM "Letter"
         WHERE id = $1::uuid AND "closedAt" IS NOT NULL
         RETURNING id, "sendAt", email, "unitId", "planId"
       ), i AS (
         INSERT INTO "LetterItem" ("letterId", "noticeId")
         SELECT l.id, li."noticeId" FROM l, "LetterItem" li WHERE li."letterId" = $1::uuid AND li.skipped IS NULL
       )
       SELECT l.id::text AS id, l."sendAt", l.email, l."unitId"::text AS "unitId", p.slug AS plan
       FROM l JOIN "Plan" p ON p.id = l."planId"`,
      [letterId],
    );
    return rows[0] ?? null;
  },

  /** Unit ids by name and plan ids by slug (both never change): for notices that name them in the payload. */
  async unitId(sql: Sql, name: string): Promise<string | null> {
    const rows = await sql<{ id: string }>(`SELECT id::text AS id FROM "Unit" WHERE name = $1`, [name]);
    return rows[0]?.id ?? null;
  },
  /** The Office's or the leadership's unit (the directory has one of each), for their summary letters. */
  async centralUnitId(sql: Sql, kind: 'OFFICE' | 'LEADERSHIP'): Promise<string | null> {
    const rows = await sql<{ id: string }>(
      `SELECT id::text AS id FROM "Unit" WHERE kind = $1::"UnitKind" ORDER BY name LIMIT 1`,
      [kind],
    );
    return rows[0]?.id ?? null;
  },
  async planId(sql: Sql, slug: string): Promise<string | null> {
    const rows = await sql<{ id: string }>(`SELECT id::text AS id FROM "Plan" WHERE slug = $1`, [slug]);
    return rows[0]?.id ?? null;
  },
};
