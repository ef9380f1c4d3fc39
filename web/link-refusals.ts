/**
 * What every signed-link route (the assignment forms, routes/unit-form.ts, and the unit workspaces,
 * routes/unit-workspace.ts) does with a refused link: answer 401 (forged, malformed, expired) or 403
 * (revoked, for another assignment or unit), log it (warn), count it in /metrics and write it to the
 * audit log as `link.refused`. Audit writes are bounded: at most `limits.refusalAuditsPerClient` per
 * client and `limits.refusalAuditsTotal` in all per minute per process, shared by both routes; the
 * rest are logged, counted and summarised in one `link.refused_suppressed` event, so unauthenticated
 * callers cannot grow the audit table without bound.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimedJti, isAuthenticationFailure, type LinkRefusalCode } from '../domain/links';
import { audit } from '../app/audit';
import type { WebContext } from './context';
import { errorPage, sendPage } from './views/layout';

const REFUSAL_WINDOW_MS = 60_000;

/** The token of a link request: `Authorization: Bearer`, the form's field `t`, or the query's `t`. */
export function tokenOf(req: FastifyRequest): unknown {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && 't' in body) return body.t;
  return (req.query as { t?: unknown }).t;
}

/**
 * Fixed one-minute windows of refused-link audit writes, per client and in all. Memory is bounded:
 * the per-client map is dropped at each window and holds at most `totalMax` entries (a client is
 * only added while the total has room).
 */
function refusalAuditBudget(clock: () => number, perClient: number, totalMax: number) {
  let windowStart = clock();
  let total = 0;
  let suppressed = 0;
  let perIp = new Map<string, number>();
  return {
    /** whether this refusal may be written; `rolled` carries how many were suppressed in the window just ended */
    take(ip: string): { write: boolean; rolled: number } {
      let rolled = 0;
      if (clock() - windowStart >= REFUSAL_WINDOW_MS) {
        rolled = suppressed;
        windowStart = clock();
        total = 0;
        suppressed = 0;
        perIp = new Map();
      }
      const n = perIp.get(ip) ?? 0;
      if (total >= totalMax || n >= perClient) {
        suppressed++;
        return { write: false, rolled };
      }
      total++;
      perIp.set(ip, n + 1);
      return { write: true, rolled };
    },
  };
}

export interface LinkRefusals {
  /** answers, logs and audits one refused link; `target` names what the link claimed to open */
  refuse(
    req: FastifyRequest,
    reply: FastifyReply,
    verdict: { code: LinkRefusalCode; reason: string },
    target: { entityId: string; assignmentId?: string; unitId?: string },
    json: boolean,
  ): Promise<void>;
}

export function createLinkRefusals(app: FastifyInstance, ctx: WebContext): LinkRefusals {
  const budget = refusalAuditBudget(ctx.clock, ctx.limits.refusalAuditsPerClient, ctx.limits.refusalAuditsTotal);
  return {
    async refuse(req, reply, verdict, target, json) {
      const status = isAuthenticationFailure(verdict.code) ? 401 : 403;
      app.countLinkRefusal();
      // the jti the token claims (unverified when the signature failed): which link was tried
      const jti = claimedJti(tokenOf(req));
      const fields = {
        code: verdict.code,
        ...(target.assignmentId ? { assignmentId: target.assignmentId } : {}),
        ...(target.unitId ? { unitId: target.unitId } : {}),
        jti,
        ip: req.ip,
        method: req.method,
        path: req.url.replace(/([?&]t=)[^&]*/, '$1…'),
        userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200),
      };
      ctx.logger.warn('unit link refused', fields);
      const b = budget.take(req.ip);
      try {
        if (b.rolled > 0)
          await audit(ctx.db, {
            actor: 'system',
            action: 'link.refused_suppressed',
            entityType: 'Link',
            entityId: target.entityId,
            data: { count: b.rolled, windowMs: REFUSAL_WINDOW_MS },
          });
        if (b.write)
          await audit(ctx.db, {
            actor: `link:${jti ?? '-'}@${req.ip}`,
            action: 'link.refused',
            entityType: 'Link',
            entityId: jti ?? target.entityId,
            ...(target.assignmentId ? { assignmentId: target.assignmentId } : {}),
            ...(target.unitId ? { unitId: target.unitId } : {}),
            data: fields,
          });
      } catch (err) {
        ctx.logger.error('could not audit a refused link', { err });
      }
      if (json) reply.code(status).send({ error: verdict.reason, code: verdict.code });
      else sendPage(reply, errorPage(status, verdict.reason), status);
    },
  };
}
