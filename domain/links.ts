/**
 * Signed links for the unit forms. A unit has no account: each notice carries a link that opens
 * the form of exactly one assignment. The link's token names the assignment, a token id (for
 * revoking one link), when it was issued and when it expires, and carries an HMAC over all of it.
 *
 * Token format (all ASCII, URL-safe, no encoding step needed):
 *
 *   v2.<keyId>.<assignmentId>.<jti>.<issuedAt base36 ms>.<expiresAt base36 ms>.<epoch>.<mac>
 *   v1.<assignmentId>.<jti>.<issuedAt base36 ms>.<expiresAt base36 ms>.<mac>      (older emails)
 *
 * where <mac> is the caller's HMAC (base64url) of everything before the last dot. `keyId` names the
 * key that signed it, so a current and a previous key can both be accepted while keys rotate; a v1
 * token names no key and is tried against each configured key (links in emails already sent keep
 * working). `epoch` is the assignment's link epoch when the link was issued: revoking every link
 * of an assignment replaces its epoch (a random value kept in PostgreSQL), so revocation and issuing
 * are ordered by the database and not by anyone's clock, and a token forged with a leaked key after
 * a revocation cannot name the new epoch (see docs/web.md "Unit links").
 *
 * Pure: the HMACs are parameters (infra/links.ts passes HMAC-SHA256 with the configured keys), `now`
 * is a parameter. Revocation needs storage, so it is checked by the caller after `verifyLinkToken`.
 */
import { DomainErrorCodes, DubangError } from './errors';

/** Computes the MAC of a message, base64url without padding (HMAC-SHA256 in infra/links.ts). */
export type MacFunction = (message: string) => string;

/** What a verified token says. Instants are epoch milliseconds. */
export interface LinkClaims {
  assignmentId: string;
  /** token id: one per issued link (the notice id for links in emails) */
  jti: string;
  issuedAt: number;
  expiresAt: number;
  /** the key that signed it (v2); absent for v1 tokens */
  keyId?: string;
  /** the assignment's link epoch at issue (v2); absent for v1 tokens */
  epoch?: string;
}

/** The epoch of an assignment whose links were never all revoked. */
export const INITIAL_EPOCH = '0';

/** The keys a verifier accepts: the current one signs, a previous one is still accepted during rotation. */
export interface LinkKeyring {
  current: { id: string; mac: MacFunction };
  previous?: { id: string; mac: MacFunction } | null;
}

/** Why a token was refused. The HTTP layer maps these to 401 (who are you?) or 403 (not for this). */
export type LinkRefusalCode = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'WRONG_ASSIGNMENT' | 'WRONG_UNIT' | 'REVOKED';

export type LinkVerdict = { ok: true; claims: LinkClaims } | { ok: false; code: LinkRefusalCode; reason: string };

/** ids are uuids or similar: letters, digits, '-' and '_' only, so '.' can separate fields */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** key ids and epochs: short, same alphabet */
const SHORT_ID = /^[A-Za-z0-9_-]{1,32}$/;
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
  WRONG_UNIT: '该链接不属于这个单位的督办事项',
  REVOKED: '该链接已被撤销，请使用最新通知邮件中的链接',
};

/** Codes that mean "we cannot tell who you are" (401); the others mean "not allowed" (403). */
export function isAuthenticationFailure(code: LinkRefusalCode): boolean {
  return code === 'MALFORMED' || code === 'BAD_SIGNATURE' || code === 'EXPIRED';
}

export class LinkClaimsError extends DubangError {
  static override readonly code = DomainErrorCodes.LinkClaimsError;
}

