/**
 * 导入方案 on the dashboard: the Office uploads a file, sees the parsed preview grid (task, units by
 * role, deadline, the problems of each row), and imports from there; leadership cannot; the CSRF
 * token is required. Files are generated in the test (exceljs).
 */
import { startHarness, signIn, OFFICE, LEADER, type Harness } from './http-support/harness';
import { makeXlsx } from '../helpers/plan-files';

let h: Harness;
let office: { cookie: string; csrf: string };

beforeAll(async () => {
  h = await startHarness();
  office = await signIn(h.app, OFFICE);
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

const post = (query: string, body: Buffer, who = office, csrf = who.csrf) =>
  fetch(`${h.app.baseUrl}/plans/upload?${query}`, {
    method: 'POST',
    headers: { cookie: who.cookie, 'content-type': 'application/octet-stream', 'x-csrf-token': csrf },
    body,
  });

const GOOD = [
  ['示范市2024年质量工作要点', null, null, null],
  ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
  ['一、质量提升', null, null, null, null],
  ['1', '开展质量提升行动。', '市市场监管局', '市工信局', '2024年底前'],
  ['2', '推进标准化建设。', '市工信局', null, '长期'],
];

test("the page is the Office's: the form and its script; leadership gets 403", async () => {
  const page = await h.app.inject({ method: 'GET', url: '/plans/upload', headers: { cookie: office.cookie } });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('<form id="plan-upload"');
  expect(page.body).toContain('<script src="/plans/upload.js"></script>');
  expect(page.body).toContain('<a href="/plans/upload" class="active">导入方案</a>');
  expect((await h.app.inject({ method: 'GET', url: '/plans/upload.js' })).body).toContain("fetch('/plans/upload?'");
  const leader = await signIn(h.app, LEADER);
  expect(
    (await h.app.inject({ method: 'GET', url: '/plans/upload', headers: { cookie: leader.cookie } })).statusCode,
  ).toBe(403);
  expect((await post('action=preview&name=x.xlsx', await makeXlsx([{ name: 'S', rows: GOOD }]), leader)).status).toBe(
    403,
  );
});

test('a preview shows each row with its units by role, its deadline and its own problems; no import button', async () => {
  const rows = [...GOOD, ['3', '培育质量品牌。', '市不存在局', null, '2024年三季度前']];
  const res = await post('action=preview&name=plan.xlsx', await makeXlsx([{ name: 'S', rows }]));
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(body).toContain('<h2>示范市2024年质量工作要点</h2>');
  expect(body).toContain('格式：Excel 工作表');
  expect(body).toContain('共 2 处问题，改正后才能导入');
  expect(body).toContain(
    '<tr class=""><td>1</td><td>开展质量提升行动。</td><td>市市场监管局</td><td>市工信局</td><td>2024年底前<br><span class="muted">2024年12月31日</span></td><td></td></tr>',
  );
  expect(body).toMatch(
    /<tr class="has-problem"><td>3<\/td><td>培育质量品牌。<\/td><td>市不存在局<\/td><td><\/td><td>2024年三季度前<\/td><td><div class="msg refused problem">第6行 任务\(3\)的完成时限「2024年三季度前」不在时限对照表中.*<\/div><div class="msg refused problem">第6行 任务\(3\)的责任单位「市不存在局」不在单位名录（数据库）中/,
  );
  expect(body).not.toContain('plan-import');
  expect(await h.db.prisma.plan.count({ where: { slug: 'plan' } })).toBe(0);
});

test('a clean file can be imported from the preview: the plan, its tasks and assignments are stored', async () => {
  const file = await makeXlsx([{ name: 'S', rows: GOOD }]);
  const preview = await (await post('action=preview&name=shifan.xlsx', file)).text();
  expect(preview).toContain('可以导入。');
  expect(preview).toContain('<button type="button" id="plan-import">导入此方案</button>');
  const res = await post('action=import&name=shifan.xlsx&plan=shifan-2024', file);
  expect(await res.text()).toContain('已导入新方案「shifan-2024」：任务 2 项。');
  const plan = await h.db.prisma.plan.findUniqueOrThrow({
    where: { slug: 'shifan-2024' },
    include: { tasks: { include: { assignments: { include: { unit: true } } } } },
  });
  expect(plan.title).toBe('示范市2024年质量工作要点');
  expect(
    plan.tasks.map((t) => [t.number, t.text, t.assignments.map((a) => `${a.unit.name}/${a.role}`).sort()]).sort(),
  ).toEqual([
    [1, '开展质量提升行动。', ['市工信局/CO', '市市场监管局/LEAD']],
    [2, '推进标准化建设。', ['市工信局/LEAD']],
  ]);
  expect(
    await h.db.prisma.auditEvent.count({ where: { action: 'plan.imported', actor: `office:${OFFICE.email}` } }),
  ).toBe(1);
  // the same file again changes nothing
  expect(await (await post('action=import&name=shifan.xlsx&plan=shifan-2024', file)).text()).toContain(
    '与已导入的版本相同，未作任何修改',
  );
});

test('without the CSRF token the upload is refused; an old .doc is refused with what to do', async () => {
  expect((await post('action=preview&name=x.xlsx', Buffer.from('x'), office, 'wrong')).status).toBe(403);
  const doc = await post('action=preview&name=plan.doc', Buffer.from('whatever'));
  expect(doc.status).toBe(400);
  expect(await doc.text()).toContain('旧版 Word 文档 (.doc)，请在 Word 或 WPS 中「另存为」.docx 后重试');
});
