/**
 * The dashboard as the Office sees it, for the benchmarks: the real Fastify app served on a socket,
 * an Office sign-in, and each page timed over HTTP (sequential requests after a warm-up of 5).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import type { HolidayOverride } from '../../domain/calendar';
import type { Policy } from '../../domain/policy';
import { buildServer } from '../../web/server';
import { hashPassword } from '../../web/passwords';
import { createLinkService } from '../../infra/links';
import { silentLogger } from '../../infra/logger';

export interface PageTiming {
  page: string;
  /** the first request, when the page's read model is computed (app/dashboard/cache.ts) */
  cold: number;
  p50: number;
  p95: number;
  max: number;
  bytes: number;
}

export interface ServedDashboard {
  base: string;
  cookie: string;
  /** a signed form link for an assignment */
  formToken(assignmentId: string): string;
  close(): Promise<void>;
}

const EMAIL = 'bench@office.test';
const PASSWORD = 'bench-password';

/** Gives `officeUnitId` a sign-in contact, serves the read-only app and signs in as the Office. */
export async function serveDashboard(
  p: PrismaClient,
  o: { officeUnitId: string; zone: string; policy: Policy; holidayOverride: HolidayOverride | null },
): Promise<ServedDashboard> {
  await p.contact.create({
    data: {
      unitId: o.officeUnitId,
      role: 'LIAISON',
      name: '督办员',
      email: EMAIL,
      passwordHash: await hashPassword(PASSWORD),
    },
  });
  const links = createLinkService({ db: p, secret: 'bench-secret-0123456789abcdef', publicUrl: 'http://127.0.0.1' });
  const app = await buildServer({
    db: p,
    links,
    tasks: { apply: async () => Promise.reject(new Error('read-only bench')) },
    logger: silentLogger,
    zone: o.zone,
    policy: o.policy,
    holidayOverride: o.holidayOverride,
    publicUrl: 'http://127.0.0.1',
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`Office sign-in: HTTP ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  return { base, cookie, formToken: (id) => links.sign(id).token, close: () => app.close() };
}

/** The pages the Office and a unit use, for one sample assignment. */
export function dashboardPages(
  sample: { id: string; taskId: string; unitId: string },
  token: string,
): [string, string][] {
  return [
    ['总览 /', '/'],
    ['总览 红灯筛选', '/?light=red'],
    ['任务列表', '/tasks'],
    ['任务列表 黄灯', '/tasks?light=yellow'],
    ['任务详情+时间线', `/tasks/${sample.taskId}`],
    ['单位页', `/units/${sample.unitId}`],
    ['分工详情', `/assignments/${sample.id}`],
    ['待审', '/reviews'],
    ['督办单', '/slips'],
    ['通知记录', '/notices'],
    ['指标进度', '/indicators'],
    ['审计日志', '/audit'],
    ['单位表单 (签名链接)', `/f/${sample.id}?t=${encodeURIComponent(token)}`],
    ['API overview', '/api/overview'],
    ['API tasks', '/api/tasks'],
    ['API assignments?unit', `/api/assignments?unit=${sample.unitId}`],
    ['API audit', '/api/audit'],
  ];
}

/** Times each page: `runs` sequential requests after 5 warm-up ones (the first of which is "cold"). */
export async function timePages(
  served: Pick<ServedDashboard, 'base' | 'cookie'>,
  pages: [string, string][],
  runs: number,
): Promise<PageTiming[]> {
  const rows: PageTiming[] = [];
  for (const [name, url] of pages) {
    const times: number[] = [];
    let bytes = 0;
    let cold = 0;
    for (let i = 0; i < runs + 5; i++) {
      const s = performance.now();
      const res = await fetch(served.base + url, { headers: { cookie: served.cookie } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
      if (i === 0) cold = performance.now() - s;
      if (i >= 5) times.push(performance.now() - s);
      bytes = body.byteLength;
    }
    times.sort((a, b) => a - b);
    const q = (f: number) => times[Math.min(times.length - 1, Math.ceil(f * times.length) - 1)]!;
    rows.push({ page: name, cold, p50: q(0.5), p95: q(0.95), max: times[times.length - 1]!, bytes });
  }
  return rows;
}
