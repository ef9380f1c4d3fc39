/**
 * The dashboard's unit routes: the units list, a unit's page (its letters and workspace link read
 * fresh), the Office's 本单位督办事项链接 and 重发督办函, and the contacts form.
 */
import type { FastifyInstance } from 'fastify';
import * as q from '../../app/dashboard/queries';
import { replaceContacts, type ContactInput } from '../../app/dashboard/contacts';
import { issueWorkspaceLink } from '../../app/links';
import { unitLetters } from '../../app/workspace';
import { resendLetter } from '../../app/notices/letters';
import { sqlFromPrisma } from '../../app/notices/sql';
import { audit } from '../../app/audit';
import { formatDay as fmtDay } from '../../domain/messages/format';
import { decodeFlash, FLASH_COOKIE } from '../flash';
import { lightParam, uuidParam, type Query } from '../params';
import { contactsForm, unitPage, unitsPage } from '../views/dashboard-units';
import { ErrorCodes, isDubangError } from '../../contracts/errors';
import type { DashboardKit, PageMessage } from './dashboard-kit';

export function registerUnits(app: FastifyInstance, k: DashboardKit): void {
  const { ctx, read, page, guard } = k;

  app.get('/units', read, async (req, reply) =>
    page(
      req,
      reply,
      '单位',
      'units',
      unitsPage((await q.overview(ctx.db, k.params())).units, await k.implicitEmailed()),
    ),
  );

  app.get<{ Params: { id: string }; Querystring: Query }>('/units/:id', read, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const f = { light: lightParam(req.query.light), ...k.paging(req.query) };
      const d = id ? await ctx.read.unitDetail(id, f) : null;
      if (!d) return k.notFound(reply, '没有这个单位');
      const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
      if (flash) reply.clearCookie(FLASH_COOKIE, { path: `/units/${d.unit.id}` });
      return page(
        req,
        reply,
        d.unit.name,
        'units',
        unitPage(d, ctx.zone, req.session!.role === 'office', f, await k.implicitEmailed(), {
          // read fresh (not from the cached read model): a read receipt or a resend shows at once
          ...(await unitLetterState(k, d.unit.id)),
          csrf: req.session!.csrfToken,
          message: flash?.message ?? null,
        }),
      );
    }),
  );

  registerUnitLetters(app, k);
  registerContacts(app, k);
}

/** The letters a unit received, and the plans it has tasks in (for its workspace link). */
async function unitLetterState({ ctx }: DashboardKit, unitId: string) {
  const [letters, plans] = await Promise.all([
    unitLetters(ctx.db, unitId),
    ctx.db.plan.findMany({
      where: { tasks: { some: { assignments: { some: { unitId } } } } },
      select: { slug: true, title: true },
      orderBy: { slug: 'asc' },
    }),
  ]);
  return { letters, plans };
}

/** The Office's actions on a unit's letters; each answers with a redirect back to the unit's page. */
function registerUnitLetters(app: FastifyInstance, k: DashboardKit): void {
  const { ctx, write, guard } = k;
  const backToUnit = (reply: Parameters<DashboardKit['notFound']>[0], unitId: string, message: PageMessage) =>
    k.redirectWithFlash(reply, `/units/${unitId}`, message);

  // 本单位督办事项链接: a new signed link for the Office to pass on by other means (audited)
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/units/:id/workspace-link',
    write,
    (req, reply) =>
      guard(reply, async () => {
        const id = uuidParam(req.params.id, 'id');
        if (!id) return k.notFound(reply, '没有这个单位');
        const plan = typeof req.body?.plan === 'string' && req.body.plan ? req.body.plan : undefined;
        const r = await issueWorkspaceLink(ctx, {
          unitId: id,
          ...(plan ? { plan } : {}),
          actor: `office:${req.session!.email}`,
        });
        if (!r.ok) return backToUnit(reply, id, { kind: 'refused', text: r.message });
        return backToUnit(reply, id, {
          kind: 'ok',
          text: `已生成${r.unit}本单位督办事项链接（方案 ${r.plan}，${fmtDay(r.expiresAt, ctx.zone)}前有效），请转交该单位：${r.url}`,
        });
      }),
  );

  // 重发督办函: a new letter with the same items, sent now as its own notice (audited)
  app.post<{ Params: { id: string; letterId: string } }>('/units/:id/letters/:letterId/resend', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const letterId = uuidParam(req.params.letterId, 'letterId');
      if (!id || !letterId) return k.notFound(reply, '没有这封督办函');
      const owned = await ctx.db.letter.findFirst({ where: { id: letterId, unitId: id }, select: { id: true } });
      const r = owned ? await resendLetter({ sql: sqlFromPrisma(ctx.db), notify: ctx.notify }, letterId) : null;
      if (!r) return backToUnit(reply, id, { kind: 'refused', text: '这封督办函尚未发出或不存在，无需重发。' });
      await audit(ctx.db, {
        actor: `office:${req.session!.email}`,
        action: 'letter.resent',
        entityType: 'Letter',
        entityId: r.letterId,
        unitId: id,
        data: { resendOf: letterId, noticeId: r.noticeId, email: r.email },
      });
      return backToUnit(reply, id, { kind: 'ok', text: `已重发督办函至 ${r.email}（新的通知已登记，稍后发出）。` });
    }),
  );
}

/** The contacts form's rows (`rows`, then `name_i`, `email_i`, `role_i`, `phone_i`, `digest_i`); empty rows are left out. */
function contactsFromForm(b: Record<string, unknown>): Partial<ContactInput>[] {
  const n = Math.min(Number(b.rows) || 0, 50);
  const contacts: Partial<ContactInput>[] = [];
  for (let i = 0; i < n; i++) {
    const name = String(b[`name_${i}`] ?? '').trim();
    const email = String(b[`email_${i}`] ?? '').trim();
    if (!name && !email) continue;
    // the form shows a checkbox on every row: absent means unticked
    contacts.push({
      role: String(b[`role_${i}`]) as ContactInput['role'],
      name,
      email,
      phone: String(b[`phone_${i}`] ?? '') || null,
      digest: b[`digest_${i}`] === '1',
    });
  }
  return contacts;
}

function registerContacts(app: FastifyInstance, k: DashboardKit): void {
  const { ctx, write, page, guard } = k;

  app.get<{ Params: { id: string } }>('/units/:id/contacts', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const d = id ? await ctx.read.unitDetail(id, { limit: 1 }) : null;
      if (!d) return k.notFound(reply, '没有这个单位');
      return page(req, reply, '修改联系人', 'units', contactsForm(d, req.session!.csrfToken, null));
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/units/:id/contacts', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      if (!id) return k.notFound(reply, '没有这个单位');
      const contacts = contactsFromForm(req.body ?? {});
      let message: PageMessage;
      let status = 200;
      try {
        await replaceContacts(ctx.db, id, contacts, `office:${req.session!.email}`);
        // the page below must show what was saved, not the cached read from before (onSend invalidates too late for it)
        ctx.read.invalidate();
        message = { kind: 'ok', text: '联系人已保存。' };
      } catch (err) {
        if (!isDubangError(err, ErrorCodes.ContactInputError)) throw err;
        message = { kind: 'refused', text: err.message };
        status = 422;
      }
      const d = await ctx.read.unitDetail(id, { limit: 1 });
      if (!d) return k.notFound(reply, '没有这个单位');
      return page(req, reply, '修改联系人', 'units', contactsForm(d, req.session!.csrfToken, message), status);
    }),
  );
}
