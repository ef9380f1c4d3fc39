/**
 * Secure by default: the web server and the mailer refuse to start with a link key anyone could know
 * once PUBLIC_URL is a real address, naming the key and giving a command that makes a good one.
 */
import { loadConfig } from '../../config';
import { createLogger } from '../../infra/logger';
import { assertLinkKeysSafe, DEV_LINK_SECRET } from '../../infra/links';
import { startHttpServer } from '../../worker/http-main';
import { startMailWorker } from '../../worker/mail-main';

const quiet = createLogger('error', {}, () => undefined);
// nothing listens here: a start that got past the key check would fail differently (or hang)
const unreachable = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
  REDIS_URL: 'redis://127.0.0.1:1/0',
  TEMPORAL_ADDRESS: '127.0.0.1:1',
};

describe('link keys at start-up', () => {
  const real = { ...unreachable, PUBLIC_URL: 'https://duban.nanchang.gov.cn' };

  it.each([
    ['the published default', {}],
    ['a key shorter than 32 bytes', { LINK_SECRET: 'only-twenty-five-bytes-x' }],
  ])('the web server and the mailer refuse %s for a real PUBLIC_URL', async (_what, env) => {
    const config = loadConfig({ ...real, ...env });
    const message =
      /^invalid configuration: LINK_SECRET (is the published development default|is shorter than 32 bytes), and PUBLIC_URL \(https:\/\/duban\.nanchang\.gov\.cn\) is not a loopback address.*openssl rand -base64 48.*randomBytes\(48\)/;
    await expect(startHttpServer({ config, logger: quiet })).rejects.toThrow(message);
    await expect(startMailWorker({ config, logger: quiet })).rejects.toThrow(message);
  });

  it('refuses a short previous key during a rotation, naming LINK_SECRET_PREVIOUS', () => {
    const config = loadConfig({
      ...real,
      LINK_SECRET: 'x'.repeat(48),
      LINK_SECRET_PREVIOUS: 'short-but-16-chars',
      LINK_KEY_ID: 'k2',
      LINK_KEY_ID_PREVIOUS: 'k1',
    });
    expect(() =>
      assertLinkKeysSafe({
        publicUrl: config.http.publicUrl,
        linkSecret: config.http.linkSecret,
        linkSecretPrevious: config.http.linkPrevious!.secret,
      }),
    ).toThrow(/LINK_SECRET_PREVIOUS is shorter than 32 bytes/);
  });

  it('accepts a strong key for a real address, and the default on loopback (development and tests)', () => {
    expect(() =>
      assertLinkKeysSafe({
        publicUrl: 'https://duban.nanchang.gov.cn',
        linkSecret: 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=',
      }),
    ).not.toThrow();
    for (const u of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080'])
      expect(() => assertLinkKeysSafe({ publicUrl: u, linkSecret: DEV_LINK_SECRET })).not.toThrow();
  });

  it('reads the rotation keys from the environment, and names a missing previous key id', () => {
    const c = loadConfig({
      LINK_SECRET: 'n'.repeat(40),
      LINK_KEY_ID: 'k2',
      LINK_SECRET_PREVIOUS: 'o'.repeat(40),
      LINK_KEY_ID_PREVIOUS: 'k1',
    });
    expect(c.http).toMatchObject({ linkKeyId: 'k2', linkPrevious: { keyId: 'k1', secret: 'o'.repeat(40) } });
    expect(() => loadConfig({ LINK_SECRET_PREVIOUS: 'o'.repeat(40) })).toThrow(
      /LINK_KEY_ID_PREVIOUS: required with LINK_SECRET_PREVIOUS/,
    );
    expect(() => loadConfig({ LINK_SECRET_PREVIOUS: 'o'.repeat(40), LINK_KEY_ID_PREVIOUS: 'k1' })).toThrow(
      /must differ from LINK_KEY_ID/,
    );
  });
});
