/**
 * The MIME writer (infra/mail/mime.ts): what it writes must read back exactly through a real MIME
 * parser (mailparser, as mail clients do), and stay within the line rules relays enforce.
 */
import { simpleParser } from 'mailparser';
import { buildMime, encodeWords, envelopeOf, filenameParams, rfc5322Date } from '../../infra/mail/mime';
import { renderNotice } from '../../domain/messages';
import type { OutgoingMail } from '../../contracts/mail';

const FROM = '南昌市质量强市领导小组办公室 <duban@office.nanchang.example>';
const DATE = new Date('2026-11-26T01:30:00Z');

function rendered(): OutgoingMail {
  const r = renderNotice({
    kind: 'deadline_reminder',
    key: 'a1:deadline_reminder:1798732799999',
    zone: 'Asia/Shanghai',
    issuedAt: '2026-11-26T01:30:00.000Z',
    noticeDueAt: '2026-11-26T01:30:00.000Z',
    link: 'https://duban.example/l/abc',
    sender: '南昌市质量强市领导小组办公室',
    unit: '市市场监管局',
    assignmentId: 'a1',
    task: {
      number: 12,
      text: '健全质量标准体系，推动“标准化+”行动（含：计量、认证认可）。',
      deadlinePhrase: '2025年前',
      dueAt: '2025-12-31T15:59:59.999Z',
      kind: 'deadline',
      role: 'LEAD',
      planTitle: '南昌市关于深入推进质量强市建设的实施方案',
    },
    dueAt: '2025-12-31T15:59:59.999Z',
  });
  return {
    from: FROM,
    to: ['liaison@scjg.nanchang.example', 'head@scjg.nanchang.example'],
    ...r,
    messageId: '<a1:deadline_reminder:1798732799999@office.nanchang.example>',
    headers: { 'X-Dubang-Notice': 'a1:deadline_reminder:1798732799999', 'X-Dubang-Kind': 'deadline_reminder' },
  };
}

