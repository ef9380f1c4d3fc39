/**
 * The dashboard on the real plan (80 tasks; the 属地落实 rule binds the 9 county/district
 * governments, 4 development zones and 湾里管理局 to every task), read as the Office reads it:
 * rule-bound assignments are counted and charted apart from the units' own (牵头/配合), so the
 * top-15 chart ranks what units lead or co-operate on; a county's page says how many of its overdue
 * items are 属地落实, and what its catch-up email lists: all of them under the shipped policy
 * (notifyRoles LEAD, CO, IMPLICIT), only its own when the plan was started with
 * `--notify-roles LEAD,CO` (Plan.notifyRoles), and the pages say which; the unit form
 * offers only the indicators bound to the task (config/indicators.json) and refuses another code.
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { lifecycleInputs } from '../../app/supervise';
import { planCatchUp, policyCalendar } from '../../domain/policy';
import {
  chartData,
  pageText,
  REAL_SLUG,
  startRealPlanServer,
  SUPERVISED_FROM,
  type RealPlanServer,
} from './http-support/real-plan';
import { submitForm } from './http-support/harness';

const cfg = loadConfig({});
let s: RealPlanServer;

beforeAll(async () => {
  s = await startRealPlanServer();
}, 120_000);
afterAll(() => s?.close());

const get = async (url: string) => {
  const r = await s.app.inject({ method: 'GET', url, headers: { cookie: s.session.cookie } });
  expect(r.statusCode).toBe(200);
  return r.body;
};

/** red assignments by role class, straight from the rows (overdue: the deadline has passed) */
async function redCounts(unitName?: string): Promise<{ own: number; implicit: number }> {
  const rows = await s.db.prisma.assignment.groupBy({
    by: ['role'],
    where: {
      state: { notIn: ['COMPLETED', 'CANCELLED'] },
      dueAt: { lt: new Date() },
      task: { cancelledAt: null },
      ...(unitName ? { unit: { name: unitName } } : {}),
    },
    _count: true,
  });
  const n = (roles: string[]) => rows.filter((r) => roles.includes(r.role)).reduce((t, r) => t + r._count, 0);
  return { own: n(['LEAD', 'CO']), implicit: n(['IMPLICIT']) };
}

