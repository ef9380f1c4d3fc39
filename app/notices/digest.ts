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
import type { NotificationPort, NoticeSubmission } from '../../contracts/notification';
import type { Sql } from '../../contracts/sql';
import type { NoticeMessageInput } from '../../domain/messages';
import { digestible, noticeKey, staleReason, type StoredNoticePayload } from '../../domain/notices';
import type { Logger } from '../../contracts/logger';
import { guardAssignment, guardNotice } from './compose';
import { digestStore, type DeliveryStore, type LoadedNotice } from './delivery-store';
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
    const emails = await digestStore.optedIn(sql);
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
    if (await digestStore.done(o.sql, key)) return null;
    await digestStore.park(o.sql, n.id, email);
    const digest: NoticeSubmission<'digest'> = {
      key,
      kind: 'digest',
      assignmentId: null,
      scope,
      // debounced: the first parked notice fixes the digest's time (the key makes later submits no-ops)
      dueAt: new Date(Math.max(moment.toMillis(), now.getTime()) + debounce).toISOString(),
      slipId: null,
      payload: { to: [], recipient: email, windowStart: windowStart.toISO()!, windowEnd: moment.toISO()! },
    };
    await o.notify.submit(digest);
    return moment.toISO()!;
  };
}

/** Ids of the notices parked for a digest: its recipient, due in (windowStart, windowEnd]. */
export function parkedMembers(sql: Sql, email: string, windowStart: string, windowEnd: string): Promise<string[]> {
  return digestStore.parkedMembers(sql, email, windowStart, windowEnd);
}

/** What a digest carries when it falls due: the entries still due, in task order, and their notices. */
export interface DigestContents {
  entries: NoticeMessageInput[];
  members: string[];
  /** whom the digest greets: the unit of the last member about an assignment, else the address */
  recipientName: string;
}

/**
 * Gathers a digest's parked notices that are still due: each is re-checked by the send-time guard
 * (a stale one is SKIPPED, its parked record too) and composed; one that cannot be composed is
 * left parked and logged.
 */
export async function collectDigest(
  d: { sql: Sql; store: DeliveryStore; logger: Logger },
  p: StoredNoticePayload<'digest'>,
  compose: (m: LoadedNotice) => Promise<NoticeMessageInput>,
): Promise<DigestContents> {
  const entries: NoticeMessageInput[] = [];
  const members: string[] = [];
  let recipientName = p.recipient;
  for (const id of await parkedMembers(d.sql, p.recipient, p.windowStart, p.windowEnd)) {
    const m = await d.store.loadOne(id);
    if (!m) continue;
    const reason = staleReason(guardNotice(m), guardAssignment(m));
    if (reason) {
      await d.store.skipParked(m.id, reason);
      await d.store.skipNotice(m.id, reason);
      continue;
    }
    try {
      entries.push(await compose(m));
      members.push(m.id);
      if (m.assignment) recipientName = m.assignment.unit.name;
    } catch (err) {
      d.logger.error('digest entry could not be composed; left parked', { key: m.key, err });
    }
  }
  // read in task order, whatever order the notices fell due in
  entries.sort((x, y) => (x.task?.number ?? 0) - (y.task?.number ?? 0) || x.kind.localeCompare(y.kind));
  return { entries, members, recipientName };
}