/** Builds a signed token. Throws LinkClaimsError when an id or instant cannot be encoded. */
export function signLinkToken(claims: LinkClaims, mac: MacFunction): string {
  if (!ID.test(claims.assignmentId))
    throw new LinkClaimsError(
      `assignmentId: expected letters, digits, - or _ (got ${JSON.stringify(claims.assignmentId)})`,
    );
  if (!ID.test(claims.jti))
    throw new LinkClaimsError(`jti: expected letters, digits, - or _ (got ${JSON.stringify(claims.jti)})`);
  for (const k of ['issuedAt', 'expiresAt'] as const) {
    if (!Number.isSafeInteger(claims[k]) || claims[k] < 0)
      throw new LinkClaimsError(`${k}: expected epoch milliseconds (got ${claims[k]})`);
  }
  if (claims.expiresAt <= claims.issuedAt) throw new LinkClaimsError('expiresAt: must be later than issuedAt');
  const times = [claims.issuedAt.toString(36), claims.expiresAt.toString(36)];
  if (claims.keyId === undefined) {
    const body = ['v1', claims.assignmentId, claims.jti, ...times].join('.');
    return `${body}.${mac(body)}`;
  }
  const epoch = claims.epoch ?? INITIAL_EPOCH;
  if (!SHORT_ID.test(claims.keyId))
    throw new LinkClaimsError(`keyId: expected 1–32 letters, digits, - or _ (got ${JSON.stringify(claims.keyId)})`);
  if (!SHORT_ID.test(epoch))
    throw new LinkClaimsError(`epoch: expected 1–32 letters, digits, - or _ (got ${JSON.stringify(epoch)})`);
  const body = ['v2', claims.keyId, claims.assignmentId, claims.jti, ...times, epoch].join('.');
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
 * Verifies a token at `now`: well-formed, MAC valid under the key it names (v2) or under any
 * configured key (v1), not expired, and — when `assignmentId` is given — issued for that
 * assignment. The signature is checked before anything the token claims is believed, so a forged
 * token is always BAD_SIGNATURE, never EXPIRED or WRONG_ASSIGNMENT. A bare MacFunction is a keyring
 * with one key (id `k1`).
 */
export function verifyLinkToken(
  token: unknown,
  keys: MacFunction | LinkKeyring,
  opts: { now: number; assignmentId?: string },
): LinkVerdict {
  const ring: LinkKeyring = typeof keys === 'function' ? { current: { id: 'k1', mac: keys } } : keys;
  const no = (code: LinkRefusalCode): LinkVerdict => ({ ok: false, code, reason: LINK_REFUSAL_REASONS[code] });
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return no('MALFORMED');
  const parts = token.split('.');
  let claims: LinkClaims;
  let candidates: MacFunction[];
  if (parts[0] === 'v1' && parts.length === 6) {
    const [, assignmentId, jti, iat, exp] = parts as [string, string, string, string, string, string];
    if (!ID.test(assignmentId) || !ID.test(jti) || !B36.test(iat) || !B36.test(exp)) return no('MALFORMED');
    claims = { assignmentId, jti, issuedAt: parseInt(iat, 36), expiresAt: parseInt(exp, 36) };
    candidates = [ring.current.mac, ...(ring.previous ? [ring.previous.mac] : [])];
  } else if (parts[0] === 'v2' && parts.length === 8) {
    const [, keyId, assignmentId, jti, iat, exp, epoch] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (
      !SHORT_ID.test(keyId) ||
      !ID.test(assignmentId) ||
      !ID.test(jti) ||
      !B36.test(iat) ||
      !B36.test(exp) ||
      !SHORT_ID.test(epoch)
    )
      return no('MALFORMED');
    claims = { assignmentId, jti, issuedAt: parseInt(iat, 36), expiresAt: parseInt(exp, 36), keyId, epoch };
    const key = [ring.current, ring.previous].find((k) => k?.id === keyId);
    // a key id nobody configures (retired, or made up) is a signature we cannot check
    if (!key) return no('BAD_SIGNATURE');
    candidates = [key.mac];
  } else return no('MALFORMED');
  const sig = parts[parts.length - 1]!;
  if (!MAC.test(sig)) return no('MALFORMED');
  const body = parts.slice(0, -1).join('.');
  // every candidate is computed, so timing does not tell which key matched
  const matches = candidates.map((mac) => constantTimeEqual(mac(body), sig));
  if (!matches.includes(true)) return no('BAD_SIGNATURE');
  if (opts.now >= claims.expiresAt) return no('EXPIRED');
  if (opts.assignmentId !== undefined && opts.assignmentId !== claims.assignmentId) return no('WRONG_ASSIGNMENT');
  return { ok: true, claims };
}

/** The jti a token claims, without believing it (for the audit of a refused link); null when unreadable. */
export function claimedJti(token: unknown): string | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  const jti =
    parts[0] === 'v1' && parts.length === 6
      ? parts[2]
      : parts[0] === 'v2' && parts.length === 8
        ? parts[3]
        : parts[0] === 'u1' && parts.length === 9
          ? parts[4]
          : undefined;
  return jti !== undefined && ID.test(jti) ? jti : null;
}

/** A revocation as stored: one link (by jti) or every link of the assignment issued at or before an instant. */
export interface LinkRevocation {
  jti: string | null;
  /** epoch ms; links issued at or before it are revoked (null for a single-link revocation) */
  revokedBefore: number | null;
}

/**
 * Whether the claims are revoked: their own jti is revoked, or every link of the assignment was
 * revoked after they were issued. A v2 token must carry the assignment's current epoch (any other
 * epoch, older or made up, is refused). A v1 token predates epochs: it stands only while the
 * assignment was never revoked as a whole since epochs exist, and no older "revoked before"
 * row covers its issue instant.
 */
