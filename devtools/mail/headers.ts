/**
 * Cheap header reading for the mail sink: find the header block of a raw message, unfold it and
 * decode RFC 2047 encoded words (Chinese subjects arrive as `=?UTF-8?B?...?=`). This runs once per
 * received message, so it avoids a full MIME parse (mailparser is for `dubang mail show`).
 */
import * as iconv from 'iconv-lite';

/** The header block of a raw message (everything before the first empty line), as latin1-safe text. */
export function headerBlock(raw: Buffer): string {
  // Headers are 7-bit (or UTF-8 under SMTPUTF8); searching the bytes avoids decoding the body.
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const head = end < 0 ? raw : raw.subarray(0, end);
  return head.toString('utf8');
}

/**
 * Header fields of a header block, names lower-cased, folded lines joined. Repeated fields keep
 * every value in order.
 */
export function parseHeaderFields(block: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

const encodedWord = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64');
  // Q encoding: "_" is a space, =XX a byte.
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBytes(charset: string, bytes: Buffer): string {
  // "UTF-8*zh" (RFC 2231 language suffix) is legal; the language is not needed here.
  const cs = charset.split('*')[0]!.toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii') return bytes.toString('utf8');
  if (iconv.encodingExists(cs)) return iconv.decode(bytes, cs);
  return bytes.toString('latin1');
}

/**
 * Decodes RFC 2047 encoded words. Adjacent words of the same charset are joined as bytes before
 * decoding, because senders may split one multi-byte character across two words; whitespace
 * between encoded words is dropped, as the RFC requires.
 */
export function decodeMimeWords(value: string): string {
  let out = '';
  let last = 0;
  let charset = '';
  let parts: Buffer[] = [];
  const flush = () => {
    if (parts.length) out += decodeBytes(charset, Buffer.concat(parts));
    parts = [];
  };
  for (const m of value.matchAll(encodedWord)) {
    const between = value.slice(last, m.index);
    const cs = m[1]!;
    const bytes = wordBytes(m[2]!, m[3]!);
    const adjacent = parts.length > 0 && /^\s*$/.test(between);
    if (adjacent && cs.toLowerCase() === charset.toLowerCase()) {
      parts.push(bytes);
    } else {
      flush();
      if (!adjacent) out += between;
      charset = cs;
      parts = [bytes];
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}

/** Subject and Message-ID of a raw message, decoded; undefined where the header is absent. */
export function quickHeaders(raw: Buffer): {
  subject?: string;
  messageId?: string;
  from?: string;
  to?: string;
  date?: string;
} {
  const f = parseHeaderFields(headerBlock(raw));
  const one = (k: string) => f.get(k)?.[0];
  const subject = one('subject');
  const messageId = one('message-id');
  const from = one('from');
  const to = f.get('to')?.join(', ');
  const date = one('date');
  return {
    ...(subject !== undefined ? { subject: decodeMimeWords(subject) } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
    ...(from !== undefined ? { from: decodeMimeWords(from) } : {}),
    ...(to !== undefined ? { to: decodeMimeWords(to) } : {}),
    ...(date !== undefined ? { date } : {}),
  };
}
