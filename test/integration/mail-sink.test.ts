/**
 * The mail sink as a real SMTP server: nodemailer sends to it over loopback; we check what it
 * stored (memory and .eml files), how the CLI store reads it back, and the injected faults.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { listStoredMail, readStoredMail } from '../../devtools/mail/store';
import { decodeMimeWords } from '../../devtools/mail/headers';

const SUBJECT = '【督办】关于第(12)项任务“质量强市”进展报告逾期的通知';
const FROM = '南昌市质量强市领导小组办公室 <duban@office.nanchang.example>';

let dir: string;
let sink: MailSink;

function transport(extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true, ...extra });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-sink-'));
  sink = await startMailSink({ port: 0, dir });
});
afterAll(async () => {
  await sink.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sink.clear());

test('stores a Chinese-subject message as .eml, decodes subject, and the store lists and shows it', async () => {
  const t = transport();
  const info = await t.sendMail({
    from: FROM,
    to: '市市场监管局联络员 <liaison@amr.nc.example>',
    cc: 'leader@amr.nc.example',
    subject: SUBJECT,
    text: '请于2025年1月10日前提交第四季度进展报告。\n签收链接: http://127.0.0.1:8080/a/xyz',
  });
  t.close();

  const [mail] = await sink.waitFor(1, 2000);
  expect(mail!.subject).toBe(SUBJECT);
  expect(mail!.messageId).toBe(info.messageId);
  expect(mail!.from).toBe('duban@office.nanchang.example');
  expect(mail!.to.sort()).toEqual(['leader@amr.nc.example', 'liaison@amr.nc.example']);
  // The subject travelled RFC 2047 encoded, as a real relay would see it.
  expect(mail!.raw.toString('utf8')).toMatch(/^Subject: =\?UTF-8\?/m);
  expect(fs.readFileSync(mail!.file!)).toEqual(mail!.raw);

  const listed = listStoredMail(dir);
  expect(listed.total).toBe(1);
  expect(listed.messages[0]).toMatchObject({ id: mail!.id, subject: SUBJECT, from: 'duban@office.nanchang.example' });

  // A unique prefix is enough to show a message.
  const shown = await readStoredMail(dir, mail!.id.slice(0, mail!.id.length - 2));
  expect(shown.headers.subject).toBe(SUBJECT);
  expect(shown.headers.from).toContain('南昌市质量强市领导小组办公室');
  expect(shown.text).toContain('请于2025年1月10日前提交第四季度进展报告。');
  await expect(readStoredMail(dir, 'nope')).rejects.toMatchObject({ name: 'MailStoreError' });
});

test('an .eml dropped in by hand is listed from its own headers', async () => {
  const sub = fs.mkdtempSync(path.join(dir, 'manual-'));
  fs.writeFileSync(
    path.join(sub, '20240101000000000-manual.eml'),
    `From: a@x.example\r\nTo: b@y.example\r\nSubject: =?UTF-8?B?${Buffer.from('手工放入').toString('base64')}?=\r\n\r\nbody\r\n`,
  );
  const listed = listStoredMail(sub);
  expect(listed.messages).toEqual([
    expect.objectContaining({ id: '20240101000000000-manual', subject: '手工放入', from: 'a@x.example' }),
  ]);
});

test('421 on the next message, then success: the client sees the 421 and nothing is stored for it', async () => {
  sink.failNext(1, 421, 'try again later');
  const t = transport();
  await expect(
    t.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'first', text: '1' }),
  ).rejects.toMatchObject({ responseCode: 421 });
  await t.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'second', text: '2' });
  t.close();
  const got = await sink.waitFor(1, 2000);
  expect(got.map((m) => m.subject)).toEqual(['second']);
  expect(sink.stats()).toMatchObject({ accepted: 1, rejected: 1 });
});

test('failNext at RCPT and 450 at DATA are both temporary failures the client sees', async () => {
  sink.failNext(1, 450, 'mailbox busy', 'rcpt');
  sink.failNext(1, 451, 'local problem');
  const t = transport();
  await expect(t.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'r', text: 'r' })).rejects.toMatchObject({
    responseCode: 450,
  });
  await expect(t.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'd', text: 'd' })).rejects.toMatchObject({
    responseCode: 451,
  });
  await t.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'ok', text: 'ok' });
  t.close();
  expect(sink.received().map((m) => m.subject)).toEqual(['ok']);
});

test('550 for a rejected recipient: alone it fails the send; beside a good one only the good one gets it', async () => {
  sink.rejectRecipient(/^gone@/, 550);
  const t = transport();
  await expect(
    t.sendMail({ from: 'a@x.example', to: 'gone@y.example', subject: 'x', text: 'x' }),
  ).rejects.toMatchObject({ responseCode: 550 });
  const info = await t.sendMail({
    from: 'a@x.example',
    to: ['gone@y.example', 'here@y.example'],
    subject: 'y',
    text: 'y',
  });
  t.close();
  expect(info.rejected).toEqual(['gone@y.example']);
  const [mail] = await sink.waitFor(1, 2000);
  expect(mail!.to).toEqual(['here@y.example']);
  expect(sink.stats()).toMatchObject({ accepted: 1, rejected: 2 });
});

test('a stalled server makes a client with a socket timeout give up; nothing arrives; the next send works', async () => {
  sink.hangNext(1, 3000);
  const impatient = transport({ socketTimeout: 300 });
  const started = Date.now();
  await expect(
    impatient.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'slow', text: 's' }),
  ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  expect(Date.now() - started).toBeLessThan(2500);
  await impatient.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'fast', text: 'f' });
  impatient.close();
  expect(sink.received().map((m) => m.subject)).toEqual(['fast']);
});

test('many messages over a pooled transport all arrive once, with unique ids and files', async () => {
  const t = transport({ pool: true, maxConnections: 5, maxMessages: Infinity });
  const n = 500;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      t.sendMail({ from: 'a@x.example', to: `u${i}@y.example`, subject: `第${i}号`, text: String(i) }),
    ),
  );
  t.close();
  const got = await sink.waitFor(n, 5000);
  expect(new Set(got.map((m) => m.id)).size).toBe(n);
  expect(new Set(got.map((m) => m.subject)).size).toBe(n);
  expect(got.every((m) => m.file && fs.existsSync(m.file))).toBe(true);
});

test('waitFor names what arrived when it times out', async () => {
  await expect(sink.waitFor(1, 50)).rejects.toThrow(/expected 1 messages .* got 0/);
});

test('refuses to listen on a non-loopback address and refuses non-error fault codes', async () => {
  await expect(startMailSink({ host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ name: 'MailSinkError' });
  await expect(startMailSink({ host: '192.168.1.10', port: 0 })).rejects.toThrow(/loopback/);
  expect(() => sink.failNext(1, 250)).toThrow(/between 400 and 599/);
  const mem = await startMailSink({ host: '::1', port: 0 }).catch(() => startMailSink({ host: 'localhost', port: 0 }));
  expect(mem.port).toBeGreaterThan(0);
  await mem.close();
});

test('decodes adjacent encoded words, split multi-byte characters, Q encoding and GBK', () => {
  const bytes = Buffer.from('质量强市', 'utf8');
  const a = bytes.subarray(0, 4).toString('base64');
  const b = bytes.subarray(4).toString('base64');
  expect(decodeMimeWords(`=?UTF-8?B?${a}?= =?UTF-8?B?${b}?=`)).toBe('质量强市');
  expect(decodeMimeWords('Re: =?utf-8?Q?=E7=9D=A3=E5=8A=9E_ok?= done')).toBe('Re: 督办 ok done');
  expect(decodeMimeWords(`=?GBK?B?${Buffer.from([0xb6, 0xbd, 0xb0, 0xec]).toString('base64')}?=`)).toBe('督办');
});
