/**
 * The overview's charts on the real plan in headless Chromium: the lights split into the units' own
 * assignments and the 属地落实 ones; the top-15 chart's legend sits below its 15th bar, covering
 * none; the indicators page with nothing reported says 暂无数据. Screenshots go to
 * test-artifacts/browser/ (look at them).
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startRealPlanServer, type RealPlanServer } from '../integration/http-support/real-plan';
import { freePort } from '../helpers/services';
import { ARTIFACTS, launchChromium, type Browser } from './support/chromium';

let s: RealPlanServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  s = await startRealPlanServer({ port: await freePort() });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
}, 30_000);

/** Bounding boxes of the SVG texts of a chart, by their text. */
async function texts(
  page: Page,
  chart: string,
): Promise<{ text: string; top: number; bottom: number; left: number; right: number }[]> {
  return page.$$eval(`#${chart} svg text`, (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent ?? '', top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    }),
  );
}

it('draws own and 属地落实 apart, the legend below the 15th bar, and 暂无数据 for indicators', async () => {
  const page = await browser.context.newPage();
  await page.emulateMedia({ reducedMotion: 'reduce' }); // charts drawn at once, for the screenshots
  await page.goto(`${s.app.baseUrl}/`);
  await page.waitForSelector('#email');
  await page.fill('#email', s.office.email);
  await page.fill('#password', s.office.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('#chart-units svg');
  await page.waitForSelector('#chart-lights svg');

  const lights = (await texts(page, 'chart-lights')).map((t) => t.text);
  expect(lights).toEqual(expect.arrayContaining(['牵头/配合', '属地落实', '逾期', '正常推进']));

  const units = await texts(page, 'chart-units');
  const names = (
    JSON.parse((await page.textContent('script[data-for="chart-units"]'))!) as { data: { name: string }[] }
  ).data.map((u) => u.name);
  const labels = units.filter((t) => names.includes(t.text));
  expect(labels.map((t) => t.text)).toContain('县区政府（9 个单位，每个）');
  expect(labels).toHaveLength(15);
  const lastLabel = labels.reduce((a, b) => (b.bottom > a.bottom ? b : a));
  const legend = units.filter((t) => ['逾期', '临期/报告逾期', '正常推进', '已关闭'].includes(t.text));
  expect(legend).toHaveLength(4);
  // every legend entry is below the lowest bar label: it covers no bar
  for (const l of legend) expect(l.top).toBeGreaterThanOrEqual(lastLabel.bottom);
  await page.locator('#chart-units').screenshot({ path: path.join(ARTIFACTS, 'dashboard-top15.png') });
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-overview-real-plan.png'), fullPage: true });

  await page.goto(`${s.app.baseUrl}/indicators`);
  await page.waitForSelector('#indicators-empty');
  expect(await page.textContent('#indicators-empty')).toBe('暂无数据：还没有单位报送指标数值。');
  expect(await page.$('#chart-indicators svg')).toBeNull();
  await page.screenshot({ path: path.join(ARTIFACTS, 'indicators-empty.png'), fullPage: true });
}, 60_000);

it('lays the overview KPIs out in two full rows at 1280 (lights, then what waits on the Office), and in columns on a phone', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${s.app.baseUrl}/`); // the context signed in in the test above
  await page.waitForSelector('#kpis-lights');
  /** The distinct tops of a row's cards, and their labels. */
  const row = (id: string) =>
    page.$$eval(`#${id} > .kpi`, (els) => ({
      tops: [...new Set(els.map((e) => Math.round(e.getBoundingClientRect().top)))],
      labels: els.map((e) => (e.firstChild?.textContent ?? '').trim()),
    }));
  const lights = await row('kpis-lights');
  expect(lights.labels).toEqual([
    '牵头/配合分工',
    '逾期',
    '临期/报告逾期',
    '正常推进',
    '已关闭',
    '属地落实分工（14 个单位）',
  ]);
  expect(lights.tops).toHaveLength(1);
  const work = await row('kpis-work');
  expect(work.labels).toEqual(['待审销号', '待审延期', '未关闭督办单', '已关闭督办单', '投递失败']);
  expect(work.tops).toHaveLength(1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-kpis-1280.png') });

  await page.setViewportSize({ width: 390, height: 900 });
  const phone = await row('kpis-lights');
  expect(phone.tops).toHaveLength(3); // two cards a line
  expect(await page.$eval('html', (e) => e.scrollWidth)).toBeLessThanOrEqual(390); // no sideways scrolling of the page
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-kpis-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}, 60_000);
