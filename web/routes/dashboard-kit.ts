/**
 * What every dashboard registrar shares (web/routes/dashboard*.ts): the session guards, the page
 * frame, the refusal of a bad query as a 400 page, paging, the 404 page, and post/redirect/get with
 * the outcome in a flash cookie (web/flash.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from '../context';
import { implicitNotified } from '../../app/notify-roles';
import { encodeFlash, FLASH_COOKIE } from '../flash';
import { intParam, type Query } from '../params';
import { errorPage, layout, sendPage } from '../views/layout';
import type { SafeHtml } from '../html';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

export type PageMessage = { kind: 'ok' | 'refused'; text: string };

export interface DashboardKit {
  ctx: WebContext;
  /** route options: any signed-in session may read; only the Office may act */
  read: { preHandler: WebContext['requireSession'] };
  write: { preHandler: WebContext['requireOffice'] };
  /** the traffic lights' parameters (the read models' policy) */
  params(): ReturnType<WebContext['read']['lightParams']>;
  page(
    req: FastifyRequest,
    reply: FastifyReply,
    title: string,
    active: string,
    body: SafeHtml,
    status?: number,
    scripts?: string[],
  ): FastifyReply;
  /** runs a handler; a bad query parameter (QueryError) answers 400 with its message */
  guard(reply: FastifyReply, fn: () => Promise<unknown>): Promise<unknown>;
  paging(query: Query): { limit: number; offset: number };
  notFound(reply: FastifyReply, text: string): FastifyReply;
  /** post/redirect/get: the outcome travels to `path` in a flash cookie scoped to it */
  redirectWithFlash(reply: FastifyReply, path: string, message: PageMessage): FastifyReply;
  /**
   * whether rule-bound (属地落实) assignments get their own emails (the plans' notifyRoles,
   * app/notify-roles.ts): the pages say so when they count them apart
   */
  implicitEmailed(plan?: string): Promise<boolean>;
  /** the scripts of the pages with charts */
  charts: string[];
}

export function dashboardKit(ctx: WebContext): DashboardKit {
  return {
    ctx,
    read: { preHandler: ctx.requireSession },
    write: { preHandler: ctx.requireOffice },
    params: () => ctx.read.lightParams(),
    page: (req, reply, title, active, body, status = 200, scripts = []) =>
      sendPage(reply, layout({ title, active, session: req.session, scripts }, body), status),
    guard: async (reply, fn) => {
      try {
        return await fn();
      } catch (err) {
        if (isDubangError(err, ErrorCodes.QueryError)) return sendPage(reply, errorPage(400, err.message), 400);
        throw err;
      }
    },
    paging: (query) => ({
      limit: intParam(query.limit, 'limit', 500) ?? 100,
      offset: intParam(query.offset, 'offset', 10_000_000) ?? 0,
    }),
    notFound: (reply, text) => sendPage(reply, errorPage(404, text), 404),
    // decodeFlash shows at most 1000 characters of a message, so no more is sent
    redirectWithFlash: (reply, path, message) =>
      reply
        .setCookie(FLASH_COOKIE, encodeFlash({ message: { ...message, text: message.text.slice(0, 1000) } }), {
          path,
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.secureCookies,
          maxAge: 300,
        })
        .redirect(path, 303),
    implicitEmailed: (plan) => implicitNotified(ctx.db, ctx.policy, plan),
    charts: ['/static/echarts.min.js', '/static/dashboard.js'],
  };
}
