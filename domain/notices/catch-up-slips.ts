/**
 * Which 督办单 a catch-up issues: one per assignment with an overdue deadline and a colour. Pure, so
 * the catch-up activity (which issues them) and supervision's preview (which counts them) read the
 * same rule.
 */
import type { SlipColour } from '../model';
import type { CatchUpItem, PlannedNotice } from './planned';

/** One slip the catch-up issues: an overdue deadline of one assignment. */
export interface SlipRequest {
  /** "task|unit", as the items name them */
  ref: string;
  item: CatchUpItem;
  colour: SlipColour;
  /** the catch-up's send instant: the slip's issue moment */
  at: string;
}

/** How a catch-up item names its assignment: "task|unit". */
export const catchUpRef = (it: { task: number; unit?: string }): string => `${it.task}|${it.unit ?? ''}`;

/**
 * The slips a catch-up issues: every item with an overdue deadline and a colour, once per
 * assignment, in the order the notices list them (unit notices first, so each unit's numbers follow
 * one another; the summary repeats the same items).
 */
export function slipRequests(orders: readonly { notice: PlannedNotice }[]): SlipRequest[] {
  const seen = new Map<string, SlipRequest>();
  for (const o of orders) {
    for (const it of o.notice.items ?? []) {
      if (it.what !== 'deadline' || !it.slip || seen.has(catchUpRef(it))) continue;
      seen.set(catchUpRef(it), { ref: catchUpRef(it), item: it, colour: it.slip, at: o.notice.at });
    }
  }
  return [...seen.values()];
}
