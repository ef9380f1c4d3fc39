/**
 * Signed unit-form links: the crypto and storage half of domain/links.ts. HMAC-SHA256 with the
 * configured keys (LINK_SECRET under LINK_KEY_ID, and during a rotation LINK_SECRET_PREVIOUS under
 * LINK_KEY_ID_PREVIOUS), link epochs and revocations in PostgreSQL, so every web server and mailer
 * sees the same revocations on every request.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import type { LinkService, LinkSigner, LinkTables } from '../contracts/links';
import {
  INITIAL_EPOCH,
  isRevoked,
  LINK_REFUSAL_REASONS,
  signLinkToken,
  signWorkspaceToken,
  verifyLinkToken,
  verifyWorkspaceToken,
  type LinkClaims,
  type LinkKeyring,
  type MacFunction,
} from '../domain/links';

/** Default lifetime of a link: long enough to outlive a quarter's reporting window. */
export const DEFAULT_LINK_TTL_MS = 120 * 24 * 3600 * 1000;
/** A link key must have at least this many bytes once PUBLIC_URL is a real address. */
export const MIN_LINK_SECRET_BYTES = 32;
/** The published development key (config/index.ts default): refused for real addresses. */
export const DEV_LINK_SECRET = 'dev-only-link-secret-change-me';

/** HMAC-SHA256 of a message with `secret`, base64url without padding. */
export function hmacSha256(secret: string): MacFunction {
  return (message) => createHmac('sha256', secret).update(message, 'utf8').digest('base64url');
}

