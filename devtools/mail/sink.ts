/**
 * The local mail sink: a real SMTP server on loopback that accepts every message (no auth, no TLS)
 * and keeps it in memory and, with `dir`, as one `.eml` file per message. Used as the local default
 * relay (`dubang dev up`), by tests, and by the notification benchmark, so it is built for speed:
 * pipelining, no per-message fsync, headers read without a MIME parse.
 *
 * It can inject the faults docs/reliability.md lists: 4xx/5xx replies, rejected
 * recipients and a stalled server. Everything it counts is what an SMTP client would have seen.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../contracts/logger';
import { silentLogger } from '../../infra/logger';
import { quickHeaders } from './headers';
import { ErrorCodes, DubangError } from '../../contracts/errors';

/** One message as the sink received it. `from`/`to` are the SMTP envelope, not the headers. */
export interface StoredMail {
  /** sortable id; also the `.eml` file's base name */
  id: string;
  /** absolute path of the `.eml` file (only when the sink has a `dir`) */
  file?: string;
  /** envelope sender (MAIL FROM), '' for the null sender */
  from: string;
  /** envelope recipients (RCPT TO) that were accepted */
  to: string[];
  /** the Message-ID header as written, with angle brackets */
  messageId?: string;
  /** the Subject header, RFC 2047 decoded */
  subject?: string;
  /** the message exactly as received (CRLF line ends, dot-unstuffed) */
  raw: Buffer;
  receivedAt: Date;
}

export interface MailSinkStats {
  /** messages accepted (250 after DATA) since start or the last clear() */
  accepted: number;
  /** rejection replies sent: messages refused at DATA plus recipients refused at RCPT */
  rejected: number;
  /** SMTP connections opened */
  connections: number;
}

/** A running sink. */
export interface MailSink {
  /** the address it listens on (a loopback address) */
  host: string;
  /** the port it listens on (the real one when started with port 0) */
  port: number;
  /** messages accepted since start or the last clear(), oldest first (a copy) */
  received(): StoredMail[];
  /**
   * Resolves with received() once at least `n` messages were accepted since the last clear();
   * rejects with a MailSinkTimeoutError naming how many arrived if that takes over `timeoutMs`.
   */
  waitFor(n: number, timeoutMs: number): Promise<StoredMail[]>;
  /**
   * Forgets the received messages, zeroes the stats and removes pending faults and recipient rules,
   * so each test starts from a fresh sink. `.eml` files already written stay on disk.
   */
  clear(): void;
  /** Stops listening; open client connections get a moment to finish, then are closed. */
  close(): Promise<void>;
  /**
   * The next `count` messages get the reply `code` (4xx or 5xx) instead of 250: at the end of DATA
   * (default; the message is not stored) or at the first RCPT of the transaction (`at: 'rcpt'`).
   * 421 also closes the connection, as a real server does.
   */
  failNext(count: number, code: number, message?: string, at?: 'data' | 'rcpt'): void;
  /** Every recipient matching `pattern` is refused with `code` (4xx or 5xx) at RCPT, until clear(). */
  rejectRecipient(pattern: RegExp, code: number): void;
  /**
   * The next `count` transactions stall for `ms` after MAIL FROM: the connection is open and
   * greeted, but the server does not answer. A client that gives up meanwhile has sent nothing,
   * so nothing is stored; one that waits gets served normally afterwards.
   */
  hangNext(count: number, ms: number): void;
  stats(): MailSinkStats;
}

export interface MailSinkOptions {
  /** loopback address to bind; default 127.0.0.1. Anything else is refused. */
  host?: string;
  /** 0 = a random free port */
  port: number;
  /** folder for `.eml` files (created if missing); omit to keep messages in memory only */
  dir?: string;
  logger?: Logger;
  /**
   * Keep at most this many messages in memory (oldest dropped); default unlimited. For the
   * long-running dev sink, whose messages live on disk anyway.
   */
  maxInMemory?: number;
}

export class MailSinkError extends DubangError {
  static override readonly code = ErrorCodes.MailSinkError;
}

