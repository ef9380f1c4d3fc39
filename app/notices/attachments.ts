/**
 * Files a notice asks to attach (payload `attachments: [{ filename, key, contentType }]`, e.g. the
 * annual assessment's XLSX and CSV exports), read at send time from the FileStore (PostgreSQL by
 * default), never from a local disk: the mail worker that sends may run on another machine than the
 * worker that wrote the files.
 *
 * The payload is data in the database; a key can only name a file the service itself stored, so
 * whoever can write a Notice row cannot mail out an arbitrary file. A payload naming a file `path`
 * (as notices made before the file store did) is refused for the same reason. The total size is
 * bounded because relays refuse large messages (a 5xx after a long upload helps nobody). Reading at
 * send time, not at submit time, keeps job and outbox payloads small; stored files never change.
 */
import type { FileStore, OutgoingAttachment } from '../../contracts/mail';
import { ErrorCodes, DubangError } from '../../contracts/errors';

/** One file named in a notice's payload. */
export interface FileAttachmentRef {
  /** the name the recipient sees */
  filename: string;
  /** the file's key in the FileStore */
  key: string;
  contentType: string;
}

/** A file attachment that cannot be sent: missing file, too large, malformed payload. Permanent. */
export class AttachmentError extends DubangError {
  static override readonly code = ErrorCodes.AttachmentError;
}

/** Default ceiling of all file attachments of one email (many relays refuse messages over 25 MB after base64). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024;

/** The file attachments a notice payload names (none when it names none); a malformed entry is an AttachmentError. */
export function fileAttachmentRefs(payload: unknown): FileAttachmentRef[] {
  const list = (payload as { attachments?: unknown } | null)?.attachments;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new AttachmentError('payload.attachments 应为数组');
  return list.map((x, k) => {
    const a = x as (Partial<FileAttachmentRef> & { path?: unknown }) | null;
    if (a && a.key === undefined && a.path !== undefined) {
      throw new AttachmentError(
        `payload.attachments[${k}] 指向本机文件路径（${String(a.path)}），已拒绝：附件只从数据库中的文件存储读取`,
      );
    }
    for (const f of ['filename', 'key', 'contentType'] as const) {
      if (typeof a?.[f] !== 'string' || !a[f])
        throw new AttachmentError(`payload.attachments[${k}].${f} 应为非空字符串`);
    }
    if (/[\\/]/.test(a!.filename!))
      throw new AttachmentError(`payload.attachments[${k}].filename 不能包含路径分隔符：${a!.filename}`);
    return { filename: a!.filename!, key: a!.key!, contentType: a!.contentType! };
  });
}

/** Reads the files from the store, refusing a missing key and a total above `maxBytes`. */
export async function readFileAttachments(
  refs: FileAttachmentRef[],
  store: FileStore | undefined,
  maxBytes = DEFAULT_MAX_ATTACHMENT_BYTES,
): Promise<OutgoingAttachment[]> {
  if (!refs.length) return [];
  if (!store) throw new AttachmentError('邮件服务未配置文件存储，不能附加文件');
  let total = 0;
  const out: OutgoingAttachment[] = [];
  for (const r of refs) {
    const f = await store.get(r.key);
    if (!f) throw new AttachmentError(`附件文件不存在：${r.key}`);
    total += f.content.length;
    if (total > maxBytes)
      throw new AttachmentError(`附件总大小超过上限 ${Math.round(maxBytes / 1024 / 1024)} MB（${r.filename}）`);
    out.push({ filename: r.filename, content: f.content, contentType: r.contentType });
  }
  return out;
}
