/**
 * Files a notice asks to attach (payload `attachments: [{ filename, path, contentType }]`, e.g. the
 * annual assessment's XLSX and CSV exports), read at send time.
 *
 * The payload is data in the database: whoever can write a Notice row must not be able to mail out
 * any file the mail worker can read. So a path is accepted only when, with symlinks resolved, it
 * lies inside the attachment root (the service's var dir), and is a regular file; the total size is
 * bounded because relays refuse large messages (a 5xx after a long upload helps nobody). Reading at
 * send time, not at submit time, keeps job and outbox payloads small; the files are written once
 * per result (app/assessment) and never change afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutgoingAttachment } from './ports';

/** One file named in a notice's payload. */
export interface FileAttachmentRef {
  /** the name the recipient sees */
  filename: string;
  /** absolute, or relative to the attachment root */
  path: string;
  contentType: string;
}

/** A file attachment that cannot be sent: refused path, missing file, too large, malformed payload. Permanent. */
export class AttachmentError extends Error {
  override name = 'AttachmentError';
}

/** Default ceiling of all file attachments of one email (many relays refuse messages over 25 MB after base64). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024;

/** The file attachments a notice payload names (none when it names none); a malformed entry is an AttachmentError. */
export function fileAttachmentRefs(payload: unknown): FileAttachmentRef[] {
  const list = (payload as { attachments?: unknown } | null)?.attachments;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new AttachmentError('payload.attachments 应为数组');
  return list.map((x, k) => {
    const a = x as Partial<FileAttachmentRef> | null;
    for (const f of ['filename', 'path', 'contentType'] as const) {
      if (typeof a?.[f] !== 'string' || !a[f]) throw new AttachmentError(`payload.attachments[${k}].${f} 应为非空字符串`);
    }
    if (/[\\/]/.test(a!.filename!)) throw new AttachmentError(`payload.attachments[${k}].filename 不能包含路径分隔符：${a!.filename}`);
    return { filename: a!.filename!, path: a!.path!, contentType: a!.contentType! };
  });
}

/**
 * Reads the files, refusing any outside `root` (after resolving symlinks), anything that is not a
 * regular file, and a total above `maxBytes`. Without a root every file attachment is refused.
 */
export function readFileAttachments(refs: FileAttachmentRef[], root: string | undefined, maxBytes = DEFAULT_MAX_ATTACHMENT_BYTES): OutgoingAttachment[] {
  if (!refs.length) return [];
  if (!root) throw new AttachmentError('邮件服务未配置附件目录，不能附加文件');
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    throw new AttachmentError(`附件目录不存在：${root}`);
  }
  let total = 0;
  return refs.map((r) => {
    const abs = path.resolve(realRoot, r.path);
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch {
      throw new AttachmentError(`附件文件不存在：${r.path}`);
    }
    const rel = path.relative(realRoot, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new AttachmentError(`附件路径不在允许的目录 ${realRoot} 内，已拒绝：${r.path}`);
    const st = fs.statSync(real);
    if (!st.isFile()) throw new AttachmentError(`附件不是普通文件：${r.path}`);
    total += st.size;
    if (total > maxBytes) throw new AttachmentError(`附件总大小超过上限 ${Math.round(maxBytes / 1024 / 1024)} MB（${r.filename}）`);
    return { filename: r.filename, content: fs.readFileSync(real), contentType: r.contentType };
  });
}
