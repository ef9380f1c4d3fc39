/**
 * Decoding plan files: UTF-8 (with or without BOM), GB18030, CRLF/CR, and the files we must refuse
 * (truncated mid-character, corrupted, UTF-16, other encodings, binary, too large).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as iconv from 'iconv-lite';
import { decodePlanBuffer, MAX_PLAN_BYTES, readPlanFile } from '../../app/plan-source';
import { parsePlanText } from '../../domain/plan/parse';

const REAL_FILE = path.join(__dirname, '../fixtures/plans/nanchang-quality-city-2024.txt');
const REAL = fs.readFileSync(REAL_FILE, 'utf8');
const base = parsePlanText(REAL).plan;
const gb = (s: string) => iconv.encode(s, 'gb18030');

/** The error decodePlanBuffer throws, for asserting on name, message and line. */
function refusal(buf: Buffer): { name: string; message: string; line?: number } {
  try {
    decodePlanBuffer(buf);
  } catch (e) {
    const err = e as Error & { line?: number };
    return { name: err.name, message: err.message, line: err.line };
  }
  throw new Error('expected the buffer to be refused');
}

describe('decodePlanBuffer reads', () => {
  it.each<[string, () => Buffer, 'utf-8' | 'gb18030']>([
    ['UTF-8', () => Buffer.from(REAL), 'utf-8'],
    ['UTF-8 with BOM', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(REAL)]), 'utf-8'],
    ['UTF-8 with CRLF', () => Buffer.from(REAL.replace(/\n/g, '\r\n')), 'utf-8'],
    ['UTF-8 with CR', () => Buffer.from(REAL.replace(/\n/g, '\r')), 'utf-8'],
    ['GB18030', () => gb(REAL), 'gb18030'],
    ['GB18030 with CRLF', () => gb(REAL.replace(/\n/g, '\r\n')), 'gb18030'],
    ['GB18030 with its BOM', () => Buffer.concat([Buffer.from([0x84, 0x31, 0x95, 0x33]), gb(REAL)]), 'gb18030'],
  ])('%s: the same text, and the same plan', (_name, make, encoding) => {
    const out = decodePlanBuffer(make());
    expect(out.encoding).toBe(encoding);
    expect(out.text).toBe(REAL);
    const r = parsePlanText(out.text);
    expect(r.issues).toEqual([]);
    expect(r.plan).toEqual(base);
  });

  it('keeps full-width punctuation exactly through GB18030', () => {
    const wide = '附件：（一）各县（区）人民政府，【不再列出】';
    expect(decodePlanBuffer(gb(wide)).text).toBe(wide);
  });

  it('reads plain ASCII as UTF-8', () => {
    expect(decodePlanBuffer(Buffer.from('plan\r\n'))).toEqual({ text: 'plan\n', encoding: 'utf-8' });
  });
});

describe('decodePlanBuffer refuses', () => {
  const bytes = Buffer.from(REAL);
  const lineOfOffset = (buf: Buffer, at: number) => buf.subarray(0, at).toString('latin1').split('\n').length;

  it('a UTF-8 file cut in the middle of a character, naming the last line', () => {
    const cut = bytes.indexOf(Buffer.from('(80)')) + 11; // inside 量, the third character of task (80)
    const r = refusal(bytes.subarray(0, cut));
    expect(r).toMatchObject({ name: 'PlanSourceError', line: 672 });
    expect(r.message).toMatch(/文件在第672行中途结束（最后一个 UTF-8 字符不完整）/);
  });

  it('a GB18030 file cut in the middle of a character', () => {
    const g = gb(REAL);
    const r = refusal(g.subarray(0, g.length - 1));
    expect(r).toMatchObject({ name: 'PlanSourceError', line: 686 }); // the footer's last line has no newline
    expect(r.message).toMatch(/GB18030 字符不完整/);
  });

  it('a UTF-8 file with a corrupted byte, naming its line', () => {
    const bad = Buffer.from(bytes);
    const at = bad.indexOf(Buffer.from('市住建局'));
    bad[at] = 0xff;
    const r = refusal(bad);
    expect(r).toMatchObject({ name: 'PlanSourceError', line: lineOfOffset(bytes, at) });
    expect(r.line).toBe(332);
    expect(r.message).toMatch(/第332行含有无效的 UTF-8 字节/);
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['UTF-16LE with BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(REAL, 'utf16le')]), /UTF-16/],
    ['UTF-16BE with BOM', () => Buffer.from([0xfe, 0xff, 0x4e, 0x2d]), /UTF-16/],
    ['UTF-16LE without BOM (NUL bytes)', () => Buffer.from('plan text\n'.repeat(20), 'utf16le'), /NUL/],
    [
      'Latin-1 text',
      () => Buffer.from('Qualité, priorité, échéance: très élevé.\n'.repeat(30), 'latin1'),
      /无法识别文件编码/,
    ],
    [
      'Shift-JIS text',
      () => iconv.encode('品質強化の実施計画について、各部門はそれぞれの責任を果たすこと。\n'.repeat(10), 'shift_jis'),
      /无法识别文件编码/,
    ],
    [
      'binary bytes',
      () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
      /无法识别文件编码|控制字符/,
    ],
  ])('%s', (_name, make, message) => {
    const r = refusal(make());
    expect(r.name).toBe('PlanSourceError');
    expect(r.message).toMatch(message);
  });
});

describe('readPlanFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-plan-source-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the real file with the digest of its bytes', async () => {
    const src = await readPlanFile(REAL_FILE);
    expect(src).toEqual({
      text: REAL,
      encoding: 'utf-8',
      sha256: 'e153fd76d83f1aafe93e398a77f152b7b15981a6d6da92eb5a88f4776d1b613f',
    });
  });

  it('reads a GB18030 CRLF copy: same text, digest of the copy', async () => {
    const bytes = gb(REAL.replace(/\n/g, '\r\n'));
    const file = path.join(dir, 'gb.txt');
    fs.writeFileSync(file, bytes);
    const src = await readPlanFile(file);
    expect(src.encoding).toBe('gb18030');
    expect(src.text).toBe(REAL);
    expect(src.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses a file larger than the limit before reading it', async () => {
    const file = path.join(dir, 'huge.txt');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, MAX_PLAN_BYTES + 1);
    await expect(readPlanFile(file)).rejects.toMatchObject({
      name: 'PlanSourceError',
      message: expect.stringMatching(/文件过大/),
    });
  });

  it('passes a missing file through as ENOENT', async () => {
    await expect(readPlanFile(path.join(dir, 'missing.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