export interface LinkSignerOptions {
  /** the current key: signs new links */
  secret: string;
  /** its id, carried in every new token (default `k1`) */
  keyId?: string;
  /** the key being retired: still accepted (tokens naming its id, and v1 tokens) until removed */
  previous?: { secret: string; keyId: string } | null;
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

/** Path of a unit's workspace for one plan (本单位督办事项); the token travels in the query string. */
export function workspacePath(unitId: string, planId: string): string {
  return `/u/${encodeURIComponent(unitId)}/${encodeURIComponent(planId)}`;
}

function isLoopback(publicUrl: string): boolean {
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Refuses a link key anyone could know once the service has a real address: the published default,
 * or fewer than 32 bytes. Called by the web server and the mailer before they start (they sign and
 * check links); loopback addresses (development, tests) may keep the default. Throws an Error named
 * ConfigError whose message names the key and gives a command that makes a good one.
 */
export function assertLinkKeysSafe(o: {
  publicUrl: string;
  linkSecret: string;
  linkSecretPrevious?: string | null;
}): void {
  if (isLoopback(o.publicUrl)) return;
  const make =
    "openssl rand -base64 48   (or: node -e \"console.log(require('node:crypto').randomBytes(48).toString('base64'))\")";
  for (const [key, value] of [
    ['LINK_SECRET', o.linkSecret],
    ['LINK_SECRET_PREVIOUS', o.linkSecretPrevious ?? null],
  ] as const) {
    if (value === null) continue;
    const why =
      value === DEV_LINK_SECRET
        ? 'is the published development default'
        : Buffer.byteLength(value, 'utf8') < MIN_LINK_SECRET_BYTES
          ? `is shorter than ${MIN_LINK_SECRET_BYTES} bytes`
          : null;
    if (!why) continue;
    const e = new Error(
      `invalid configuration: ${key} ${why}, and PUBLIC_URL (${o.publicUrl}) is not a loopback address: anyone could forge a link to any unit's form. Make a key with ${make} and set ${key} to it.`,
    );
    e.name = 'ConfigError';
    throw e;
  }
}

function keyringOf(o: LinkSignerOptions): LinkKeyring {
  return {
    current: { id: o.keyId ?? 'k1', mac: hmacSha256(o.secret) },
    previous: o.previous ? { id: o.previous.keyId, mac: hmacSha256(o.previous.secret) } : null,
  };
}

export function createLinkSigner(o: LinkSignerOptions): LinkSigner {
  const ring = keyringOf(o);
  const clock = o.clock ?? Date.now;
  const ttl = o.ttlMs ?? DEFAULT_LINK_TTL_MS;
  const base = o.publicUrl.replace(/\/+$/, '');
  return {
    sign(assignmentId, opts = {}) {
      const now = opts.now ?? clock();
      const claims: LinkClaims = {
        assignmentId,
        jti: opts.jti ?? randomUUID(),
        issuedAt: now,
        expiresAt: now + (opts.ttlMs ?? ttl),
        keyId: ring.current.id,
        epoch: opts.epoch ?? INITIAL_EPOCH,
      };
      return { token: signLinkToken(claims, ring.current.mac), claims };
    },
    url(assignmentId, token) {
      return `${base}${formPath(assignmentId)}?t=${encodeURIComponent(token)}`;
    },
  };
}

export function createLinkService(o: LinkServiceOptions): LinkService {
  const ring = keyringOf(o);
  const clock = o.clock ?? Date.now;
  const signer = createLinkSigner(o);
  const base = o.publicUrl.replace(/\/+$/, '');
  const epochOf = async (assignmentId: string) =>
    (await o.db.linkEpoch.findUnique({ where: { assignmentId }, select: { epoch: true } }))?.epoch ?? INITIAL_EPOCH;
  const service: LinkService = {
    ...signer,
    async verify(token, assignmentId) {
      const v = verifyLinkToken(token, ring, { now: clock(), assignmentId });
      if (!v.ok) return v;
      const [rows, epoch] = await Promise.all([
        o.db.linkRevocation.findMany({
          where: { assignmentId: v.claims.assignmentId },
          select: { jti: true, revokedBefore: true },
        }),
        epochOf(v.claims.assignmentId),
      ]);
      const revocations = rows.map((r) => ({
        jti: r.jti,
        revokedBefore: r.revokedBefore ? r.revokedBefore.getTime() : null,
      }));
      if (isRevoked(v.claims, revocations, epoch))
        return { ok: false, code: 'REVOKED', reason: LINK_REFUSAL_REASONS.REVOKED };
      return v;
    },
    async issue(assignmentId, opts = {}) {
      const { token, claims } = signer.sign(assignmentId, { ...opts, epoch: await epochOf(assignmentId) });
      return { token, claims, url: signer.url(assignmentId, token) };
    },
    async linkFor(n) {
      if (!n.assignmentId) return `${base}/`;
      return (await service.issue(n.assignmentId, { jti: n.id })).url;
    },
    async revoke(assignmentId, opts, tx) {
      await (tx ?? o.db).linkRevocation.create({
        data: { assignmentId, jti: opts.jti, revokedBefore: null, actor: opts.actor, reason: opts.reason ?? null },
      });
    },
    async issueWorkspace(unitId, planId, opts = {}) {
      const now = clock();
      const row = await o.db.unitLinkEpoch.findUnique({ where: { unitId }, select: { epoch: true } });
      const claims = {
        unitId,
        planId,
        jti: opts.jti ?? randomUUID(),
        issuedAt: now,
        expiresAt: now + (opts.ttlMs ?? o.ttlMs ?? DEFAULT_LINK_TTL_MS),
        keyId: ring.current.id,
        epoch: row?.epoch ?? INITIAL_EPOCH,
      };
      const token = signWorkspaceToken(claims, ring.current.mac);
      return { token, claims, url: `${base}${workspacePath(unitId, planId)}?t=${encodeURIComponent(token)}` };
    },
    async verifyWorkspace(token, unitId, planId) {
      const v = verifyWorkspaceToken(token, ring, { now: clock(), unitId, planId });
      if (!v.ok) return v;
      const row = await o.db.unitLinkEpoch.findUnique({ where: { unitId }, select: { epoch: true } });
      if (v.claims.epoch !== (row?.epoch ?? INITIAL_EPOCH))
        return { ok: false, code: 'REVOKED', reason: LINK_REFUSAL_REASONS.REVOKED };
      return v;
    },
    async workspaceFor(l) {
      return (await service.issueWorkspace(l.unitId, l.planId, { jti: l.letterId })).url;
    },
    async revokeWorkspace(unitId, opts, tx) {
      const epoch = randomBytes(12).toString('base64url');
      const row = await (tx ?? o.db).unitLinkEpoch.upsert({
        where: { unitId },
        create: { unitId, epoch, generation: 1, actor: opts.actor },
        update: { epoch, generation: { increment: 1 }, renewedAt: new Date(), actor: opts.actor },
        select: { generation: true },
      });
      return row.generation;
    },
    seal(purpose, message) {
      return ring.current.mac(`${purpose}\n${message}`);
    },
    async revokeAll(assignmentIds, opts, tx) {
      const out = new Map<string, number>();
      const renew = async (t: LinkTables) => {
        for (const assignmentId of assignmentIds) {
          // 96 random bits: a token forged with a leaked key cannot guess the new epoch
          const epoch = randomBytes(12).toString('base64url');
          const row = await t.linkEpoch.upsert({
            where: { assignmentId },
            create: { assignmentId, epoch, generation: 1, actor: opts.actor },
            update: { epoch, generation: { increment: 1 }, renewedAt: new Date(), actor: opts.actor },
            select: { generation: true },
          });
          // kept as the revocation's record (who, when, why); v1 tokens are refused by the epoch already
          await t.linkRevocation.create({
            data: {
              assignmentId,
              jti: null,
              revokedBefore: new Date(clock()),
              actor: opts.actor,
              reason: opts.reason ?? null,
            },
          });
          out.set(assignmentId, row.generation);
        }
      };
      if (tx) await renew(tx);
      else await o.db.$transaction(renew);
      return out;
    },
  };
  return service;
}

/**
 * The link keys of a configuration (config `http`), after `assertLinkKeysSafe`: what the web server
 * and the mailer pass to `createLinkService`.
 */
export function linkKeysFromConfig(http: {
  publicUrl: string;
  linkSecret: string;
  linkKeyId: string;
  linkPrevious: { secret: string; keyId: string } | null;
}): LinkSignerOptions {
  assertLinkKeysSafe({
    publicUrl: http.publicUrl,
    linkSecret: http.linkSecret,
    linkSecretPrevious: http.linkPrevious?.secret ?? null,
  });
  return { secret: http.linkSecret, keyId: http.linkKeyId, previous: http.linkPrevious, publicUrl: http.publicUrl };
}
