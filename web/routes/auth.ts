/**
 * Sign-in and sign-out for the Office and leadership (HTML form and JSON). Passwords are checked
 * against the directory's scrypt hashes; the session cookie is HttpOnly, SameSite=Lax, and Secure
 * when the public URL is https. The login form has its own CSRF token (double-submit cookie), kept
 * hand-written for the reason server.ts gives for the session's token: before sign-in there is no
 * session to hold one, and a plugin would need a secret and a store of its own for one form.
 *
 * Throttling (docs/web.md "Sign-in"): every client address gets `limits.signInPerMinute` attempts a
 * minute (@fastify/rate-limit), and failures grow a delay, per account (the address as sign-in
 * normalises it: trimmed, lower-case) and per client address: after FREE_FAILURES failures of an
 * account (FREE_FAILURES_PER_CLIENT of a client address, which an office behind one NAT shares)
 * the next attempt must wait 1 s, then 2 s, 4 s … up to MAX_DELAY_MS. There is no lockout to trigger
 * against someone else: a browser that signed in to an account before carries a device cookie
 * (HMAC-sealed, tied to that account) and is judged only by its own failures, so the real 督办员
 * keeps signing in promptly while someone else is guessing the password; a new browser waits out
 * the delay like anyone. The failure counts live in PostgreSQL, shared by every web server.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../../generated/prisma/client';
import { constantTimeEqual } from '../../domain/links';
import { html } from '../html';
import {
  authenticate,
  createSession,
  deleteSession,
  normalizeEmail,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from '../sessions';
import type { WebContext } from '../context';
import { layout, sendPage } from '../views/layout';

const LOGIN_CSRF_COOKIE = 'dubang_lcsrf';
const DEVICE_COOKIE = 'dubang_dev';
const DEVICE_TTL_S = 365 * 86_400;
/** Failures before the delay starts (per account or device; per client address), and its ceiling. */
export const FREE_FAILURES = 5;
export const FREE_FAILURES_PER_CLIENT = 20;
export const MAX_DELAY_MS = 15 * 60 * 1000;
/** A key's failures are forgotten this long after its last failure. */
const FORGET_MS = 24 * 3600 * 1000;

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500 ? next : '/';
}

/** The wait after `failures` failures: none for the first `free`, then 1 s doubling up to MAX_DELAY_MS. */
export function failureDelayMs(failures: number, free = FREE_FAILURES): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(30, failures - free));
}

/**
 * Growing delays per key (account, client address, device), in PostgreSQL (SignInThrottle), so every
 * web server counts the same failures. A key's failures are forgotten FORGET_MS after its last one.
 */
function failureDelays(db: PrismaClient, clock: () => number) {
  return {
    /** ms still to wait before any of these keys may try again (0: go ahead) */
    async wait(keys: string[]): Promise<number> {
      const rows = await db.signInThrottle.findMany({
        where: { key: { in: keys }, lastAt: { gt: new Date(clock() - FORGET_MS) } },
      });
      let w = 0;
      for (const r of rows)
        w = Math.max(
          w,
          r.lastAt.getTime() +
            failureDelayMs(r.failures, r.key.startsWith('ip:') ? FREE_FAILURES_PER_CLIENT : FREE_FAILURES) -
            clock(),
        );
      return w;
    },
    async fail(keys: string[]): Promise<void> {
      const now = new Date(clock());
      const forgotten = new Date(clock() - FORGET_MS);
      for (const key of keys) {
        // one statement: concurrent failures on several web servers each count
        await db.$executeRaw`INSERT INTO "SignInThrottle" (key, failures, "lastAt") VALUES (${key}, 1, ${now})
          ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN "SignInThrottle"."lastAt" <= ${forgotten} THEN 1 ELSE "SignInThrottle".failures + 1 END, "lastAt" = ${now}`;
      }
    },
    async clear(keys: string[]): Promise<void> {
      await db.signInThrottle.deleteMany({ where: { key: { in: keys } } });
    },
  };
}

/** Drops throttle rows nobody remembers any more (called with the hourly session purge). */
export async function purgeSignInThrottle(db: PrismaClient, now = Date.now()): Promise<number> {
  return (await db.signInThrottle.deleteMany({ where: { lastAt: { lte: new Date(now - FORGET_MS) } } })).count;
}

