/**
 * The real plan on a fresh database, served by the real web server, for the dashboard tests that
 * need its shape (80 tasks, the 属地落实 rule binding 14 units to every task): the plan imported
 * with the shipped units directory, every assignment supervised from 26 Nov 2026 (the day of the
 * catch-up the README describes), an Office sign-in. No Temporal: these tests only read pages
 * (and submit forms the server refuses before the lifecycle is asked).
 */
import { loadConfig } from '../../../config';
import { currentDirectory, importPlan, loadPlan } from '../../../app/plan-import';
import { readDirectoryFile } from '../../../app/units-file';
import type { LinkService } from '../../../contracts/links';
import { createLinkService } from '../../../infra/links';
import { createLogger } from '../../../infra/logger';
import { hashPassword } from '../../../web/passwords';
import { buildServer } from '../../../web/server';
import type { TaskActions } from '../../../web/context';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { REAL_PLAN } from '../../helpers/paths';
import { lightsConfig, listen, SECRET, signIn, ZONE, type TestClient } from './harness';

export const REAL_SLUG = 'nanchang-quality-city-2024';
/** when supervision of the real plan started in the README's walk-through */
export const SUPERVISED_FROM = '2026-11-26T10:00:00+08:00';
const OFFICE_PASSWORD = 'office-password-real-1';

export interface RealPlanServer {
  db: TestDatabase;
  app: TestClient;
  links: LinkService;
  /** the TaskActions calls the server made (none expected: refusals happen before) */
  applied: unknown[];
  session: { cookie: string; csrf: string };
  /** the Office sign-in */
  office: { email: string; password: string };
  close(): Promise<void>;
}

export async function startRealPlanServer(opts: { port?: number; publicUrl?: string } = {}): Promise<RealPlanServer> {
  const cfg = loadConfig({});
  const db = await createTestDatabase();
  const loaded = await loadPlan(REAL_PLAN, cfg, await currentDirectory(cfg, db.prisma));
  await importPlan(db.prisma, loaded, {
    slug: REAL_SLUG,
    actor: 'test',
    seedDirectory: readDirectoryFile(cfg.unitsFile),
  });
  await db.prisma.assignment.updateMany({ data: { supervisedFrom: new Date(SUPERVISED_FROM) } });
  const office = await db.prisma.contact.findFirstOrThrow({
    where: { unit: { kind: 'OFFICE' } },
    orderBy: { email: 'asc' },
  });
  await db.prisma.contact.update({
    where: { id: office.id },
    data: { passwordHash: await hashPassword(OFFICE_PASSWORD) },
  });
  const who = { email: office.email, password: OFFICE_PASSWORD };
  const publicUrl = opts.publicUrl ?? (opts.port ? `http://127.0.0.1:${opts.port}` : 'http://dubang.test');
  const links = createLinkService({ db: db.prisma, secret: SECRET, publicUrl });
  const applied: unknown[] = [];
  const tasks = {
    apply: async (x: unknown) => {
      applied.push(x);
      throw new Error('the lifecycle is not running in this test');
    },
  } as unknown as TaskActions;
  const server = await buildServer({
    db: db.prisma,
    links,
    tasks,
    logger: createLogger('error', {}, () => undefined),
    zone: ZONE,
    ...lightsConfig(),
    publicUrl,
  });
  const app = await listen(server, opts.port ?? 0);
  const { cookie, csrf } = await signIn(app, who);
  return {
    db,
    app,
    links,
    applied,
    session: { cookie, csrf },
    office: who,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** What a person reads on a page: the text without tags, scripts and the raw-record details. */
export function pageText(body: string): string {
  return body
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<details[\s\S]*?<\/details>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The JSON data block of a chart on a page. */
export function chartData(body: string, id: string): unknown {
  const m = new RegExp(
    `<script type="application/json" class="chart-data" data-for="${id}">([\\s\\S]*?)</script>`,
  ).exec(body);
  if (!m) throw new Error(`no chart ${id} on the page`);
  return JSON.parse(m[1]!);
}
