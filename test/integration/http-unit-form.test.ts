/**
 * Unit forms behind signed links, on the real stack (PostgreSQL, Temporal, the lifecycle workflows):
 * what a unit can do through its link, what is refused with the lifecycle's reason, and the link
 * attacks of docs/reliability.md rows 16–17 — forged, expired, revoked, cross-assignment links and
 * hostile input get 401/403/413/422, change nothing, and are logged.
 */
import { secondsPolicy } from '../../domain/policy/testing';
import { createLinkService } from '../../infra/links';
import { pageText } from './http-support/real-plan';
import {
  startHarness,
  submitForm,
  SECRET,
  PUBLIC_URL,
  signIn,
  OFFICE,
  tokenOf,
  type Harness,
  type Request,
} from './http-support/harness';

let h: Harness;
beforeAll(async () => {
  // every request comes from 127.0.0.1: the per-client budgets are raised here and tested on their own below
  h = await startHarness({
    web: { limits: { refusalAuditsPerClient: 10_000, refusalAuditsTotal: 10_000, linkRequestsPerMinute: 10_000 } },
  });
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});
const state = async (id: string) => (await h.db.prisma.assignment.findUniqueOrThrow({ where: { id } })).state;
const snapshot = async () => ({
  assignments: await h.db.prisma.assignment.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, state: true, dueAt: true, acknowledgedAt: true },
  }),
  reports: await h.db.prisma.report.count(),
  extensions: await h.db.prisma.extension.count(),
  lifecycleEvents: await h.db.prisma.auditEvent.count({ where: { NOT: { action: 'link.refused' } } }),
});
/** The period values the unit form offers, in order. */
const options = (body: string) =>
  [
    ...(/<select id="period" name="period">([\s\S]*?)<\/select>/.exec(body)?.[1] ?? '').matchAll(
      /<option value="([^"]+)"/g,
    ),
  ].map((m) => m[1]);
const refusals = () => h.db.prisma.auditEvent.count({ where: { action: 'link.refused' } });

/** A link as the Office or the mailer issues it (in the assignment's current epoch). */
async function link(
  assignmentId: string,
  opts: { now?: number; ttlMs?: number } = {},
): Promise<{ url: string; token: string; path: string }> {
  const { token, url } = await h.links.issue(assignmentId, opts);
  return { url, token, path: url.slice(PUBLIC_URL.length) };
}

