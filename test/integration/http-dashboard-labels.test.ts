/**
 * The dashboard speaks Chinese, never codes: notice kinds and their filter, audit events (action,
 * actor, a summary of their data; the raw record folded away) and their filter, unit kinds, and
 * 改派 chosen from the directory. Indicators: 暂无数据 with none reported, then the value with whose
 * it is; an indicator code the task does not report is refused with a Chinese message. On the real
 * stack (PostgreSQL, Temporal, the lifecycle workflows).
 */
import { pageText } from './http-support/real-plan';
import { startHarness, signIn, submitForm, OFFICE, type Harness } from './http-support/harness';

let h: Harness;
let cookie: string;
beforeAll(async () => {
  h = await startHarness();
  cookie = (await signIn(h.app, OFFICE)).cookie;
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

const get = async (url: string) => {
  const r = await h.app.inject({ method: 'GET', url, headers: { cookie } });
  expect(r.statusCode).toBe(200);
  return r.body;
};
/** a unit's post through its form, and the form it is sent back to (post/redirect/get) */
const unitPost = (assignmentId: string, action: string, fields: Record<string, string>) => {
  const { token } = h.links.sign(assignmentId);
  return submitForm(h.app, `/f/${assignmentId}/${action}`, { t: token, ...fields });
};
/** the options of a select on the page: value → label */
const selectOptions = (body: string, name: string) =>
  Object.fromEntries(
    [
      ...(new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(body)?.[1] ?? '').matchAll(
        /<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g,
      ),
    ].map((m) => [m[1], m[2]]),
  );
const table = (body: string, id: string) =>
  pageText(new RegExp(`<table[^>]*(?:id|class)="${id}"[\\s\\S]*?</table>`).exec(body)?.[0] ?? '');
/** the text without email addresses (a.test would read as a code) */
const noMail = (t: string) => t.replace(/[\w.-]+@[\w.-]+/g, '');
const RAW_CODE =
  /\b(assignment|catchup_unit|catchup_summary|[a-z]+\.[a-z_]+|OFFICE|LEADERSHIP|BUREAU|IMPLICIT|COMPLETED|IN_PROGRESS)\b/;

describe('indicators', () => {
  it('with nothing reported the page says 暂无数据 instead of an empty chart', async () => {
    const body = await get('/indicators');
    expect(body).not.toContain('id="chart-indicators"');
    expect(pageText(body)).toContain('暂无数据：还没有单位报送指标数值。');
    expect(table(body, 'indicators')).toMatch(
      /I01 .* 数字经济核心产业增加值占GDP比重 达到10%以上（2025年） 全部任务 暂无数据/,
    );
  });

  it('refuses an indicator code the task does not have, in Chinese, and stores nothing', async () => {
    await unitPost(h.seeded.t1a, 'acknowledge', {});
    const before = await h.db.prisma.report.count();
    const { post, page } = await unitPost(h.seeded.t1a, 'report', { period: '2026Q4', text: '进展', ind_I99: '5' });
    expect(post.statusCode).toBe(303);
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain(
      '指标代码「I99」不是本任务的指标，本次报告未保存。本任务可填报的指标为：I01 数字经济核心产业增加值占GDP比重、I02 制造业质量竞争力指数。',
    );
    expect(await h.db.prisma.report.count()).toBe(before);
  });

  it('after a report, the value says whose it is: the unit and the date, by the configured rule', async () => {
    const { page } = await unitPost(h.seeded.t1a, 'report', { period: '2026Q4', text: '进展', ind_I01: '9.8' });
    expect(pageText(page.body)).toContain('已报送2026年第四季度进展报告。');
    const body = await get('/indicators');
    expect(body).toContain('id="chart-indicators"');
    expect(pageText(body)).toContain('当前值按每项指标设定的口径计算：「最近一次报送」');
    expect(pageText(body)).not.toContain('config/'); // no file path for the Office to read
    expect(table(body, 'indicators')).toMatch(
      /数字经济核心产业增加值占GDP比重 .* 9\.8% 市市场监管局 \d{4}年\d{1,2}月\d{1,2}日 报送（取各单位最近一次报送） 98%/,
    );
    expect(table(body, 'indicators')).toMatch(/制造业质量竞争力指数 .* 暂无数据/);
  });
});

describe('no raw codes', () => {
  beforeAll(async () => {
    const due = new Date(Date.now() - 3600_000);
    await h.db.prisma.notice.createMany({
      data: [
        {
          key: `t-assignment-${Date.now()}`,
          kind: 'assignment',
          assignmentId: h.seeded.t1a,
          dueAt: due,
          recipients: ['liaison@a.test'],
          payload: {},
          status: 'SENT',
        },
        {
          key: `t-catchup-${Date.now()}`,
          kind: 'catchup_unit',
          scope: 'catchup-a',
          dueAt: due,
          recipients: ['liaison@a.test'],
          payload: { unit: '市市场监管局', items: [] },
          status: 'SENT',
        },
        // queued, not yet resolved to addresses: it holds the roles it goes to
        {
          key: `t-decision-${Date.now()}`,
          kind: 'decision',
          assignmentId: h.seeded.t1a,
          dueAt: due,
          recipients: ['liaison', 'leader'],
          payload: {},
          status: 'QUEUED',
        },
      ],
    });
  });

  it('/notices names each notice kind in Chinese and filters by a select of Chinese names', async () => {
    const body = await get('/notices');
    const rows = table(body, 'notices');
    expect(rows).toContain('任务交办通知');
    expect(rows).toContain('逾期事项汇总通知 市市场监管局');
    expect(rows).not.toContain('catchup-a');
    expect(rows).toMatch(/审核结果通知 .*联络员、分管负责人 排队中/);
    expect(noMail(rows)).not.toMatch(/\b(liaison|leader)\b/);
    expect(noMail(rows)).not.toMatch(RAW_CODE);
    const kinds = selectOptions(body, 'kind');
    expect(kinds).toMatchObject({
      '': '全部',
      assignment: '任务交办通知',
      catchup_unit: '逾期事项汇总通知',
      report_chase: '催办通知',
    });
    // the codes still work underneath
    const only = table(await get('/notices?kind=catchup_unit'), 'notices');
    expect(only).toContain('逾期事项汇总通知');
    expect(only).not.toContain('任务交办通知');
  });

  it('/audit shows who did what in Chinese, with a summary of the data; the raw record is folded away', async () => {
    const body = await get('/audit');
    const rows = table(body, 'audit');
    expect(rows).toMatch(/签收 任务\(1\)；市市场监管局；已交办 → 已签收/);
    expect(rows).toMatch(
      /责任单位（办理链接） 报送进展 任务\(1\)；市市场监管局；.*报告期 2026年第四季度；指标 I01=9\.8/,
    );
    expect(rows).toContain('纳入督办');
    expect(noMail(rows)).not.toMatch(RAW_CODE);
    expect(rows).not.toContain('{');
    expect(body).toMatch(/<details><summary class="muted">原始记录<\/summary><pre class="muted">\{/);
    const actions = selectOptions(body, 'action');
    expect(actions).toMatchObject({
      '': '全部',
      'completion.approved': '同意销号',
      'assignment.acknowledged': '签收',
      'report.submitted': '报送进展',
    });
    expect(Object.values(actions).join('')).not.toMatch(/[a-z]/);
    const only = table(await get('/audit?action=report.submitted'), 'audit');
    expect(only).toContain('报送进展');
    expect(only).not.toMatch(/ 签收 任务/);
  });

  it('the header names who is signed in once: 督办员, not 督办员（督办员）', async () => {
    const who = pageText(/<form class="who"[\s\S]*?<\/form>/.exec(await get('/'))?.[0] ?? '').trim();
    expect(who).toBe('督办员 退出');
  });

  it('the address a decision was posted to leads back to the assignment when opened again (reload, history), not to 页面不存在', async () => {
    for (const url of [
      `/assignments/${h.seeded.t1b}/actions/approveCompletion`,
      `/assignments/${h.seeded.t1b}/links`,
    ]) {
      const r = await h.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe(`/assignments/${h.seeded.t1b}`);
    }
  });

  it('unit kinds show in Chinese, the Office unit included', async () => {
    const office = pageText(await get(`/units/${h.seeded.units.office}`));
    expect(office).toContain('领导小组办公室');
    expect(office).not.toContain('OFFICE');
  });

  it('改派 chooses the new unit from the directory: a select of units, by kind, without the current one', async () => {
    const body = await get(`/assignments/${h.seeded.t1b}`);
    expect(body).not.toMatch(/<input type="text" name="toUnit"/);
    const units = selectOptions(body, 'toUnit');
    expect(units).toMatchObject({ '': '请选择单位', 市商务局: '市商务局', 市市场监管局: '市市场监管局' });
    expect(units).not.toHaveProperty('市工信局'); // it holds the assignment now
    expect(units).not.toHaveProperty('市质量强市领导小组');
    expect(body).toContain('<optgroup label="市直部门">');
  });
});