export class MailSinkTimeoutError extends DubangError {
  static override readonly code = ErrorCodes.MailSinkTimeoutError;
}

/** Name of the JSON-lines index the sink appends to beside the `.eml` files (envelope + subject). */
export const INDEX_FILE = 'index.jsonl';

/** One line of the index file. */
export interface MailIndexEntry {
  id: string;
  file: string;
  from: string;
  to: string[];
  subject?: string;
  messageId?: string;
  size: number;
  receivedAt: string;
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and "localhost". */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) {
    const h = host.toLowerCase();
    return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  }
  return false;
}

function checkCode(code: number, what: string): void {
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    throw new MailSinkError(`${what}: code must be an SMTP error reply between 400 and 599, got ${code}`);
  }
}

function smtpError(code: number, message: string): Error {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}

/** UTC time stamp YYYYMMDDHHmmssSSS, so ids and file names sort by arrival. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:TZ.]/g, '');
}

/** Starts a sink; resolves once it is listening. */
export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new MailSinkError(
      `the mail sink only listens on loopback (127.0.0.1, ::1, localhost), not "${host}": it accepts mail without authentication`,
    );
  }
  const log = (opts.logger ?? silentLogger).child({ component: 'mail-sink' });
  const dir = opts.dir ? path.resolve(opts.dir) : undefined;
  if (dir) await fs.promises.mkdir(dir, { recursive: true });
  const index = dir ? fs.createWriteStream(path.join(dir, INDEX_FILE), { flags: 'a' }) : undefined;
  index?.on('error', (err) => log.error('mail index write failed', { err }));
  const maxInMemory = opts.maxInMemory ?? Infinity;

  // A per-process tag keeps ids unique across sink restarts within the same millisecond.
  const tag = randomBytes(2).toString('hex');
  let seq = 0;
  let mails: StoredMail[] = [];
  let stats: MailSinkStats = { accepted: 0, rejected: 0, connections: 0 };
  let fails: { count: number; code: number; message: string; at: 'data' | 'rcpt' }[] = [];
  let rules: { pattern: RegExp; code: number }[] = [];
  let hangs: { count: number; ms: number }[] = [];
  const hangTimers = new Set<NodeJS.Timeout>();
  let waiters: { n: number; resolve: (m: StoredMail[]) => void }[] = [];

  const takeFail = (at: 'data' | 'rcpt') => {
    const f = fails[0];
    if (!f || f.at !== at) return undefined;
    f.count--;
    if (f.count <= 0) fails.shift();
    return f;
  };

  const wake = () => {
    if (!waiters.length) return;
    const ready = waiters.filter((w) => stats.accepted >= w.n);
    if (!ready.length) return;
    waiters = waiters.filter((w) => stats.accepted < w.n);
    const snapshot = mails.slice();
    for (const w of ready) w.resolve(snapshot);
  };

  // Per-transaction fault state lives on the session; smtp-server resets the envelope per MAIL FROM.
  type Session = SMTPServerSession & { sinkFailedRcpt?: boolean };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'dubang mail sink',
    // Give clients a moment to QUIT on close(); a test run should not wait the default 30 s.
    closeTimeout: 250,
    // Enough for benchmark bursts of pooled clients; the default (Infinity) would do too.
    maxClients: 1000,
    onConnect(_session, cb) {
      stats.connections++;
      cb();
    },
    onMailFrom(_address, session, cb) {
      (session as Session).sinkFailedRcpt = false;
      const h = hangs[0];
      if (!h) return cb();
      h.count--;
      if (h.count <= 0) hangs.shift();
      log.debug('stalling a transaction', { ms: h.ms, session: session.id });
      const t = setTimeout(() => {
        hangTimers.delete(t);
        cb();
      }, h.ms);
      hangTimers.add(t);
    },
    onRcptTo(address, session, cb) {
      const s = session as Session;
      if (!s.sinkFailedRcpt && s.envelope.rcptTo.length === 0) {
        const f = takeFail('rcpt');
        if (f) {
          s.sinkFailedRcpt = true;
          stats.rejected++;
          return cb(smtpError(f.code, f.message));
        }
      }
      const rule = rules.find((r) => r.pattern.test(address.address));
      if (rule) {
        // A stateful (g/y) RegExp would alternate results; reset it so every test sees the same answer.
        rule.pattern.lastIndex = 0;
        stats.rejected++;
        return cb(smtpError(rule.code, `<${address.address}>: recipient rejected`));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
      });
      stream.on('error', (err) => cb(err));
      stream.on('end', () => {
        const f = takeFail('data');
        if (f) {
          stats.rejected++;
          return cb(smtpError(f.code, f.message));
        }
        const raw = Buffer.concat(chunks, size);
        const receivedAt = new Date();
        const id = `${stamp(receivedAt)}-${tag}${(++seq).toString().padStart(6, '0')}`;
        const h = quickHeaders(raw);
        const mail: StoredMail = {
          id,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...(h.messageId !== undefined ? { messageId: h.messageId } : {}),
          ...(h.subject !== undefined ? { subject: h.subject } : {}),
          raw,
          receivedAt,
        };
        const accept = () => {
          mails.push(mail);
          if (mails.length > maxInMemory) mails = mails.slice(mails.length - maxInMemory);
          stats.accepted++;
          cb(null, `OK queued as ${id}`);
          wake();
        };
        if (!dir) return accept();
        mail.file = path.join(dir, `${id}.eml`);
        const entry: MailIndexEntry = {
          id,
          file: `${id}.eml`,
          from: mail.from,
          to: mail.to,
          ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
          ...(mail.messageId !== undefined ? { messageId: mail.messageId } : {}),
          size,
          receivedAt: receivedAt.toISOString(),
        };
        // The 250 is sent only once the .eml is written: a message the client saw accepted is on
        // disk (no fsync: a sink, not a mail store). The index is an append-only stream; it is a
        // convenience for `dubang mail list`, which falls back to the headers of an unindexed file.
        fs.writeFile(mail.file, raw, (err) => {
          if (err) {
            log.error('could not store a message', { err, id });
            stats.rejected++;
            return cb(smtpError(451, `local error storing the message: ${err.message}`));
          }
          index?.write(JSON.stringify(entry) + '\n');
          accept();
        });
      });
    },
  });
  server.on('error', (err) => log.warn('smtp connection error', { err }));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) =>
      reject(new MailSinkError(`the mail sink cannot listen on ${host}:${opts.port}: ${err.message}`));
    server.server.once('error', onError);
    server.listen(opts.port, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const addr = server.server.address() as net.AddressInfo;
  log.info('mail sink listening', { host, port: addr.port, dir: dir ?? null });

  let closed: Promise<void> | undefined;
  return {
    host,
    port: addr.port,
    received: () => mails.slice(),
    waitFor(n, timeoutMs) {
      if (stats.accepted >= n) return Promise.resolve(mails.slice());
      return new Promise((resolve, reject) => {
        const waiter = {
          n,
          resolve: (m: StoredMail[]) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(
            new MailSinkTimeoutError(
              `expected ${n} messages at the mail sink within ${timeoutMs} ms, got ${stats.accepted} (rejected ${stats.rejected})`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    clear() {
      mails = [];
      stats = { accepted: 0, rejected: 0, connections: 0 };
      fails = [];
      rules = [];
      hangs = [];
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        // Release stalled transactions now instead of after their delay, so close() stays quick.
        for (const t of hangTimers) clearTimeout(t);
        hangTimers.clear();
        server.close(() => {
          if (index) index.end(() => resolve());
          else resolve();
        });
      });
      return closed;
    },
    failNext(count, code, message, at = 'data') {
      checkCode(code, 'failNext');
      if (count > 0) fails.push({ count, code, message: message ?? 'injected failure (dubang mail sink)', at });
    },
    rejectRecipient(pattern, code) {
      checkCode(code, 'rejectRecipient');
      rules.push({ pattern, code });
    },
    hangNext(count, ms) {
      if (count > 0 && ms > 0) hangs.push({ count, ms });
    },
    stats: () => ({ ...stats }),
  };
}
