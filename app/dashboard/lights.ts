/**
 * Traffic lights (PRODUCT.md "Interfaces"): green on track; yellow when the deadline is within 7
 * days or a report is late; red when overdue; grey once closed (completed or cancelled). The rule
 * runs in SQL (queries.ts) for volume; this file holds its parameters, computed from `now`.
 *
 * "A report late" means the most recent periodic report whose due moment has passed is missing:
 * quarterly reports for deadline tasks, due by the end of the 10th day after the quarter; the
 * annual summary for standing tasks, due by the end of 10 December (the default policy). An
 * assignment handed out after the period ended owes nothing for it (a plan imported late does not
 * start yellow).
 */
import { DateTime } from 'luxon';

export type Light = 'red' | 'yellow' | 'green' | 'grey';

export const LIGHTS: readonly Light[] = ['red', 'yellow', 'green', 'grey'];

/** Chinese labels shown next to the colour (the colour alone is not enough for everyone). */
export const LIGHT_LABELS: Record<Light, string> = { red: '逾期', yellow: '临期/报告逾期', green: '正常推进', grey: '已办结' };

/** Days before the deadline when a task turns yellow. */
export const YELLOW_WITHIN_DAYS = 7;
/** Reports are due by the end of this day after the quarter ends. */
export const QUARTER_REPORT_DAY = 10;

export interface LightParams {
  now: Date;
  /** now + 7 days */
  soon: Date;
  /** last quarterly period whose report is past due, e.g. 2026Q3 */
  quarterPeriod: string;
  /** assignments created before this instant owed that report (the quarter's end) */
  quarterEnd: Date;
  /** last annual period past due, e.g. 2025Y */
  yearPeriod: string;
  yearEnd: Date;
}

/** The light parameters at `nowMs` in `zone`. */
export function lightParams(nowMs: number, zone: string): LightParams {
  const now = DateTime.fromMillis(nowMs, { zone });
  // The quarter before the current one is due at the end of day 10 of the current quarter; before
  // that moment, the most recent past-due report is the one of two quarters ago.
  let qStart = now.startOf('quarter');
  if (now.toMillis() <= qStart.plus({ days: QUARTER_REPORT_DAY }).toMillis() - 1) qStart = qStart.minus({ quarters: 1 });
  const prevQuarter = qStart.minus({ quarters: 1 });
  let dec10 = now.startOf('year').set({ month: 12, day: QUARTER_REPORT_DAY }).endOf('day');
  if (now < dec10) dec10 = dec10.minus({ years: 1 });
  return {
    now: new Date(nowMs),
    soon: new Date(now.plus({ days: YELLOW_WITHIN_DAYS }).toMillis()),
    quarterPeriod: `${prevQuarter.year}Q${prevQuarter.quarter}`,
    quarterEnd: new Date(qStart.toMillis()),
    yearPeriod: `${dec10.year}Y`,
    // an assignment handed out in the last month before the summary is due is not asked for one
    yearEnd: new Date(dec10.minus({ days: 30 }).toMillis()),
  };
}

/** The worst light of several (a task's light is its worst open assignment's). */
export function worst(lights: Iterable<Light>): Light {
  const rank: Record<Light, number> = { red: 3, yellow: 2, green: 1, grey: 0 };
  let w: Light = 'grey';
  for (const l of lights) if (rank[l] > rank[w]) w = l;
  return w;
}
