/**
 * Instants and local time in one IANA zone, by arithmetic on epoch milliseconds: the zone's offset,
 * an instant's local day number and time of day, the instant of a local time, ISO text with the
 * offset. Luxon is asked only for offsets, once per UTC day. Pure.
 */
import type { IANAZone } from 'luxon';
import { DAY_MS, dateOf } from './calendar-days';
import { CalendarError, type Instant } from './calendar-types';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an instant; throws CalendarError naming the bad value. Strings must carry an
 * offset (or Z): a bare local time would be read in the server's zone, which must never leak in.
 */
export function toMs(at: Instant): number {
  if (typeof at === 'number') {
    if (!Number.isFinite(at)) throw new CalendarError(`not an instant: ${at}`);
    return at;
  }
  // the ECMAScript date-time format with an offset is parsed exactly by Date.parse
  const ms = ISO_WITH_OFFSET.test(at) ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new CalendarError(`not an ISO instant with an offset (e.g. 2026-11-26T09:00:00+08:00): ${at}`);
  return ms;
}

/** Local time in one zone (see the file's header). */
export interface ZoneClock {
  /** the zone's offset at an instant, ms */
  offsetMs(ms: number): number;
  /** local day number and ms since local midnight of an instant */
  split(ms: number): { day: number; tod: number };
  /** the instant of local wall-clock `tod` on local day `day` */
  instantOf(day: number, tod: number): number;
  /** ISO-8601 in the zone, e.g. 2026-11-26T09:00:00.000+08:00 */
  isoOf(ms: number): string;
}

/** The zone clock of `tz`, with its own offset memo. */
export function zoneClock(tz: IANAZone): ZoneClock {
  // The zone's offset, memoised per UTC day: when the offsets at both ends of a day agree, no
  // change happens inside it (no zone changes offset twice a day); on a transition day ask luxon
  // for the exact instant. Planning converts thousands of instants; luxon per call is too slow.
  const dayOffsets = new Map<number, number | null>();
  function offsetMs(ms: number): number {
    const d = Math.floor(ms / DAY_MS);
    let o = dayOffsets.get(d);
    if (o === undefined) {
      const a = tz.offset(d * DAY_MS);
      o = a === tz.offset((d + 1) * DAY_MS - 1) ? a * 60_000 : null;
      if (dayOffsets.size > 100_000) dayOffsets.clear();
      dayOffsets.set(d, o);
    }
    return o ?? tz.offset(ms) * 60_000;
  }
  /** local day number and ms since local midnight of an instant */
  function split(ms: number): { day: number; tod: number } {
    const l = ms + offsetMs(ms);
    const day = Math.floor(l / DAY_MS);
    return { day, tod: l - day * DAY_MS };
  }
  /** the instant of local wall-clock `tod` on local day `day` (two passes settle offset changes) */
  function instantOf(day: number, tod: number): number {
    const l = day * DAY_MS + tod;
    const guess = l - offsetMs(l);
    return l - offsetMs(guess);
  }
  /** ISO-8601 text of an instant in the zone */
  function isoOf(ms: number): string {
    const off = offsetMs(ms);
    const { day, tod } = split(ms);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const h = Math.floor(tod / 3_600_000);
    const m = Math.floor((tod % 3_600_000) / 60_000);
    const sec = Math.floor((tod % 60_000) / 1000);
    const milli = String(tod % 1000).padStart(3, '0');
    const abs = Math.abs(off) / 60_000;
    return `${dateOf(day)}T${p2(h)}:${p2(m)}:${p2(sec)}.${milli}${off < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
  }
  return { offsetMs, split, instantOf, isoOf };
}
