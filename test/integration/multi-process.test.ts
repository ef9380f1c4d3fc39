/**
 * Several copies of every process at once, as production runs them: 2 Temporal workers, 2 mail
 * workers and 2 web servers (the built entry points, dist/worker/*-main.js, each its own Node
 * process) against one PostgreSQL, one Redis, one Temporal server and one SMTP sink. The real plan
 * is supervised, which starts its catch-up storm (every overdue unit's letters at one moment, the
 * burst a quarter end also makes); units then acknowledge through the links in their emails, half
 * through each web server, and each repeats the acknowledgement on the other server.
 *
 * Checked where a person would notice: every notice arrives at the SMTP server exactly once and has
 * one SENT delivery record; every acknowledgement is applied once (state, one audit event) and the
 * repeat is refused on the other server with the lifecycle's reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { createLinkSigner } from '../../infra/links';
import { silentLogger } from '../../infra/logger';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { createRedis } from '../../infra/queue/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';
import { freePort, ROOT, runCli, temporalTestAddress } from '../helpers/services';
import { countByNotice, deletePrefix, eventually, uniquePrefix } from './notify-support/fixture';

jest.setTimeout(600_000);

interface Proc {
  name: string;
  child: ChildProcess;
  lines: string[];
}

const procs: Proc[] = [];
const LINK_SECRET = crypto.randomBytes(32).toString('base64url');
const prefix = uniquePrefix('multi');
const slug = `multi-${Date.now().toString(36)}`;
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-multi-cfg-'));
let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let env: Record<string, string>;
let webPorts: number[] = [];

/** Starts a built entry point; resolves once its log says `ready`. */
function startProc(name: string, script: string, extra: Record<string, string>, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'worker', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = { name, child, lines: [] };
  procs.push(p);
  return new Promise((resolve, reject) => {
    for (const s of [child.stdout!, child.stderr!]) {
      readline.createInterface({ input: s }).on('line', (l) => {
        p.lines.push(l);
        if (ready.test(l)) resolve(p);
      });
    }
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before it was ready:\n${p.lines.slice(-20).join('\n')}`)),
    );
  });
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'worker', 'http-main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  // Office hours around the clock, so the storm goes out whenever the suite runs (the policy is
  // otherwise the real one).
  fs.cpSync(path.join(ROOT, 'config'), configDir, { recursive: true });
  const policyFile = path.join(configDir, 'policy.json');
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8')) as {
    calendar: { officeHours: { start: string; end: string }; workdaysOnly: boolean };
  };
  policy.calendar.officeHours = { start: '00:00', end: '23:59' };
  policy.calendar.workdaysOnly = false;
  fs.writeFileSync(policyFile, JSON.stringify(policy));
  // no group robots here (test/integration/channels-real-plan.test.ts has them): only email is counted
  const unitsFile = path.join(configDir, 'units.json');
  const directory = JSON.parse(fs.readFileSync(unitsFile, 'utf8')) as { units: { robots?: unknown }[] };
  for (const u of directory.units) delete u.robots;
  fs.writeFileSync(unitsFile, JSON.stringify(directory));

  [db, sink] = await Promise.all([createTestDatabase(), startMailSink({ port: 0 })]);
  const config = loadConfig();
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  webPorts = [await freePort(), await freePort()];
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: config.redis.url,
    QUEUE_PREFIX: prefix,
    TEMPORAL_ADDRESS: temporalTestAddress(),
    TEMPORAL_TASK_QUEUE: `multi-${process.pid}-${Date.now()}`,
    SMTP_HOST: sink.host,
    SMTP_PORT: String(sink.port),
    PUBLIC_URL: `http://127.0.0.1:${webPorts[0]}`,
    LINK_SECRET,
    DUBANG_CONFIG_DIR: configDir,
    LOG_LEVEL: 'info',
    NODE_NO_WARNINGS: '1',
  };
  for (const args of [
    ['units', 'seed'],
    ['plan', 'import', REAL_PLAN, '--plan', slug],
  ]) {
    const r = runCli(args, env);
    if (r.status !== 0) throw new Error(`dubang ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  }
  await Promise.all([
    startProc('temporal-1', 'temporal-main.js', {}, /temporal worker started/),
    startProc('temporal-2', 'temporal-main.js', {}, /temporal worker started/),
    startProc('mail-1', 'mail-main.js', {}, /mail worker started/),
    startProc('mail-2', 'mail-main.js', {}, /mail worker started/),
    startProc('web-1', 'http-main.js', { HTTP_PORT: String(webPorts[0]) }, /http server listening/),
    startProc('web-2', 'http-main.js', { HTTP_PORT: String(webPorts[1]) }, /http server listening/),
  ]);
});

afterAll(async () => {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
          const kill = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
          p.child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          p.child.kill('SIGTERM');
        }),
    ),
  );
  if (redis) {
    await deletePrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
  }
  await sink?.close();
  await db?.drop();
  fs.rmSync(configDir, { recursive: true, force: true });
});

test('the storm through 2 Temporal workers and 2 mail workers: every notice arrives once; unit actions through 2 web servers: each applied once', async () => {
  const started = runCli(['supervise', 'start', slug], env, 300_000);
  expect([started.status, started.stderr.replace(/\s*启动中 \d+\/\d+/g, '').trim()]).toEqual([0, '']);

  // The storm has drained when every notice due by now is SENT, the sink holds as many emails, and
  // nothing changes for a few seconds (the workers keep creating the storm's notices for a while).
  const snapshot = async () => {
    const now = new Date();
    const [due, sent] = await Promise.all([
      db.prisma.notice.count({ where: { dueAt: { lte: now } } }),
      db.prisma.notice.count({ where: { status: 'SENT' } }),
    ]);
    return { due, sent, arrived: sink.received().length };
  };
  let last = { due: -1, sent: -1, arrived: -1 };
  for (;;) {
    const x = await eventually(
      'the catch-up storm sent',
      snapshot,
      (v) => v.due > 0 && v.sent >= v.due && v.arrived === v.sent,
      300_000,
    );
    if (x.sent === last.sent && x.arrived === last.arrived) break;
    last = x;
    await new Promise((r) => setTimeout(r, 3000));
  }
  const mails = sink.received();
  const counts = countByNotice(mails);
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  expect(counts.size).toBe(last.sent);
  expect(mails).toHaveLength(last.sent);
  expect(await db.prisma.delivery.count({ where: { status: 'SENT' } })).toBe(last.sent);
  // the storm is the real plan's catch-up: one letter per overdue unit and recipient, and the Office's summary
  expect(last.sent).toBeGreaterThan(30);

  // Unit actions: signed form links (as the assignment notices carry; the catch-up letters are per
  // unit), each acknowledged on one web server and repeated on the other.
  const signer = createLinkSigner({ secret: LINK_SECRET, publicUrl: env.PUBLIC_URL! });
  const open = await db.prisma.assignment.findMany({
    where: { state: 'ASSIGNED', task: { plan: { slug } } },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: 8,
  });
  expect(open).toHaveLength(8);
  const picked = open.map((a) => [a.id, signer.sign(a.id).token] as const);
  // as a browser does: the form answers 303 back to itself with the result in a flash cookie, and the
  // page the unit then sees (on whichever server the redirect reaches) shows it
  const post = async (port: number, id: string, token: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/f/${id}/acknowledge`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: token }).toString(),
    });
    const flash = /dubang_flash=[^;]*/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    const page = await fetch(new URL(res.headers.get('location') ?? '/', `http://127.0.0.1:${port}`), {
      headers: flash ? { cookie: flash } : {},
    });
    return { status: res.status, page: await page.text() };
  };
  const results = await Promise.all(
    picked.map(async ([id, token], k) => {
      const [first, second] = k % 2 === 0 ? [webPorts[0]!, webPorts[1]!] : [webPorts[1]!, webPorts[0]!];
      const a = await post(first, id, token);
      const b = await post(second, id, token);
      return { id, first: a.status, firstBody: a.page, second: b.status, secondBody: b.page };
    }),
  );
  for (const r of results) {
    expect(r.first).toBe(303);
    expect(r.firstBody).toContain('已签收该任务。');
    expect(r.second).toBe(303);
    expect(r.secondBody).toMatch(/已于.*签收该任务，无需重复签收/);
  }
  const ids = picked.map(([id]) => id);
  const states = await db.prisma.assignment.findMany({
    where: { id: { in: ids } },
    select: { state: true, acknowledgedAt: true },
  });
  expect(states).toHaveLength(ids.length);
  for (const s of states) expect(s.acknowledgedAt).not.toBeNull();
  const events = await db.prisma.auditEvent.groupBy({
    by: ['assignmentId'],
    where: { assignmentId: { in: ids }, action: 'assignment.acknowledged' },
    _count: true,
  });
  expect(events.map((e) => e._count).sort()).toEqual(ids.map(() => 1));

  // Every process is still up, and none logged an error.
  for (const p of procs) {
    expect([p.name, p.child.exitCode]).toEqual([p.name, null]);
    expect([p.name, p.lines.filter((l) => /"level":"error"/.test(l))]).toEqual([p.name, []]);
  }
});