describe('MIME writer', () => {
  it('reads back exactly: subject, sender name, recipients, text, HTML and the ICS attachment', async () => {
    const m = rendered();
    expect(m.attachments.length).toBe(1);
    const raw = buildMime(m, DATE);
    const p = await simpleParser(raw);
    expect(p.subject).toBe(m.subject);
    expect(p.from?.value).toEqual([{ name: '南昌市质量强市领导小组办公室', address: 'duban@office.nanchang.example' }]);
    expect((Array.isArray(p.to) ? p.to : [p.to!]).flatMap((t) => t.value.map((v) => v.address))).toEqual(m.to);
    expect(p.text).toBe(m.text);
    expect(p.html).toBe(m.html);
    expect(p.messageId).toBe(m.messageId);
    expect(p.date?.toISOString()).toBe(DATE.toISOString());
    expect(p.headers.get('x-dubang-notice')).toBe('a1:deadline_reminder:1798732799999');
    expect(p.headers.get('auto-submitted')).toBe('auto-generated');
    expect(p.attachments).toHaveLength(1);
    const ics = p.attachments[0]!;
    expect(ics.filename).toBe(m.attachments[0]!.filename);
    expect(ics.contentType).toBe('text/calendar');
    expect(ics.content.toString('utf8')).toBe(m.attachments[0]!.content);
  });

  it('writes only CRLF lines of at most 78 characters, all ASCII', () => {
    const m = rendered();
    m.subject = '【红色督办单】督〔2026〕0042号：' + '关于推进质量强市建设重点任务落实情况的督办通知'.repeat(3);
    const raw = buildMime(m, DATE).toString('latin1');
    expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw.split('\r\n').filter((l) => l.length > 78)).toEqual([]);
  });

  it('keeps long Chinese and emoji subjects whole across encoded words (no split character)', async () => {
    const m = rendered();
    m.subject = '督办提醒📌' + '任务'.repeat(40) + '𠀀（扩展B区汉字）';
    const words = encodeWords(m.subject).split('\r\n ');
    expect(words.length).toBeGreaterThan(3);
    // each word decodes on its own to valid UTF-8
    for (const w of words) {
      const bytes = Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64');
      expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
    }
    expect((await simpleParser(buildMime(m, DATE))).subject).toBe(m.subject);
  });

  it('names files with Chinese names correctly (RFC 2231 continuations) and carries binary content byte for byte', async () => {
    const m = rendered();
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
    const long = '南昌市质量强市建设2025年度考核结果（各县区、开发区及市直单位得分与扣分明细）.xlsx';
    m.attachments = [
      ...m.attachments,
      {
        filename: long,
        content: bytes,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      { filename: 'plain "name".csv', content: 'a,b\r\n1,2\r\n', contentType: 'text/csv; charset=utf-8' },
    ];
    expect(filenameParams(long)).toContain('filename*1*=');
    const p = await simpleParser(buildMime(m, DATE));
    expect(p.attachments.map((a) => a.filename)).toEqual([m.attachments[0]!.filename, long, 'plain "name".csv']);
    expect(p.attachments[1]!.content.equals(bytes)).toBe(true);
    expect(p.attachments[2]!.content.toString()).toBe('a,b\r\n1,2\r\n');
  });

  it('encodes text in canonical form: CRLF line breaks, no bare LF', () => {
    const m = { ...rendered(), attachments: [] };
    const raw = buildMime(m, DATE).toString('latin1');
    const part =
      /Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(
        raw,
      )![1]!;
    const text = Buffer.from(part.replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(text).toBe(m.text.replace(/\n/g, '\r\n'));
    expect(/[^\r]\n/.test(text)).toBe(false);
  });

  it('writes a message without attachments as multipart/alternative', async () => {
    const m = { ...rendered(), attachments: [] };
    const raw = buildMime(m, DATE);
    expect(raw.toString()).toMatch(/^Content-Type: multipart\/alternative;/m);
    const p = await simpleParser(raw);
    expect(p.text).toBe(m.text);
    expect(p.attachments).toEqual([]);
  });

  it('writes the same bytes for the same message and date (a retry resends an identical message)', () => {
    expect(buildMime(rendered(), DATE).equals(buildMime(rendered(), DATE))).toBe(true);
  });

  it('encodes ASCII-looking text that contains an encoded-word marker, so it is not misread', async () => {
    const m = { ...rendered(), subject: 'Reminder =?UTF-8?B?5Yqe?= literal' };
    expect((await simpleParser(buildMime(m, DATE))).subject).toBe(m.subject);
  });

  it('quotes ASCII display names with specials and takes the envelope from the addresses', async () => {
    const m = { ...rendered(), from: '"Office, Nanchang" <duban@office.nanchang.example>' };
    const p = await simpleParser(buildMime(m, DATE));
    expect(p.from?.value).toEqual([{ name: 'Office, Nanchang', address: 'duban@office.nanchang.example' }]);
    expect(envelopeOf(m)).toEqual({ from: 'duban@office.nanchang.example', to: m.to });
    expect(envelopeOf({ from: 'duban@office.nanchang.example', to: ['a@b.example'] }).from).toBe(
      'duban@office.nanchang.example',
    );
  });

  it('refuses header injection and malformed Message-IDs instead of writing them', () => {
    expect(() =>
      buildMime({ ...rendered(), headers: { 'X-Dubang-Notice': 'a\r\nBcc: x@evil.example' } }, DATE),
    ).toThrow(/line break/);
    expect(() => buildMime({ ...rendered(), headers: { 'Bad Name': 'x' } }, DATE)).toThrow(/invalid header name/);
    expect(() => buildMime({ ...rendered(), messageId: 'no-brackets@x' }, DATE)).toThrow(/Message-ID/);
    expect(() => buildMime({ ...rendered(), from: 'not an address' }, DATE)).toThrow(/not an email address/);
  });

  it('formats the Date header per RFC 5322', () => {
    expect(rfc5322Date(DATE)).toBe('Thu, 26 Nov 2026 01:30:00 +0000');
  });
});
