/**
 * In headless Chromium: the Office opens 导入方案 from the nav, chooses an .xlsx generated in the
 * test, sees the preview grid, and imports it with the button under the grid. Screenshots go to
 * test-artifacts/browser/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHarness, OFFICE, type Harness } from '../integration/http-support/harness';
import { freePort } from '../helpers/services';
import { makeXlsx } from '../helpers/plan-files';
import { ARTIFACTS, launchChromium, type Browser } from './support/chromium';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  h = await startHarness({ port: await freePort() });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
}, 30_000);

it('the Office previews an uploaded spreadsheet and imports it from the preview', async () => {
  const file = path.join(browser.profile, 'shifan-2024.xlsx');
  fs.writeFileSync(
    file,
    await makeXlsx([
      {
        name: '任务',
        rows: [
          ['示范市2024年质量工作要点', null, null, null, null],
          ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
          ['一、质量提升', null, null, null, null],
          ['1', '开展质量提升行动。', '市市场监管局', '市工信局', '2024年底前'],
          ['2', '推进标准化建设。', '市工信局', null, '长期'],
        ],
        merges: ['A1:E1', 'A3:E3'],
      },
    ]),
  );
  const page = await browser.context.newPage();
  await page.goto(`${h.app.baseUrl}/`);
  await page.waitForSelector('#email');
  await page.fill('#email', OFFICE.email);
  await page.fill('#password', OFFICE.password);
  await page.click('button[type="submit"]');
  await page.click('a[href="/plans/upload"]');
  await page.setInputFiles('input[type="file"]', file);
  await page.click('#plan-upload button[type="submit"]');
  await page.waitForSelector('table.preview');
  expect(await page.textContent('#plan-preview h2')).toBe('示范市2024年质量工作要点');
  expect(
    await page.$$eval('table.preview tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)),
    ),
  ).toEqual([
    ['1', '开展质量提升行动。', '市市场监管局', '市工信局', '2024年底前2024年12月31日'],
    ['2', '推进标准化建设。', '市工信局', '', '长期'],
  ]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'plan-upload-preview.png'), fullPage: true });
  await page.click('#plan-import');
  await page.waitForSelector('#plan-preview p.ok a');
  expect(await page.textContent('#plan-preview p.ok')).toContain('已导入新方案「shifan-2024」：任务 2 项');
  expect(await h.db.prisma.task.count({ where: { plan: { slug: 'shifan-2024' } } })).toBe(2);
});
