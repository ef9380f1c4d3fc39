/**
 * Use case: unit letters (单位督办函). The rule is domain/notices/letters.ts; the statements are
 * letter-store.ts.
 *
 * Notices stay planned, keyed and recorded one per (assignment, kind, moment), exactly once, as
 * before. What changes is what is sent: a notice to a unit's contacts whose kind goes in letters
 * is not sent alone. For each of its addresses it joins that address's open letter for the unit
 * and plan (one is opened, to go `debounceMs` after the notice's moment, if none is open), and it
 * waits PARKED. When the letter's own notice (kind unit_letter, keyed by the letter) falls due, the
 * letter is closed to new items, its items still due are composed into one email with one link to
 * the unit's workspace, and the one send records every carried notice as SENT with the letter's
 * Message-ID. An item that arrives after its letter closed opens the next letter: late, never lost.
 *
 * Exactly-once for letters is the pipeline's own: each letter is one notice with one Delivery row
 * (claimed before the send), and each member is recorded by the letter that carried it. A member
 * job that reruns finds the letter it already joined.
 */
import type { NotificationPort, NoticeSubmission } from '../../contracts/notification';
import type { Sql } from '../../contracts/sql';
import type { Logger } from '../../contracts/logger';
import {
  splitForLetters,
  letterOpenKey,
  letterScope,
  letterSendAt,
  noticeKey,
  staleReason,
  type AnyStoredPayload,
  type LetterSettings,
  LETTER_ITEM_KINDS,
  LETTER_MAX_WAIT_MS,
} from '../../domain/notices';
import type { NoticeMessageInput } from '../../domain/messages';
import { guardAssignment, guardNotice } from './compose';
import type { DeliveryStore, LoadedNotice } from './delivery-store';
import { letterStore, type ClosedLetter } from './letter-store';
import { isValidAddress, type Recipient } from './recipients';

export interface LetterParkOptions {
  sql: Sql;
  notify: NotificationPort;
  settings: LetterSettings;
  logger: Logger;
}

/**
 * Puts a notice in its unit's letters: null when it goes alone to everyone. Otherwise the letters'
 * ids and the recipients who still get it alone (the Office and the leadership of a 督办 that also
 * names them): when there are none the notice is PARKED until its letters record it; when there are,
 * the caller sends it to them and that send is the notice's record (the letters carry it as an item).
 */
export type LetterPark = (
  n: LoadedNotice,
  p: AnyStoredPayload,
  to: Recipient[],
  now: Date,
) => Promise<{ letters: string[]; alone: Recipient[] } | null>;

/** Ids that never change, read once per process. */
function cachedLookup(read: (key: string) => Promise<string | null>) {
  const known = new Map<string, string>();
  return async (key: string): Promise<string | null> => {
    const hit = known.get(key);
    if (hit) return hit;
    const id = await read(key);
    if (id) known.set(key, id);
    return id;
  };
}

export function createLetterPark(o: LetterParkOptions): LetterPark {
  const unitId = cachedLookup((name) => letterStore.unitId(o.sql, name));
  const planId = cachedLookup((slug) => letterStore.planId(o.sql, slug));
  const centralId = cachedLookup((role) =>
    letterStore.centralUnitId(o.sql, role === 'office' ? 'OFFICE' : 'LEADERSHIP'),
  );

  return async function park(n, p, to, now) {
    if (!o.settings.enabled) return null;
    const split = splitForLetters(n.kind, p.to ?? [], o.settings.central);
    const lettered = [...split.inLetters, ...split.inCentral];
    if (!lettered.length) return null;
    const inLetters = to.filter((r) => lettered.includes(r.role));
    const alone = to.filter((r) => !lettered.includes(r.role));
    // a bad address goes the single-notice way, which records and reports it
    if (!inLetters.length || inLetters.some((r) => !isValidAddress(r.email))) return null;
    const unit = n.assignment?.unit.id ?? (p.unit ? await unitId(p.unit) : null);
    const plan = p.plan ? await planId(p.plan) : null;
    if (!unit || !plan || !p.plan) return null;
    // each address once (the resolver gives an address its first role): the unit's contacts in the
    // unit's letters, the Office's and the leadership's in their summary letters
    const targets = new Map<string, { email: string; unitId: string; central: boolean }>();
    for (const r of inLetters) {
      const email = r.email.trim().toLowerCase();
      const central = split.inCentral.includes(r.role);
      const letterUnit = central ? await centralId(r.role) : unit;
      if (!letterUnit) return null; // no Office or leadership unit in the directory: alone, as before
      if (!targets.has(email)) targets.set(email, { email, unitId: letterUnit, central });
    }
    const sendAt = letterSendAt(n.dueAt, now, o.settings.debounceMs);
    const joined = [];
    for (const t of targets.values()) {
      const openKey = letterOpenKey(t.unitId, plan, t.email, t.central);
      const j = { ...t, planId: plan, openKey, sendAt, noticeId: n.id };
      joined.push({ email: t.email, unitId: t.unitId, ...(await letterStore.join(o.sql, j)) });
    }
    // parked only when the letters are its whole delivery; otherwise its own send to the others records it
    if (!alone.length) await letterStore.park(o.sql, n.id);
    // the letter's own notice: submitted by every item that joins (idempotent by key), so a process
    // that died after opening the letter leaves it to the next item or to this one's rerun
    for (const l of joined) {
      const scope = letterScope(l.id);
      const submission: NoticeSubmission<'unit_letter'> = {
        key: noticeKey(scope, 'unit_letter', l.sendAt.getTime()),
        kind: 'unit_letter',
        assignmentId: null,
        scope,
        dueAt: l.sendAt.toISOString(),
        slipId: null,
        payload: { to: [], recipient: l.email, letterId: l.id, unitId: l.unitId, plan: p.plan },
      };
      const r = await o.notify.submit(submission);
      if (!l.noticeId) await letterStore.setNotice(o.sql, l.id, r.noticeId);
    }
    o.logger.debug('notice parked in letters', { key: n.key, letters: joined.map((l) => l.id) });
    return { letters: joined.map((l) => l.id), alone };
  };
}

