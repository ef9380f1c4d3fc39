/**
 * A real stack for the HTTP tests: a fresh migrated database, a Temporal dev server, a worker
 * running the lifecycle workflows (notices to the outbox), supervision started for a small plan,
 * and the Fastify app driven with `inject` (no socket). Nothing is mocked.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createLifecycleActivities } from '../../../activities/lifecycle';
import { startSupervision } from '../../../app/supervise';
import { createLogger } from '../../../infra/logger';
import type { Logger } from '../../../contracts/logger';
import { createOutboxNotificationPort } from '../../../infra/outbox';
import type { LinkService } from '../../../contracts/links';
import { createLinkService } from '../../../infra/links';
import { hashPassword } from '../../../web/passwords';
import { buildServer } from '../../../web/server';
import type { WebDeps } from '../../../web/context';
import { temporalTaskActions } from '../../../worker/http-main';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { loadConfig } from '../../../config';
import { readHolidayOverride } from '../../../config/policy-schema';
import { temporalServer } from '../../workflows/temporal-env';

export const ZONE = 'Asia/Shanghai';
export const SECRET = 'test-link-secret-0123456789abcdef';
export const PUBLIC_URL = 'http://dubang.test';
export const OFFICE = { email: 'duban@office.test', password: 'office-password-1' };
export const LEADER = { email: 'mayor@leaders.test', password: 'leader-password-1' };

/** The reporting policy and holiday override the server's traffic lights follow: the shipped config, as in production. */
export function lightsConfig(): Pick<WebDeps, 'policy' | 'holidayOverride'> {
  const cfg = loadConfig({});
  return { policy: cfg.policy, holidayOverride: readHolidayOverride(cfg.holidaysOverrideFile) };
}

export interface Seeded {
  planSlug: string;
  units: { a: string; b: string; c: string; office: string; leadership: string };
  /** task number → id */
  tasks: Record<number, string>;
  /** assignment ids: task 1 unit A, task 1 unit B, task 2 unit A, task 3 (standing) unit A */
  t1a: string;
  t1b: string;
  t2a: string;
  t3a: string;
}

