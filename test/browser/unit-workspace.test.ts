/**
 * The unit workspace end to end (issue #10), in headless Chromium against the built processes: one
 * Temporal worker, one mail worker and one web server (dist/worker/*-main.js), a fresh database
 * with the units directory and the real plan, a local SMTP sink, unit letters on (MAIL_LETTERS=on,
 * a short debounce) and office hours around the clock.
 *
 * Supervision starts; 市市场监管局's two addresses each get one 交办 letter (41 tasks, the
 * workspace link, the XLSX 分工表 and a calendar). The liaison opens the link from that email:
 * the page shows the 41 tasks, all unsigned; on a phone (390 px, JavaScript off) 全部签收 signs all
 * 41 through the lifecycles; on the desktop the current quarter's 进展报送 form is filled for every
 * task but one, saved as a draft (it survives a reload) and submitted; the last one is submitted
 * from the phone without JavaScript. The Office signs in and sees the reports and the read receipt.
 * Screenshots of every step, at 1280 and 390 px, go to test-artifacts/browser/workspace-*.png.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Redis } from 'ioredis';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../config';
import { silentLogger } from '../../infra/logger';
import { startMailSink, type MailSink, type StoredMail } from '../../devtools/mail/sink';
import { createRedis } from '../../infra/queue/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';
import { freePort, ROOT, runCli, temporalTestAddress } from '../helpers/services';
import { deletePrefix } from '../integration/notify-support/fixture';
import { ARTIFACTS, CHROMIUM } from './support/chromium';

jest.setTimeout(900_000);

const UNIT = '市市场监管局';
const LIAISON = 'liaison@scjgj.nanchang.example';
const LEADER = 'leader@scjgj.nanchang.example';
const OFFICE_EMAIL = 'duban@office.nanchang.example';
const OFFICE_PASSWORD = `office-${crypto.randomBytes(6).toString('hex')}`;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

interface Proc {
  name: string;
  child: ChildProcess;
  lines: string[];
}

const procs: Proc[] = [];
const LINK_SECRET = crypto.randomBytes(32).toString('base64url');
const prefix = `ws-${process.pid}-${Date.now().toString(36)}`;
const slug = `ws-${Date.now().toString(36)}`;
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-ws-cfg-'));
const timings: [string, number][] = [];
const t0 = Date.now();
const mark = (step: string) => timings.push([step, Math.round((Date.now() - t0) / 100) / 10]);
let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let browser: Browser;
let env: Record<string, string>;
let base = '';

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

/** Polls until `pred` holds or `ms` pass (then throws with `what` and the last value). */
async function poll<T>(what: string, fn: () => Promise<T> | T, pred: (v: T) => boolean, ms: number, every = 500) {
  const end = Date.now() + ms;
  let v = await fn();
  while (!pred(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, every));
    v = await fn();
  }
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `workspace-${name}.png`), fullPage: true });
}

