/**
 * Unit letters (单位督办函), the rule: what a unit's contact receives is one email per (unit, plan,
 * address, moment), carrying every notice item that falls due while the letter is open. A letter
 * opens with its first item and goes `debounceMs` after that item's moment (or after it opened, if
 * that is later); an item that falls due later goes into the next letter, never lost. The mail
 * pipeline keeps letters in PostgreSQL (app/notices/letters.ts); `plan preview` groups planned
 * notices with groupIntoLetters below, the same rule on a known timeline. Pure.
 */
import { inUnitLetter } from './registry';

/** Letter settings: on by default; `debounceMs` is how long a letter waits for the rest of its moment. */
export interface LetterSettings {
  enabled: boolean;
  debounceMs: number;
}

export const DEFAULT_LETTER_SETTINGS: LetterSettings = { enabled: true, debounceMs: 60_000 };

/** When a letter opened by an item due at `itemDueAt`, opened at `openedAt`, goes. */
export function letterSendAt(itemDueAt: Date, openedAt: Date, debounceMs: number): Date {
  return new Date(Math.max(itemDueAt.getTime(), openedAt.getTime()) + debounceMs);
}

/** The key that holds a letter open: one open letter per unit, plan and address (lower case). */
export function letterOpenKey(unitId: string, planId: string, email: string): string {
  return `${unitId}:${planId}:${email.trim().toLowerCase()}`;
}

/** The scope of a letter's notice (its key is noticeKey(scope, 'unit_letter', sendAt)). */
export function letterScope(letterId: string): string {
  return `letter-${letterId}`;
}

/** The recipient roles that are the unit's own contacts (the others are the Office and the leadership). */
const UNIT_ROLES: ReadonlySet<string> = new Set(['liaison', 'leader']);

/**
 * How a notice's recipients split between its unit's letters and a message of its own: when its
 * kind is one the registry sends in letters, its unit contacts (liaison, leader) get it in their
 * letters; the Office and the leadership, when also named (the 督办 after the leadership step),
 * get it alone as before. Any other kind goes alone to everyone.
 */
export function splitForLetters(kind: string, roles: readonly string[]): { inLetters: string[]; alone: string[] } {
  if (!inUnitLetter(kind)) return { inLetters: [], alone: [...roles] };
  return { inLetters: roles.filter((r) => UNIT_ROLES.has(r)), alone: roles.filter((r) => !UNIT_ROLES.has(r)) };
}

/** Whether any of a notice's recipients get it in their unit's letters (splitForLetters). */
export function goesInUnitLetter(kind: string, roles: readonly string[]): boolean {
  return splitForLetters(kind, roles).inLetters.length > 0;
}

/** One item on a timeline to group: when it falls due and to which unit address. */
export interface LetterCandidate<T> {
  at: Date;
  unit: string;
  plan: string;
  email: string;
  item: T;
}

/** A letter: when it goes, to whom, and its items in the order they fell due. */
export interface GroupedLetter<T> {
  at: Date;
  unit: string;
  plan: string;
  email: string;
  items: T[];
}

/**
 * Groups items into letters by the rule above, as if each item were processed at its moment.
 * Letters are returned by time, then unit, then address.
 */
export function groupIntoLetters<T>(candidates: readonly LetterCandidate<T>[], debounceMs: number): GroupedLetter<T>[] {
  const byAddress = new Map<string, LetterCandidate<T>[]>();
  for (const c of candidates) {
    const k = letterOpenKey(c.unit, c.plan, c.email);
    const list = byAddress.get(k) ?? [];
    list.push(c);
    byAddress.set(k, list);
  }
  const letters: GroupedLetter<T>[] = [];
  for (const list of byAddress.values()) {
    const sorted = [...list].sort((a, b) => a.at.getTime() - b.at.getTime());
    let open: GroupedLetter<T> | null = null;
    for (const c of sorted) {
      if (!open || c.at.getTime() > open.at.getTime()) {
        open = { at: letterSendAt(c.at, c.at, debounceMs), unit: c.unit, plan: c.plan, email: c.email, items: [] };
        letters.push(open);
      }
      open.items.push(c.item);
    }
  }
  return letters.sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() || a.unit.localeCompare(b.unit, 'zh-Hans-CN') || a.email.localeCompare(b.email),
  );
}

/** What plannedEmails needs of a notice: its kind, moment, unit and recipient roles (a PlannedNotice has them). */
export interface EmailCandidate {
  kind: string;
  /** ISO instant the notice goes out */
  at: string;
  unit: string | null;
  to: readonly string[];
}

/** A timeline's emails: the unit letters (one per unit contact and moment) and the notices that go alone. */
export interface PlannedEmails<N> {
  /** `email` is the contact's role (liaison, leader): each stands for that contact's own address */
  letters: GroupedLetter<N>[];
  /** one message each: kinds not sent in letters, and (with `to` narrowed to them) the Office's and leadership's share of the others */
  alone: N[];
}

/**
 * The emails a known timeline of notices makes, by the rule the mail pipeline applies
 * (app/notices/letters.ts): with letters on, a notice joins, for each of its unit contacts
 * (splitForLetters), that contact's letter of its moment (groupIntoLetters); its other recipients
 * (the Office, the leadership) and every other kind go alone.
 * Contacts are told apart by role, as the directory gives each role its own address; two roles
 * sharing one address would get one letter where this counts two. Digests are not modelled.
 */
export function plannedEmails<N extends EmailCandidate>(
  notices: readonly N[],
  plan: string,
  settings: LetterSettings,
): PlannedEmails<N> {
  const candidates: LetterCandidate<N>[] = [];
  const alone: N[] = [];
  for (const n of notices) {
    const split = splitForLetters(n.kind, n.to);
    if (settings.enabled && n.unit && split.inLetters.length) {
      for (const role of new Set(split.inLetters))
        candidates.push({ at: new Date(n.at), unit: n.unit, plan, email: role, item: n });
      // the Office and the leadership, when also named, get it alone
      if (split.alone.length) alone.push({ ...n, to: split.alone });
    } else alone.push(n);
  }
  return { letters: groupIntoLetters(candidates, settings.debounceMs), alone };
}
