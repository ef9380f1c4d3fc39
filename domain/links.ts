/**
 * Signed links for the unit forms. A unit has no account: each notice carries a link that opens
 * the form of exactly one assignment. The link's token names the assignment, a token id (for
 * revoking one link), when it was issued and when it expires, and carries an HMAC over all of it.
 *
 * Token format (all ASCII, URL-safe, no encoding step needed):
 *
 *   v1.<assignmentId>.<jti>.<issuedAt base36 ms>.<expiresAt base36 ms>.<mac>
 *
 * where <mac> is the caller's HMAC (base64url) of everything before the last dot. Pure: the HMAC
 * is a parameter (infra/links.ts passes HMAC-SHA256 with the configured key), `now` is a parameter.
 * Revocation needs storage, so it is checked by the caller after `verifyLinkToken` succeeds.
 */

/** Computes the MAC of a message, base64url without padding (HMAC-SHA256 in infra/links.ts). */
export type MacFunction = (message: string) => string;

/** What a verified token says. Instants are epoch milliseconds. */
export interface LinkClaims {
  assignmentId: string;
  /** token id: one per issued link (the notice id for links in emails) */
  jti: string;
  issuedAt: number;
  expiresAt: number;
}

/** Why a token was refused. The HTTP layer maps these to 401 (who are you?) or 403 (not for this). */
export type LinkRefusalCode = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'WRONG_ASSIGNMENT' | 'REVOKED';

export type LinkVerdict = { ok: true; claims: LinkClaims } | { ok: false; code: LinkRefusalCode; reason: string };

const VERSION = 'v1';
/** ids are uuids or similar: letters, digits, '-' and '_' only, so '.' can separate fields */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const B36 = /^[0-9a-z]{1,12}$/;
const MAC = /^[A-Za-z0-9_-]{16,128}$/;
/** No legitimate token is longer; refusing early bounds the work an attacker can cause. */
export const MAX_TOKEN_LENGTH = 400;

/** Chinese reasons shown on the refusal page (exact text is data). */
export const LINK_REFUSAL_REASONS: Record<LinkRefusalCode, string> = {
  MALFORMED: '链接不完整或格式不对，请使用通知邮件中的原始链接',
  BAD_SIGNATURE: '链接校验失败（签名无效），请使用通知邮件中的原始链接',
  EXPIRED: '链接已过期，请联系市质量强市领导小组办公室重新发送',
  WRONG_ASSIGNMENT: '该链接不属于这项任务分工',
  REVOKED: '该链接已被撤销，请使用最新通知邮件中的链接',
};

/** Codes that mean "we cannot tell who you are" (401); the others mean "not allowed" (403). */
export function isAuthenticationFailure(code: LinkRefusalCode): boolean {
  return code === 'MALFORMED' || code === 'BAD_SIGNATURE' || code === 'EXPIRED';
}

class LinkClaimsError extends Error {
  override name = 'LinkClaimsError';
}

/** Builds a signed token. Throws LinkClaimsError when an id or instant cannot be encoded. */
export function signLinkToken(claims: LinkClaims, mac: MacFunction): string {
  if (!ID.test(claims.assignmentId)) throw new LinkClaimsError(`assignmentId: expected letters, digits, - or _ (got ${JSON.stringify(claims.assignmentId)})`);
  if (!ID.test(claims.jti)) throw new LinkClaimsError(`jti: expected letters, digits, - or _ (got ${JSON.stringify(claims.jti)})`);
  for (const k of ['issuedAt', 'expiresAt'] as const) {
    if (!Number.isSafeInteger(claims[k]) || claims[k] < 0) throw new LinkClaimsError(`${k}: expected epoch milliseconds (got ${claims[k]})`);
  }
  if (claims.expiresAt <= claims.issuedAt) throw new LinkClaimsError('expiresAt: must be later than issuedAt');
  const body = [VERSION, claims.assignmentId, claims.jti, claims.issuedAt.toString(36), claims.expiresAt.toString(36)].join('.');
  return `${body}.${mac(body)}`;
}

/**
 * Compares two strings in time that depends only on their lengths, so an attacker cannot learn a
 * MAC byte by byte from response times.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  // The MAC's length is public (fixed by the algorithm); only its content must not leak.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Verifies a token at `now`: well-formed, MAC valid, not expired, and — when `assignmentId` is
 * given — issued for that assignment. The signature is checked before anything the token claims
 * is believed, so a forged token is always BAD_SIGNATURE, never EXPIRED or WRONG_ASSIGNMENT.
 */
export function verifyLinkToken(token: unknown, mac: MacFunction, opts: { now: number; assignmentId?: string }): LinkVerdict {
  const no = (code: LinkRefusalCode): LinkVerdict => ({ ok: false, code, reason: LINK_REFUSAL_REASONS[code] });
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return no('MALFORMED');
  const parts = token.split('.');
  if (parts.length !== 6) return no('MALFORMED');
  const [version, assignmentId, jti, iat, exp, sig] = parts as [string, string, string, string, string, string];
  if (version !== VERSION || !ID.test(assignmentId) || !ID.test(jti) || !B36.test(iat) || !B36.test(exp) || !MAC.test(sig)) return no('MALFORMED');
  const body = parts.slice(0, 5).join('.');
  if (!constantTimeEqual(mac(body), sig)) return no('BAD_SIGNATURE');
  const claims: LinkClaims = { assignmentId, jti, issuedAt: parseInt(iat, 36), expiresAt: parseInt(exp, 36) };
  if (opts.now >= claims.expiresAt) return no('EXPIRED');
  if (opts.assignmentId !== undefined && opts.assignmentId !== assignmentId) return no('WRONG_ASSIGNMENT');
  return { ok: true, claims };
}

/** A revocation as stored: one link (by jti) or every link of the assignment issued at or before an instant. */
export interface LinkRevocation {
  jti: string | null;
  /** epoch ms; links issued at or before it are revoked (null for a single-link revocation) */
  revokedBefore: number | null;
}

/** Whether any of the assignment's revocations covers these claims. */
export function isRevoked(claims: LinkClaims, revocations: readonly LinkRevocation[]): boolean {
  return revocations.some((r) => (r.jti !== null && r.jti === claims.jti) || (r.revokedBefore !== null && claims.issuedAt <= r.revokedBefore));
}
