import { loadConfig } from '../../config';

describe('config', () => {
  it('defaults to the embedded single-machine setup in Asia/Shanghai', () => {
    const c = loadConfig({});
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.database.url).toBe('postgresql://postgres@127.0.0.1:5432/dubang');
    expect(c.temporal.address).toBe('127.0.0.1:7233');
    expect(c.deadlinePhrases.find((p) => p.phrase === '2025年前')).toEqual({
      phrase: '2025年前',
      kind: 'deadline',
      due: '2025-12-31',
    });
    expect(Object.isFrozen(c.smtp)).toBe(true);
    expect(c.smtp.digest).toEqual({ hour: 9, debounceMs: 30_000 });
  });

  it("reads the daily digest's hour and debounce from MAIL_DIGEST_HOUR and MAIL_DIGEST_DEBOUNCE_MS", () => {
    expect(loadConfig({ MAIL_DIGEST_HOUR: '0', MAIL_DIGEST_DEBOUNCE_MS: '0' }).smtp.digest).toEqual({
      hour: 0,
      debounceMs: 0,
    });
    expect(loadConfig({ MAIL_DIGEST_HOUR: '23', MAIL_DIGEST_DEBOUNCE_MS: '60000' }).smtp.digest).toEqual({
      hour: 23,
      debounceMs: 60_000,
    });
  });

  it.each([
    [{ DUBANG_TIMEZONE: 'Mars/Olympus' }, /DUBANG_TIMEZONE: must be an IANA time zone/],
    [{ SMTP_PORT: '99999' }, /SMTP_PORT/],
    [{ TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS: host:port/],
    [{ LINK_SECRET: 'short' }, /LINK_SECRET: at least 16 characters/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ MAIL_DIGEST_HOUR: '24' }, /MAIL_DIGEST_HOUR: a whole hour 0–23/],
    [{ MAIL_DIGEST_HOUR: '8.5' }, /MAIL_DIGEST_HOUR: a whole hour 0–23/],
    [{ MAIL_DIGEST_HOUR: 'nine' }, /MAIL_DIGEST_HOUR/],
    [{ MAIL_DIGEST_DEBOUNCE_MS: '-1' }, /MAIL_DIGEST_DEBOUNCE_MS: milliseconds 0–3600000/],
  ])('stops start-up naming the bad key (%j)', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });

  it('names the file and key of a bad deadline table', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const os = jest.requireActual<typeof import('node:os')>('node:os');
    const path = jest.requireActual<typeof import('node:path')>('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-cfg-'));
    fs.cpSync(path.join(__dirname, '..', '..', 'config'), dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'deadline-phrases.json'),
      JSON.stringify({ phrases: [{ phrase: '2025年前', kind: 'deadline', due: '31/12/2025' }] }),
    );
    expect(() => loadConfig({ DUBANG_CONFIG_DIR: dir })).toThrow(/deadline phrases .*phrases\.0\.due: YYYY-MM-DD/);
  });
});
