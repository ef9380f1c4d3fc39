/**
 * Sign-in and sign-out for the Office and leadership (HTML form and JSON). Passwords are checked
 * against the directory's scrypt hashes; the session cookie is HttpOnly, SameSite=Lax, and Secure
 * when the public URL is https. The login form has its own CSRF token (double-submit cookie),
 * and repeated failures for one address or client are slowed to a stop (429).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { html } from '../html';
import { authenticate, createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS } from '../sessions';
import type { WebContext } from '../server';
import { layout, sendPage } from '../views/layout';

const LOGIN_CSRF_COOKIE = 'dubang_lcsrf';
/** Failures per address before it is locked for the window; a client (IP) gets more, since an office may share one. */
const MAX_FAILURES = 10;
const MAX_FAILURES_PER_CLIENT = 50;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500 ? next : '/';
}

export function registerAuth(app: FastifyInstance, ctx: WebContext): void {
  const failures = new Map<string, { n: number; since: number }>();
  const throttled = (keys: string[]) =>
    keys.some((k) => {
      const f = failures.get(k);
      return f !== undefined && ctx.clock() - f.since < FAILURE_WINDOW_MS && f.n >= (k.startsWith('ip:') ? MAX_FAILURES_PER_CLIENT : MAX_FAILURES);
    });
  const fail = (keys: string[]) => {
    for (const k of keys) {
      const f = failures.get(k);
      if (!f || ctx.clock() - f.since >= FAILURE_WINDOW_MS) failures.set(k, { n: 1, since: ctx.clock() });
      else f.n++;
    }
  };

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

  async function signIn(email: string, password: string, ip: string) {
    const keys = [`e:${email.toLowerCase()}`, `ip:${ip}`];
    if (throttled(keys)) return { error: '登录失败次数过多，请 15 分钟后再试', status: 429 } as const;
    const who = await authenticate(ctx.db, email, password);
    if (!who) {
      fail(keys);
      ctx.logger.warn('sign-in failed', { email, ip });
      return { error: '邮箱或密码不正确', status: 401 } as const;
    }
    const { secret, session } = await createSession(ctx.db, who, ctx.clock());
    ctx.logger.info('signed in', { email: who.email, role: who.role, ip });
    return { secret, session } as const;
  }

  app.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => {
    if (req.session) return reply.redirect(safeNext(req.query.next), 303);
    return loginPage(reply, safeNext(req.query.next), null);
  });

  app.post<{ Body: Record<string, unknown> }>('/login', async (req, reply) => {
    const b = req.body ?? {};
    const next = safeNext(b.next);
    if (typeof b._csrf !== 'string' || b._csrf !== req.cookies[LOGIN_CSRF_COOKIE]) return loginPage(reply, next, '登录表单已失效，请重新输入', 403);
    if (typeof b.email !== 'string' || typeof b.password !== 'string' || !b.email || !b.password) return loginPage(reply, next, '请输入邮箱和密码', 400);
    const r = await signIn(b.email, b.password, req.ip);
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

  app.post<{ Body: { email?: unknown; password?: unknown } }>('/api/session', async (req, reply) => {
    const b = req.body ?? {};
    if (typeof b.email !== 'string' || typeof b.password !== 'string') return reply.code(400).send({ error: '需要 email 和 password', code: 'BAD_REQUEST' });
    const r = await signIn(b.email, b.password, req.ip);
    if ('error' in r) return reply.code(r.status ?? 401).send({ error: r.error, code: r.status === 429 ? 'THROTTLED' : 'BAD_CREDENTIALS' });
    reply.setCookie(SESSION_COOKIE, r.secret, { ...cookieOpts, maxAge: SESSION_TTL_MS / 1000 });
    return { email: r.session.email, name: r.session.name, role: r.session.role, csrfToken: r.session.csrfToken, expiresAt: r.session.expiresAt };
  });

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
