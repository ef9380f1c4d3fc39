/**
 * Use case: the optional per-recipient daily digest.
 *
 * Who opted in: the addresses of contacts flagged `digest` in the units directory (config/units.json
 * `"digest": true`, the CSV's `digest` column), read from the database and cached briefly
 * (createDigestRecipients), so the send path asks PostgreSQL at most once per cache period, not
 * once per email. An address opts in when any of its contacts is flagged.
 *
 * A notice whose only recipient opted in is not sent alone: it is parked (Delivery row PARKED) and
 * the recipient's digest notice for the next digest moment (daily at `hour` local time, plus a
 * short debounce so every notice due at that moment is parked first) is submitted. The digest's key
 * is deterministic per (recipient, moment), so parking many notices submits it once. When the
 * digest falls due, every parked notice of that window that is still due goes out in one email,
 * and each is recorded as SENT with the digest's Message-ID.
 */
import * as crypto from 'node:crypto';
import { DateTime } from 'luxon';
import type { NotificationPort } from '../../contracts/notification';
import { digestible, noticeKey, type NoticeKind } from '../../domain/notices';
import type { Sql } from '../../contracts/sql';
import type { LoadedNotice } from './load-notice';
import type { Recipient } from './recipients';

/**
 * Which addresses receive a daily digest instead of single notices. `has` gets the address in
 * lower case. A ReadonlySet<string> of lower-case addresses is one (fixed); createDigestRecipients
 * reads the database.
 */
export interface DigestRecipients {
  has(email: string): boolean | Promise<boolean>;
}

/**
 * The opted-in addresses from the database: contacts with `digest` set, lower case. Read at most
 * once per `cacheMs` (default 30 s, like the recipient resolver); concurrent callers share one
 * read. A change to the directory therefore takes effect within `cacheMs`.
 */
export function createDigestRecipients(sql: Sql, o: { cacheMs?: number; clock?: () => number } = {}) {
  const cacheMs = o.cacheMs ?? 30_000;
  const clock = o.clock ?? Date.now;
  let cache: { at: number; emails: ReadonlySet<string> } | null = null;
  let reading: Promise<ReadonlySet<string>> | null = null;
  async function read(): Promise<ReadonlySet<string>> {
    const at = clock();
    const rows = await sql<{ email: string }>(`SELECT DISTINCT lower(btrim(email)) AS email FROM "Contact" WHERE digest`, []);
    const emails = new Set(rows.map((r) => r.email));
    cache = { at, emails };
    return emails;
  }
  function current(): ReadonlySet<string> | Promise<ReadonlySet<string>> {
    if (cache && clock() - cache.at < cacheMs) return cache.emails;
    reading ??= read().finally(() => {
      reading = null;
    });
    return reading;
  }
  return {
    has(email: string): boolean | Promise<boolean> {
      const set = current();
      return set instanceof Promise ? set.then((s) => s.has(email)) : set.has(email);
    },
  };
}

export interface DigestOptions {
  sql: Sql;
  notify: NotificationPort;
  zone: string;
  /** addresses that receive a daily digest instead of single notices (see DigestRecipients) */
  recipients: DigestRecipients;
  /** local hour of the daily digest (default 9) */
  hour?: number;
  /** wait after the moment so all notices due then are parked (default 30 s) */
  debounceMs?: number;
}

/** The digest moment a notice due at `dueAt` belongs to: the first `hour`:00 local at or after it. */
export function digestMoment(dueAt: Date, zone: string, hour = 9): DateTime {
  const t = DateTime.fromJSDate(dueAt).setZone(zone);
  let m = t.set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (m < t) m = m.plus({ days: 1 });
  return m;
}

export function createDigestPark(o: DigestOptions) {
  const hour = o.hour ?? 9;
  const debounce = o.debounceMs ?? 30_000;
  /** Parks the notice for its recipient's digest and returns the window, or null to send it alone. */
  return async function park(n: LoadedNotice, to: Recipient[], now: Date): Promise<string | null> {
    // kinds that always go alone (the registry's: alerts about failed mail, digests themselves)
    if (!digestible(n.kind) || to.length !== 1) return null;
    const email = to[0]!.email;
    // a cached set on the send path: no statement per email (createDigestRecipients)
    if (!(await o.recipients.has(email.trim().toLowerCase()))) return null;
    const moment = digestMoment(n.dueAt, o.zone, hour);
    const windowStart = moment.minus({ days: 1 });
    const scope = `digest-${crypto.createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
    const key = noticeKey(scope, 'digest', moment.toMillis());
    // a notice processed after its digest already went (workers were down) goes alone, not into
    // a digest that will never run again
    const done = await o.sql<{ status: string }>(`SELECT status::text FROM "Notice" WHERE key = $1 AND status NOT IN ('PENDING', 'QUEUED')`, [key]);
    if (done.length) return null;
    await o.sql(`INSERT INTO "Delivery" (id, "noticeId", attempts, status) VALUES (gen_random_uuid(), $1::uuid, 0, 'PARKED') ON CONFLICT ("noticeId") DO NOTHING`, [n.id]);
    await o.sql(`UPDATE "Notice" SET recipients = $2::text[], "statusReason" = '并入每日督办摘要', "updatedAt" = now() WHERE id = $1::uuid`, [n.id, [email]]);
    await o.notify.submit({
      key,
      kind: 'digest' as NoticeKind,
      assignmentId: null,
      scope,
      // debounced: the first parked notice fixes the digest's time (the key makes later submits no-ops)
      dueAt: new Date(Math.max(moment.toMillis(), now.getTime()) + debounce).toISOString(),
      slipId: null,
      payload: { to: [], recipient: email, windowStart: windowStart.toISO()!, windowEnd: moment.toISO()! },
    });
    return moment.toISO()!;
  };
}

/** Ids of the notices parked for a digest: its recipient, due in (windowStart, windowEnd]. */
export async function parkedMembers(sql: Sql, email: string, windowStart: string, windowEnd: string): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    `SELECT n.id::text AS id FROM "Notice" n JOIN "Delivery" d ON d."noticeId" = n.id
     WHERE d.status = 'PARKED' AND n.recipients = $1::text[] AND n."dueAt" > $2::timestamptz AND n."dueAt" <= $3::timestamptz
     ORDER BY n."dueAt", n.key`,
    [[email], windowStart, windowEnd],
  );
  return rows.map((r) => r.id);
}
