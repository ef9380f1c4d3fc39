/**
 * The Office's editor of a unit's group robots: GET/POST /units/:id/channels (app/dashboard/robots.ts,
 * web/views/channels.ts). Office only; the form carries the session's CSRF token (checked in server.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from '../context';
import { replaceRobots, unitRobots, type RobotInput } from '../../app/dashboard/robots';
import { ROBOT_KINDS } from '../../domain/channels';
import { uuidParam } from '../params';
import { errorPage, layout, sendPage } from '../views/layout';
import { channelsForm } from '../views/channels';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

export function registerUnitChannels(app: FastifyInstance, ctx: WebContext): void {
  const write = { preHandler: ctx.requireOffice };
  const show = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string | undefined,
    message: { kind: 'ok' | 'refused'; text: string } | null,
    status = 200,
  ) => {
    const unit = id ? await ctx.db.unit.findUnique({ where: { id }, select: { id: true, name: true } }) : null;
    if (!unit) return sendPage(reply, errorPage(404, '没有这个单位'), 404);
    const body = channelsForm(unit, await unitRobots(ctx.db, unit.id), req.session!.csrfToken, message);
    return sendPage(reply, layout({ title: '群机器人', active: 'units', session: req.session }, body), status);
  };

  app.get<{ Params: { id: string } }>('/units/:id/channels', write, (req, reply) =>
    show(req, reply, uuidParam(req.params.id, 'id'), null),
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/units/:id/channels',
    write,
    async (req, reply) => {
      const id = uuidParam(req.params.id, 'id');
      if (!id || !(await ctx.db.unit.findUnique({ where: { id }, select: { id: true } })))
        return sendPage(reply, errorPage(404, '没有这个单位'), 404);
      const b = req.body ?? {};
      const field = (name: string) => String(b[name] ?? '').trim();
      const rows: RobotInput[] = [];
      for (let i = 0; i < Math.min(Number(b.rows) || 0, 11); i++) {
        const channel = field(`channel_${i}`);
        if (!channel) continue;
        rows.push({
          ordinal: Number(field(`ordinal_${i}`)) || null,
          channel,
          webhook: field(`webhook_${i}`),
          secret: field(`secret_${i}`),
          clearSecret: b[`clearSecret_${i}`] === '1',
          kinds: ROBOT_KINDS.filter((k) => b[`kind_${i}_${k}`] === '1'),
          mentions: field(`mentions_${i}`)
            .split(/[,，\s]+/)
            .filter(Boolean),
        });
      }
      try {
        await replaceRobots(ctx.db, id, rows, `office:${req.session!.email}`);
        ctx.read.invalidate();
        return show(req, reply, id, { kind: 'ok', text: '群机器人已保存。' });
      } catch (err) {
        if (!isDubangError(err, ErrorCodes.ContactInputError)) throw err;
        return show(req, reply, id, { kind: 'refused', text: err.message }, 422);
      }
    },
  );
}
