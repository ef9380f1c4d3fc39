/** Workspace tokens (domain/links.ts `u1`): the link a unit letter carries to 本单位督办事项. */
import { createHmac } from 'node:crypto';
import {
  claimedJti,
  signLinkToken,
  signWorkspaceToken,
  verifyLinkToken,
  verifyWorkspaceToken,
  type LinkKeyring,
  type MacFunction,
} from '../../domain/links';

const macOf =
  (k: string): MacFunction =>
  (m) =>
    createHmac('sha256', k.repeat(32)).update(m).digest('base64url');
const ring: LinkKeyring = { current: { id: 'k2', mac: macOf('a') }, previous: { id: 'k1', mac: macOf('b') } };
const U = '11111111-2222-4333-8444-555555555555';
const P = '66666666-7777-4888-9999-000000000000';
const L = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const claims = {
  unitId: U,
  planId: P,
  jti: L,
  issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_000_000_000 + 86_400_000,
  keyId: 'k2',
  epoch: '0',
};
const now = claims.issuedAt + 1;

describe('workspace tokens', () => {
  const token = signWorkspaceToken(claims, ring.current.mac);

  it('round-trip for the right unit and plan, and name the letter as the token id', () => {
    expect(token.startsWith(`u1.k2.${U}.${P}.${L}.`)).toBe(true);
    expect(verifyWorkspaceToken(token, ring, { now, unitId: U, planId: P })).toEqual({ ok: true, claims });
    expect(claimedJti(token)).toBe(L);
  });

  it('are refused for another unit or plan, after expiry, and when any character changes', () => {
    expect(verifyWorkspaceToken(token, ring, { now, unitId: P, planId: P })).toMatchObject({
      ok: false,
      code: 'WRONG_UNIT',
      reason: '该链接不属于这个单位的督办事项',
    });
    expect(verifyWorkspaceToken(token, ring, { now, unitId: U, planId: U })).toMatchObject({ code: 'WRONG_UNIT' });
    expect(verifyWorkspaceToken(token, ring, { now: claims.expiresAt, unitId: U, planId: P })).toMatchObject({
      code: 'EXPIRED',
    });
    const forged = token.replace(`.${P}.`, `.${U}.`);
    expect(verifyWorkspaceToken(forged, ring, { now, unitId: U, planId: U })).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(verifyWorkspaceToken(token.slice(0, -2), ring, { now })).toMatchObject({ ok: false });
  });

  it('a previous key still verifies during a rotation; an unknown key id does not', () => {
    const old = signWorkspaceToken({ ...claims, keyId: 'k1' }, ring.previous!.mac);
    expect(verifyWorkspaceToken(old, ring, { now, unitId: U, planId: P }).ok).toBe(true);
    const unknown = signWorkspaceToken({ ...claims, keyId: 'k9' }, ring.current.mac);
    expect(verifyWorkspaceToken(unknown, ring, { now })).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('an assignment token is no workspace token, and a workspace token no assignment token', () => {
    const assignment = signLinkToken(
      { assignmentId: U, jti: L, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt, keyId: 'k2', epoch: '0' },
      ring.current.mac,
    );
    expect(verifyWorkspaceToken(assignment, ring, { now })).toMatchObject({ code: 'MALFORMED' });
    expect(verifyLinkToken(token, ring, { now })).toMatchObject({ code: 'MALFORMED' });
  });
});
