/**
 * 导入方案 on the dashboard (Office only): the page, the preview of an uploaded file and its import.
 * The browser sends the file's bytes as application/octet-stream (CSRF token in X-CSRF-Token); the
 * reading and validation are the CLI's (app/plan-import.ts), against the database directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadConfig, type Config } from '../../config';
import {
  currentDirectory,
  defaultSlug,
  importPlan,
  loadPlanBuffer,
  readLoadedPlan,
  type LoadOptions,
} from '../../app/plan-import';
import { planSourceOfBuffer, MAX_PLAN_BYTES } from '../../app/plan-source';
import { readDirectoryFile } from '../../app/units-file';
import { interpretDeadline } from '../../domain/deadline';
import type { WebContext } from '../context';
import { html } from '../html';
import { layout, sendPage } from '../views/layout';
import { importedFragment, previewFragment, uploadPage } from '../views/plan-upload';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

type Query = { action?: string; name?: string; plan?: string; defaultDeadline?: string; newUnits?: string };

const SCRIPT = path.join(__dirname, '..', 'static', 'plan-upload.js');
const scriptFile = () =>
  fs.existsSync(SCRIPT) ? SCRIPT : path.join(__dirname, '..', '..', '..', 'web', 'static', 'plan-upload.js');

export function registerPlanUpload(app: FastifyInstance, ctx: WebContext): void {
  let cfg: Config | null = null;
  const config = () => (cfg ??= loadConfig());
  const options = (q: Query): LoadOptions => ({
    ...(q.defaultDeadline?.trim() ? { defaultDeadline: q.defaultDeadline.trim().slice(0, 40) } : {}),
    ...(q.newUnits === '1' ? { newUnits: true } : {}),
  });
  const fragment = (reply: Parameters<typeof sendPage>[0], body: ReturnType<typeof html>, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(body.toString());

  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_PLAN_BYTES },
      (_req, body, done) => done(null, body),
    );

    scope.get('/plans/upload', { preHandler: ctx.requireOffice }, (req, reply) =>
      sendPage(
        reply,
        layout(
          { title: '导入方案', active: 'plan-upload', session: req.session, scripts: ['/plans/upload.js'] },
          uploadPage(req.session!.csrfToken),
        ),
      ),
    );
    scope.get('/plans/upload.js', (_req, reply) =>
      reply
        .header('Cache-Control', 'public, max-age=3600')
        .type('text/javascript; charset=utf-8')
        .send(fs.readFileSync(scriptFile())),
    );

    scope.post<{ Querystring: Query }>(
      '/plans/upload',
      { preHandler: ctx.requireOffice },
      async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
        const buf = req.body as Buffer | undefined;
        const name = (req.query.name ?? 'plan.txt').slice(0, 200);
        if (!Buffer.isBuffer(buf) || !buf.length)
          return fragment(reply, html`<p class="error">没有收到文件内容：请选择方案文件后重试</p>`, 400);
        const c = config();
        const dir = await currentDirectory(c, ctx.db);
        const opts = options(req.query);
        let src;
        try {
          src = await planSourceOfBuffer(buf, name);
        } catch (e) {
          if (isDubangError(e, ErrorCodes.PlanSourceError))
            return fragment(reply, html`<p class="error">${e.message}</p>`, 400);
          throw e;
        }
        const r = readLoadedPlan(name, src.doc, c, dir, opts);
        if (req.query.action !== 'import' || r.issues.length || !r.validated) {
          const due = new Map<number, string | null>();
          for (const t of r.plan.tasks) {
            const d = t.deadlinePhrase ? interpretDeadline(t.deadlinePhrase, c.deadlinePhrases, c.timezone) : null;
            if (d) due.set(t.number, d.dueAt);
          }
          return fragment(
            reply,
            previewFragment({
              file: name,
              plan: r.plan,
              issues: r.issues,
              validated: r.validated,
              due,
              zone: ctx.zone,
            }),
            r.issues.length && req.query.action === 'import' ? 400 : 200,
          );
        }
        const slug =
          req.query.plan && /^[A-Za-z0-9_-]{1,80}$/.test(req.query.plan) ? req.query.plan : defaultSlug(name);
        const loaded = await loadPlanBuffer(name, buf, c, dir, opts);
        const seed = dir.source === 'config' ? readDirectoryFile(c.unitsFile) : undefined;
        const result = await importPlan(ctx.db, loaded, {
          slug,
          actor: `office:${req.session!.email}`,
          ...(seed ? { seedDirectory: seed } : {}),
        });
        return fragment(
          reply,
          importedFragment({
            slug: result.slug,
            created: result.created,
            changed: result.changed,
            revision: result.revision,
            tasks: result.summary.tasks,
            newUnits: result.newUnits.length,
          }),
        );
      },
    );
  });
}
