/**
 * The unit workspace (本单位督办事项) behind its signed link, on the real stack (PostgreSQL, Temporal,
 * the lifecycle workflows): what the unit sees, batch 签收, one 进展报送 form for a period with a
 * draft and a refusal kept, the letter's read receipt, each task's own form, and the link refused
 * for another unit, forged, or after the unit's links were revoked. `dubang units link` prints a
 * link that opens the page.
 */
import { catchUpUnitScope } from '../../domain/notices';
import { issueWorkspaceLink, revokeUnitLinks } from '../../app/links';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { pageText } from './http-support/real-plan';
import { startHarness, submitForm, signIn, OFFICE, SECRET, PUBLIC_URL, type Harness } from './http-support/harness';
import { runCli } from '../helpers/services';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    web: { limits: { refusalAuditsPerClient: 10_000, refusalAuditsTotal: 10_000, linkRequestsPerMinute: 10_000 } },
  });
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

const planId = async () => (await h.db.prisma.plan.findUniqueOrThrow({ where: { slug: h.seeded.planSlug } })).id;
const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
const deps = () => ({
  db: h.db.prisma,
  links: h.links,
  notify: createOutboxNotificationPort(h.db.prisma),
  clock: Date.now,
});
/** A letter to the unit's liaison, as the mailer records it once sent; its workspace link names it. */
async function letter(unitId: string) {
  const pid = await planId();
  const l = await h.db.prisma.letter.create({
    data: { unitId, planId: pid, email: 'liaison@a.test', sendAt: new Date(), closedAt: new Date() },
  });
  return { letter: l, url: path(await h.links.workspaceFor({ unitId, planId: pid, letterId: l.id })) };
}
const ack = async (id: string) =>
  (await h.db.prisma.assignment.findUniqueOrThrow({ where: { id } })).acknowledgedAt !== null;

