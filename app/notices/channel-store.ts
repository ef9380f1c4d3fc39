/**
 * The statements of the IM channels (channels.ts): the robots of the directory, the messages
 * waiting for one robot, the letter an IM message points to, and the open red/orange slips of the
 * daily summary. IM messages are notices (kind im_message, scope `im-<robotId>`) with Delivery
 * rows like any email, so their claim and record are the delivery store's.
 */
import type { Sql } from '../../contracts/sql';
import type { RobotChannel, RobotKind } from '../../domain/channels';

/** A robot with its credentials and its unit. Never logged whole (see robotLabel). */
export interface StoredRobot {
  id: string;
  unitId: string;
  unitName: string;
  unitKind: string;
  ordinal: number;
  channel: RobotChannel;
  webhook: string;
  secret: string | null;
  kinds: RobotKind[];
  mentions: string[];
}

const ROBOT = `SELECT r.id::text, r."unitId"::text AS "unitId", u.name AS "unitName", u.kind::text AS "unitKind", r.ordinal,
  r.channel::text AS channel, r.webhook, r.secret, r.kinds, r.mentions
  FROM "UnitRobot" r JOIN "Unit" u ON u.id = r."unitId"`;

/** The scope of a robot's IM notices: the messages waiting for it are found by it. */
export const imScope = (robotId: string) => `im-${robotId}`;

export const channelStore = {
  async robot(sql: Sql, id: string): Promise<StoredRobot | null> {
    return (await sql<StoredRobot>(`${ROBOT} WHERE r.id = $1::uuid`, [id]))[0] ?? null;
  },
  /** a unit's robots (by unit id or name), in directory order; with `kind`, only those that receive it */
  async robotsOf(sql: Sql, unit: { id?: string; name?: string }, kind?: RobotKind): Promise<StoredRobot[]> {
    return sql<StoredRobot>(
      `${ROBOT} WHERE (u.id::text = $1 OR u.name = $2) AND ($3::text IS NULL OR $3 = ANY(r.kinds)) ORDER BY r.ordinal`,
      [unit.id ?? '', unit.name ?? '', kind ?? null],
    );
  },
  /** every robot that receives `kind` */
  async robotsWith(sql: Sql, kind: RobotKind): Promise<StoredRobot[]> {
    return sql<StoredRobot>(`${ROBOT} WHERE $1 = ANY(r.kinds) ORDER BY u.name, r.ordinal`, [kind]);
  },
  /**
   * Takes the other messages waiting for a robot (due, not yet sent, not in flight: no Delivery row,
   * or RETRY, or PARKED by a merge that did not go) into a merge: their Delivery rows become PARKED.
   * Runs under the robot's lock. Returns their ids, oldest first.
   */
  async parkWaiting(sql: Sql, robotId: string, except: string, now: Date): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      `WITH w AS (
         SELECT n.id FROM "Notice" n LEFT JOIN "Delivery" d ON d."noticeId" = n.id
         WHERE n.scope = $1 AND n.kind = 'im_message' AND n.id <> $2::uuid AND n.status IN ('PENDING', 'QUEUED')
           AND n."dueAt" <= $3::timestamptz AND (d.id IS NULL OR d.status IN ('RETRY', 'PARKED'))
         ORDER BY n."dueAt", n.key LIMIT 500)
       INSERT INTO "Delivery" (id, "noticeId", attempts, status)
       SELECT gen_random_uuid(), w.id, 0, 'PARKED' FROM w
       ON CONFLICT ("noticeId") DO UPDATE SET status = 'PARKED' WHERE "Delivery".status IN ('RETRY', 'PARKED')
       RETURNING "noticeId"::text AS id`,
      [imScope(robotId), except, now.toISOString()],
    );
    return rows.map((r) => r.id);
  },
  /** the letter an IM message points to: its unit, plan, carried items and when its email went */
  async letter(
    sql: Sql,
    letterId: string,
  ): Promise<{
    unitId: string;
    unitName: string;
    planId: string;
    planTitle: string;
    items: string[];
    sentAt: Date | null;
  } | null> {
    const rows = await sql<{
      unitId: string;
      unitName: string;
      planId: string;
      planTitle: string;
      items: string[] | null;
      sentAt: Date | null;
    }>(
      `SELECT l."unitId"::text AS "unitId", u.name AS "unitName", l."planId"::text AS "planId", p.title AS "planTitle",
         (SELECT array_agg(li."noticeId"::text ORDER BY li."noticeId") FROM "LetterItem" li
           WHERE li."letterId" = l.id AND li.skipped IS NULL) AS items,
         d."sentAt" AS "sentAt"
       FROM "Letter" l JOIN "Unit" u ON u.id = l."unitId" JOIN "Plan" p ON p.id = l."planId"
       LEFT JOIN "Delivery" d ON d."noticeId" = l."noticeId"
       WHERE l.id = $1::uuid`,
      [letterId],
    );
    const r = rows[0];
    return r ? { ...r, items: r.items ?? [] } : null;
  },
  /** open red and orange 督办单, red first */
  async openSlips(
    sql: Sql,
  ): Promise<{ number: string; colour: 'RED' | 'ORANGE'; unit: string; task: number; text: string; plan: string }[]> {
    return sql(
      `SELECT s.number, s.colour::text AS colour, u.name AS unit, t.number AS task, t.text, p.title AS plan
       FROM "SupervisionSlip" s JOIN "Assignment" a ON a.id = s."assignmentId" JOIN "Unit" u ON u.id = a."unitId"
       JOIN "Task" t ON t.id = a."taskId" JOIN "Plan" p ON p.id = t."planId"
       WHERE s."closedAt" IS NULL AND s.colour IN ('RED', 'ORANGE')
       ORDER BY s.colour DESC, s.year, s.seq`,
      [],
    );
  },
};
