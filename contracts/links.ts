/**
 * The signed-link port: signing, verifying, issuing and revoking the links in emails. infra/links.ts
 * implements it over PostgreSQL (epochs and revocations) and the pure token rules of domain/links.ts;
 * app/links.ts (issue and revoke with their audit events) and the web routes use it.
 */
import type { Prisma } from '../generated/prisma/client';
import type { LinkClaims, LinkVerdict, WorkspaceClaims, WorkspaceVerdict } from '../domain/links';

/**
 * The tables a revocation writes: the service's own client, or the caller's transaction (app/links.ts
 * revokes and audits in one transaction).
 */
export type LinkTables = Pick<Prisma.TransactionClient, 'linkEpoch' | 'linkRevocation' | 'unitLinkEpoch'>;

/** Signing only (no database): tokens for a given epoch. */
export interface LinkSigner {
  /** a signed token for the assignment; `jti` defaults to a fresh uuid, `epoch` to the initial one */
  sign(
    assignmentId: string,
    opts?: { jti?: string; ttlMs?: number; now?: number; epoch?: string },
  ): { token: string; claims: LinkClaims };
  /** the full URL of the form with its token */
  url(assignmentId: string, token: string): string;
}

export interface LinkService extends LinkSigner {
  /** signature, expiry, assignment and revocation (jti and epoch), in that order */
  verify(token: unknown, assignmentId: string): Promise<LinkVerdict>;
  /** a new link in the assignment's current epoch (read from PostgreSQL) */
  issue(
    assignmentId: string,
    opts?: { jti?: string; ttlMs?: number; now?: number },
  ): Promise<{ token: string; claims: LinkClaims; url: string }>;
  /**
   * For the mail pipeline: the link a notice about an assignment carries (jti = notice id, current
   * epoch), else the site's address. Async: the epoch is read at render time, so an email rendered
   * after a revocation carries a working link.
   */
  linkFor(n: { id: string; assignmentId: string | null }): Promise<string | null>;
  /** revokes one link (jti); inside `tx` when given */
  revoke(assignmentId: string, opts: { jti: string; actor: string; reason?: string }, tx?: LinkTables): Promise<void>;
  /**
   * Revokes every link issued so far for these assignments (one, or all of a unit's): their epochs
   * are replaced in one transaction (`tx` when given, else its own); returns the new generation per
   * assignment.
   */
  revokeAll(
    assignmentIds: readonly string[],
    opts: { actor: string; reason?: string },
    tx?: LinkTables,
  ): Promise<Map<string, number>>;
  /**
   * A link to a unit's workspace (本单位督办事项) for one plan, in the unit's current link epoch; `jti`
   * is the letter's id for the link a letter carries (its first opening is the read receipt).
   */
  issueWorkspace(
    unitId: string,
    planId: string,
    opts?: { jti?: string; ttlMs?: number },
  ): Promise<{ token: string; claims: WorkspaceClaims; url: string }>;
  /** signature, expiry, unit and plan, and the unit's epoch, in that order */
  verifyWorkspace(token: unknown, unitId: string, planId: string): Promise<WorkspaceVerdict>;
  /** For the mail pipeline: the workspace link a unit letter carries (jti = letter id). */
  workspaceFor(l: { unitId: string; planId: string; letterId: string }): Promise<string>;
  /** Revokes every workspace link of the unit (all plans): its epoch is replaced; returns the new generation. */
  revokeWorkspace(unitId: string, opts: { actor: string }, tx?: LinkTables): Promise<number>;
  /** HMAC (current key) of a message for another purpose than links; `purpose` keeps the uses apart */
  seal(purpose: string, message: string): string;
}
