/**
 * `dubang mail list|show`: what the local mail sink received (var/mail), for checking notices
 * by eye without a mail client.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { listStoredMail, readStoredMail } from '../../devtools/mail/store';
import { action, print, UserError } from '../output';
import { config } from '../context';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

export function register(program: Command): void {
  const mail = program.command('mail').description('本地邮件接收器收到的邮件: 列表与查看');

  mail
    .command('list')
    .description('messages received by the local mail sink, newest last (time, from, to, subject)')
    .option('-n, --limit <n>', 'show the newest n messages', '50')
    .action(
      action(async (opts: { limit: string }, cmd: Command) => {
        const cfg = config();
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 0) throw new UserError(`--limit 需要非负整数, 收到 "${opts.limit}"`);
        const dir = path.join(cfg.varDir, 'mail');
        const r = listStoredMail(dir, limit);
        print(cmd, {
          data: { dir, ...r },
          human: (d) => {
            if (!d.total) return `没有邮件 (${d.dir})`;
            const lines = d.messages.map((m) => {
              const at = DateTime.fromISO(m.receivedAt, { zone: cfg.timezone }).toFormat('yyyy-MM-dd HH:mm:ss');
              return `${m.id}  ${at}  ${m.from || '<>'} → ${m.to.join(', ')}  ${m.subject ?? '(无主题)'}`;
            });
            const more =
              d.total > d.messages.length
                ? `\n(共 ${d.total} 封, 显示最新 ${d.messages.length} 封; 用 --limit 调整)`
                : `\n(共 ${d.total} 封)`;
            return lines.join('\n') + more;
          },
        });
      }),
    );

  mail
    .command('show <id>')
    .description('headers and decoded text body of one message (an id or a unique prefix of it)')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) => {
        const cfg = config();
        let m;
        try {
          m = await readStoredMail(path.join(cfg.varDir, 'mail'), id);
        } catch (e) {
          if (isDubangError(e, ErrorCodes.MailStoreError)) throw new UserError(e.message);
          throw e;
        }
        print(cmd, {
          data: m,
          human: (d) => {
            const h = d.headers;
            const lines = [
              `编号:   ${d.id}`,
              `收到:   ${DateTime.fromISO(d.receivedAt, { zone: cfg.timezone }).toFormat('yyyy-MM-dd HH:mm:ss')}`,
              ...(d.envelope ? [`信封:   ${d.envelope.from || '<>'} → ${d.envelope.to.join(', ')}`] : []),
              `发件人: ${h.from ?? ''}`,
              `收件人: ${h.to ?? ''}`,
              ...(h.cc ? [`抄送:   ${h.cc}`] : []),
              `主题:   ${h.subject ?? ''}`,
              `日期:   ${h.date ? DateTime.fromISO(h.date, { zone: cfg.timezone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ') : ''}`,
              `Message-ID: ${h.messageId ?? ''}`,
              ...d.attachments.map((a) => `附件:   ${a.filename ?? '(无名)'} (${a.contentType}, ${a.size} 字节)`),
              `文件:   ${d.file}`,
              '',
              d.text ?? (d.hasHtml ? '(只有 HTML 正文, 见 .eml 文件)' : '(无正文)'),
            ];
            return lines.join('\n');
          },
        });
      }),
    );
}
