/** Signed link tokens (domain/links.ts): format, verification order, revocation, escaping helpers. */
import { createHmac } from 'node:crypto';
import {
  claimedJti,
  constantTimeEqual,
  INITIAL_EPOCH,
  isAuthenticationFailure,
  isRevoked,
  signLinkToken,
  verifyLinkToken,
  type LinkKeyring,
  type MacFunction,
} from '../../domain/links';
import { createLinkSigner } from '../../infra/links';
import { escapeHtml, html, jsonForScript, raw, safeHref } from '../../web/html';

const mac: MacFunction = (m) => createHmac('sha256', 'k'.repeat(32)).update(m).digest('base64url');
const other: MacFunction = (m) => createHmac('sha256', 'x'.repeat(32)).update(m).digest('base64url');
const A = '11111111-2222-4333-8444-555555555555';
const B = '66666666-7777-4888-9999-000000000000';
const claims = { assignmentId: A, jti: 'n1', issuedAt: 1_700_000_000_000, expiresAt: 1_700_000_000_000 + 86_400_000 };

describe('link tokens', () => {
  const token = signLinkToken(claims, mac);

  it('round-trips the claims before expiry, for the right assignment', () => {
    expect(token.startsWith(`v1.${A}.n1.`)).toBe(true);
    expect(verifyLinkToken(token, mac, { now: claims.issuedAt + 1, assignmentId: A })).toEqual({ ok: true, claims });
  });

  it.each([
    ['another key', () => verifyLinkToken(token, other, { now: claims.issuedAt, assignmentId: A }), 'BAD_SIGNATURE'],
    [
      'a changed assignment id',
      () => verifyLinkToken(token.replace(A, B), mac, { now: claims.issuedAt, assignmentId: B }),
      'BAD_SIGNATURE',
    ],
    [
      'a stretched expiry',
      () =>
        verifyLinkToken(
          token
            .split('.')
            .map((p, i) => (i === 4 ? (claims.expiresAt * 2).toString(36) : p))
            .join('.'),
          mac,
          { now: claims.issuedAt },
        ),
      'BAD_SIGNATURE',
    ],
    ['expiry reached', () => verifyLinkToken(token, mac, { now: claims.expiresAt, assignmentId: A }), 'EXPIRED'],
    [
      'another assignment',
      () => verifyLinkToken(token, mac, { now: claims.issuedAt, assignmentId: B }),
      'WRONG_ASSIGNMENT',
    ],
    ['not a string', () => verifyLinkToken(42, mac, { now: 0 }), 'MALFORMED'],
    ['too many parts', () => verifyLinkToken(token + '.x', mac, { now: 0 }), 'MALFORMED'],
    ['an injected character', () => verifyLinkToken(token.replace('n1', 'n<1'), mac, { now: 0 }), 'MALFORMED'],
    ['a huge token', () => verifyLinkToken('v1.' + 'a'.repeat(5000), mac, { now: 0 }), 'MALFORMED'],
  ])('refuses %s', (_name, run, code) => {
    const v = run();
    expect(v).toMatchObject({ ok: false, code });
  });

  it('classifies refusals: unknown identity is 401, not allowed is 403', () => {
    expect(['MALFORMED', 'BAD_SIGNATURE', 'EXPIRED'].every((c) => isAuthenticationFailure(c as never))).toBe(true);
    expect(['WRONG_ASSIGNMENT', 'REVOKED'].some((c) => isAuthenticationFailure(c as never))).toBe(false);
  });

  it('revokes one link by jti, or every link issued up to an instant', () => {
    expect(isRevoked(claims, [{ jti: 'n1', revokedBefore: null }])).toBe(true);
    expect(isRevoked(claims, [{ jti: 'n2', revokedBefore: null }])).toBe(false);
    expect(isRevoked(claims, [{ jti: null, revokedBefore: claims.issuedAt }])).toBe(true);
    expect(isRevoked(claims, [{ jti: null, revokedBefore: claims.issuedAt - 1 }])).toBe(false);
  });

  it('refuses to sign what it could not verify', () => {
    expect(() => signLinkToken({ ...claims, jti: 'a.b' }, mac)).toThrow(/jti/);
    expect(() => signLinkToken({ ...claims, expiresAt: claims.issuedAt }, mac)).toThrow(/expiresAt/);
  });

  it('compares MACs by content, whatever the position of the difference', () => {
    expect(constantTimeEqual('abcd', 'abcd')).toBe(true);
    expect(constantTimeEqual('abcd', 'abce')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
  });
});

describe('HTML escaping', () => {
  it('escapes every interpolation unless it is already markup', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.toString()).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
    expect(html`${raw('<b>')}${null}${undefined}${false}${0}`.toString()).toBe('<b>0');
    expect(escapeHtml("'`")).toBe('&#39;&#96;');
  });

  it('keeps JSON inside a script block from closing it', () => {
    expect(jsonForScript({ s: '</script><script>x()</script>' }).toString()).not.toContain('</script>');
  });

  it('only links http(s) and site paths', () => {
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref('//evil.example')).toBe('#');
    expect(safeHref('/tasks')).toBe('/tasks');
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
  });
});

