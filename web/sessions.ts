/**
 * Dashboard sessions (Office and leadership). The cookie holds a random secret; the database keeps
 * only its SHA-256, the role, and the session's CSRF token. Sessions expire after a fixed lifetime
 * and are deleted on sign-out.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { dummyHash, verifyPassword } from './passwords';

export type WebRole = 'office' | 'leadership';

export interface WebSession {
  id: string;
  contactId: string;
  email: string;
  name: string;
  role: WebRole;
  csrfToken: string;
  expiresAt: Date;
}

/** Session lifetime: one working day plus margin. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;
export const SESSION_COOKIE = 'dubang_sid';

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** An address as sign-in reads it (and as the sign-in throttle counts it): trimmed, lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Office and leadership contacts may sign in; the unit's kind decides the role. */
export async function authenticate(
  db: PrismaClient,
  email: string,
  password: string,
): Promise<{ contactId: string; email: string; name: string; role: WebRole } | null> {
  const normalized = normalizeEmail(email);
  const contacts = await db.contact.findMany({
    where: {
      email: { equals: normalized, mode: 'insensitive' },
      passwordHash: { not: null },
      unit: { kind: { in: ['OFFICE', 'LEADERSHIP'] } },
    },
    include: { unit: { select: { kind: true } } },
    orderBy: { id: 'asc' },
  });
  // Office rights win when one address is on both lists.
  const c = contacts.find((x) => x.unit.kind === 'OFFICE') ?? contacts[0];
  if (!c) {
    await verifyPassword(password, await dummyHash());
    return null;
  }
  if (!(await verifyPassword(password, c.passwordHash))) return null;
  return { contactId: c.id, email: c.email, name: c.name, role: c.unit.kind === 'OFFICE' ? 'office' : 'leadership' };
}

/** Creates a session; returns the cookie secret (shown once) and the session. */
export async function createSession(
  db: PrismaClient,
  who: { contactId: string; email: string; name: string; role: WebRole },
  now = Date.now(),
): Promise<{ secret: string; session: WebSession }> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now + SESSION_TTL_MS);
  await db.webSession.create({
    data: { id: digest(secret), contactId: who.contactId, email: who.email, role: who.role, csrfToken, expiresAt },
  });
  return { secret, session: { id: digest(secret), ...who, csrfToken, expiresAt } };
}

/** The live session for a cookie secret, or null (unknown, malformed or expired). */
export async function loadSession(
  db: PrismaClient,
  secret: string | undefined,
  now = Date.now(),
): Promise<WebSession | null> {
  if (!secret || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  const row = await db.webSession.findUnique({ where: { id: digest(secret) } });
  if (!row || row.expiresAt.getTime() <= now) return null;
  const contact = await db.contact.findUnique({
    where: { id: row.contactId },
    select: { name: true, passwordHash: true },
  });
  // A contact removed from the directory, or whose password was cleared, loses its sessions.
  if (!contact?.passwordHash) return null;
  return {
    id: row.id,
    contactId: row.contactId,
    email: row.email,
    name: contact.name,
    role: row.role === 'office' ? 'office' : 'leadership',
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export async function deleteSession(db: PrismaClient, id: string): Promise<void> {
  await db.webSession.deleteMany({ where: { id } });
}

/** Removes expired sessions (called now and then by the server). */
export async function purgeExpiredSessions(db: PrismaClient, now = Date.now()): Promise<number> {
  return (await db.webSession.deleteMany({ where: { expiresAt: { lte: new Date(now) } } })).count;
}