/** A screenshot at desktop and at phone width (the page is put back to its width afterwards). */
async function shots(page: Page, name: string) {
  const was = page.viewportSize() ?? DESKTOP;
  for (const [tag, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await shot(page, `${name}-${tag}`);
  }
  await page.setViewportSize(was);
}

/** Letters to one address whose subject starts with 【督办函】<unit>. */
const lettersTo = (mails: StoredMail[], email: string) =>
  mails.filter((m) => m.to.includes(email) && (m.subject ?? '').startsWith(`【督办函】${UNIT}`));

/** The page's full width (Playwright's evaluation runs with the page's JavaScript off too). */
const scrollWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

const text = async (page: Page, sel: string) => ((await page.textContent(sel)) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'worker', 'http-main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // Office hours around the clock, so the letters go out whenever the suite runs.
  fs.cpSync(path.join(ROOT, 'config'), configDir, { recursive: true });
  const policyFile = path.join(configDir, 'policy.json');
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8')) as {
    calendar: { officeHours: { start: string; end: string }; workdaysOnly: boolean };
  };
  policy.calendar.officeHours = { start: '00:00', end: '23:59' };
  policy.calendar.workdaysOnly = false;
  fs.writeFileSync(policyFile, JSON.stringify(policy));

  [db, sink] = await Promise.all([createTestDatabase(), startMailSink({ port: 0 })]);
  const config = loadConfig();
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  const webPort = await freePort();
  base = `http://127.0.0.1:${webPort}`;
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: config.redis.url,
    QUEUE_PREFIX: prefix,
    TEMPORAL_ADDRESS: temporalTestAddress(),
    TEMPORAL_TASK_QUEUE: `ws-${process.pid}-${Date.now()}`,
    SMTP_HOST: sink.host,
    SMTP_PORT: String(sink.port),
    PUBLIC_URL: base,
    LINK_SECRET,
    DUBANG_CONFIG_DIR: configDir,
    // integration-setup.ts turns letters off for the older suites; this one is about letters
    MAIL_LETTERS: 'on',
    MAIL_LETTER_DEBOUNCE_MS: '30000',
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
  // the Office's dashboard password, as an operator sets it (the password on stdin)
  const pw = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'dubang.js'), 'users', 'set-password', OFFICE_EMAIL], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    input: `${OFFICE_PASSWORD}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (pw.status !== 0) throw new Error(`dubang users set-password failed:\n${pw.stdout}\n${pw.stderr}`);
  await Promise.all([
    startProc('temporal', 'temporal-main.js', {}, /temporal worker started/),
    startProc('mail', 'mail-main.js', {}, /mail worker started/),
    startProc('web', 'http-main.js', { HTTP_PORT: String(webPort) }, /http server listening/),
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  mark('processes ready');
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
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
  console.log(`unit-workspace timings (s since start):\n${timings.map(([s, t]) => `  ${t}\t${s}`).join('\n')}`);
}, 120_000);

test('a unit signs and reports in its workspace from its 交办 letter; the Office sees the reports and the read receipt', async () => {
  const p = db.prisma;
  const started = runCli(['supervise', 'start', slug], env, 300_000);
  expect([started.status, started.stderr.replace(/\s*启动中 \d+\/\d+/g, '').trim()]).toEqual([0, '']);
  mark('supervise start returned');

  const unit = await p.unit.findFirstOrThrow({ where: { name: UNIT } });
  const plan = await p.plan.findUniqueOrThrow({ where: { slug } });
  const assignments = await p.assignment.findMany({
    where: { unitId: unit.id, task: { planId: plan.id } },
    select: { id: true, task: { select: { number: true } } },
  });
  expect(assignments).toHaveLength(41);

  // 1. One 交办 letter per address of the unit (waiting until nothing more arrives for a while).
  await poll(
    'the 交办 letters to both addresses of 市市场监管局',
    () => sink.received(),
    (m) => lettersTo(m, LIAISON).length >= 1 && lettersTo(m, LEADER).length >= 1,
    300_000,
  );
  mark('both letters arrived');
  let count = -1;
  for (;;) {
    await sleep(8000);
    const n = sink.received().length;
    if (n === count) break;
    count = n;
  }
  mark('the sink went quiet');
  const mails = sink.received();
  // Supervision starting late in the plan: the assignments whose deadline has passed are covered by
  // the unit's catch-up (逾期督办, with a 督办单 each) instead of a 任务交办 row; both go in the
  // same letter, which thus tells the unit about every one of its 41 tasks.
  const catchUpSlips = await p.supervisionSlip.count({
    where: { assignmentId: { in: assignments.map((a) => a.id) }, dedupeKey: { endsWith: '-catchup' } },
  });
  /** 【督办函】市市场监管局：逾期督办21项、任务交办20项 → { 逾期督办: 21, 任务交办: 20 } */
  const summaryOf = (subject: string) =>
    Object.fromEntries(
      (new RegExp(`^【督办函】${UNIT}：(.+)$`).exec(subject)?.[1] ?? '')
        .split('、')
        .map((part) => /^(.+?)(\d+)项$/.exec(part))
        .map((m) => [m?.[1] ?? '?', Number(m?.[2] ?? NaN)]),
    ) as Record<string, number>;
  const parsed: Record<string, ParsedMail> = {};
  for (const email of [LIAISON, LEADER]) {
    // one letter to each address, and no other email
    const mine = mails.filter((m) => m.to.includes(email));
    expect([email, mine.length]).toEqual([email, 1]);
    const subject = mine[0]!.subject ?? '';
    const counts = summaryOf(subject);
    if (!catchUpSlips) expect(subject).toBe(`【督办函】${UNIT}：任务交办41项`);
    else expect(Object.keys(counts).sort()).toEqual(['任务交办', '逾期督办'].sort());
    const given = counts['任务交办'] ?? 0;
    const overdue = counts['逾期督办'] ?? 0;
    expect(given + overdue).toBe(41);
    expect(overdue).toBeGreaterThanOrEqual(catchUpSlips);
    fs.writeFileSync(path.join(ARTIFACTS, `workspace-letter-${email.split('@')[0]}.eml`), mine[0]!.raw);
    const mail = await simpleParser(mine[0]!.raw);
    parsed[email] = mail;
    const body = String(mail.text ?? '');
    expect(body).toContain(
      overdue ? `涉及贵单位的任务共41项：其中${given}项交办如下` : `现将涉及贵单位的${given}项任务交办如下`,
    );
    if (overdue) expect(body).toContain(`${overdue}项已超过完成时限，列为逾期督办，请抓紧办理并报送进展。`);
    // the body lists every task (compact: more than 40 rows)
    for (const a of assignments) expect(body).toContain(`(${a.task.number})`);
    expect(body.match(/事项：逾期督办/g)?.length ?? 0).toBe(overdue);
    expect(String(mail.html)).toContain('进入本单位督办事项');
    const names = mail.attachments.map((x) => x.filename ?? '');
    expect(names.filter((n) => n.endsWith('.xlsx'))).toEqual([`${UNIT}任务分工表.xlsx`]);
    // The calendar lists the due dates of the 交办 rows (the catch-up's are past) and the next reports
    // the tasks given owe, so there is one even when every task given is standing (时限：长期), as on
    // the real plan late in 2026 (this letter is long, so how each task reports is in the XLSX).
    const givenRows = body.split('\n').filter((l) => l.includes('事项：任务交办'));
    expect(givenRows).toHaveLength(given);
    expect(names.filter((n) => n.endsWith('.ics'))).toEqual([`${UNIT}督办日程.ics`]);
    const ics = mail.attachments
      .find((x) => x.filename?.endsWith('.ics'))!
      .content.toString('utf8')
      .replace(/\r\n /g, '');
    expect(ics).toMatch(new RegExp(`SUMMARY:报送\\d{4}年第.季度进展报告（${given}项任务）`));
    for (const x of mail.attachments) expect(x.size).toBeGreaterThan(100);
  }
  console.log(`the letter: ${lettersTo(mails, LIAISON)[0]!.subject}; catch-up slips: ${catchUpSlips}`);

  // The link in the liaison's email, as the email's HTML has it.
  const html = String(parsed[LIAISON]!.html);
  const esc = base.replace(/[.:/]/g, '\\$&');
  const hrefs = [...html.matchAll(new RegExp(`href="(${esc}/u/[0-9a-f-]{36}/[0-9a-f-]{36}\\?t=[^"]+)"`, 'g'))].map(
    (m) => m[1]!.replace(/&amp;/g, '&'),
  );
  expect(new Set(hrefs).size).toBe(1);
  const link = hrefs[0]!;
  expect(link.startsWith(`${base}/u/${unit.id}/${plan.id}?t=`)).toBe(true);
  expect(String(parsed[LIAISON]!.text)).toContain(link);
  const letters = await p.letter.findMany({ where: { unitId: unit.id, planId: plan.id } });
  expect(letters.map((l) => l.email).sort()).toEqual([LEADER, LIAISON]);
  expect(letters.every((l) => l.readAt === null)).toBe(true);

  // 2. The liaison opens it on the desktop.
  const desk: BrowserContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const ws = await desk.newPage();
  await ws.goto(link);
  await ws.waitForSelector('#ws-summary');
  mark('workspace opened');
  expect(await text(ws, '#ws-unit')).toBe(UNIT);
  const summary0 = await text(ws, '#ws-summary');
  expect(summary0).toMatch(/^共41项任务（/);
  expect(summary0).toContain('待签收41项');
  expect(await text(ws, '#sign-all')).toBe('全部签收（41项）');
  expect(await ws.locator('input[type=checkbox][name=a]').count()).toBe(41);
  expect(await ws.locator('#ws-tasks tbody tr[data-task]').count()).toBe(41);
  for (const a of assignments.slice(0, 5))
    expect(await text(ws, `#ws-tasks tr[data-task="${a.task.number}"] .ws-owed`)).toContain('待签收');
  await shots(ws, '01-opened');
  // the letters table on this very first opening: the receipt is recorded before the page is read,
  // and the letter lists every task of it (41 rows, the catch-up item counting each overdue task)
  const firstView = (await ws.locator('#ws-letters tbody tr').allTextContents()).find((r) => r.includes(LIAISON));
  expect(firstView).toMatch(/已读（/);
  expect(firstView).toContain('41项');
  // the read receipt: this opening recorded it, once
  const liaisonLetter = letters.find((l) => l.email === LIAISON)!;
  const leaderLetter = letters.find((l) => l.email === LEADER)!;
  await poll(
    'the liaison letter read',
    () => p.letter.findUniqueOrThrow({ where: { id: liaisonLetter.id } }),
    (l) => l.readAt !== null,
    10_000,
  );
  expect((await p.letter.findUniqueOrThrow({ where: { id: leaderLetter.id } })).readAt).toBeNull();
  // the phone width: nothing sticks out sideways
  await ws.setViewportSize(PHONE);
  expect(await scrollWidth(ws)).toBeLessThanOrEqual(PHONE.width + 4);
  await ws.setViewportSize(DESKTOP);

  // 全部签收, on a phone with JavaScript off (plain forms: nothing needs it).
  const phone = await browser.newContext({
    viewport: PHONE,
    locale: 'zh-CN',
    javaScriptEnabled: false,
    isMobile: true,
    hasTouch: true,
  });
  // JavaScript is really off in this context: a page's own script does not run
  const probe = await phone.newPage();
  await probe.setContent('<title>off</title><script>document.title = "on"</script>');
  expect(await probe.title()).toBe('off');
  await probe.close();
  const mob = await phone.newPage();
  await mob.goto(link);
  await mob.waitForSelector('#sign-all');
  await shot(mob, '02-phone-nojs-before-sign');
  // nothing sticks out sideways
  expect(await scrollWidth(mob)).toBeLessThanOrEqual(PHONE.width + 4);
  await mob.click('#sign-all');
  await mob.waitForSelector('#result', { timeout: 180_000 });
  mark('全部签收 answered');
  const signed = await text(mob, '#result');
  expect(signed).toMatch(/^已签收41项任务（(\(\d+\)){41}）。$/);
  expect(await mob.$('#sign-all')).toBeNull();
  expect(await text(mob, '#ws-summary')).toContain('已全部签收');
  await shot(mob, '03-phone-nojs-signed');
  expect(await scrollWidth(mob)).toBeLessThanOrEqual(PHONE.width + 4);
  // the workflows took the updates: every assignment acknowledged
  const acked = await poll(
    'all 41 acknowledged',
    () =>
      p.assignment.findMany({
        where: { unitId: unit.id, task: { planId: plan.id } },
        select: { state: true, acknowledgedAt: true, task: { select: { kind: true } } },
      }),
    (rows) => rows.length === 41 && rows.every((r) => r.acknowledgedAt !== null && r.state !== 'ASSIGNED'),
    30_000,
  );
  // a standing task (长期) goes on as 长期推进 once signed, the others wait for their reports
  for (const r of acked)
    expect([r.task.kind, r.state]).toEqual([r.task.kind, r.task.kind === 'standing' ? 'ONGOING' : 'ACKNOWLEDGED']);
  expect(
    await p.auditEvent.count({
      where: { action: 'assignment.acknowledged', assignmentId: { in: assignments.map((a) => a.id) } },
    }),
  ).toBe(41);

  // 3. The desktop page, reloaded: signed, and the current quarter's form is open.
  await ws.reload();
  await ws.waitForSelector('#ws-summary');
  expect(await ws.$('#sign-all')).toBeNull();
  expect(await ws.$('#sign')).toBeNull();
  const summary1 = await text(ws, '#ws-summary');
  expect(summary1).toContain('已全部签收');
  for (const a of assignments.slice(0, 5))
    expect(await text(ws, `#ws-tasks tr[data-task="${a.task.number}"] .ws-owed`)).not.toContain('待签收');
  // the letters table: the liaison's letter read, the leader's not
  const letterRows = await ws.locator('#ws-letters tbody tr').allTextContents();
  expect(letterRows).toHaveLength(2);
  expect(letterRows.find((r) => r.includes(LIAISON))).toMatch(/已读（\d{4}年\d{1,2}月\d{1,2}日/);
  expect(letterRows.find((r) => r.includes(LEADER))).toContain('未读');
  await shots(ws, '04-signed');

  const sections = await ws.locator('section.ws-report').evaluateAll((els) =>
    els.map((e) => ({
      id: e.id,
      h2: e.querySelector('h2')?.textContent ?? '',
      note: e.querySelector('p')?.textContent ?? '',
    })),
  );
  const current = sections.find((s) => s.note.includes('本季度'));
  expect(current).toBeDefined();
  const period = current!.id.replace(/^report-/, '');
  expect(period).toMatch(/^\d{4}Q[1-4]$/);
  const form = ws.locator(`section#report-${period}`);
  const fields = await form
    .locator('textarea[name^="text_"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('name') ?? '').slice('text_'.length)));
  expect(fields.length).toBeGreaterThanOrEqual(3);
  const numberOf = new Map(assignments.map((a) => [a.id, a.task.number]));
  // every task but the last on the desktop; the last from the phone without JavaScript
  const deskIds = fields.slice(0, -1);
  const lastId = fields[fields.length - 1]!;
  const reportText = (id: string) => `任务(${numberOf.get(id)})本季度进展：已按分工推进，<b>原样</b>保存`;
  const percentOf = (id: string) => String(10 + ((numberOf.get(id) ?? 0) % 80));
  for (const id of deskIds) {
    await form.locator(`textarea[name="text_${id}"]`).fill(reportText(id));
    await form.locator(`input[name="percent_${id}"]`).fill(percentOf(id));
  }
  await shots(ws, '05-report-filled');
  await ws.click(`#draft-${period}`);
  await ws.waitForSelector('#result');
  expect(await text(ws, '#result')).toMatch(
    new RegExp(`^已保存.*进展报告草稿（${deskIds.length}项任务），尚未提交。$`),
  );
  expect(await p.report.count({ where: { assignmentId: { in: fields } } })).toBe(0);
  await ws.reload();
  await ws.waitForSelector(`#submit-${period}`);
  for (const id of deskIds) {
    expect(await form.locator(`textarea[name="text_${id}"]`).inputValue()).toBe(reportText(id));
    expect(await form.locator(`input[name="percent_${id}"]`).inputValue()).toBe(percentOf(id));
  }
  expect(await ws.$('#result')).toBeNull();
  await shots(ws, '06-draft-reloaded');
  mark('draft saved and reloaded');

  await ws.click(`#submit-${period}`);
  await ws.waitForSelector('#result', { timeout: 180_000 });
  mark('reports submitted (desktop)');
  const submitted = await text(ws, '#result');
  expect(submitted).toMatch(
    new RegExp(`^已报送\\d{4}年第[一二三四]季度进展报告${deskIds.length}项（(\\(\\d+\\)){${deskIds.length}}）。$`),
  );
  await shots(ws, '07-reports-submitted');
  const reports = await p.report.findMany({ where: { assignmentId: { in: fields }, period } });
  expect(reports.map((r) => r.assignmentId).sort()).toEqual([...deskIds].sort());
  for (const r of reports) {
    expect(r.text).toBe(reportText(r.assignmentId));
    expect(String(r.percent)).toBe(percentOf(r.assignmentId));
  }
  // the form now lists only the task left, and what is owed says so
  expect(await form.locator('textarea[name^="text_"]').count()).toBe(1);
  const reportedRow = await text(ws, `#ws-tasks tr[data-task="${numberOf.get(deskIds[0]!)}"] .ws-owed`);
  expect(reportedRow).not.toContain('本季度');

  // the last one from the phone, without JavaScript
  await mob.goto(link);
  await mob.waitForSelector(`#submit-${period}`);
  const mobForm = mob.locator(`section#report-${period}`);
  await mobForm.locator(`textarea[name="text_${lastId}"]`).fill(reportText(lastId));
  await mobForm.locator(`input[name="percent_${lastId}"]`).fill(percentOf(lastId));
  await shot(mob, '08-phone-nojs-report-filled');
  await mob.click(`#submit-${period}`);
  await mob.waitForSelector('#result', { timeout: 60_000 });
  expect(await text(mob, '#result')).toMatch(/^已报送\d{4}年第[一二三四]季度进展报告1项（\(\d+\)）。$/);
  expect(await mob.$(`section#report-${period}`)).toBeNull();
  await shot(mob, '09-phone-nojs-reported');
  expect(await scrollWidth(mob)).toBeLessThanOrEqual(PHONE.width + 4);
  expect(await p.report.count({ where: { assignmentId: { in: fields }, period } })).toBe(fields.length);
  // the phone page has no sideways scroll either (measured in a JavaScript page at 390 px)
  await ws.setViewportSize(PHONE);
  await ws.reload();
  await ws.waitForSelector('#ws-summary');
  expect(await scrollWidth(ws)).toBeLessThanOrEqual(PHONE.width + 4);
  await ws.setViewportSize(DESKTOP);
  mark('phone report submitted');

  // 4. The Office signs in and sees the reports and the read receipt.
  const officeCtx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const office = await officeCtx.newPage();
  await office.goto(`${base}/`);
  await office.waitForSelector('#email');
  await office.fill('#email', OFFICE_EMAIL);
  await office.fill('#password', OFFICE_PASSWORD);
  await office.click('button[type="submit"]');
  await office.waitForSelector('#kpi-completion', { timeout: 60_000 });
  await shots(office, '10-office-overview');
  await office.goto(`${base}/units/${unit.id}?limit=100`);
  await office.waitForSelector('h1');
  expect(await text(office, 'h1')).toBe(UNIT);
  await shots(office, '11-office-unit');
  // the unit's assignments with the date of their latest report (最近报告)
  const lastReport = await office
    .locator('table.assignments tr')
    .evaluateAll((rows) => rows.slice(1).map((r) => r.querySelectorAll('td')[5]?.textContent?.trim() ?? ''));
  expect(lastReport).toHaveLength(41);
  expect(lastReport.filter((c) => !/^\d{4}年\d{1,2}月\d{1,2}日/.test(c))).toEqual([]);
  // the read receipt, if the unit page shows the letters (being added to the dashboard): the
  // liaison's letter 已读, the leader's 未读
  const letterCells = await office
    .locator('tr')
    .evaluateAll((rows) =>
      rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ')).filter((t) => /已读|未读/.test(t)),
    );
  console.log(
    `Office unit page shows the letters' read state: ${letterCells.length > 0} ${JSON.stringify(letterCells)}`,
  );
  if (letterCells.length) {
    expect(letterCells.find((t) => t.includes(LIAISON))).toMatch(/已读/);
    expect(letterCells.find((t) => t.includes(LEADER))).toMatch(/未读/);
  }
  const one = deskIds[0]!;
  await office.goto(`${base}/assignments/${one}`);
  await office.waitForSelector('.report-text');
  expect(await office.textContent('.report-text')).toBe(reportText(one));
  await shots(office, '12-office-assignment-report');
  mark('office checked');

  const receipt = await p.letter.findUniqueOrThrow({ where: { id: liaisonLetter.id } });
  expect(receipt.readAt).not.toBeNull();
  expect(await p.auditEvent.count({ where: { action: 'letter.read', entityId: liaisonLetter.id } })).toBe(1);
  expect(await p.auditEvent.count({ where: { action: 'letter.read' } })).toBe(1);

  for (const f of fs.readdirSync(ARTIFACTS).filter((x) => x.startsWith('workspace-')))
    expect([f, fs.statSync(path.join(ARTIFACTS, f)).size > 5_000]).toEqual([f, true]);
  // every process is still up, and none logged an error
  for (const pr of procs) {
    expect([pr.name, pr.child.exitCode]).toEqual([pr.name, null]);
    expect([pr.name, pr.lines.filter((l) => /"level":"error"/.test(l))]).toEqual([pr.name, []]);
  }
  await Promise.all([desk.close(), phone.close(), officeCtx.close()]);
});
