/**
 * What the notice use cases need from the outside: a mail transport and a file store. infra/mail/mailer.ts
 * implements it over nodemailer; errors cross this boundary as MailSendError so the use cases
 * never see SMTP library details.
 */
import type { MessageAttachment } from '../domain/messages';
import { ErrorCodes, DubangError } from './errors';

/**
 * An attachment as the transport takes it: rendered ones (ICS) are text, files attached at send
 * time (the assessment's XLSX/CSV, app/notices/attachments.ts) are bytes.
 */
export interface OutgoingAttachment {
  filename: string;
  content: string | Buffer;
  contentType: string;
}

/** One email, ready for the transport. */
export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: (MessageAttachment | OutgoingAttachment)[];
  /** deterministic per notice (<key@domain>): a duplicate, if one ever slips through, threads with the first */
  messageId: string;
  headers: Record<string, string>;
}

/** What the SMTP server said. */
export interface SendResult {
  messageId: string;
  /** the final reply, e.g. "250 2.0.0 OK queued as 42" */
  response: string;
  accepted: string[];
  rejected: string[];
}

/**
 * A failed send. `permanent`: the server refused for good (5xx, a bad address) and retrying would
 * only repeat it. `ambiguous`: the failure came when the message may already have been accepted
 * (a timeout or a dropped connection during DATA), so a retry may deliver a duplicate.
 */
export class MailSendError extends DubangError {
  static override readonly code = ErrorCodes.MailSendError;
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly ambiguous: boolean,
    readonly responseCode?: number,
    /** the transport's error code (EAUTH, ETIMEDOUT, EENVELOPE …) */
    readonly transportCode?: string,
  ) {
    super(message);
  }
}

/** The mail transport port. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

/** A file the service produced for a later email (the assessment's exports). */
export interface StoredFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * Where produced files live until they are mailed: PostgreSQL by default
 * (infra/export/file-store.ts), so a mail worker on any machine reads what a Temporal worker on
 * another wrote; an S3-compatible store can implement the same two calls. Keys name one immutable
 * file: `put` of an existing key keeps the first copy (a retried write is a no-op).
 */
export interface FileStore {
  put(key: string, file: StoredFile): Promise<void>;
  get(key: string): Promise<StoredFile | null>;
}