export function isRevoked(
  claims: LinkClaims,
  revocations: readonly LinkRevocation[],
  currentEpoch: string = INITIAL_EPOCH,
): boolean {
  if (revocations.some((r) => r.jti !== null && r.jti === claims.jti)) return true;
  if (claims.epoch !== undefined) return claims.epoch !== currentEpoch;
  return (
    currentEpoch !== INITIAL_EPOCH ||
    revocations.some((r) => r.revokedBefore !== null && claims.issuedAt <= r.revokedBefore)
  );
}

/**
 * What a verified workspace token says: the link to a unit's workspace (本单位督办事项) for one
 * plan, carried by every unit letter. The token id is the letter's id (its first opening is the
 * letter's read receipt) or, for a link the Office hands over, a fresh one. `epoch` is the unit's
 * link epoch: revoking every link of a unit replaces it (infra/links.ts).
 *
 *   u1.<keyId>.<unitId>.<planId>.<jti>.<issuedAt base36 ms>.<expiresAt base36 ms>.<epoch>.<mac>
 *
 * The MAC covers the `u1` prefix, so no assignment token verifies as a workspace token or back.
 */
export interface WorkspaceClaims {
  unitId: string;
  planId: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
  keyId: string;
  epoch: string;
}

export type WorkspaceVerdict =
  { ok: true; claims: WorkspaceClaims } | { ok: false; code: LinkRefusalCode; reason: string };

/** Builds a signed workspace token. Throws LinkClaimsError when an id or instant cannot be encoded. */
export function signWorkspaceToken(claims: WorkspaceClaims, mac: MacFunction): string {
  for (const k of ['unitId', 'planId', 'jti'] as const)
    if (!ID.test(claims[k]))
      throw new LinkClaimsError(`${k}: expected letters, digits, - or _ (got ${JSON.stringify(claims[k])})`);
  for (const k of ['keyId', 'epoch'] as const)
    if (!SHORT_ID.test(claims[k]))
      throw new LinkClaimsError(`${k}: expected 1–32 letters, digits, - or _ (got ${JSON.stringify(claims[k])})`);
  for (const k of ['issuedAt', 'expiresAt'] as const)
    if (!Number.isSafeInteger(claims[k]) || claims[k] < 0)
      throw new LinkClaimsError(`${k}: expected epoch milliseconds (got ${claims[k]})`);
  if (claims.expiresAt <= claims.issuedAt) throw new LinkClaimsError('expiresAt: must be later than issuedAt');
  const body = [
    'u1',
    claims.keyId,
    claims.unitId,
    claims.planId,
    claims.jti,
    claims.issuedAt.toString(36),
    claims.expiresAt.toString(36),
    claims.epoch,
  ].join('.');
  return `${body}.${mac(body)}`;
}

/**
 * Verifies a workspace token at `now`, in the order of verifyLinkToken: well-formed, signed by the
 * key it names, not expired, and for the unit (and plan) asked for. Revocation (the unit's epoch)
 * is the caller's, as for assignment links.
 */
export function verifyWorkspaceToken(
  token: unknown,
  ring: LinkKeyring,
  opts: { now: number; unitId?: string; planId?: string },
): WorkspaceVerdict {
  const no = (code: LinkRefusalCode): WorkspaceVerdict => ({ ok: false, code, reason: LINK_REFUSAL_REASONS[code] });
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return no('MALFORMED');
  const parts = token.split('.');
  if (parts[0] !== 'u1' || parts.length !== 9) return no('MALFORMED');
  const [, keyId, unitId, planId, jti, iat, exp, epoch, sig] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (
    !SHORT_ID.test(keyId) ||
    !ID.test(unitId) ||
    !ID.test(planId) ||
    !ID.test(jti) ||
    !B36.test(iat) ||
    !B36.test(exp) ||
    !SHORT_ID.test(epoch) ||
    !MAC.test(sig)
  )
    return no('MALFORMED');
  const key = [ring.current, ring.previous].find((k) => k?.id === keyId);
  if (!key) return no('BAD_SIGNATURE');
  if (!constantTimeEqual(key.mac(parts.slice(0, -1).join('.')), sig)) return no('BAD_SIGNATURE');
  const claims: WorkspaceClaims = {
    unitId,
    planId,
    jti,
    issuedAt: parseInt(iat, 36),
    expiresAt: parseInt(exp, 36),
    keyId,
    epoch,
  };
  if (opts.now >= claims.expiresAt) return no('EXPIRED');
  if ((opts.unitId !== undefined && opts.unitId !== unitId) || (opts.planId !== undefined && opts.planId !== planId))
    return no('WRONG_UNIT');
  return { ok: true, claims };
}