/**
 * Whether a letter that is due should wait a little for items of its moment still on their way
 * (letter-store pendingFor: a backlog, a slow start of many plans): the moment to look again, or
 * null to go now. It never waits past LETTER_MAX_WAIT_MS after its send time, so a stuck notice
 * delays a letter by at most that, and the late item then goes in the next letter as before.
 */
export async function letterWait(sql: Sql, letterId: string, now: Date, stepMs = 5_000): Promise<number | null> {
  const l = await letterStore.open(sql, letterId);
  if (!l || now.getTime() > l.sendAt.getTime() + LETTER_MAX_WAIT_MS) return null;
  const pending = await letterStore.pendingFor(sql, l, LETTER_ITEM_KINDS);
  return pending > 0 ? now.getTime() + stepMs : null;
}

/** What a letter carries when it goes: the entries still due, and their notices. */
export interface LetterContents {
  letter: ClosedLetter;
  entries: NoticeMessageInput[];
  members: string[];
}

/**
 * Closes the letter and gathers its items that are still due: each is re-checked by the send-time
 * guard (a stale one is dropped from the letter, and its notice SKIPPED unless another letter sent
 * it) and composed; one that cannot be composed is left out and logged. Null: the letter is gone.
 */
export async function collectLetter(
  d: { sql: Sql; store: DeliveryStore; logger: Logger },
  letterId: string,
  compose: (m: LoadedNotice, letter: ClosedLetter) => Promise<NoticeMessageInput>,
): Promise<LetterContents | null> {
  const letter = await letterStore.close(d.sql, letterId);
  if (!letter) return null;
  const entries: NoticeMessageInput[] = [];
  const members: string[] = [];
  for (const id of await letterStore.items(d.sql, letterId)) {
    const m = await d.store.loadOne(id);
    if (!m) continue;
    const reason = staleReason(guardNotice(m), guardAssignment(m));
    if (reason) {
      await letterStore.skipItem(d.sql, letterId, m.id, reason);
      await d.store.skipParked(m.id, reason);
      await d.store.skipNotice(m.id, reason);
      continue;
    }
    try {
      entries.push(await compose(m, letter));
      members.push(m.id);
    } catch (err) {
      // one item that cannot be written never holds back the rest of the letter: it is left out,
      // and its notice recorded FAILED with the reason (the dashboard's notice log shows it)
      const reason = `无法写入单位督办函：${(err as Error).message}`.slice(0, 500);
      d.logger.error('letter item could not be composed; left out', { key: m.key, err });
      await letterStore.skipItem(d.sql, letterId, m.id, reason);
      await d.store.failParked(m.id, reason);
    }
  }
  return { letter, entries, members };
}

/** A rerun of a letter that already went: its carried notices recorded from the letter's record. */
export function settleLetterMembers(sql: Sql, letterId: string): Promise<number> {
  return letterStore.settleMembers(sql, letterId);
}

/**
 * The Office resends a letter that went (the unit lost it, or a new liaison took over): a new letter
 * with the same items, sent now as its own notice (kind unit_letter, `resendOf` naming the first),
 * through the same pipeline, so it is recorded and sent exactly once. Items no longer due (the task
 * was closed since) are left out when it goes, as for any letter. Null: no such letter, or it has
 * not gone yet (it will go on its own).
 */
export async function resendLetter(
  d: { sql: Sql; notify: NotificationPort },
  letterId: string,
): Promise<{ letterId: string; noticeId: string; email: string } | null> {
  const copy = await letterStore.copyForResend(d.sql, letterId);
  if (!copy) return null;
  const { unitId, plan } = copy;
  const scope = letterScope(copy.id);
  const r = await d.notify.submit({
    key: noticeKey(scope, 'unit_letter', copy.sendAt.getTime()),
    kind: 'unit_letter',
    assignmentId: null,
    scope,
    dueAt: copy.sendAt.toISOString(),
    slipId: null,
    payload: { to: [], recipient: copy.email, letterId: copy.id, unitId, plan, resendOf: letterId },
  });
  await letterStore.setNotice(d.sql, copy.id, r.noticeId);
  return { letterId: copy.id, noticeId: r.noticeId, email: copy.email };
}
