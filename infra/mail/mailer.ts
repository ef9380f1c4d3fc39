/**
 * Pooled SMTP transport (nodemailer) with a hard per-send timeout. The message bytes come from our
 * MIME writer (mime.ts) and go to nodemailer as a raw message with an explicit envelope.
 *
 * nodemailer's own socket timeouts do not bound a whole send (a server that trickles replies keeps
 * a connection alive forever), so each send races a timer. When the timer wins, the pool is closed
 * and rebuilt: the hung connection may hold a half-finished transaction and must not be reused
 * (docs/reliability.md row 13). Errors are mapped to MailSendError: 5xx permanent, 4xx and connection
 * failures temporary.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Logger } from '../../contracts/logger';
import { buildMime, envelopeOf } from './mime';
import { MailSendError, type Mailer, type OutgoingMail, type SendResult } from '../../contracts/mail';
import { ErrorCodes, DubangError, isDubangError } from '../../contracts/errors';

export interface MailerOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  /** connections in the pool */
  poolSize: number;
  /** hard limit for one send, connection set-up included */
  timeoutMs: number;
  /**
   * at most this many messages a second over the whole pool (nodemailer's rateLimit): the relay's
   * limit, counted in messages sent, so notices that only join a unit letter do not use it up
   */
  ratePerSecond?: number;
  logger: Logger;
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Classifies a nodemailer error. */
export function toMailSendError(err: unknown): MailSendError {
  if (isDubangError(err, MailSendError)) return err;
  const e = err as NodemailerError;
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const text = e?.response ?? e?.message ?? String(err);
  if (code !== undefined && code >= 500 && e.code !== 'EAUTH')
    return new MailSendError(text, true, false, code, e.code);
  if (code !== undefined && code >= 400) return new MailSendError(text, false, false, code, e.code);
  // no reply code: connection refused/reset, socket timeout, TLS trouble. Only a failure to
  // connect at all proves the message was not handed over.
  const connectFailed = e?.code === 'ECONNECTION' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(String(e?.message));
  if (e?.code === 'EENVELOPE' && code === undefined) return new MailSendError(text, true, false, undefined, e.code);
  return new MailSendError(text, false, !connectFailed, code, e?.code);
}

export class SendTimeoutError extends DubangError {
  static override readonly code = ErrorCodes.SendTimeoutError;
}

/** Builds the pooled mailer. */
export function createMailer(o: MailerOptions): Mailer & { rebuilds(): number } {
  const build = (): Transporter<SMTPPool.SentMessageInfo> =>
    nodemailer.createTransport({
      pool: true,
      host: o.host,
      port: o.port,
      secure: o.secure,
      ...(o.user ? { auth: { user: o.user, pass: o.pass ?? '' } } : {}),
      maxConnections: o.poolSize,
      maxMessages: Infinity,
      ...(o.ratePerSecond ? { rateDelta: 1000, rateLimit: o.ratePerSecond } : {}),
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
      // the local sink and many internal relays have no valid certificate; STARTTLS stays opportunistic
      tls: { rejectUnauthorized: false },
    } as SMTPPool.Options);
  let transport = build();
  let rebuilds = 0;
  let closed = false;

  const rebuild = (stale: Transporter<SMTPPool.SentMessageInfo>) => {
    // several sends may time out on the same dead pool: rebuild once
    if (stale !== transport || closed) return;
    rebuilds++;
    o.logger.warn('smtp send timed out; rebuilding the connection pool', { timeoutMs: o.timeoutMs, rebuilds });
    transport = build();
    stale.close();
  };

  return {
    rebuilds: () => rebuilds,
    async send(m: OutgoingMail): Promise<SendResult> {
      let raw: Buffer;
      try {
        raw = buildMime(m, new Date());
      } catch (err) {
        // a message that cannot be written will not be writable on a retry either
        throw new MailSendError(`无法生成邮件：${(err as Error).message}`, true, false, undefined, 'EMESSAGE');
      }
      const t = transport;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SendTimeoutError(`SMTP send did not finish within ${o.timeoutMs} ms`)),
          o.timeoutMs,
        );
      });
      try {
        const info = await Promise.race([
          t.sendMail({ envelope: envelopeOf(m), raw, messageId: m.messageId }),
          timeout,
        ]);
        return {
          // nodemailer does not read the headers of a raw message; the id is the one we wrote
          messageId: m.messageId,
          response: info.response,
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        };
      } catch (err) {
        if (isDubangError(err, SendTimeoutError)) {
          rebuild(t);
          throw new MailSendError(err.message, false, true, undefined, 'ETIMEDOUT');
        }
        throw toMailSendError(err);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      transport.close();
    },
  };
}