describe('own and rule-bound (属地落实) assignments, counted apart', () => {
  it("the overview KPIs count the units' own assignments, and the 属地落实 ones separately with a note saying why", async () => {
    const red = await redCounts();
    // most of the red rows are rule-bound; the own ones are the 112 overdue items of the lead and
    // co-units (the catch-up's 705 督办单 are these and the 593 rule-bound ones, README "Quick start")
    expect(red.own).toBe(112);
    expect(red.implicit).toBe(593);
    const body = await get('/');
    const text = pageText(body);
    expect(body).toMatch(new RegExp(`id="kpi-red">${red.own}<`));
    expect(body).toMatch(new RegExp(`id="kpi-implicit-red">${red.implicit}<`));
    expect(text).toContain('牵头/配合分工');
    expect(text).toContain('属地落实分工（14 个单位）');
    // the shipped policy notifies the rule-bound units: the note does not say they get no emails
    expect(text).toMatch(
      /属地落实：方案规定各县（区）人民政府、开发区管委会和湾里管理局承担每项任务，这些分工单独统计/,
    );
    expect(text).not.toContain('不单独发送邮件通知');
    // the lights chart has one bar for each class
    expect(chartData(body, 'chart-lights')).toEqual({
      type: 'units',
      data: [
        expect.objectContaining({ name: '牵头/配合', red: red.own }),
        expect.objectContaining({ name: '属地落实', red: red.implicit }),
      ],
    });
  });

  it('the top-15 chart ranks units by their own overdue work, not 14 identical county bars', async () => {
    const body = await get('/');
    const spec = chartData(body, 'chart-units') as {
      data: { name: string; red: number; yellow: number; green: number; grey: number }[];
    };
    expect(spec.data).toHaveLength(15);
    // the 9 county governments the plan names as one group (各县(区)人民政府) share one bar, per unit,
    // instead of 9 identical bars; no county shows on its own
    const counties = (await s.db.prisma.unit.findMany({ where: { kind: 'COUNTY' }, select: { name: true } })).map(
      (u) => u.name,
    );
    expect(counties).toHaveLength(9);
    expect(spec.data.filter((u) => counties.includes(u.name))).toEqual([]);
    expect(spec.data.map((u) => u.name)).toContain('县区政府（9 个单位，每个）');
    expect(spec.data.find((u) => u.name === '县区政府（9 个单位，每个）')).toMatchObject({ red: 3 });
    expect(spec.data[0]).toMatchObject({ name: '市市场监管局' });
    const reds = spec.data.map((u) => u.red);
    expect([...reds].sort((a, b) => b - a)).toEqual(reds);
    // the counts are own ones: 市市场监管局 leads or co-operates on its tasks, none of them by the rule
    const own = await redCounts('市市场监管局');
    expect(spec.data[0]!.red).toBe(own.own);
    expect(pageText(body)).toContain('各单位牵头/配合分工灯号（前 15）');
  });

  it('南昌县: the page says how many overdue items are 属地落实, and its catch-up email lists them with its own (shipped policy) or only its own (--notify-roles LEAD,CO)', async () => {
    const unit = await s.db.prisma.unit.findUniqueOrThrow({ where: { name: '南昌县人民政府' } });
    const red = await redCounts('南昌县人民政府');
    expect(red.own + red.implicit).toBe(45);
    expect(red.own).toBe(3);

    /** the catch-up supervision would plan for the unit under these notifyRoles */
    const catchUpOf = async (notifyRoles: ('LEAD' | 'CO' | 'IMPLICIT')[]) => {
      const policy = { ...cfg.policy, notifyRoles };
      const inputs = await lifecycleInputs(s.db.prisma, { planSlug: REAL_SLUG, zone: cfg.timezone, policy });
      const cu = planCatchUp({
        entries: inputs.flatMap((i) =>
          i.assignments.map((a) => ({
            task: { number: i.task.number, kind: i.task.kind, dueAt: i.task.dueAt },
            assignment: { ...a, assignedAt: new Date(SUPERVISED_FROM).toISOString() },
          })),
        ),
        policy,
        calendar: policyCalendar(policy, readHolidayOverride(cfg.holidaysOverrideFile)),
        now: Date.parse(SUPERVISED_FROM),
      });
      return cu.notices.find((n) => n.kind === 'catchup_unit' && n.unit === '南昌县人民政府')!;
    };

    // the shipped policy: rule-bound units are notified, the catch-up lists all 45 overdue items
    expect(cfg.policy.notifyRoles).toEqual(['LEAD', 'CO', 'IMPLICIT']);
    let text = pageText(await get(`/units/${unit.id}`));
    expect(text).toContain(`其中属地落实 ${red.implicit} 项`);
    expect(text).toContain(`本单位牵头、配合的分工：逾期 ${red.own} 项；其余 77 项是属地落实分工`);
    expect(text).toContain('，单独统计。');
    expect(text).not.toContain('不单独发送邮件通知');
    expect(text).toContain('县区政府');
    expect((await catchUpOf(cfg.policy.notifyRoles)).items!.filter((i) => i.what === 'deadline')).toHaveLength(45);

    // a plan supervised with --notify-roles LEAD,CO (stored on the plan): the page says the rule-bound
    // ones get no emails, and the catch-up lists exactly the unit's own overdue items
    await s.db.prisma.plan.update({ where: { slug: REAL_SLUG }, data: { notifyRoles: ['LEAD', 'CO'] } });
    try {
      const body = await get(`/units/${unit.id}`);
      expect(body).toMatch(/id="unit-red">45</);
      text = pageText(body);
      expect(text).toContain(`本单位牵头、配合的分工：逾期 ${red.own} 项，通知邮件列出的逾期事项即这些分工`);
      expect(text).toContain('不单独发送邮件通知');
      expect(pageText(await get('/'))).toMatch(/属地落实：.*不单独发送邮件通知/);
      expect((await catchUpOf(['LEAD', 'CO'])).items!.filter((i) => i.what === 'deadline')).toHaveLength(red.own);
    } finally {
      await s.db.prisma.plan.update({ where: { slug: REAL_SLUG }, data: { notifyRoles: [] } });
    }
  });

  it('/units lists the 属地落实 counts in their own columns', async () => {
    const text = pageText(await get('/units'));
    expect(text).toContain('属地落实分工');
    // own: 3 assignments, 3 red; rule-bound: 77, 42 of them red
    expect(text).toContain('南昌县人民政府 县区政府 3 3 0 0 0 77 42');
  });

  it("/tasks says how many of a task's overdue assignments are 属地落实", async () => {
    const text = pageText(await get('/tasks'));
    expect(text).toContain('其中属地落实逾期');
    // task (2): 市科技局 leads; the 14 rule-bound units are overdue with it
    expect(text).toContain('(2) 实施市级重大科技项目。 2025年前 15 0 0 0 14');
  });
});

