/**
 * Signed unit-form links: the crypto and storage half of domain/links.ts. HMAC-SHA256 with the
 * configured key (LINK_SECRET), revocations in PostgreSQL. Signing is synchronous and writes
 * nothing, so the mail pipeline can sign a link while rendering (`linkFor`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import {
  isRevoked,
  LINK_REFUSAL_REASONS,
  signLinkToken,
  verifyLinkToken,
  type LinkClaims,
  type LinkVerdict,
  type MacFunction,
} from '../domain/links';

/** Default lifetime of a link: long enough to outlive a quarter's reporting window. */
export const DEFAULT_LINK_TTL_MS = 120 * 24 * 3600 * 1000;

/** HMAC-SHA256 of a message with `secret`, base64url without padding. */
export function hmacSha256(secret: string): MacFunction {
  return (message) => createHmac('sha256', secret).update(message, 'utf8').digest('base64url');
}

export interface LinkSignerOptions {
  secret: string;
  /** the public base URL, e.g. https://duban.example.gov.cn */
  publicUrl: string;
  ttlMs?: number;
  clock?: () => number;
}

export interface LinkServiceOptions extends LinkSignerOptions {
  db: PrismaClient;
}

/** Path of an assignment's form; the token travels in the query string of the emailed link only. */
export function formPath(assignmentId: string): string {
  return `/f/${encodeURIComponent(assignmentId)}`;
}

/** Signing only (no database): what the mail worker needs to put links in notices. */
export interface LinkSigner {
  /** a signed token for the assignment; `jti` defaults to a fresh uuid */
  sign(assignmentId: string, opts?: { jti?: string; ttlMs?: number; now?: number }): { token: string; claims: LinkClaims };
  /** the full URL of the form with its token */
  url(assignmentId: string, token: string): string;
  /** for the mail pipeline: a link per notice about an assignment (jti = notice id), else null */
  linkFor(n: { id: string; assignmentId: string | null }): string | null;
}

export interface LinkService extends LinkSigner {
  /** signature, expiry, assignment and revocation, in that order */
  verify(token: unknown, assignmentId: string): Promise<LinkVerdict>;
  /** revokes one link (jti) or every link issued so far for the assignment */
  revoke(assignmentId: string, opts: { jti?: string; actor: string; reason?: string }): Promise<void>;
}

/**
 * The signer for composition roots without a database client (the mail worker):
 * `createDeliverNotice({ …, linkFor: createLinkSigner({ secret: cfg.http.linkSecret, publicUrl: cfg.http.publicUrl }).linkFor })`.
 */
export function createLinkSigner(o: LinkSignerOptions): LinkSigner {
  const mac = hmacSha256(o.secret);
  const clock = o.clock ?? Date.now;
  const ttl = o.ttlMs ?? DEFAULT_LINK_TTL_MS;
  const base = o.publicUrl.replace(/\/+$/, '');
  const signer: LinkSigner = {
    sign(assignmentId, opts = {}) {
      const now = opts.now ?? clock();
      const claims: LinkClaims = { assignmentId, jti: opts.jti ?? randomUUID(), issuedAt: now, expiresAt: now + (opts.ttlMs ?? ttl) };
      return { token: signLinkToken(claims, mac), claims };
    },
    url(assignmentId, token) {
      return `${base}${formPath(assignmentId)}?t=${encodeURIComponent(token)}`;
    },
    linkFor(n) {
      if (!n.assignmentId) return `${base}/`;
      return signer.url(n.assignmentId, signer.sign(n.assignmentId, { jti: n.id }).token);
    },
  };
  return signer;
}

export function createLinkService(o: LinkServiceOptions): LinkService {
  const mac = hmacSha256(o.secret);
  const clock = o.clock ?? Date.now;
  return {
    ...createLinkSigner(o),
    async verify(token, assignmentId) {
      const v = verifyLinkToken(token, mac, { now: clock(), assignmentId });
      if (!v.ok) return v;
      const rows = await o.db.linkRevocation.findMany({ where: { assignmentId: v.claims.assignmentId }, select: { jti: true, revokedBefore: true } });
      const revocations = rows.map((r) => ({ jti: r.jti, revokedBefore: r.revokedBefore ? r.revokedBefore.getTime() : null }));
      if (isRevoked(v.claims, revocations)) return { ok: false, code: 'REVOKED', reason: LINK_REFUSAL_REASONS.REVOKED };
      return v;
    },
    async revoke(assignmentId, opts) {
      await o.db.linkRevocation.create({
        data: {
          assignmentId,
          jti: opts.jti ?? null,
          revokedBefore: opts.jti ? null : new Date(clock()),
          actor: opts.actor,
          reason: opts.reason ?? null,
        },
      });
    },
  };
}