describe('unit workspace', () => {
  it("shows the unit's tasks, records the letter's read receipt once, and signs for selected or all tasks", async () => {
    const { letter: l, url } = await letter(h.seeded.units.a);
    const page = await h.app.inject({ method: 'GET', url });
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('本单位督办事项');
    expect(text).toContain('市市场监管局 · 《测试质量强市方案》');
    expect(text).toContain('共3项任务（牵头3项）');
    expect(text).toContain('待签收3项');
    expect(text).toContain('全部签收（3项）');
    // the unit's own rows only: 市工信局's share of task 1 is not listed
    expect(page.body.match(/<tr id="row-/g)).toHaveLength(3);
    expect(page.body).not.toContain(h.seeded.t1b);

    const read = await h.db.prisma.letter.findUniqueOrThrow({ where: { id: l.id } });
    expect(read.readAt).not.toBeNull();
    await h.app.inject({ method: 'GET', url });
    expect((await h.db.prisma.letter.findUniqueOrThrow({ where: { id: l.id } })).readAt).toEqual(read.readAt);
    const events = await h.db.prisma.auditEvent.findMany({ where: { action: 'letter.read', entityId: l.id } });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ email: 'liaison@a.test' });

    const t = new URL(url, PUBLIC_URL).searchParams.get('t')!;
    const action = url.replace(/\?.*$/, '');
    // one selected task
    const one = await submitForm(h.app, action, { t, action: 'acknowledge', a: h.seeded.t2a });
    expect(one.post.statusCode).toBe(303);
    expect(pageText(one.page.body)).toContain('已签收1项任务（(2)）。');
    expect(pageText(one.page.body)).toContain('待签收2项');
    expect(await ack(h.seeded.t2a)).toBe(true);
    expect(await ack(h.seeded.t1a)).toBe(false);
    // nothing chosen: said so, nothing changes
    const none = await submitForm(h.app, action, { t, action: 'acknowledge' });
    expect(pageText(none.page.body)).toContain('请勾选要签收的任务，或点击「全部签收」。');
    // all the rest at once
    const all = await submitForm(h.app, action, { t, action: 'acknowledge', all: '1' });
    expect(pageText(all.page.body)).toContain('已签收2项任务（(1)(3)）。');
    expect(pageText(all.page.body)).not.toContain('全部签收（');
    expect(pageText(all.page.body)).toContain('已全部签收');
    expect(await ack(h.seeded.t1a)).toBe(true);
    expect(await ack(h.seeded.t3a)).toBe(true);
    // every acknowledgement is the lifecycle's, audited with the letter's link
    const acks = await h.db.prisma.auditEvent.findMany({
      where: { action: 'assignment.acknowledged', assignmentId: { in: [h.seeded.t1a, h.seeded.t2a, h.seeded.t3a] } },
    });
    expect(acks).toHaveLength(3);
    for (const e of acks) expect(e.actor).toBe(`unit:${e.assignmentId}/link:${l.id}`);
    // signing again for a task already signed is the lifecycle's refusal, with its reason
    const again = await submitForm(h.app, action, { t, action: 'acknowledge', a: h.seeded.t1a });
    expect(pageText(again.page.body)).toMatch(/1项未能签收：任务\(1\)：.+/);
  });

  it('one form reports a period for several tasks: a draft is kept, each filled task becomes its own report, a refused one stays with its reason', async () => {
    const { url } = await letter(h.seeded.units.a);
    const t = new URL(url, PUBLIC_URL).searchParams.get('t')!;
    const action = url.replace(/\?.*$/, '');
    const page = await h.app.inject({ method: 'GET', url });
    // the form of a period that tasks 1 and 2 owe
    const forms = [...page.body.matchAll(/<section class="card ws-report" id="report-([^"]+)">([\s\S]*?)<\/section>/g)];
    const f = forms.find((m) => m[2]!.includes(`text_${h.seeded.t1a}`) && m[2]!.includes(`text_${h.seeded.t2a}`));
    expect(f).toBeDefined();
    const period = f![1]!;
    expect(f![2]).toMatch(/进展报送（\d+项）/);

    const draft = await submitForm(h.app, action, {
      t,
      action: 'report',
      period,
      op: 'draft',
      [`text_${h.seeded.t1a}`]: '草稿：已完成计量站点布局方案',
      [`percent_${h.seeded.t1a}`]: '30',
    });
    expect(pageText(draft.page.body)).toContain('进展报告草稿（1项任务），尚未提交。');
    expect(draft.page.body).toContain('草稿：已完成计量站点布局方案');
    expect(await h.db.prisma.report.count({ where: { period } })).toBe(0);

    const sent = await submitForm(h.app, action, {
      t,
      action: 'report',
      period,
      op: 'submit',
      [`text_${h.seeded.t1a}`]: '已完成计量站点布局方案，进入建设阶段',
      [`percent_${h.seeded.t1a}`]: '40',
      [`evidence_${h.seeded.t1a}`]: 'https://example.gov.cn/a.pdf',
      [`text_${h.seeded.t2a}`]: '标准化试点推进中',
      [`percent_${h.seeded.t2a}`]: '150',
    });
    const text = pageText(sent.page.body);
    expect(text).toMatch(/已报送.+进展报告1项（\(1\)）。/);
    expect(text).toContain('1项未能报送（(2)），原因见各项，填写的内容已保留为草稿。');
    expect(text).toContain('未能报送：完成进度应为 0 到 100 之间的整数');
    // the refused task keeps what was typed; the reported one is no longer in the form
    expect(sent.page.body).toContain('标准化试点推进中');
    const reports = await h.db.prisma.report.findMany({ where: { period } });
    expect(reports.map((r) => [r.assignmentId, r.text, r.percent])).toEqual([
      [h.seeded.t1a, '已完成计量站点布局方案，进入建设阶段', 40],
    ]);
    expect(reports[0]!.evidenceLinks).toEqual(['https://example.gov.cn/a.pdf']);
    expect(await h.db.prisma.reportDraft.count({ where: { assignmentId: h.seeded.t1a, period } })).toBe(0);

    // fixed and sent again: the draft is gone, and the period is no longer owed by task 2
    const fixed = await submitForm(h.app, action, {
      t,
      action: 'report',
      period,
      op: 'submit',
      [`text_${h.seeded.t2a}`]: '标准化试点推进中',
      [`percent_${h.seeded.t2a}`]: '50',
    });
    expect(pageText(fixed.page.body)).toMatch(/已报送.+进展报告1项（\(2\)）。/);
    expect(await h.db.prisma.report.count({ where: { period } })).toBe(2);
    expect(await h.db.prisma.reportDraft.count({ where: { period } })).toBe(0);
  });

  it("each task's own form opens from the workspace; another unit's task does not", async () => {
    const { url } = await letter(h.seeded.units.a);
    const [p, q] = url.split('?');
    const own = await h.app.inject({ method: 'GET', url: `${p}/f/${h.seeded.t1a}?${q}` });
    expect(own.statusCode).toBe(303);
    const form = await h.app.inject({ method: 'GET', url: path(own.headers.location!) });
    expect(form.statusCode).toBe(200);
    expect(pageText(form.body)).toContain('任务(1) · 市市场监管局（牵头）');
    const other = await h.app.inject({ method: 'GET', url: `${p}/f/${h.seeded.t1b}?${q}` });
    expect(other.statusCode).toBe(403);
    expect(pageText(other.body)).toContain('该任务分工不属于本单位的督办事项');
  });

  it("is refused for another unit, when forged, and after the unit's links are revoked; the refusal changes nothing and is audited", async () => {
    const pid = await planId();
    const { url } = await letter(h.seeded.units.a);
    const [, q] = url.split('?');
    const otherUnit = await h.app.inject({ method: 'GET', url: `/u/${h.seeded.units.b}/${pid}?${q}` });
    expect(otherUnit.statusCode).toBe(403);
    expect(pageText(otherUnit.body)).toContain('该链接不属于这个单位的督办事项');
    const forged = await h.app.inject({ method: 'GET', url: url.slice(0, -3) + 'AAA' });
    expect(forged.statusCode).toBe(401);
    const before = await h.db.prisma.auditEvent.count({ where: { action: 'link.refused', unitId: h.seeded.units.b } });
    expect(before).toBeGreaterThan(0);

    const r = await revokeUnitLinks(deps(), { unitId: h.seeded.units.a, actor: 'office:duban@office.test' });
    expect(r.ok).toBe(true);
    const revoked = await h.app.inject({ method: 'GET', url });
    expect(revoked.statusCode).toBe(403);
    expect(pageText(revoked.body)).toContain('该链接已被撤销');
    const fresh = await issueWorkspaceLink(deps(), { unit: '市市场监管局', actor: 'office:duban@office.test' });
    expect(fresh.ok).toBe(true);
    expect((await h.app.inject({ method: 'GET', url: path((fresh as { url: string }).url) })).statusCode).toBe(200);
  });

  it('`dubang units link` prints a link that opens the unit workspace, and names what is wrong otherwise', () => {
    const env = { DATABASE_URL: h.db.url, LINK_SECRET: SECRET, PUBLIC_URL, LINK_KEY_ID: 'k1' };
    const ok = runCli(['units', 'link', '市市场监管局'], env);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(
      /^市市场监管局（方案 h[0-9a-z]+）本单位督办事项链接，\d{4}年\d{1,2}月\d{1,2}日前有效：\n/,
    );
    const url = /http:\/\/dubang\.test(\/u\/\S+)/.exec(ok.stdout)![1]!;
    return h.app.inject({ method: 'GET', url }).then((page) => {
      expect(page.statusCode).toBe(200);
      const missing = runCli(['units', 'link', '市不存在局'], env);
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toContain('没有名为「市不存在局」的单位');
    });
  });

  it("the Office sees the unit's letters with read and sign state, makes a workspace link, and resends a letter (a new notice, audited)", async () => {
    const unitId = h.seeded.units.a;
    const { letter: l } = await letter(unitId);
    // the letter went: its notice delivered (as the mailer records it)
    const n = await h.db.prisma.notice.create({
      data: {
        key: `letter-${l.id}`,
        kind: 'unit_letter',
        scope: `letter-${l.id}`,
        dueAt: new Date(),
        payload: {},
        status: 'SENT',
      },
    });
    await h.db.prisma.delivery.create({ data: { noticeId: n.id, status: 'SENT', attempts: 1, sentAt: new Date() } });
    await h.db.prisma.letter.update({ where: { id: l.id }, data: { noticeId: n.id } });
    const office = await signIn(h.app, OFFICE);
    const page = await h.app.inject({ method: 'GET', url: `/units/${unitId}`, headers: { cookie: office.cookie } });
    const text = pageText(page.body);
    expect(text).toContain('督办函');
    expect(page.body).toContain(`data-letter="${l.id}"`);
    const row = pageText(
      /<tr data-letter="[^"]+">[\s\S]*?<\/tr>/.exec(
        page.body.slice(page.body.indexOf(`data-letter="${l.id}"`) - 20),
      )![0],
    );
    expect(row).toContain('liaison@a.test');
    expect(row).toContain('未读');
    expect(row).toContain('已发送');
    // per task: the assignment's page lists the letters that carried its notices, read or not
    const item = await h.db.prisma.notice.create({
      data: {
        key: `item-${l.id}`,
        kind: 'report_reminder',
        assignmentId: h.seeded.t1a,
        dueAt: new Date(),
        payload: {},
        status: 'SENT',
      },
    });
    await h.db.prisma.letterItem.create({ data: { letterId: l.id, noticeId: item.id } });
    const own = await h.app.inject({
      method: 'GET',
      url: `/assignments/${h.seeded.t1a}`,
      headers: { cookie: office.cookie },
    });
    const section = pageText(/<section class="card" id="assignment-letters">[\s\S]*?<\/section>/.exec(own.body)![0]);
    expect(section).toContain('该分工的通知随市市场监管局的督办函发出；已签收。');
    expect(section).toContain('liaison@a.test');
    expect(section).toContain('报告提醒');
    expect(section).toContain('未读');
    // the unit's catch-up letter that lists the task among its overdue items is one of them; the
    // Office's summary letter (督办汇总) that also carried the notice is not (it has no link to read)
    const pid = await planId();
    const catchUp = await h.db.prisma.letter.create({
      data: { unitId, planId: pid, email: 'leader@a.test', sendAt: new Date(), closedAt: new Date() },
    });
    const overdue = await h.db.prisma.notice.create({
      data: {
        key: `catchup-${catchUp.id}`,
        kind: 'catchup_unit',
        scope: catchUpUnitScope(h.seeded.planSlug, unitId),
        dueAt: new Date(),
        payload: { unit: '市市场监管局', items: [{ task: 1, assignmentId: h.seeded.t1a, slipNumber: null }] },
        status: 'SENT',
      },
    });
    await h.db.prisma.letterItem.create({ data: { letterId: catchUp.id, noticeId: overdue.id } });
    const summary = await h.db.prisma.letter.create({
      data: {
        unitId: h.seeded.units.office,
        planId: pid,
        email: 'office@office.test',
        sendAt: new Date(),
        closedAt: new Date(),
        central: true,
      },
    });
    await h.db.prisma.letterItem.create({ data: { letterId: summary.id, noticeId: item.id } });
    const both = await h.app.inject({
      method: 'GET',
      url: `/assignments/${h.seeded.t1a}`,
      headers: { cookie: office.cookie },
    });
    const listed = pageText(/<section class="card" id="assignment-letters">[\s\S]*?<\/section>/.exec(both.body)![0]);
    expect(listed).toContain('leader@a.test');
    expect(listed).toContain('逾期事项汇总通知');
    expect(listed).not.toContain('office@office.test');
    // the Office's own page lists its summary letter, with no read receipt or signature to wait for
    const officePage = await h.app.inject({
      method: 'GET',
      url: `/units/${h.seeded.units.office}`,
      headers: { cookie: office.cookie },
    });
    const summaryRow = pageText(
      /<tr data-letter="[^"]+">[\s\S]*?<\/tr>/.exec(
        officePage.body.slice(officePage.body.indexOf(`data-letter="${summary.id}"`) - 20),
      )![0],
    );
    expect(summaryRow).toContain('督办汇总（不含链接）');
    expect(summaryRow).not.toContain('未读');

    const made = await submitForm(
      h.app,
      `/units/${unitId}/workspace-link`,
      { _csrf: office.csrf },
      { cookie: office.cookie },
    );
    expect(made.post.statusCode).toBe(303);
    const said = pageText(made.page.body);
    expect(said).toMatch(
      /已生成市市场监管局本单位督办事项链接（方案 h[0-9a-z]+，\d{4}年\d{1,2}月\d{1,2}日前有效），请转交该单位：/,
    );
    const url = /(\/u\/[0-9a-f-]+\/[0-9a-f-]+\?t=\S+)/.exec(said)![1]!;
    expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(200);

    const resent = await submitForm(
      h.app,
      `/units/${unitId}/letters/${l.id}/resend`,
      { _csrf: office.csrf },
      { cookie: office.cookie },
    );
    expect(pageText(resent.page.body)).toContain('已重发督办函至 liaison@a.test（新的通知已登记，稍后发出）。');
    const copy = await h.db.prisma.letter.findFirstOrThrow({ where: { resendOf: l.id } });
    const notice = await h.db.prisma.notice.findUniqueOrThrow({ where: { id: copy.noticeId! } });
    expect(notice.kind).toBe('unit_letter');
    expect(notice.payload).toMatchObject({ letterId: copy.id, resendOf: l.id, recipient: 'liaison@a.test' });
    const audited = await h.db.prisma.auditEvent.findMany({ where: { action: 'letter.resent', entityId: copy.id } });
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actor).toBe(`office:${OFFICE.email}`);
    // a letter of another unit cannot be resent from this unit's page
    const stranger = await submitForm(
      h.app,
      `/units/${h.seeded.units.b}/letters/${l.id}/resend`,
      { _csrf: office.csrf },
      { cookie: office.cookie },
    );
    expect(pageText(stranger.page.body)).toContain('这封督办函尚未发出或不存在，无需重发。');
  });
});
