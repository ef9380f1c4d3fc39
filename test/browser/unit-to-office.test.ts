/**
 * End to end in headless Chromium (Debian's /usr/bin/chromium through playwright-core): a notice
 * is rendered and sent over SMTP to the local mail sink with its signed link; the unit opens the
 * link from that email, acknowledges, submits a report and asks for completion; the Office signs
 * in, sees the report on the dashboard and approves the completion. Screenshots go to
 * test-artifacts/browser/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import type { BrowserContext, Page } from 'playwright-core';
import { createDeliverNotice } from '../../app/notices/deliver-notice';
import { createRecipientResolver } from '../../app/notices/recipients';
import { sqlFromPrisma } from '../../app/notices/sql';
import { noticeKey } from '../../domain/notices';
import { createLogger } from '../../infra/logger';
import { createMailer } from '../../infra/mail/mailer';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { startHarness, OFFICE, ZONE, type Harness } from '../integration/http-support/harness';
import { freePort } from '../helpers/services';
import { ARTIFACTS, launchChromium, type Browser } from './support/chromium';

const quiet = createLogger('error', {}, () => undefined);

let h: Harness;
let sink: MailSink;
let browser: Browser;
let context: BrowserContext;
let mailer: ReturnType<typeof createMailer>;

beforeAll(async () => {
  browser = await launchChromium();
  context = browser.context;
  h = await startHarness({ port: await freePort() });
  sink = await startMailSink({ port: 0, logger: quiet });
  mailer = createMailer({
    host: sink.host,
    port: sink.port,
    secure: false,
    poolSize: 1,
    timeoutMs: 5000,
    logger: quiet,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await mailer?.close();
  await sink?.close();
  await h?.close();
}, 30_000);

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

it('a unit acts through the link in its email; the Office sees the report and approves the completion', async () => {
  const db = h.db.prisma;
  const assignmentId = h.seeded.t2a;
  const base = h.app.baseUrl;

  // 1. The assignment notice: recorded like the lifecycle's activity does, sent by the real use case.
  const port = createOutboxNotificationPort(db);
  const due = (await db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).dueAt!;
  const { noticeId } = await port.submit({
    key: noticeKey(assignmentId, 'assignment', Date.now()),
    kind: 'assignment',
    assignmentId,
    scope: null,
    dueAt: new Date().toISOString(),
    slipId: null,
    payload: { to: ['liaison', 'leader'], task: 2, unit: '市市场监管局', dueAt: due.toISOString() },
  });
  const deliver = createDeliverNotice({
    sql: sqlFromPrisma(db),
    mailer,
    notify: port,
    recipients: createRecipientResolver(db),
    logger: quiet,
    zone: ZONE,
    from: '南昌市质量强市领导小组办公室 <duban@office.test>',
    linkFor: h.links.linkFor,
  });
  expect(await deliver({ noticeId, attempt: 1, maxAttempts: 3 })).toMatchObject({ outcome: 'sent' });
  const [mail] = await sink.waitFor(1, 10_000);
  const parsed = await simpleParser(mail!.raw);
  expect(mail!.to.sort()).toEqual(['leader@a.test', 'liaison@a.test']);
  const found = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/f/${assignmentId}\\?t=[A-Za-z0-9._%-]+`).exec(
    String(parsed.html || parsed.text),
  );
  expect(found).not.toBeNull();
  const link = found![0].replace(/&amp;/g, '&');

  // 2. The unit opens the link from the email.
  const unit = await context.newPage();
  await unit.goto(link);
  await unit.waitForSelector('h1');
  expect(await unit.textContent('h1')).toContain('市市场监管局');
  await shot(unit, '01-unit-form');
  await unit.click('#ack');
  await unit.waitForSelector('#result');
  expect(await unit.textContent('#result')).toContain('已签收该任务。');
  await unit.fill('#text', '已完成标准化试点申报，<b>不是标签</b>');
  await unit.fill('#percent', '80');
  await unit.fill('input[name="ind_I01"]', '9.8');
  await unit.fill('#evidence', 'https://example.gov.cn/evidence.pdf');
  await unit.click('#submit-report');
  await unit.waitForSelector('#result');
  expect(await unit.textContent('#result')).toMatch(/^已报送\d{4}年第[一二三四]季度进展报告。$/);
  expect(await unit.textContent('.report-text')).toBe('已完成标准化试点申报，<b>不是标签</b>');
  await shot(unit, '02-unit-report-submitted');
  // post/redirect/get: the address is the form's own link, and reloading submits nothing again
  expect(unit.url()).toBe(link);
  await unit.reload();
  await unit.waitForSelector('h1');
  expect(await unit.$('#result')).toBeNull();
  expect(await h.db.prisma.report.count({ where: { assignmentId } })).toBe(1);
  await unit.fill('#note', '标准化试点已通过验收');
  await unit.click('#request-completion');
  await unit.waitForSelector('#result');
  expect(await unit.textContent('#result')).toContain('已提交销号申请，等待办公室审核。');
  await shot(unit, '03-unit-completion-requested');

  // 3. The Office signs in and sees it.
  const office = await context.newPage();
  await office.goto(`${base}/`);
  await office.waitForSelector('#email');
  await office.fill('#email', OFFICE.email);
  await office.fill('#password', OFFICE.password);
  await office.click('button[type="submit"]');
  await office.waitForSelector('#kpi-completion');
  expect(await office.textContent('#kpi-completion')).toBe('1');
  await office.waitForSelector('#chart-lights svg');
  await shot(office, '04-office-overview');
  await office.click('a[href="/reviews"]');
  // the Office reads what the unit sent, and from whom, before it decides
  expect(await office.textContent('#completion-reviews')).toMatch(/市市场监管局[\s\S]*标准化试点已通过验收/);
  await office.click(`a[href="/assignments/${assignmentId}"]`);
  expect(await office.textContent('#completion-request')).toContain('标准化试点已通过验收');
  await office.waitForSelector('#state');
  expect(await office.textContent('#state')).toContain('销号待审');
  expect(await office.textContent('.report-text')).toBe('已完成标准化试点申报，<b>不是标签</b>');
  await office.fill('#do-approveCompletion >> xpath=ancestor::form//textarea', '材料齐全，同意销号');
  await office.click('#do-approveCompletion');
  await office.waitForSelector('#result');
  expect(await office.textContent('#result')).toContain('已同意销号。');
  // post/redirect/get: the Office lands on the assignment's own address, so a reload posts nothing
  expect(new URL(office.url()).pathname).toBe(`/assignments/${assignmentId}`);
  expect(await office.textContent('#state')).toContain('已销号');
  await shot(office, '05-office-approved');

  expect((await db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).state).toBe('COMPLETED');
  for (const f of [
    '01-unit-form',
    '02-unit-report-submitted',
    '03-unit-completion-requested',
    '04-office-overview',
    '05-office-approved',
  ]) {
    expect(fs.statSync(path.join(ARTIFACTS, `${f}.png`)).size).toBeGreaterThan(5_000);
  }
}, 120_000);
