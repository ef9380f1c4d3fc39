/**
 * The HTTP server (Fastify): the Office dashboard, the read/act JSON API, the unit forms behind
 * signed links, health and metrics. Server-rendered HTML with escaping templates (html.ts) and a
 * strict Content-Security-Policy (no inline script; charts read their data from JSON blocks).
 *
 * Who may do what:
 * - units: only their own assignment's form, through a signed link (unit-form.ts);
 * - leadership: read everything (dashboard and GET /api/*);
 * - the Office: read and act (POST/PUT/DELETE), with a CSRF token on every change.
 *
 * The server never writes assignment state: inputs go to the lifecycle use cases (app/tasks.ts)
 * through the `tasks` port, so every rule and refusal is the workflow's.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { createContext, wantsHtml, type WebDeps } from './context';
import { loadSession, SESSION_COOKIE } from './sessions';
import { registerUnitForm } from './routes/unit-form';
import { registerUnitWorkspace } from './routes/unit-workspace';
import { createLinkRefusals } from './link-refusals';
import { registerAuth } from './routes/auth';
import { registerApi } from './routes/api';
import { registerDashboard } from './routes/dashboard';
import { registerPlanUpload } from './routes/plan-upload';
import { registerUnitChannels } from './routes/unit-channels';
import { registerOps } from './routes/ops';
import { registerStatic } from './routes/static';
import { errorPage, sendPage } from './views/layout';
import { isErrorCode } from '../contracts/errors';

export const QUEUE_BOARD_PREFIX = '/admin/queues';
const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Content-Security-Policy directives (helmet): nothing inline but styles, nothing from elsewhere. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Builds the server (not listening yet); the caller owns `listen` and `close`. */
export async function buildServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Fastify logs through our pino instance (same format, level and destination); request logging
    // stays off: the app writes its own lines for refused and failed requests.
    loggerInstance: deps.logger.pino as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: deps.trustProxy ?? false,
    // Request ids in our own logs only; never echo client-supplied ids.
    genReqId: () => Math.random().toString(36).slice(2, 10),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  const origin = new URL(deps.publicUrl).origin;
  // Every route, for the OpenAPI check and the route-coverage test.
  const routes: { method: string; url: string }[] = [];
  app.decorate('routeList', routes);
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method])
      if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });
  const clock = deps.clock ?? Date.now;

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // same-origin, not no-referrer: the token in a form URL never leaves the site, yet browsers still send
    // a real Origin on same-site form posts (with no-referrer Chromium sends "Origin: null").
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    // HSTS only where the public address is https (on http browsers ignore it, and it would mislead)
    strictTransportSecurity: origin.startsWith('https:') ? { maxAge: 180 * 86_400, includeSubDomains: false } : false,
  });
  // Per-route limits only (sign-in and link routes set `config.rateLimit`); counted per client address,
  // in Redis when the composition root gives one (shared by every web server).
  await app.register(rateLimit, {
    global: false,
    // Redis down: let requests through rather than fail them (sign-in keeps its delays in PostgreSQL)
    ...(deps.throttleRedis
      ? { redis: deps.throttleRedis.client, nameSpace: deps.throttleRedis.prefix, skipOnError: true }
      : {}),
    errorResponseBuilder: (req, c) => {
      const err = new Error(`请求过于频繁，请 ${Math.ceil(c.ttl / 1000)} 秒后再试`) as Error & {
        statusCode: number;
        code: string;
      };
      err.statusCode = 429;
      err.code = 'THROTTLED';
      return err;
    },
  });
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/static/')) reply.header('Cache-Control', 'no-store');
    req.session = await loadSession(deps.db, req.cookies[SESSION_COOKIE], clock());
  });

  // CSRF, kept hand-written on purpose: every state-changing request made with a session cookie must
  // carry the session's token (form field _csrf or header X-CSRF-Token), and a cross-site Origin is
  // refused outright. @fastify/csrf-protection would need its own secret cookie or session plugin,
  // where our token already lives in the PostgreSQL session (sessions.ts), so every web server
  // checks the same token; and unit-form posts carry their signed link instead, which no other
  // site can know. The queue board (bull-board) sends its requests from its own script, which
  // cannot carry our token: for it a same-origin Origin header is required instead (browsers send
  // Origin on every non-GET fetch), on top of the SameSite=Lax session cookie.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const o = req.headers.origin;
    if (o && o !== origin && o !== `http://${req.headers.host}` && o !== `https://${req.headers.host}`) {
      deps.logger.warn('cross-origin request refused', { origin: o, url: req.url, ip: req.ip });
      return wantsHtml(req)
        ? sendPage(reply, errorPage(403, '请求来源不被允许'), 403)
        : reply.code(403).send({ error: '请求来源不被允许', code: 'BAD_ORIGIN' });
    }
    if (!req.session) return;
    if (req.url.startsWith(`${QUEUE_BOARD_PREFIX}/`)) {
      if (o) return;
      deps.logger.warn('queue board change without Origin refused', {
        url: req.url,
        ip: req.ip,
        email: req.session.email,
      });
      return reply.code(403).send({ error: '请求来源无法确认', code: 'BAD_ORIGIN' });
    }
    if (
      req.url.startsWith('/f/') ||
      req.url.startsWith('/api/unit/') ||
      (req.method === 'POST' && (req.url === '/login' || req.url === '/api/session'))
    )
      return;
    const body = req.body as Record<string, unknown> | undefined;
    const token =
      (req.headers['x-csrf-token'] as string | undefined) ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
    if (token !== req.session.csrfToken) {
      deps.logger.warn('csrf token missing or wrong', { url: req.url, ip: req.ip, email: req.session.email });
      return wantsHtml(req)
        ? sendPage(reply, errorPage(403, '表单已失效（CSRF 校验未通过），请刷新页面后重试'), 403)
        : reply.code(403).send({ error: 'CSRF 校验未通过', code: 'CSRF' });
    }
  });

  const ctx = createContext(deps, { origin, clock });

  // Before the answer leaves: the client's next read must already see its own change.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 400) ctx.read.invalidate();
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    // Fastify's and the libraries' codes go out; an unexpected error of ours answers ERROR, as any other
    const code = isErrorCode(err.code) ? undefined : err.code;
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const message =
      status === 429
        ? err.message
        : code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? '提交的内容过大'
          : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? '不支持的内容类型'
            : status < 500
              ? '请求格式不对'
              : '服务器内部错误';
    if (status >= 500) deps.logger.error('request failed', { err, url: req.url, method: req.method });
    else deps.logger.warn('bad request', { url: req.url, code, status, ip: req.ip });
    reply.code(status).type(wantsHtml(req) ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8');
    return reply.send(
      wantsHtml(req) ? errorPage(status, message).toString() : { error: message, code: code ?? 'ERROR' },
    );
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404);
    return wantsHtml(req)
      ? reply.type('text/html; charset=utf-8').send(errorPage(404, '页面不存在').toString())
      : reply.send({ error: '不存在', code: 'NOT_FOUND' });
  });

  registerStatic(app);
  registerOps(app, ctx);
  registerAuth(app, ctx);
  // one refused-link audit budget for both kinds of unit link
  const refusals = createLinkRefusals(app, ctx);
  registerUnitForm(app, ctx, refusals);
  registerUnitWorkspace(app, ctx, refusals);
  registerApi(app, ctx);
  registerDashboard(app, ctx);
  registerPlanUpload(app, ctx);
  registerUnitChannels(app, ctx);
  if (deps.mountQueueBoard) {
    const mount = deps.mountQueueBoard;
    await app.register(async (scope) => {
      // bull-board's page runs inline script: no CSP of ours there (the scope is Office-only)
      scope.addHook('onRoute', (r) => {
        r.config = Object.assign(r.config ?? {}, { helmet: { contentSecurityPolicy: false } });
      });
      scope.addHook('onRequest', ctx.requireOffice);
      await mount(scope, QUEUE_BOARD_PREFIX);
    });
  }
  return app;
}
