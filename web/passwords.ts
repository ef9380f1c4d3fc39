/**
 * Password hashes for dashboard sign-in (Office and leadership): scrypt with a random salt, stored
 * as `scrypt$N$r$p$<salt b64url>$<hash b64url>` so the cost can be raised later without breaking
 * existing hashes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ErrorCodes, DubangError } from '../contracts/errors';

const scrypt = (pw: string, salt: Buffer, len: number, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, o, (err, key) => (err ? reject(err) : resolve(key))),
  );

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

/** Minimum length enforced by `dubang users set-password`. */
export const MIN_PASSWORD_LENGTH = 10;

export class PasswordPolicyError extends DubangError {
  static override readonly code = ErrorCodes.PasswordPolicyError;
}

/** Hashes a password (≈50 ms). */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new PasswordPolicyError(`密码至少 ${MIN_PASSWORD_LENGTH} 个字符`);
  if (password.length > 1024) throw new PasswordPolicyError('密码过长 (最多 1024 个字符)');
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored || password.length > 1024) return false;
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n > 1 << 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, {
    N: n,
    r,
    p,
    maxmem: 256 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash to compare against when the email is unknown, so "no such user" takes as long as "wrong
 * password" and sign-in does not reveal which addresses exist.
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('dummy-password-never-matches');
  return dummy;
}
