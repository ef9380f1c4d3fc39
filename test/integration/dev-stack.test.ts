/**
 * `dubang dev up|status|down` through the built CLI, in a private var directory on free ports:
 * PostgreSQL is the machine's (reachable: used, not started; a fresh database is created),
 * Temporal is this run's test server (reachable: used), Redis and the mail sink are missing and
 * get started. `down` must stop exactly those two.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { canConnect, freePort, ROOT, runCli, startThrowawayRedis, temporalTestAddress } from '../helpers/services';
import { probeTemporal } from '../../devtools/probes';

interface Row {
  part: string;
  address: string;
  state: string;
  startedByUs: boolean;
  pid?: number;
  detail: string;
}

jest.setTimeout(90_000);

const PG_ADMIN = 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = `dubang_devtest_${process.pid}`;
let varDir: string;
let env: Record<string, string>;
let redisPort: number;
let sinkPort: number;
let robotPort: number;
let configDir: string;

async function dropDb() {
  const c = new Client({ connectionString: PG_ADMIN });
  await c.connect();
  await c.query(`drop database if exists "${dbName}"`);
  await c.end();
}

beforeAll(async () => {
  varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-devtest-'));
  redisPort = await freePort();
  sinkPort = await freePort();
  robotPort = await freePort();
  // the shipped directory, its demo robots pointed at this test's robot sink
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-devtest-cfg-'));
  fs.cpSync(path.join(ROOT, 'config'), configDir, { recursive: true });
  const unitsFile = path.join(configDir, 'units.json');
  fs.writeFileSync(
    unitsFile,
    fs.readFileSync(unitsFile, 'utf8').replaceAll('127.0.0.1:2626', `127.0.0.1:${robotPort}`),
  );
  env = {
    DUBANG_VAR_DIR: varDir,
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${dbName}`,
    REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
    TEMPORAL_ADDRESS: temporalTestAddress(),
    TEMPORAL_UI_PORT: String(await freePort()),
    MAIL_SINK_PORT: String(sinkPort),
    SMTP_PORT: String(sinkPort),
    IM_SINK_PORT: String(robotPort),
    DUBANG_CONFIG_DIR: configDir,
    LOG_LEVEL: 'warn',
  };
  await dropDb();
});

afterAll(async () => {
  runCli(['dev', 'down'], env);
  await dropDb();
  fs.rmSync(varDir, { recursive: true, force: true });
  fs.rmSync(configDir, { recursive: true, force: true });
});

test('up starts only what is missing, creates the database; status reports health; down stops only what up started', async () => {
  const up = runCli(['dev', 'up', '--json'], env);
  expect(up.stderr).not.toMatch(/Error/);
  const upResult = up.json<{ started: string[]; errors: string[] }>();
  expect(upResult.errors).toEqual([]);
  expect(upResult.started.sort()).toEqual(['mail-sink', 'redis', 'robot-sink']);

  const status = runCli(['dev', 'status', '--json'], env);
  const rows = status.json<Row[]>();
  const by = Object.fromEntries(rows.map((r) => [r.part, r]));
  expect(by.postgres).toMatchObject({ state: 'up', startedByUs: false, address: `127.0.0.1:5432/${dbName}` });
  expect(by.redis).toMatchObject({ state: 'up', startedByUs: true, address: `127.0.0.1:${redisPort}` });
  // The Redis dev up starts keeps jobs across restarts and never evicts them.
  expect(by.redis!.detail).toMatch(/noeviction, AOF on/);
  expect(by.temporal).toMatchObject({ state: 'up', startedByUs: false });
  expect(by.temporal!.detail).toContain('namespace default');
  expect(by['mail-sink']).toMatchObject({ state: 'up', startedByUs: true, address: `smtp://127.0.0.1:${sinkPort}` });
  expect(by['robot-sink']).toMatchObject({ state: 'up', startedByUs: true, address: `http://127.0.0.1:${robotPort}` });
  expect(by['robot-sink']!.detail).toContain(`0 条群机器人消息在 ${path.join(varDir, 'robots')}`);
  // The test Temporal server is headless: its UI is reported down, which makes status exit 3.
  expect(by['temporal-ui']).toMatchObject({ state: 'down', startedByUs: false });
  expect(status.status).toBe(3);
  // The human table has the same facts.
  const table = runCli(['dev', 'status'], env).stdout;
  expect(table).toMatch(new RegExp(`redis\\s+127\\.0\\.0\\.1:${redisPort}\\s+正常\\s+是 \\(pid \\d+\\)`));

  // Idempotent: a second up starts nothing.
  expect(runCli(['dev', 'up', '--json'], env).json<{ started: string[] }>().started).toEqual([]);

  // The sink dev up started keeps mail on disk where `dubang mail list` finds it.
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: sinkPort, ignoreTLS: true });
  await t.sendMail({
    from: 'duban@office.example',
    to: 'liaison@amr.example',
    subject: '【督办】第(80)项任务逾期',
    text: '请说明原因。',
  });
  t.close();
  const list = runCli(['mail', 'list', '--json'], env).json<{
    total: number;
    messages: { id: string; subject: string }[];
  }>();
  expect(list.total).toBe(1);
  expect(list.messages[0]!.subject).toBe('【督办】第(80)项任务逾期');
  const shown = runCli(['mail', 'show', list.messages[0]!.id], env);
  expect(shown.stdout).toContain('主题:   【督办】第(80)项任务逾期');
  expect(shown.stdout).toContain('请说明原因。');

  // The robot sink knows the directory's demo robots (the Office's is signed) and keeps what it got for `dubang im`.
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      (r) => r.json() as Promise<{ errcode: number; errmsg: string }>,
    );
  const wecom = `http://127.0.0.1:${robotPort}/cgi-bin/webhook/send?key=demo-scjgj`;
  expect(
    await post(wecom, { msgtype: 'markdown', markdown: { content: '**【督办函】市市场监管局：逾期督办2项**' } }),
  ).toEqual({
    errcode: 0,
    errmsg: 'ok',
  });
  const unsigned = `http://127.0.0.1:${robotPort}/robot/send?access_token=demo-office`;
  expect((await post(unsigned, { msgtype: 'markdown', markdown: { title: 't', text: 't' } })).errcode).toBe(310000);
  const im = runCli(['im', 'list', '--json'], env).json<{
    total: number;
    messages: { id: string; accepted: boolean }[];
  }>();
  expect([im.total, im.messages.map((m) => m.accepted)]).toEqual([2, [true, false]]);
  const imShown = runCli(['im', 'show', im.messages[0]!.id], env).stdout;
  expect(imShown).toContain('渠道:   企业微信 (机器人 …-scjgj)');
  expect(imShown).toContain('**【督办函】市市场监管局：逾期督办2项**');
  expect(runCli(['im', 'list'], env).stdout).toMatch(
    /企业微信 …-scjgj {2}已接收 {2}【督办函】市市场监管局：逾期督办2项\n.*钉钉 …office {2}拒收 310000/,
  );

  const down = runCli(['dev', 'down', '--json'], env).json<{ stopped: string[] }>();
  expect(down.stopped.sort()).toEqual(['mail-sink', 'redis', 'robot-sink']);
  expect(await canConnect(robotPort)).toBe(false);
  expect(await canConnect(redisPort)).toBe(false);
  expect(await canConnect(sinkPort)).toBe(false);
  // What up did not start is still there.
  expect((await probeTemporal(temporalTestAddress(), 'default')).ok).toBe(true);
  expect(await canConnect(5432)).toBe(true);
  expect(fs.readdirSync(path.join(varDir, 'run')).filter((f) => f.endsWith('.json'))).toEqual([]);
  // The Redis data directory survives for the next up (AOF).
  expect(fs.existsSync(path.join(varDir, 'redis'))).toBe(true);
});

test('up refuses a Redis whose maxmemory-policy is not noeviction, and says how to fix it', async () => {
  const lru = await startThrowawayRedis(['--maxmemory-policy', 'allkeys-lru']);
  try {
    const r = runCli(['dev', 'up'], { ...env, REDIS_URL: lru.url });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `拒绝使用 Redis 127.0.0.1:${lru.port}: maxmemory-policy 是 allkeys-lru, 必须是 noeviction`,
    );
    expect(r.stderr).toContain(`redis-cli -h 127.0.0.1 -p ${lru.port} CONFIG SET maxmemory-policy noeviction`);
    const status = runCli(['dev', 'status', '--json'], { ...env, REDIS_URL: lru.url }).json<Row[]>();
    expect(status.find((x) => x.part === 'redis')).toMatchObject({ state: 'unhealthy', startedByUs: false });
  } finally {
    runCli(['dev', 'down'], env);
    await lru.stop();
  }
});
