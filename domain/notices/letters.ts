/**
 * Unit letters (单位督办函), the rule: what a unit's contact receives is one email per (unit, plan,
 * address, moment), carrying every notice item that falls due while the letter is open. A letter
 * opens with its first item and goes `debounceMs` after that item's moment (or after it opened, if
 * that is later); an item that falls due later goes into the next letter, never lost. The mail
 * pipeline keeps letters in PostgreSQL (app/notices/letters.ts); `plan preview` groups planned
 * notices with groupIntoLetters below, the same rule on a known timeline. Pure.
 */
import { inUnitLetter } from './registry';

/**
 * Letter settings: on by default; `debounceMs` is how long a letter waits for the rest of its
 * moment; `central`: the Office's and the leadership's share of those notices (the 催办 copies, the
 * 督办 after the leadership step) goes in one summary letter per address and moment too (督办汇总),
 * instead of one email per notice.
 */
export interface LetterSettings {
  enabled: boolean;
  debounceMs: number;
  central: boolean;
}

export const DEFAULT_LETTER_SETTINGS: LetterSettings = { enabled: true, debounceMs: 60_000, central: true };

/** When a letter opened by an item due at `itemDueAt`, opened at `openedAt`, goes. */
export function letterSendAt(itemDueAt: Date, openedAt: Date, debounceMs: number): Date {
  return new Date(Math.max(itemDueAt.getTime(), openedAt.getTime()) + debounceMs);
}

/**
 * The key that holds a letter open: one open letter per unit, plan and address (lower case). A
 * summary letter to the Office or the leadership (`central`; its unit is the Office or the
 * leadership) has a key of its own, so the Office's letter about its own tasks stays apart.
 */
export function letterOpenKey(unitId: string, planId: string, email: string, central = false): string {
  return `${central ? 'c:' : ''}${unitId}:${planId}:${email.trim().toLowerCase()}`;
}

/** The scope of a letter's notice (its key is noticeKey(scope, 'unit_letter', sendAt)). */
export function letterScope(letterId: string): string {
  return `letter-${letterId}`;
}

/** The recipient roles that are the unit's own contacts (the others are the Office and the leadership). */
const UNIT_ROLES: ReadonlySet<string> = new Set(['liaison', 'leader']);
/** The recipient roles whose share goes in summary letters (central). */
const CENTRAL_ROLES: ReadonlySet<string> = new Set(['office', 'leadership']);

/** How a notice's recipients split between letters and a message of its own (splitForLetters). */
export interface LetterSplit {
  /** the unit's contacts: in the unit's letters */
  inLetters: string[];
  /** the Office and the leadership: in their summary letters (督办汇总) */
  inCentral: string[];
  /** everyone else: the notice alone */
  alone: string[];
}

/**
 * How a notice's recipients split: when its kind is one the registry sends in letters, its unit
 * contacts (liaison, leader) get it in their unit's letters, and the Office and the leadership,
 * when also named (the 催办 copy, the 督办 after the leadership step), in their summary letters
 * when `central` is on, else alone as before. Any other kind goes alone to everyone.
 */
export function splitForLetters(kind: string, roles: readonly string[], central = false): LetterSplit {
  if (!inUnitLetter(kind)) return { inLetters: [], inCentral: [], alone: [...roles] };
  const inCentral = central ? roles.filter((r) => CENTRAL_ROLES.has(r)) : [];
  return {
    inLetters: roles.filter((r) => UNIT_ROLES.has(r)),
    inCentral,
    alone: roles.filter((r) => !UNIT_ROLES.has(r) && !inCentral.includes(r)),
  };
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
  /** a summary letter to the Office or the leadership (its `unit`) */
  central?: boolean;
}

/** A letter: when it goes, to whom, and its items in the order they fell due. */
export interface GroupedLetter<T> {
  at: Date;
  unit: string;
  plan: string;
  email: string;
  items: T[];
  /** a summary letter to the Office or the leadership (its `unit`) */
  central: boolean;
}

/**
 * Groups items into letters by the rule above, as if each item were processed at its moment.
 * Letters are returned by time, then unit, then address.
 */
export function groupIntoLetters<T>(candidates: readonly LetterCandidate<T>[], debounceMs: number): GroupedLetter<T>[] {
  const byAddress = new Map<string, LetterCandidate<T>[]>();
  for (const c of candidates) {
    const k = letterOpenKey(c.unit, c.plan, c.email, c.central);
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
        const at = letterSendAt(c.at, c.at, debounceMs);
        open = { at, unit: c.unit, plan: c.plan, email: c.email, items: [], central: c.central === true };
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

/** A timeline's emails: the letters (one per unit contact, or Office/leadership, and moment) and the notices that go alone. */
export interface PlannedEmails<N> {
  /**
   * `email` is the contact's role (liaison, leader, office, leadership): each stands for that
   * contact's own address; a central letter's `unit` is the Office's or the leadership's name
   */
  letters: GroupedLetter<N>[];
  /** one message each: kinds not sent in letters, and (with `to` narrowed to them) any share the letters leave out */
  alone: N[];
}

/** The names a timeline gives the Office and the leadership (the directory's; 办公室 and 领导小组 if not given). */
export interface CentralNames {
  office: string;
  leadership: string;
}

/**
 * The emails a known timeline of notices makes, by the rule the mail pipeline applies
 * (app/notices/letters.ts): with letters on, a notice joins, for each of its unit contacts
 * (splitForLetters), that contact's letter of its moment (groupIntoLetters), and with `central` on,
 * the Office's and the leadership's summary letters of its moment; any other recipient and every
 * other kind go alone.
 * Contacts are told apart by role, as the directory gives each role its own address; two roles
 * sharing one address would get one letter where this counts two. Digests are not modelled.
 */
export function plannedEmails<N extends EmailCandidate>(
  notices: readonly N[],
  plan: string,
  settings: LetterSettings,
  names: CentralNames = { office: '办公室', leadership: '领导小组' },
): PlannedEmails<N> {
  const candidates: LetterCandidate<N>[] = [];
  const alone: N[] = [];
  for (const n of notices) {
    const split = splitForLetters(n.kind, n.to, settings.central);
    if (!settings.enabled || !n.unit || !(split.inLetters.length || split.inCentral.length)) {
      alone.push(n);
      continue;
    }
    const at = new Date(n.at);
    for (const role of new Set(split.inLetters)) candidates.push({ at, unit: n.unit, plan, email: role, item: n });
    for (const role of new Set(split.inCentral)) {
      const unit = role === 'office' ? names.office : names.leadership;
      candidates.push({ at, unit, plan, email: role, item: n, central: true });
    }
    if (split.alone.length) alone.push({ ...n, to: split.alone });
  }
  return { letters: groupIntoLetters(candidates, settings.debounceMs), alone };
}
