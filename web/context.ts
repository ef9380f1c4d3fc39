/**
 * The request context: what the server hands every route module (its dependencies, limits, cached
 * read models, cookie and origin settings, and the session guards). Routes and the action helpers
 * import this file, never server.ts; server.ts builds the context and registers the routes, so the
 * import graph of web/ runs one way (test/unit/import-cycles.test.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client';
import type { LifecycleInputType } from '../domain/lifecycle';
import type { HolidayOverride } from '../domain/calendar';
import type { Policy } from '../domain/policy';
import type { InputResult } from '../contracts/workflows';
import type { Logger } from '../contracts/logger';
import type { LinkService } from '../contracts/links';
import type { NotificationPort } from '../contracts/notification';
import { createOutboxNotificationPort } from '../infra/outbox';
import { createReadModels, type ReadModels } from '../app/dashboard/cache';
import { lightPolicy } from '../app/dashboard/lights';
import type { WebSession } from './sessions';
import { errorPage, sendPage } from './views/layout';

/** A dependency /healthz reports on (routes/ops.ts). */
export interface HealthCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

/**
 * The lifecycle use cases the server drives (app/tasks.ts `applyTaskInput` in production). A
 * refusal is a `TaskInputRefused` error (contracts/errors.ts code) with `reason` (Chinese) and `refusalCode`; a task whose
 * lifecycle is not running is `TaskNotSupervised`.
 */
export interface TaskActions {
  apply(o: {
    planSlug: string;
    task: number;
    type: LifecycleInputType;
    args: Record<string, unknown> & { unit: string; actor: string };
  }): Promise<InputResult>;
}

export interface WebDeps {
  db: PrismaClient;
  links: LinkService;
  tasks: TaskActions;
  logger: Logger;
  /** IANA zone for dates on pages and in inputs */
  zone: string;
  /** config/policy.json: the traffic lights' "report late" follows its reporting periods and due moments */
  policy: Policy;
  /** config/holidays-override.json, parsed (readHolidayOverride): the workday calendar the lifecycle uses too */
  holidayOverride?: HolidayOverride | null;
  /** the public base URL (links, Origin checks, Secure cookies when https) */
  publicUrl: string;
  clock?: () => number;
  health?: HealthCheck[];
  /** extra Prometheus text appended to /metrics (queue depth and age, workflow counts) */
  metrics?: () => Promise<string>;
  /** mounts the queue dashboard (bull-board) under `prefix` inside an Office-only scope */
  mountQueueBoard?: (scope: FastifyInstance, prefix: string) => Promise<void>;
  /** how long dashboard read models are served before a background refresh (default 15 s) */
  readModelTtlMs?: number;
  /** request body limit in bytes (default 64 KiB); larger bodies get 413 */
  bodyLimit?: number;
  /**
   * which proxies to believe for the client address (Fastify trustProxy; default false). Behind a
   * load balancer set it, or every throttle counts the balancer's address for everyone.
   */
  trustProxy?: boolean | string;
  /**
   * Redis for the per-client rate limits, so every web server counts the same requests (keys under
   * `prefix`); without it each process counts its own.
   */
  throttleRedis?: { client: Redis; prefix: string };
  /** request throttles (defaults: DEFAULT_LIMITS) */
  limits?: Partial<WebLimits>;
  /** where re-sent notices go (the queue port in production); default the outbox (the mailer's reconciler sends it) */
  notify?: NotificationPort;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: WebSession | null;
  }
  interface FastifyInstance {
    /** every route registered (method and URL pattern) */
    routeList: { method: string; url: string }[];
  }
}

/** Per-minute budgets per client address (docs/web.md "Sign-in" and "Unit links"). */
export interface WebLimits {
  /** sign-in attempts (POST /login, POST /api/session) */
  signInPerMinute: number;
  /** requests to the unit-form and unit API routes */
  linkRequestsPerMinute: number;
  /** refused-link audit events written per client, and in all */
  refusalAuditsPerClient: number;
  refusalAuditsTotal: number;
}

export const DEFAULT_LIMITS: WebLimits = {
  signInPerMinute: 30,
  linkRequestsPerMinute: 120,
  refusalAuditsPerClient: 5,
  refusalAuditsTotal: 60,
};

/** Everything a route module needs. */
export interface WebContext extends Omit<WebDeps, 'notify'> {
  /** where re-sent notices go: `deps.notify`, else the outbox */
  notify: NotificationPort;
  clock: () => number;
  limits: WebLimits;
  /** cached read models; invalidated after every change made through this server */
  read: ReadModels;
  secureCookies: boolean;
  origin: string;
  requireSession: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  requireOffice: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/** Pages answer in HTML; the API, /metrics and /healthz in JSON or text. */
export function wantsHtml(req: FastifyRequest): boolean {
  return !req.url.startsWith('/api/') && req.url !== '/metrics' && req.url !== '/healthz';
}

/** The context of one server: its dependencies with defaults filled in, and the session guards. */
export function createContext(deps: WebDeps, o: { origin: string; clock: () => number }): WebContext {
  const { origin, clock } = o;
  const ctx: WebContext = {
    ...deps,
    notify: deps.notify ?? createOutboxNotificationPort(deps.db),
    clock,
    limits: { ...DEFAULT_LIMITS, ...deps.limits },
    read: createReadModels({
      db: deps.db,
      lights: lightPolicy(deps.policy, deps.holidayOverride),
      clock,
      ...(deps.readModelTtlMs !== undefined ? { ttlMs: deps.readModelTtlMs } : {}),
    }),
    origin,
    secureCookies: origin.startsWith('https:'),
    async requireSession(req, reply) {
      if (req.session) return;
      if (wantsHtml(req)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return reply.code(401).send({ error: '请先登录', code: 'UNAUTHENTICATED' });
    },
    async requireOffice(req, reply) {
      if (!req.session) return ctx.requireSession(req, reply);
      if (req.session.role !== 'office') {
        return wantsHtml(req)
          ? sendPage(reply, errorPage(403, '领导小组账号只能查看，不能办理'), 403)
          : reply.code(403).send({ error: '只读账号不能办理此操作', code: 'READ_ONLY' });
      }
    },
  };
  return ctx;
}
