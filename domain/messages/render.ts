/**
 * Documents → email content: subject, plain text, HTML and attachments. Pure: the caller adds the
 * envelope (From, To, Message-ID) and hands the result to the mailer.
 */
import { escapeHtml, colourHex, colourName, formatDay } from './format';
import { buildIcs, buildIcsCalendar } from './ics';
import { letterEvents, unitLetterDoc, type UnitLetterInput } from './letter';
import { centralLetterDoc, type CentralLetterInput } from './central-letter';
import { KIND_LABELS, noticeDoc, type NoticeDoc, type NoticeMessageInput } from './templates';

/** An attachment as nodemailer takes it. */
export interface MessageAttachment {
  filename: string;
  content: string;
  contentType: string;
}

/** A rendered email body. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  attachments: MessageAttachment[];
}

/**
 * The closing line. The notice's key is not printed: a person cannot use it, and the Office traces a
 * message by its Message-ID header (<key@domain>, shown on the /notices page), which every copy keeps.
 */
const footer = (sender: string): string => `本邮件由督办系统自动发送，请勿直接回复；如有疑问，请与${sender}联系。`;

/** The body lines of a document without greeting, signature or footer. */
function textBody(doc: NoticeDoc): string[] {
  const out: string[] = [];
  for (const p of doc.paragraphs) out.push(`    ${p}`, '');
  if (doc.fields.length) {
    for (const [k, v] of doc.fields) out.push(`${k}：${v}`);
    out.push('');
  }
  if (doc.items && doc.items.rows.length) {
    // Plain text has no table: each row reads as 「列名：值」 pairs, empty cells left out.
    const cols = doc.items.columns;
    const links = doc.items.links;
    doc.items.rows.forEach((r, n) => {
      const cells = r.map((c, k) => (c === '' ? '' : `${cols[k] ?? ''}：${c}`)).filter(Boolean);
      if (links?.[n]) cells.push(`${doc.items!.linkLabel ?? '链接'}：${links[n]}`);
      out.push(`${n + 1}. ${cells.join('；')}`);
    });
    out.push('');
  }
  if (doc.ask) out.push(doc.ask);
  if (doc.action) out.push(`${doc.action.label}：${doc.action.href}`);
  if (doc.appendix)
    out.push('', `${'='.repeat(12)} ${doc.appendix.title} ${'='.repeat(12)}`, '', ...doc.appendix.lines.map(plainLine));
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** A Markdown heading level (1 for `# x`), or 0. */
const headingLevel = (line: string): number => /^(#{1,6})\s/.exec(line)?.[1]!.length ?? 0;
/** A quoted document's line as plain text: heading marks dropped, the words kept exactly. */
const plainLine = (line: string): string => line.replace(/^#{1,6}\s+/, '');

/** A quoted document in HTML: each line a paragraph, headings bold (the title centred), all text escaped. */
function htmlAppendix(a: NonNullable<NoticeDoc['appendix']>): string {
  const e = escapeHtml;
  const lines = a.lines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const h = headingLevel(l);
      const style =
        h === 1
          ? 'margin:8px 0 12px;text-align:center;font-weight:bold;font-size:16px'
          : h
            ? 'margin:12px 0 8px;font-weight:bold'
            : 'margin:0 0 8px;line-height:1.8';
      return `<p style="${style}">${e(plainLine(l))}</p>`;
    });
  return [
    `<div style="border:1px solid #ddd;background:#fafafa;padding:12px 16px;margin:16px 0">`,
    `<p style="margin:0 0 8px;color:#555;font-size:13px">${e(a.title)}</p>`,
    ...lines,
    '</div>',
  ].join('\n');
}

function textOf(greeting: string, body: string[], sender: string, date: string): string {
  return [greeting, '', ...body, '', sender, date, '', `（${footer(sender)}）`].join('\n') + '\n';
}

function htmlSection(doc: NoticeDoc): string {
  const e = escapeHtml;
  const parts: string[] = [];
  if (doc.slip) {
    const c = colourHex(doc.slip.colour);
    parts.push(
      `<p style="margin:0 0 12px"><span style="display:inline-block;padding:2px 10px;border-radius:3px;background:${c};color:#fff;font-weight:bold">${e(colourName(doc.slip.colour))}督办单</span> <span style="color:#555">${e(doc.slip.number)}</span></p>`,
    );
  }
  for (const p of doc.paragraphs) parts.push(`<p style="margin:0 0 12px;text-indent:2em;line-height:1.8">${e(p)}</p>`);
  if (doc.fields.length) {
    parts.push('<table style="border-collapse:collapse;margin:12px 0;font-size:14px">');
    for (const [k, v] of doc.fields) {
      parts.push(
        `<tr><th style="text-align:left;vertical-align:top;padding:4px 12px 4px 0;color:#555;white-space:nowrap">${e(k)}</th><td style="padding:4px 0;line-height:1.6">${e(v)}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (doc.items && doc.items.rows.length) {
    const cell = 'border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top';
    parts.push('<table style="border-collapse:collapse;margin:12px 0;font-size:14px">');
    const links = doc.items.links;
    const label = doc.items.linkLabel ?? '链接';
    const heads = [...doc.items.columns, ...(links ? [label] : [])];
    parts.push(`<tr>${heads.map((c) => `<th style="${cell};background:#f3f3f3">${e(c)}</th>`).join('')}</tr>`);
    doc.items.rows.forEach((r, n) => {
      const href = links?.[n];
      const linkCell = links ? [`<td style="${cell}">${href ? `<a href="${e(href)}">${e(label)}</a>` : ''}</td>`] : [];
      parts.push(`<tr>${[...r.map((c) => `<td style="${cell}">${e(c)}</td>`), ...linkCell].join('')}</tr>`);
    });
    parts.push('</table>');
  }
  if (doc.ask) parts.push(`<p style="margin:12px 0;font-weight:bold">${e(doc.ask)}</p>`);
  if (doc.action) {
    parts.push(
      `<p style="margin:12px 0"><a href="${e(doc.action.href)}" style="display:inline-block;padding:8px 16px;background:#b3261e;color:#fff;text-decoration:none;border-radius:4px">${e(doc.action.label)}</a></p>`,
      `<p style="margin:0 0 12px;font-size:12px;color:#777">如按钮无法打开，请复制以下链接到浏览器：${e(doc.action.href)}</p>`,
    );
  }
  if (doc.appendix) parts.push(htmlAppendix(doc.appendix));
  return parts.join('\n');
}

function htmlPage(title: string, greeting: string, body: string, sender: string, date: string): string {
  const e = escapeHtml;
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN"><head><meta charset="utf-8">',
    `<title>${e(title)}</title></head>`,
    "<body style=\"font-family:'PingFang SC','Microsoft YaHei',SimSun,sans-serif;color:#222;max-width:720px;margin:0 auto;padding:16px\">",
    `<h2 style="text-align:center;color:#b3261e;margin:0 0 16px">${e(title)}</h2>`,
    `<p style="margin:0 0 12px">${e(greeting)}</p>`,
    body,
    `<p style="text-align:right;margin:24px 0 0">${e(sender)}<br>${e(date)}</p>`,
    `<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 8px"><p style="font-size:12px;color:#888">${e(footer(sender))}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function icsAttachment(doc: NoticeDoc): MessageAttachment[] {
  if (!doc.ics) return [];
  return [
    {
      filename: doc.ics.filename,
      content: buildIcs(doc.ics.event),
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    },
  ];
}

/** A document as the message it is: subject, text and HTML bodies signed by `sender` on the day issued, and its files. */
function messageOf(
  doc: NoticeDoc,
  m: { sender: string; issuedAt: string; zone: string },
  attachments: MessageAttachment[],
): RenderedMessage {
  const date = formatDay(m.issuedAt, m.zone);
  return {
    subject: doc.subject,
    text: textOf(doc.greeting, textBody(doc), m.sender, date),
    html: htmlPage(doc.title, doc.greeting, htmlSection(doc), m.sender, date),
    attachments,
  };
}

/** Renders one notice (any kind but `digest`). Throws MessageInputError when data the kind needs is missing. */
export function renderNotice(i: NoticeMessageInput): RenderedMessage {
  const doc = noticeDoc(i);
  return messageOf(doc, i, icsAttachment(doc));
}

/** Input of a digest: the recipient's notices of one window, each rendered as a section. */
export interface DigestInput {
  key: string;
  zone: string;
  issuedAt: string;
  sender: string;
  /** how the recipient is addressed, e.g. 市市场监管局 or 张三 */
  recipientName: string;
  /** the digest's day (ISO date or instant in the window) */
  windowStart: string;
  entries: NoticeMessageInput[];
}

/**
 * One email for all of a recipient's notices of a window. Each notice keeps its own section (what
 * it says, what is asked, its link) and its calendar attachment; the subject counts them.
 */
export function renderDigest(d: DigestInput): RenderedMessage {
  const day = formatDay(d.windowStart, d.zone);
  const docs = d.entries.map((e) => ({ input: e, doc: noticeDoc(e) }));
  const n = docs.length;
  const subject = `【每日督办摘要】${day} 共${n}条督办事项`;
  const title = `每日督办摘要（${day}）`;
  const greeting = `${d.recipientName}：`;
  const intro = `以下是${day}需要您关注的${n}条督办事项，请逐项办理。`;
  const date = formatDay(d.issuedAt, d.zone);
  const body = [`    ${intro}`, ''];
  docs.forEach(({ doc }, k) =>
    body.push(...(k ? [''] : []), '-'.repeat(40), `${k + 1}. ${doc.subject}`, '', ...textBody(doc)),
  );
  const text = textOf(greeting, body, d.sender, date);
  const htmlBody = [
    `<p style="margin:0 0 12px;text-indent:2em">${escapeHtml(intro)}</p>`,
    ...docs.map(
      ({ doc }, k) =>
        `<div style="border-top:2px solid #b3261e;margin:20px 0 0;padding-top:8px"><h3 style="margin:0 0 8px;font-size:16px">${k + 1}. ${escapeHtml(doc.subject)}</h3>\n${htmlSection(doc)}</div>`,
    ),
  ].join('\n');
  const attachments = docs.flatMap(({ doc }) => icsAttachment(doc));
  return { subject, text, html: htmlPage(title, greeting, htmlBody, d.sender, date), attachments };
}

/**
 * One email for all of a unit address's items of one moment (the 单位督办函, letter.ts): one table,
 * one link to the unit's workspace, and one calendar file with every due date the items carry.
 */
export function renderUnitLetter(l: UnitLetterInput): RenderedMessage {
  const events = letterEvents(l.entries, l.unit);
  const attachments: MessageAttachment[] = events.length
    ? [
        {
          filename: `${l.unit}督办日程.ics`,
          content: buildIcsCalendar(events),
          contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
        },
      ]
    : [];
  return messageOf(unitLetterDoc(l), l, attachments);
}

/** The summary letter (督办汇总函) to the Office or the leadership: no calendar, its rows link the dashboard. */
export function renderCentralLetter(l: CentralLetterInput): RenderedMessage {
  return messageOf(centralLetterDoc(l), l, []);
}

export { KIND_LABELS };