export function registerAuth(app: FastifyInstance, ctx: WebContext): void {
  const delays = failureDelays(ctx.db, ctx.clock);
  const rateLimit = { rateLimit: { max: ctx.limits.signInPerMinute, timeWindow: 60_000 } };

  /** The device id in the request's device cookie when it was sealed for this account, else null. */
  function trustedDevice(req: FastifyRequest, email: string): string | null {
    const raw = req.cookies[DEVICE_COOKIE];
    const m = raw ? /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{16,128})$/.exec(raw) : null;
    if (!m) return null;
    return constantTimeEqual(ctx.links.seal('device', `${m[1]}|${email}`), m[2]!) ? m[1]! : null;
  }

  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.secureCookies };

  function loginPage(reply: FastifyReply, next: string, error: string | null, status = 200) {
    const token = randomBytes(18).toString('base64url');
    reply.setCookie(LOGIN_CSRF_COOKIE, token, { ...cookieOpts, maxAge: 3600 });
    return sendPage(
      reply,
      layout(
        { title: '登录' },
        html`<section class="card" style="max-width:420px;margin:40px auto"><h1>督办平台登录</h1>
<p class="muted">市质量强市领导小组办公室（督办员）与领导小组（只读）使用。责任单位请通过通知邮件中的链接办理。</p>
${error ? html`<p class="msg refused" role="alert">${error}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="next" value="${next}">
<label for="email">邮箱</label><input id="email" name="email" type="email" required autocomplete="username" style="width:100%">
<label for="password">密码</label><input id="password" name="password" type="password" required autocomplete="current-password" style="width:100%">
<p><button type="submit">登录</button></p></form></section>`,
      ),
      status,
    );
  }

  async function signIn(req: FastifyRequest, reply: FastifyReply, rawEmail: string, password: string) {
    const email = normalizeEmail(rawEmail);
    const device = trustedDevice(req, email);
    const keys = device ? [`dev:${device}`] : [`acct:${email}`, `ip:${req.ip}`];
    const wait = await delays.wait(keys);
    if (wait > 0) {
      ctx.logger.warn('sign-in delayed', { email, ip: req.ip, waitMs: wait });
      return { error: `登录失败次数较多，请 ${Math.ceil(wait / 1000)} 秒后再试`, status: 429 } as const;
    }
    const who = await authenticate(ctx.db, email, password);
    if (!who) {
      await delays.fail(keys);
      ctx.logger.warn('sign-in failed', { email, ip: req.ip, trustedDevice: Boolean(device) });
      return { error: '邮箱或密码不正确', status: 401 } as const;
    }
    await delays.clear([...keys, `ip:${req.ip}`]);
    const id = device ?? randomBytes(18).toString('base64url');
    reply.setCookie(DEVICE_COOKIE, `${id}.${ctx.links.seal('device', `${id}|${email}`)}`, {
      ...cookieOpts,
      maxAge: DEVICE_TTL_S,
    });
    const { secret, session } = await createSession(ctx.db, who, ctx.clock());
    ctx.logger.info('signed in', { email: who.email, role: who.role, ip: req.ip });
    return { secret, session } as const;
  }

  app.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => {
    if (req.session) return reply.redirect(safeNext(req.query.next), 303);
    return loginPage(reply, safeNext(req.query.next), null);
  });

  app.post<{ Body: Record<string, unknown> }>('/login', { config: rateLimit }, async (req, reply) => {
    const b = req.body ?? {};
    const next = safeNext(b.next);
    if (typeof b._csrf !== 'string' || b._csrf !== req.cookies[LOGIN_CSRF_COOKIE])
      return loginPage(reply, next, '登录表单已失效，请重新输入', 403);
    if (typeof b.email !== 'string' || typeof b.password !== 'string' || !b.email || !b.password)
      return loginPage(reply, next, '请输入邮箱和密码', 400);
    const r = await signIn(req, reply, b.email, b.password);
    if ('error' in r) return loginPage(reply, next, r.error ?? '登录失败', r.status ?? 401);
    reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    reply.setCookie(SESSION_COOKIE, r.secret, { ...cookieOpts, maxAge: SESSION_TTL_MS / 1000 });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.session) await deleteSession(ctx.db, req.session.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  app.post<{ Body: { email?: unknown; password?: unknown } }>(
    '/api/session',
    { config: rateLimit },
    async (req, reply) => {
      const b = req.body ?? {};
      if (typeof b.email !== 'string' || typeof b.password !== 'string')
        return reply.code(400).send({ error: '需要 email 和 password', code: 'BAD_REQUEST' });
      const r = await signIn(req, reply, b.email, b.password);
      if ('error' in r)
        return reply
          .code(r.status ?? 401)
          .send({ error: r.error, code: r.status === 429 ? 'THROTTLED' : 'BAD_CREDENTIALS' });
      reply.setCookie(SESSION_COOKIE, r.secret, { ...cookieOpts, maxAge: SESSION_TTL_MS / 1000 });
      return {
        email: r.session.email,
        name: r.session.name,
        role: r.session.role,
        csrfToken: r.session.csrfToken,
        expiresAt: r.session.expiresAt,
      };
    },
  );

  app.get('/api/session', { preHandler: ctx.requireSession }, async (req) => {
    const s = req.session!;
    return { email: s.email, name: s.name, role: s.role, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  });

  app.delete('/api/session', { preHandler: ctx.requireSession }, async (req, reply) => {
    await deleteSession(ctx.db, req.session!.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
}
