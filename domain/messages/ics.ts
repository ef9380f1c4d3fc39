/**
 * iCalendar (RFC 5545) attachments for deadlines and report due dates. Pure.
 *
 * The event is an all-day event on the due date in the plan's zone (the due instant is the end of
 * that day), with a reminder the day before. Its UID is stable per (assignment, what falls due), so
 * when an extension moves the deadline the new attachment updates the same calendar entry instead of
 * adding a second one; SEQUENCE grows with the issue time for the same reason.
 */

export interface IcsEvent {
  /** stable identifier, e.g. deadline-<assignmentId>@dubang */
  uid: string;
  /** YYYY-MM-DD: the due date in the plan's zone */
  date: string;
  summary: string;
  description: string;
  /** when the attachment is issued (ISO instant): DTSTAMP, and the basis of SEQUENCE */
  issuedAt: string;
  url?: string | null;
  /** organiser mailbox (address only) */
  organizer?: string | null;
}

/** Escapes TEXT values: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
export function icsEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence: Chinese text
 * is three octets a character, so folding by characters would produce over-long lines.
 */
export function icsFold(line: string): string {
  const out: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    // continuation lines start with a space, which counts towards their 75 octets
    const limit = out.length === 0 ? 75 : 74;
    if (bytes + n > limit) {
      out.push(cur);
      cur = '';
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

function stamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not an ISO instant: ${iso}`);
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return t.toISOString().slice(0, 10);
}

/** A VCALENDAR with one all-day VEVENT, CRLF line endings, folded lines. */
export function buildIcs(e: IcsEvent): string {
  return buildIcsCalendar([e]);
}

/** The VEVENT lines of one all-day event with its reminder the day before. */
function eventLines(e: IcsEvent): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(e.date)) throw new RangeError(`ICS date must be YYYY-MM-DD: ${e.date}`);
  const day = e.date.replace(/-/g, '');
  return [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${Math.floor(new Date(e.issuedAt).getTime() / 1000)}`,
    `DTSTAMP:${stamp(e.issuedAt)}`,
    `DTSTART;VALUE=DATE:${day}`,
    `DTEND;VALUE=DATE:${nextDay(e.date).replace(/-/g, '')}`,
    `SUMMARY:${icsEscape(e.summary)}`,
    `DESCRIPTION:${icsEscape(e.description)}`,
    ...(e.url ? [`URL:${e.url}`] : []),
    ...(e.organizer ? [`ORGANIZER:mailto:${e.organizer}`] : []),
    'TRANSP:TRANSPARENT',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${icsEscape(e.summary)}`,
    'TRIGGER:-P1D',
    'END:VALARM',
    'END:VEVENT',
  ];
}

/**
 * A VCALENDAR with several all-day events (a unit letter's due dates), CRLF line endings, folded
 * lines. Events with the same UID appear once (the first), so one calendar entry per due date.
 */
export function buildIcsCalendar(events: readonly IcsEvent[]): string {
  const seen = new Set<string>();
  const unique = events.filter((e) => !seen.has(e.uid) && seen.add(e.uid));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//dubang//supervision//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...unique.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return lines.map(icsFold).join('\r\n') + '\r\n';
}