describe('a unit through its own link', () => {
  it('an overdue assignment: the deadline reads without nested brackets, the state says 逾期 once', async () => {
    const at = Date.now() + 400 * 86_400_000; // 200 days past the harness deadlines
    const later = await h.buildApp({ clock: () => at });
    try {
      const l = await link(h.seeded.t2a, { now: at });
      const page = await later.inject({ method: 'GET', url: l.path });
      expect(page.statusCode).toBe(200);
      const text = pageText(page.body);
      expect(text).toMatch(/完成时限 2027年前（\d{4}年\d{1,2}月\d{1,2}日，星期[一二三四五六日]( \d{2}:\d{2})?） /);
      expect(text).not.toMatch(/星期.））/);
      expect(pageText(/<td id="state">[\s\S]*?<\/td>/.exec(page.body)![0]).trim()).toBe('已交办 逾期');
    } finally {
      await later.close();
    }
  });

  it('opens the form: task, unit, deadline and the actions', async () => {
    const l = await link(h.seeded.t1a);
    const res = await h.app.inject({ method: 'GET', url: l.path });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('测试任务1：推进质量基础设施建设');
    expect(res.body).toContain('市市场监管局（牵头）');
    expect(res.body).toContain('签收任务');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });

  it('acknowledges; a second acknowledgement is refused with the lifecycle reason and changes nothing', async () => {
    const l = await link(h.seeded.t1a);
    const ok = await submitForm(h.app, `/f/${h.seeded.t1a}/acknowledge`, { t: l.token });
    expect(ok.page.statusCode).toBe(200);
    expect(ok.page.body).toContain('已签收该任务。');
    expect(await state(h.seeded.t1a)).toBe('ACKNOWLEDGED');
    const ev = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: h.seeded.t1a, action: 'assignment.acknowledged' },
    });
    // the actor names the link the unit used (its jti), so a leaked link can be traced
    expect(ev.actor).toBe(`unit:${h.seeded.t1a}/link:${tokenOf(l.url).split('.')[3]}`);

    const before = await snapshot();
    const again = await h.app.inject({
      method: 'POST',
      url: `/f/${h.seeded.t1a}`,
      ...form({ t: l.token, action: 'acknowledge' }),
    });
    expect(again.statusCode).toBe(303);
    const shown = await h.app.inject({
      method: 'GET',
      url: again.headers.location!,
      headers: { cookie: `dubang_flash=${again.cookies.find((c) => c.name === 'dubang_flash')!.value}` },
    });
    expect(shown.body).toMatch(/市市场监管局已于\d{4}年\d{1,2}月\d{1,2}日（星期.） \d\d:\d\d签收该任务，无需重复签收/);
    expect(await snapshot()).toEqual(before);
  });

  it('submits a report with indicator values and evidence links; hostile text is stored as typed and shown escaped', async () => {
    const l = await link(h.seeded.t1a);
    const hostile = '完成调研<script>alert("x")</script><img src=x onerror=alert(1)>';
    const res = await submitForm(h.app, `/f/${h.seeded.t1a}/report`, {
      t: l.token,
      period: '2026Q4',
      text: hostile,
      percent: '40',
      ind_I01: '9.5',
      ind_I02: '88',
      evidenceLinks: 'https://example.gov.cn/a.pdf\nhttp://example.gov.cn/b?x=<b>',
    });
    expect(res.page.statusCode).toBe(200);
    expect(res.page.body).toContain('已报送2026年第四季度进展报告。');
    // the indicators read by name, on the form and in the reports list; the catalogue codes stay underneath
    const shown = pageText(res.page.body);
    expect(shown).toContain('数字经济核心产业增加值占GDP比重：9.5%');
    expect(shown).not.toMatch(/\bI0\d\b/);
    const r = await h.db.prisma.report.findFirstOrThrow({
      where: { assignmentId: h.seeded.t1a },
      include: { indicatorValues: { include: { indicator: true } } },
    });
    expect(r.text).toBe(hostile);
    expect(r.percent).toBe(40);
    expect(r.evidenceLinks).toEqual(['https://example.gov.cn/a.pdf', 'http://example.gov.cn/b?x=%3Cb%3E']);
    expect(r.indicatorValues.map((v) => [v.indicator.code, Number(v.value)]).sort()).toEqual([
      ['I01', 9.5],
      ['I02', 88],
    ]);
    expect(await state(h.seeded.t1a)).toBe('IN_PROGRESS');

    // Escaped on the unit's page, the Office's page and the task page; never live markup.
    const office = await signIn(h.app, OFFICE);
    for (const url of [l.path, `/assignments/${h.seeded.t1a}`, `/tasks/${h.seeded.tasks[1]}`, '/audit']) {
      const page = await h.app.inject({ method: 'GET', url, headers: { cookie: office.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('<script>alert');
      expect(page.body).not.toContain('<img src=x');
    }
    const unitPage = await h.app.inject({ method: 'GET', url: l.path });
    expect(unitPage.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('refuses hostile or malformed report input with the field named, storing nothing', async () => {
    const l = await link(h.seeded.t2a);
    await submitForm(h.app, `/f/${h.seeded.t2a}/acknowledge`, { t: l.token });
    const before = await snapshot();
    const cases: [Record<string, string>, RegExp][] = [
      [{ period: '2026Q4', text: 'x', evidenceLinks: 'javascript:alert(1)' }, /只能是 http:\/\/ 或 https:\/\//],
      [{ period: '2026Q4', text: 'x', evidenceLinks: 'data:text/html,<script>' }, /只能是 http/],
      [{ period: '2026Q4', text: 'bad\u0000byte' }, /控制字符/],
      [{ period: '2026Q9', text: 'x' }, /报告期「2026Q9」格式不对/],
      [{ period: '2026Q4', text: '   ' }, /进展情况不能为空/],
      [{ period: '2026Q4', text: 'x', percent: '101' }, /0 到 100/],
      [
        { period: '2026Q4', text: 'x', ind_I01: '1e400' },
        /指标「数字经济核心产业增加值占GDP比重」的数值「1e400」应为数字/,
      ],
      [{ period: '2026Q4', text: 'x', 'ind_<b>': '1' }, /指标代码/],
    ];
    for (const [fields, reason] of cases) {
      const res = await submitForm(h.app, `/f/${h.seeded.t2a}/report`, { t: l.token, ...fields });
      expect(res.post.statusCode).toBe(303);
      expect(res.page.body).toMatch(reason);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an oversized body with 413 and changes nothing', async () => {
    const l = await link(h.seeded.t2a);
    const before = await snapshot();
    const res = await h.app.inject({
      method: 'POST',
      url: `/f/${h.seeded.t2a}/report`,
      ...form({ t: l.token, period: '2026Q4', text: '长'.repeat(40_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('提交的内容过大');
    const json = await h.app.inject({
      method: 'POST',
      url: `/api/unit/${h.seeded.t2a}/report`,
      headers: { authorization: `Bearer ${l.token}` },
      payload: { period: '2026Q4', text: 'x'.repeat(200_000) },
    });
    expect(json.statusCode).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('requests an extension: a date before the current deadline is refused with the reason; a later one is recorded', async () => {
    const l = await link(h.seeded.t2a);
    const early = await submitForm(h.app, `/f/${h.seeded.t2a}/extension`, {
      t: l.token,
      newDueAt: '2026-01-01',
      reason: '需要更多时间',
    });
    expect(early.page.body).toMatch(/新的完成时限应晚于现在的时限\d{4}年\d{1,2}月\d{1,2}日/);
    // what the unit typed is still in the form
    expect(early.page.body).toContain('需要更多时间</textarea>');
    const ok = await submitForm(h.app, `/f/${h.seeded.t2a}/extension`, {
      t: l.token,
      newDueAt: '2029-06-30',
      reason: '配套资金年底到位',
    });
    expect(ok.page.body).toContain('已提交延期申请');
    expect(await state(h.seeded.t2a)).toBe('EXTENSION_REQUESTED');
    const ext = await h.db.prisma.extension.findFirstOrThrow({ where: { assignmentId: h.seeded.t2a } });
    expect(ext.requestedDueAt.toISOString()).toBe('2029-06-30T15:59:59.999Z');
  });

  it('a standing task cannot be closed: the lifecycle reason is shown', async () => {
    const l = await link(h.seeded.t3a);
    await submitForm(h.app, `/f/${h.seeded.t3a}/acknowledge`, { t: l.token });
    const res = await submitForm(h.app, `/f/${h.seeded.t3a}/completion`, { t: l.token });
    expect(res.page.body).toContain('长期任务持续推进，不设销号');
    // and the form no longer offers it
    expect(res.page.body).not.toContain('id="request-completion"');
  });

  it('offers the periods the policy asks for: on 2027-01-05 the late 2026Y summary too; each one offered is accepted', async () => {
    // the server's clock only: the lifecycle keeps real time, and its validator takes any well-formed period
    const jan5 = await h.buildApp({ clock: () => Date.parse('2027-01-05T10:00:00+08:00') });
    try {
      const l = await link(h.seeded.t3a);
      const page = await jan5.inject({ method: 'GET', url: l.path });
      expect(page.statusCode).toBe(200);
      expect(options(page.body)).toEqual(['2026Q4', '2026Y', '2027Q1', '2027Y']);
      expect(page.body).toContain('2026年度总结（已逾期，应于2026年12月10日前报送）');
      expect(page.body).toContain('2026年第四季度（请于2027年1月10日前报送）');
      const json = await jan5.inject({
        method: 'GET',
        url: `/api/unit/${h.seeded.t3a}`,
        headers: { authorization: `Bearer ${l.token}` },
      });
      expect(json.json().periods.map((p: { value: string; status: string }) => [p.value, p.status])).toEqual([
        ['2026Q4', 'due'],
        ['2026Y', 'overdue'],
        ['2027Q1', 'open'],
        ['2027Y', 'open'],
      ]);
      const res = await submitForm(jan5, `/f/${h.seeded.t3a}/report`, {
        t: l.token,
        period: '2026Q4',
        text: '第四季度进展',
      });
      expect(res.page.body).toContain('已报送2026年第四季度进展报告。');
      expect(options(res.page.body)).toEqual(['2026Y', '2027Q1', '2027Y']);
    } finally {
      await jan5.close();
    }
  });

  it('under a policy of fixed-length periods the form offers P1, P2 … and the lifecycle accepts them', async () => {
    // periods count from when supervision started (the harness's supervise start), not from the row's creation
    const created = (
      await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t1a } })
    ).supervisedFrom!.getTime();
    // 20 s periods due 5 s after their end: 61 s after supervision started P3 is due, P1 and P2 are late, P4 runs
    const rolling = await h.buildApp({ policy: secondsPolicy(), holidayOverride: null, clock: () => created + 61_000 });
    try {
      const l = await link(h.seeded.t1a);
      expect(options((await rolling.inject({ method: 'GET', url: l.path })).body)).toEqual(['P3', 'P2', 'P1', 'P4']);
      const res = await submitForm(rolling, `/f/${h.seeded.t1a}/report`, {
        t: l.token,
        period: 'P3',
        text: '第3期进展',
      });
      expect(res.page.body).toContain('已报送P3进展报告。');
      expect(options(res.page.body)).toEqual(['P2', 'P1', 'P4']);
      expect(await h.db.prisma.report.count({ where: { assignmentId: h.seeded.t1a, period: 'P3' } })).toBe(1);
    } finally {
      await rolling.close();
    }
  });

  it('has a JSON twin with the token as a bearer credential', async () => {
    const l = await link(h.seeded.t3a);
    const get = await h.app.inject({
      method: 'GET',
      url: `/api/unit/${h.seeded.t3a}`,
      headers: { authorization: `Bearer ${l.token}` },
    });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({
      assignment: { unit: '市市场监管局', state: 'ONGOING' },
      task: { number: 3, kind: 'standing' },
    });
    expect(get.json().actions).toEqual({
      acknowledge: {
        ok: false,
        code: 'ALREADY_ACKNOWLEDGED',
        reason: expect.stringMatching(
          /^市市场监管局已于\d{4}年\d{1,2}月\d{1,2}日（星期.） \d\d:\d\d签收该任务，无需重复签收$/,
        ),
      },
      submitReport: { ok: true },
      requestCompletion: { ok: false, code: 'STANDING_TASK', reason: '长期任务持续推进，不设销号；请按期报送年度总结' },
      requestExtension: { ok: false, code: 'STANDING_TASK', reason: '长期任务没有完成时限，无需申请延期' },
    });
    const post = await h.app.inject({
      method: 'POST',
      url: `/api/unit/${h.seeded.t3a}/report`,
      headers: { authorization: `Bearer ${l.token}` },
      payload: { period: '2026Y', text: '年度总结', indicatorValues: { I01: 10.2 } },
    });
    expect(post.statusCode).toBe(200);
    const dup = await h.app.inject({
      method: 'POST',
      url: `/api/unit/${h.seeded.t3a}/report`,
      headers: { authorization: `Bearer ${l.token}` },
      payload: { period: '2026Y', text: '再报一次' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toEqual({ error: '市市场监管局已报送 2026Y 的进展报告', code: 'DUPLICATE' });
  });
});

describe('link attacks (docs/reliability.md row 16): refused, nothing changes, logged', () => {
  async function expectRefused(req: Request, status: number, code: string) {
    const before = await snapshot();
    const n = await refusals();
    const logs = h.logLines.length;
    const res = await h.app.inject(req);
    expect(res.statusCode).toBe(status);
    expect(await snapshot()).toEqual(before);
    expect(await refusals()).toBe(n + 1);
    const logged = h.logLines.slice(logs).map((l) => JSON.parse(l) as { msg: string; code?: string; level: string });
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'unit link refused', code, level: 'warn' }));
    const ev = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'link.refused' },
      orderBy: { id: 'desc' },
    });
    expect(ev.data).toMatchObject({ code });
    return res;
  }

  it('a forged signature gets 401 (GET and POST, HTML and JSON)', async () => {
    const l = await link(h.seeded.t1b);
    const parts = l.token.split('.');
    const sig = parts[7]!;
    parts[7] = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const forged = parts.join('.');
    const page = await expectRefused(
      { method: 'GET', url: `/f/${h.seeded.t1b}?t=${encodeURIComponent(forged)}` },
      401,
      'BAD_SIGNATURE',
    );
    expect(page.body).toContain('链接校验失败');
    await expectRefused(
      { method: 'POST', url: `/f/${h.seeded.t1b}/acknowledge`, ...form({ t: forged }) },
      401,
      'BAD_SIGNATURE',
    );
    await expectRefused(
      {
        method: 'POST',
        url: `/api/unit/${h.seeded.t1b}/acknowledge`,
        headers: { authorization: `Bearer ${forged}` },
        payload: {},
      },
      401,
      'BAD_SIGNATURE',
    );
    expect(await state(h.seeded.t1b)).toBe('ASSIGNED');
  });

  it('a token signed with another key, or with its expiry stretched, gets 401', async () => {
    const other = createLinkService({
      db: h.db.prisma,
      secret: 'another-secret-0123456789abcdef',
      publicUrl: PUBLIC_URL,
    });
    const foreign = other.sign(h.seeded.t1b).token;
    await expectRefused(
      { method: 'POST', url: `/f/${h.seeded.t1b}/acknowledge`, ...form({ t: foreign }) },
      401,
      'BAD_SIGNATURE',
    );
    const parts = (await link(h.seeded.t1b)).token.split('.');
    parts[5] = (Date.now() + 10 * 365 * 86_400_000).toString(36); // v2.<kid>.<id>.<jti>.<iat>.<exp>.<epoch>.<mac>
    await expectRefused(
      { method: 'POST', url: `/f/${h.seeded.t1b}/acknowledge`, ...form({ t: parts.join('.') }) },
      401,
      'BAD_SIGNATURE',
    );
  });

  it('an expired link gets 401 with the reason', async () => {
    const expired = await link(h.seeded.t1b, { now: Date.now() - 10 * 86_400_000, ttlMs: 86_400_000 });
    const res = await expectRefused(
      { method: 'POST', url: `/f/${h.seeded.t1b}/acknowledge`, ...form({ t: expired.token }) },
      401,
      'EXPIRED',
    );
    expect(res.body).toContain('链接已过期');
  });

  it('a missing or malformed token gets 401', async () => {
    await expectRefused({ method: 'GET', url: `/f/${h.seeded.t1b}` }, 401, 'MALFORMED');
    await expectRefused({ method: 'GET', url: `/f/${h.seeded.t1b}?t=${'x'.repeat(1000)}` }, 401, 'MALFORMED');
    await expectRefused(
      { method: 'GET', url: `/api/unit/${h.seeded.t1b}`, headers: { authorization: 'Bearer v1.a.b.c.d.e' } },
      401,
      'MALFORMED',
    );
  });

  it("another assignment's link gets 403 (same unit's other task, and another unit's)", async () => {
    const mine = await link(h.seeded.t2a);
    const res = await expectRefused(
      { method: 'GET', url: `/f/${h.seeded.t1b}?t=${encodeURIComponent(mine.token)}` },
      403,
      'WRONG_ASSIGNMENT',
    );
    expect(res.body).toContain('该链接不属于这项任务分工');
    await expectRefused(
      { method: 'POST', url: `/f/${h.seeded.t1b}/acknowledge`, ...form({ t: mine.token }) },
      403,
      'WRONG_ASSIGNMENT',
    );
    await expectRefused(
      {
        method: 'POST',
        url: `/api/unit/${h.seeded.t1b}/report`,
        headers: { authorization: `Bearer ${mine.token}` },
        payload: { period: '2026Q4', text: 'x' },
      },
      403,
      'WRONG_ASSIGNMENT',
    );
    expect(await state(h.seeded.t1b)).toBe('ASSIGNED');
  });

  it('a link replayed after revocation gets 403; a fresh link works; revoking one jti leaves the others', async () => {
    const office = await signIn(h.app, OFFICE);
    const first = await link(h.seeded.t1b, { now: Date.now() - 1000 });
    expect((await h.app.inject({ method: 'GET', url: first.path })).statusCode).toBe(200);
    const revoke = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1b}/links/revoke`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '联络员更换' },
    });
    expect(revoke.statusCode).toBe(200);
    const res = await expectRefused(
      { method: 'POST', url: `/f/${h.seeded.t1b}/acknowledge`, ...form({ t: first.token }) },
      403,
      'REVOKED',
    );
    expect(res.body).toContain('该链接已被撤销');

    await new Promise((r) => setTimeout(r, 5));
    const issued = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1b}/links`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: {},
    });
    expect(issued.statusCode).toBe(200);
    const fresh = issued.json() as { url: string; jti: string };
    expect(fresh.url.startsWith(`${PUBLIC_URL}/f/${h.seeded.t1b}?t=`)).toBe(true);
    const other = await link(h.seeded.t1b);
    const one = await h.app.inject({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1b}/links/revoke`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { jti: fresh.jti },
    });
    expect(one.statusCode).toBe(200);
    await expectRefused(
      { method: 'GET', url: `/f/${h.seeded.t1b}?t=${encodeURIComponent(tokenOf(fresh.url))}` },
      403,
      'REVOKED',
    );
    const ok = await submitForm(h.app, `/f/${h.seeded.t1b}/acknowledge`, { t: other.token });
    expect(ok.page.body).toContain('已签收该任务。');
    expect(await state(h.seeded.t1b)).toBe('ACKNOWLEDGED');
  });

  it('a cross-site form post with a valid token is refused by Origin', async () => {
    const l = await link(h.seeded.t1b);
    const before = await snapshot();
    const res = await h.app.inject({
      method: 'POST',
      url: `/f/${h.seeded.t1b}/completion`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: `t=${encodeURIComponent(l.token)}`,
    });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('the link in a notice is signed for that notice and verifies (jti = notice id)', async () => {
    const url = (await h.links.linkFor({ id: '0f0e0d0c-0b0a-4908-8706-050403020100', assignmentId: h.seeded.t1a }))!;
    expect(url).toMatch(
      new RegExp(
        `^${PUBLIC_URL}/f/${h.seeded.t1a}\\?t=v2\\.k1\\.${h.seeded.t1a}\\.0f0e0d0c-0b0a-4908-8706-050403020100\\.`,
      ),
    );
    expect(await h.links.verify(tokenOf(url), h.seeded.t1a)).toMatchObject({ ok: true });
    expect(SECRET.length).toBeGreaterThan(16);
  });
});
