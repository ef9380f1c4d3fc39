/**
 * The real plan's catch-up with group robots for three units: the built processes (one Temporal
 * worker, one mail worker, letters on) supervise the real plan, whose catch-up sends every overdue
 * unit its letters; each of the three robots then gets exactly one message per letter moment of its
 * unit (the letters to its liaison and its leader carry the same items), titled as the letter's
 * email, and no robot message is refused or left unsent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { silentLogger } from '../../infra/logger';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { startRobotSink, type RobotSink } from '../../devtools/robot-sink/sink';
import { createRedis } from '../../infra/queue/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';
import { freePort, ROOT, runCli, temporalTestAddress } from '../helpers/services';
import { deletePrefix, eventually, uniquePrefix } from './notify-support/fixture';

jest.setTimeout(600_000);

/** the units with robots: two WeCom, one signed DingTalk */
const ROBOTS = { 市市场监管局: 'key-scjgj', 市工信局: 'key-gxj', 市科技局: 'tok-kjj' } as const;
const procs: ChildProcess[] = [];
const prefix = uniquePrefix('im-real');
const slug = `im-real-${Date.now().toString(36)}`;
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-im-cfg-'));
let db: TestDatabase;
let sink: MailSink;
let robots: RobotSink;
let redis: Redis;
let env: Record<string, string>;

function start(script: string, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'worker', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    for (const s of [child.stdout!, child.stderr!])
      readline.createInterface({ input: s }).on('line', (l) => {
        lines.push(l);
        if (ready.test(l)) resolve();
      });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${lines.slice(-20).join('\n')}`)));
  });
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'worker', 'mail-main.js'))) throw new Error('run `npm run build` first');
  fs.cpSync(path.join(ROOT, 'config'), configDir, { recursive: true });
  // office hours around the clock, so the catch-up goes whenever the suite runs
  const policyFile = path.join(configDir, 'policy.json');
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8')) as {
    calendar: { officeHours: { start: string; end: string }; workdaysOnly: boolean };
  };
  policy.calendar.officeHours = { start: '00:00', end: '23:59' };
  policy.calendar.workdaysOnly = false;
  fs.writeFileSync(policyFile, JSON.stringify(policy));
  [db, sink, robots] = await Promise.all([
    createTestDatabase(),
    startMailSink({ port: 0 }),
    startRobotSink({ port: 0, robots: { dingtalk: { 'tok-kjj': 'SECreal-kjj' }, wecom: ['key-scjgj', 'key-gxj'] } }),
  ]);
  // robots for three units at this run's sink, none for the others (the shipped demo robots removed)
  const unitsFile = path.join(configDir, 'units.json');
  const directory = JSON.parse(fs.readFileSync(unitsFile, 'utf8')) as { units: { name: string; robots?: unknown[] }[] };
  for (const u of directory.units) {
    delete u.robots;
    const token = ROBOTS[u.name as keyof typeof ROBOTS];
    if (!token) continue;
    u.robots = token.startsWith('tok-')
      ? [{ channel: 'dingtalk', webhook: robots.url('dingtalk', token), secret: 'SECreal-kjj' }]
      : [{ channel: 'wecom', webhook: robots.url('wecom', token) }];
  }
  fs.writeFileSync(unitsFile, JSON.stringify(directory));
  const config = loadConfig();
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  const web = await freePort();
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: config.redis.url,
    QUEUE_PREFIX: prefix,
    TEMPORAL_ADDRESS: temporalTestAddress(),
    TEMPORAL_TASK_QUEUE: `im-real-${process.pid}-${Date.now()}`,
    SMTP_HOST: sink.host,
    SMTP_PORT: String(sink.port),
    PUBLIC_URL: `http://127.0.0.1:${web}`,
    LINK_SECRET: crypto.randomBytes(32).toString('base64url'),
    DUBANG_CONFIG_DIR: configDir,
    MAIL_LETTERS: 'on',
    MAIL_LETTER_DEBOUNCE_MS: '3000',
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
    start('temporal-main.js', /temporal worker started/),
    start('mail-main.js', /mail worker started/),
  ]);
});

afterAll(async () => {
  await Promise.all(
    procs.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const kill = setTimeout(() => c.kill('SIGKILL'), 20_000);
          c.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  if (redis) {
    await deletePrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
  }
  await sink?.close();
  await robots?.close();
  await db?.drop();
  fs.rmSync(configDir, { recursive: true, force: true });
});

test("the real plan's catch-up: each of the three units' robots gets one message per letter moment of its unit", async () => {
  const started = runCli(['supervise', 'start', slug], env, 300_000);
  expect(started.status).toBe(0);
  const unitIds = (await db.prisma.unit.findMany({ where: { name: { in: Object.keys(ROBOTS) } } })).map((u) => u.id);
  // the catch-up's letters to the three units went, and nothing for their robots is left waiting
  const settled = async () => {
    const [letters, open, im] = await Promise.all([
      db.prisma.letter.count({ where: { unitId: { in: unitIds }, closedAt: { not: null } } }),
      db.prisma.notice.count({
        where: { kind: { in: ['unit_letter', 'im_message'] }, status: { in: ['PENDING', 'QUEUED'] } },
      }),
      db.prisma.notice.count({ where: { kind: 'im_message', status: 'SENT' } }),
    ]);
    return { letters, open, im };
  };
  let last = { letters: -1, open: -1, im: -1 };
  for (;;) {
    const x = await eventually(
      'the letters and their robot messages went',
      settled,
      (v) => v.letters > 0 && v.open === 0,
      300_000,
    );
    if (x.letters === last.letters && x.im === last.im) break;
    last = x;
    await new Promise((r) => setTimeout(r, 5000));
  }
  const letters = await db.prisma.letter.findMany({
    where: { unitId: { in: unitIds }, closedAt: { not: null } },
    include: { unit: true, items: { where: { skipped: null } } },
  });
  const moments = new Map<string, Set<string>>();
  for (const l of letters.filter((x) => x.items.length))
    moments.set(
      l.unit.name,
      (moments.get(l.unit.name) ?? new Set()).add(
        l.items
          .map((i) => i.noticeId)
          .sort()
          .join(),
      ),
    );
  const subjects = new Set(sink.received().map((m) => m.subject));
  const got = robots.accepted();
  for (const [unit, token] of Object.entries(ROBOTS)) {
    const mine = got.filter((m) => token.endsWith(m.robot));
    const titles = mine.map((m) => (m.title ?? m.text.split('\n')[0]!).replace(/^[#*\s]+|\*+$/g, ''));
    // a unit with two addresses got two letters per moment, and its robot one message
    expect([unit, mine.length, letters.filter((l) => l.unit.name === unit).length]).toEqual([
      unit,
      moments.get(unit)!.size,
      2 * moments.get(unit)!.size,
    ]);
    // (two moments may read alike: 交办 letters of moments a few seconds apart have the same subject)
    for (const t of titles) expect([t, subjects.has(t)]).toEqual([t, true]);
  }
  expect(robots.messages().filter((m) => !m.accepted)).toEqual([]);
  expect(await db.prisma.notice.count({ where: { kind: 'im_message', status: { not: 'SENT' } } })).toBe(0);
});