describe('v2 tokens: key ids for rotation, epochs for revocation', () => {
  const v2 = { ...claims, keyId: 'k2', epoch: INITIAL_EPOCH };
  const rotating: LinkKeyring = { current: { id: 'k2', mac }, previous: { id: 'k1', mac: other } };

  it('names its key and epoch, and verifies under the key it names', () => {
    const token = signLinkToken(v2, mac);
    expect(token.split('.').slice(0, 2)).toEqual(['v2', 'k2']);
    expect(verifyLinkToken(token, rotating, { now: claims.issuedAt, assignmentId: A })).toEqual({
      ok: true,
      claims: v2,
    });
    expect(claimedJti(token)).toBe('n1');
  });

  it('during a rotation accepts tokens of the previous key (by its id) and old v1 tokens signed with either key', () => {
    const old = signLinkToken({ ...claims, keyId: 'k1', epoch: INITIAL_EPOCH }, other);
    expect(verifyLinkToken(old, rotating, { now: claims.issuedAt })).toMatchObject({
      ok: true,
      claims: { keyId: 'k1' },
    });
    // emails sent before key ids existed: v1, signed with what is now the previous key, or the current one
    expect(verifyLinkToken(signLinkToken(claims, other), rotating, { now: claims.issuedAt })).toMatchObject({
      ok: true,
    });
    expect(verifyLinkToken(signLinkToken(claims, mac), rotating, { now: claims.issuedAt })).toMatchObject({ ok: true });
    // after the rotation window (previous key removed) the old key's tokens are refused
    const after: LinkKeyring = { current: { id: 'k2', mac } };
    expect(verifyLinkToken(old, after, { now: claims.issuedAt })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verifyLinkToken(signLinkToken(claims, other), after, { now: claims.issuedAt })).toMatchObject({
      ok: false,
      code: 'BAD_SIGNATURE',
    });
  });

  it('refuses a token whose key id is swapped to the other key, or unknown', () => {
    const parts = signLinkToken({ ...v2, keyId: 'k1' }, other).split('.');
    parts[1] = 'k2';
    expect(verifyLinkToken(parts.join('.'), rotating, { now: claims.issuedAt })).toMatchObject({
      ok: false,
      code: 'BAD_SIGNATURE',
    });
    expect(
      verifyLinkToken(signLinkToken({ ...v2, keyId: 'k9' }, mac), rotating, { now: claims.issuedAt }),
    ).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('after all links were revoked only the new epoch stands: an older one, a forged "newer" v1 token or a made-up epoch are revoked', () => {
    const e1 = 'Qm9vZ3VzRXBvY2gx';
    expect(isRevoked(v2, [], INITIAL_EPOCH)).toBe(false);
    expect(isRevoked(v2, [], e1)).toBe(true);
    expect(isRevoked({ ...v2, epoch: e1 }, [], e1)).toBe(false);
    expect(isRevoked({ ...v2, epoch: 'guess' }, [], e1)).toBe(true);
    // a v1 token issued (or claiming to be issued) long after the revocation is refused all the same
    expect(
      isRevoked(
        { ...claims, issuedAt: claims.issuedAt + 10 * 86_400_000 },
        [{ jti: null, revokedBefore: claims.issuedAt }],
        e1,
      ),
    ).toBe(true);
    // a single revoked jti is refused in any epoch
    expect(isRevoked({ ...v2, epoch: e1 }, [{ jti: 'n1', revokedBefore: null }], e1)).toBe(true);
  });

  it('the signer puts the configured key id into new tokens', () => {
    const s = createLinkSigner({ secret: 'a'.repeat(40), keyId: 'k7', publicUrl: 'https://duban.example.gov.cn/' });
    const { token } = s.sign(A, { jti: 'n2', epoch: 'e5' });
    expect(token).toMatch(new RegExp(`^v2\\.k7\\.${A}\\.n2\\.[0-9a-z]+\\.[0-9a-z]+\\.e5\\.`));
    expect(s.url(A, token)).toBe(`https://duban.example.gov.cn/f/${A}?t=${token}`);
  });
});