describe('units that cannot be notified (app/contacts-check.ts directoryGaps)', () => {
  it('/units marks a unit without contacts 缺联系人 and names a group without members 待补充成员; the overview counts them', async () => {
    const p = s.db.prisma;
    expect(pageText(await get('/'))).not.toContain('无法接收通知');
    const unit = await p.unit.findUniqueOrThrow({ where: { name: '市工信局' }, include: { contacts: true } });
    await p.contact.deleteMany({ where: { unitId: unit.id } });
    const group = await p.unit.create({ data: { name: '各街道', kind: 'GROUP' } });
    try {
      const note =
        '2 个单位无法接收通知 ：缺联系人 1 个，待补充成员的单位组 1 个（各街道）；在单位页「联系人 修改」填写，或用 dubang units import 补充名录。';
      const overview = pageText(await get('/'));
      expect(overview).toContain(note);
      const units = pageText(await get('/units'));
      expect(units).toContain(note);
      expect(units).toMatch(/ 市工信局 缺联系人 市直部门 19 /);
      expect(units.match(/缺联系人/g)).toHaveLength(2); // the note and the one row
    } finally {
      await p.unit.delete({ where: { id: group.id } });
      await p.contact.createMany({ data: unit.contacts.map(({ id: _id, ...c }) => c) });
    }
    expect(pageText(await get('/units'))).not.toContain('缺联系人');
  });
});

describe('indicators bound to tasks', () => {
  /** the form of an assignment the unit has signed for (a report is offered only after 签收) */
  async function formOf(task: number, unit: string) {
    const found = await s.db.prisma.assignment.findFirstOrThrow({
      where: { task: { number: task }, unit: { name: unit } },
    });
    const a = await s.db.prisma.assignment.update({ where: { id: found.id }, data: { state: 'ACKNOWLEDGED' } });
    const { token } = s.links.sign(a.id);
    const r = await s.app.inject({ method: 'GET', url: `/f/${a.id}?t=${encodeURIComponent(token)}` });
    expect(r.statusCode).toBe(200);
    return { a, token, body: r.body };
  }

  it('the form of task (72) lists its two indicators, task (2) none', async () => {
    const { body } = await formOf(72, '市市场监管局');
    const offered = [...body.matchAll(/name="ind_(I\d+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(['I06', 'I07']);
    expect(pageText(body)).toContain('食品药品评价性抽检合格率');
    const none = await formOf(2, '市科技局');
    expect(none.body).not.toMatch(/name="ind_/);
  });

  it('refuses an indicator the task does not report, in Chinese, naming the ones it does; nothing reaches the lifecycle', async () => {
    const { a, token } = await formOf(72, '市市场监管局');
    const before = await s.db.prisma.report.count();
    const { post, page } = await submitForm(
      s.app,
      `/f/${a.id}/report`,
      { t: token, period: '2026Q4', text: '抽检进展', ind_I01: '9.5' },
      { origin: 'http://dubang.test' },
    );
    expect(post.statusCode).toBe(303);
    expect(pageText(page.body)).toContain(
      '指标代码「I01」不是本任务的指标，本次报告未保存。本任务可填报的指标为：I06 食品药品评价性抽检合格率、I07 制造业产品质量合格率。',
    );
    expect(s.applied).toEqual([]);
    expect(await s.db.prisma.report.count()).toBe(before);
  });

  it('the indicators page says 暂无数据 with no report, and which tasks report each indicator', async () => {
    const body = await get('/indicators');
    expect(body).not.toContain('id="chart-indicators"');
    const text = pageText(body);
    expect(text).toContain('暂无数据：还没有单位报送指标数值。');
    expect(text).toMatch(
      /I06 产品、工程、服务质量水平显著提升 食品药品评价性抽检合格率 稳定在98%以上（2025年） \(22\)\(72\) 暂无数据/,
    );
  });
});