/** What a test sees of one HTTP exchange. */
export interface Reply {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
  cookies: { name: string; value: string; raw: string }[];
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Request {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** an object is sent as JSON; a string as is */
  payload?: unknown;
}

/**
 * A client over a real socket. (Fastify's `inject` needs light-my-request, whose `cookie`
 * dependency is ESM-only and cannot load in jest's CommonJS runtime; a socket is closer to
 * production anyway.)
 */
export interface TestClient {
  baseUrl: string;
  inject(r: Request): Promise<Reply>;
  routeList: FastifyInstance['routeList'];
  close(): Promise<void>;
}

/**
 * Posts a form as a browser does and follows the redirect with the flash cookie (the unit form
 * answers every post with 303 back to itself, an Office decision with 303 to the assignment page): `post` is the answer to the POST, `page` the form the
 * person then sees (the post itself when it was not redirected).
 */
export async function submitForm(
  app: Pick<TestClient, 'inject'>,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ post: Reply; page: Reply }> {
  const post = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
  if (post.statusCode !== 303) return { post, page: post };
  const flash = post.cookies.find((c) => c.name === 'dubang_flash');
  // the browser sends its other cookies (an Office session) along with the flash
  const cookie = [headers.cookie, flash ? `dubang_flash=${flash.value}` : null].filter(Boolean).join('; ');
  const page = await app.inject({ method: 'GET', url: post.headers.location!, headers: cookie ? { cookie } : {} });
  return { post, page };
}

export async function listen(app: FastifyInstance, port = 0): Promise<TestClient> {
  await app.listen({ host: '127.0.0.1', port });
  const addr = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${addr.port}`;
  return {
    baseUrl,
    routeList: app.routeList,
    close: () => app.close(),
    async inject(r) {
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      let body: string | undefined;
      if (r.payload !== undefined) {
        if (typeof r.payload === 'string') body = r.payload;
        else {
          body = JSON.stringify(r.payload);
          headers['content-type'] ??= 'application/json';
        }
      }
      const res = await fetch(baseUrl + r.url, { method: r.method, headers, body, redirect: 'manual' });
      const text = await res.text();
      const cookies = res.headers.getSetCookie().map((raw) => {
        const [pair] = raw.split(';');
        const i = pair!.indexOf('=');
        return { name: pair!.slice(0, i), value: pair!.slice(i + 1), raw };
      });
      return {
        statusCode: res.status,
        body: text,
        headers: Object.fromEntries(res.headers.entries()),
        cookies,
        json: () => JSON.parse(text),
      };
    },
  };
}

export interface Harness {
  db: TestDatabase;
  app: TestClient;
  links: LinkService;
  seeded: Seeded;
  logLines: string[];
  client: Client;
  /** builds another app on the same services with overrides (health checks, clock …) */
  buildApp(over?: Partial<WebDeps>): Promise<TestClient>;
  close(): Promise<void>;
}

async function seed(db: TestDatabase, slug: string): Promise<Seeded> {
  const p = db.prisma;
  const plan = await p.plan.create({
    data: { slug, title: '测试质量强市方案', sourceName: 'test.txt', sourceSha256: 'x' },
  });
  const section = await p.section.create({
    data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '测试章节' },
  });
  const mk = (name: string, kind: 'BUREAU' | 'OFFICE' | 'LEADERSHIP') => p.unit.create({ data: { name, kind } });
  const [a, b, c, office, leadership] = await Promise.all([
    mk('市市场监管局', 'BUREAU'),
    mk('市工信局', 'BUREAU'),
    mk('市商务局', 'BUREAU'),
    mk('市质量强市领导小组办公室', 'OFFICE'),
    mk('市质量强市领导小组', 'LEADERSHIP'),
  ]);
  await p.contact.createMany({
    data: [
      {
        unitId: a.id,
        role: 'LIAISON',
        name: '监管局联络员',
        email: 'liaison@a.test',
        passwordHash: await hashPassword('unit-password-1'),
      },
      { unitId: a.id, role: 'LEADER', name: '监管局分管负责人', email: 'leader@a.test' },
      { unitId: b.id, role: 'LIAISON', name: '工信局联络员', email: 'liaison@b.test' },
      {
        unitId: office.id,
        role: 'LIAISON',
        name: '督办员',
        email: OFFICE.email,
        passwordHash: await hashPassword(OFFICE.password),
      },
      {
        unitId: leadership.id,
        role: 'RECIPIENT',
        name: '分管副市长',
        email: LEADER.email,
        passwordHash: await hashPassword(LEADER.password),
      },
    ],
  });
  await p.indicator.createMany({
    data: [
      {
        planId: plan.id,
        code: 'I01',
        goal: '经济发展质量效益持续增强',
        name: '数字经济核心产业增加值占GDP比重',
        targetText: '达到10%以上',
        targetValue: 10,
        unit: '%',
        comparator: 'gte',
        targetYear: 2025,
        sourceLine: 10,
      },
      {
        planId: plan.id,
        code: 'I02',
        goal: '产品质量水平稳步提升',
        name: '制造业质量竞争力指数',
        targetText: '达到89',
        targetValue: 89,
        unit: '',
        comparator: 'gte',
        targetYear: 2025,
        sourceLine: 11,
      },
    ],
  });
  // Deadlines in the future (the real clock drives these workflows), one standing task.
  const due = new Date(Date.now() + 200 * 86_400_000);
  const tasks: Record<number, string> = {};
  const ids: Record<string, string> = {};
  for (const t of [
    { number: 1, kind: 'deadline' as const, units: [a, b] },
    { number: 2, kind: 'deadline' as const, units: [a] },
    { number: 3, kind: 'standing' as const, units: [a] },
  ]) {
    const row = await p.task.create({
      data: {
        planId: plan.id,
        number: t.number,
        text: `测试任务${t.number}：推进质量基础设施建设`,
        sectionId: section.id,
        unitsText: t.units.map((u) => u.name).join('、'),
        units: t.units.map((u) => u.name),
        deadlinePhrase: t.kind === 'standing' ? '长期' : '2027年前',
        dueAt: t.kind === 'standing' ? null : due,
        kind: t.kind,
        sourceLine: t.number,
      },
    });
    tasks[t.number] = row.id;
    for (const [i, u] of t.units.entries()) {
      const asg = await p.assignment.create({
        data: {
          taskId: row.id,
          unitId: u.id,
          role: i === 0 ? 'LEAD' : 'CO',
          ordinal: i,
          dueAt: row.dueAt,
          originalDueAt: row.dueAt,
        },
      });
      ids[`${t.number}${u === a ? 'a' : 'b'}`] = asg.id;
    }
  }
  return {
    planSlug: slug,
    units: { a: a.id, b: b.id, c: c.id, office: office.id, leadership: leadership.id },
    tasks,
    t1a: ids['1a']!,
    t1b: ids['1b']!,
    t2a: ids['2a']!,
    t3a: ids['3a']!,
  };
}

/** `port`: listen there and use http://127.0.0.1:<port> as the public URL (browser tests follow real links). */
/** `web`: overrides for the main app (e.g. higher throttles for a file that sends many requests from one address). */
export async function startHarness(opts: { port?: number; web?: Partial<WebDeps> } = {}): Promise<Harness> {
  const publicUrl = opts.port ? `http://127.0.0.1:${opts.port}` : PUBLIC_URL;
  const taskQueue = `http-test-${process.pid}-${Date.now()}`;
  const slug = `h${Date.now().toString(36)}`;
  const [db, server, bundle] = await Promise.all([
    createTestDatabase(),
    temporalServer(),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../../workflows'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    }),
  ]);
  const logLines: string[] = [];
  const logger: Logger = createLogger('debug', {}, (l) => logLines.push(l));
  const seeded = await seed(db, slug);
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createLifecycleActivities({
      db: db.prisma,
      notifications: createOutboxNotificationPort(db.prisma),
      logger: createLogger('error', {}, () => undefined),
      zone: ZONE,
    }),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  await startSupervision({ db: db.prisma, client, taskQueue }, { planSlug: slug, zone: ZONE, policy: {} });
  const links = createLinkService({ db: db.prisma, secret: SECRET, publicUrl });
  const buildApp = async (over: Partial<WebDeps> = {}) => {
    const app = await buildServer({
      db: db.prisma,
      links,
      tasks: temporalTaskActions(client),
      logger,
      zone: ZONE,
      ...lightsConfig(),
      publicUrl,
      ...over,
    });
    return listen(app, opts.port ?? 0);
  };
  const app = await buildApp(opts.web ?? {});
  return {
    db,
    app,
    links,
    seeded,
    logLines,
    client,
    buildApp,
    async close() {
      await app.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await db.drop();
      await server.stop();
    },
  };
}

/** Signs in through the JSON API; returns the cookie header and the CSRF token. */
export async function signIn(
  app: TestClient,
  who: { email: string; password: string },
): Promise<{ cookie: string; csrf: string; res: Reply }> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: who });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'dubang_sid')!;
  return { cookie: `dubang_sid=${c.value}`, csrf: res.json().csrfToken, res };
}

/** The token in a form URL. */
export function tokenOf(url: string): string {
  return new URL(url).searchParams.get('t')!;
}
