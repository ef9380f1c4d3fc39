/**
 * Reading what the mail sink stored on disk (var/mail): the list for `dubang mail list` and one
 * fully parsed message for `dubang mail show`. The sink writes `<id>.eml` plus one line per message
 * in index.jsonl (envelope, subject); an `.eml` without an index line (copied in by hand, or written
 * when the index append failed) is still listed, from its headers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { quickHeaders } from './headers';
import { INDEX_FILE, type MailIndexEntry } from './sink';
import { ErrorCodes, DubangError } from '../../contracts/errors';

export class MailStoreError extends DubangError {
  static override readonly code = ErrorCodes.MailStoreError;
}

/** A stored message as listed: envelope sender and recipients, decoded subject. */
export interface MailListEntry {
  id: string;
  file: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string | null;
  messageId: string | null;
  size: number;
}

function readIndex(dir: string): Map<string, MailIndexEntry> {
  const byId = new Map<string, MailIndexEntry>();
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8');
  } catch {
    return byId;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as MailIndexEntry;
      if (typeof e.id === 'string') byId.set(e.id, e);
    } catch {
      // A torn last line (the sink was killed mid-append) is skipped; the .eml is listed from its headers.
    }
  }
  return byId;
}

/** Reads only the first part of a file: enough for the header block of any sane message. */
function readHead(file: string, bytes = 16384): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Lists the messages in `dir`, oldest first. `limit` keeps the newest N (the total is returned too).
 * A missing folder is an empty list.
 */
export function listStoredMail(dir: string, limit?: number): { total: number; messages: MailListEntry[] } {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { total: 0, messages: [] };
    throw e;
  }
  const index = readIndex(dir);
  // Ids start with a UTC time stamp, so name order is arrival order.
  files.sort();
  const total = files.length;
  const chosen = limit !== undefined && limit >= 0 ? files.slice(Math.max(0, files.length - limit)) : files;
  const messages = chosen.map((f): MailListEntry => {
    const id = f.slice(0, -'.eml'.length);
    const full = path.join(dir, f);
    const e = index.get(id);
    if (e) {
      return {
        id,
        file: full,
        receivedAt: e.receivedAt,
        from: e.from,
        to: e.to,
        subject: e.subject ?? null,
        messageId: e.messageId ?? null,
        size: e.size,
      };
    }
    const st = fs.statSync(full);
    const h = quickHeaders(readHead(full));
    return {
      id,
      file: full,
      receivedAt: st.mtime.toISOString(),
      from: h.from ?? '',
      to: h.to ? [h.to] : [],
      subject: h.subject ?? null,
      messageId: h.messageId ?? null,
      size: st.size,
    };
  });
  return { total, messages };
}

/** One message parsed for reading: decoded headers, text body, attachment names. */
export interface MailDetail {
  id: string;
  file: string;
  envelope: { from: string; to: string[] } | null;
  receivedAt: string;
  headers: {
    from: string | null;
    to: string | null;
    cc: string | null;
    subject: string | null;
    date: string | null;
    messageId: string | null;
  };
  /** every header line as received (folded lines joined), for debugging */
  rawHeaders: { key: string; line: string }[];
  text: string | null;
  /** true when the message has an HTML part (not printed; see the .eml) */
  hasHtml: boolean;
  attachments: { filename: string | null; contentType: string; size: number }[];
}

function addressText(a: AddressObject | AddressObject[] | undefined): string | null {
  if (!a) return null;
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

/**
 * Finds a message by id or by a unique id prefix and parses it with mailparser. Throws a
 * MailStoreError naming the id when it is unknown or ambiguous.
 */
export async function readStoredMail(dir: string, id: string): Promise<MailDetail> {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new MailStoreError(`邮件编号只含字母、数字、- 和 _: "${id}"`);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => f.endsWith('.eml') && f.startsWith(id));
  } catch {
    names = [];
  }
  const exact = names.find((f) => f === `${id}.eml`);
  if (!exact && names.length === 0)
    throw new MailStoreError(`找不到邮件 ${id} (目录 ${dir}); 用 \`dubang mail list\` 查看编号`);
  if (!exact && names.length > 1)
    throw new MailStoreError(
      `编号前缀 ${id} 对应 ${names.length} 封邮件, 请写得更完整: ${names
        .slice(0, 5)
        .map((n) => n.slice(0, -4))
        .join(', ')}`,
    );
  const name = exact ?? names[0]!;
  const full = path.join(dir, name);
  const realId = name.slice(0, -4);
  const raw = fs.readFileSync(full);
  const parsed = await simpleParser(raw, { skipHtmlToText: false });
  const e = readIndex(dir).get(realId);
  return {
    id: realId,
    file: full,
    envelope: e ? { from: e.from, to: e.to } : null,
    receivedAt: e?.receivedAt ?? fs.statSync(full).mtime.toISOString(),
    headers: {
      from: addressText(parsed.from),
      to: addressText(parsed.to),
      cc: addressText(parsed.cc),
      subject: parsed.subject ?? null,
      date: parsed.date ? parsed.date.toISOString() : null,
      messageId: parsed.messageId ?? null,
    },
    rawHeaders: parsed.headerLines.map((h) => ({ key: h.key, line: h.line })),
    text: parsed.text ?? null,
    hasHtml: typeof parsed.html === 'string',
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size,
    })),
  };
}
