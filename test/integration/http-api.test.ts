/**
 * The HTTP API and dashboard on the real stack: sign-in, sessions, permissions (leadership is
 * read-only), CSRF and Origin checks, every read route for both roles, the Office's decisions
 * through the lifecycle, contacts editing, traffic lights, health and metrics — and a check that
 * every registered route was exercised and every /api route is in the OpenAPI document.
 */
import {
  startHarness,
  signIn,
  submitForm,
  OFFICE,
  LEADER,
  PUBLIC_URL,
  type Harness,
  type Reply,
  type Request,
  type TestClient,
} from './http-support/harness';

let h: Harness;
const hit = new Set<string>();

beforeAll(async () => {
  h = await startHarness();
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

/** Requests through the app, remembering which route patterns were exercised. */
async function call(r: Request, app: TestClient = h.app): Promise<Reply> {
  const res = await app.inject(r);
  const path = r.url.split('?')[0]!;
  const route = app.routeList.find(
    (x) =>
      x.method === r.method && new RegExp(`^${x.url.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`).test(path),
  );
  if (route) hit.add(`${route.method} ${route.url}`);
  return res;
}

describe('sign-in and sessions', () => {
  it('refuses unauthenticated reads: 401 for the API, a redirect to the login page for the dashboard', async () => {
    expect((await call({ method: 'GET', url: '/api/tasks' })).statusCode).toBe(401);
    const page = await call({ method: 'GET', url: '/tasks?light=red' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Ftasks%3Flight%3Dred');
    const login = await call({ method: 'GET', url: '/login' });
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('督办平台登录');
  });

  it('signs in with the directory hash; wrong passwords and unit contacts are refused alike', async () => {
    expect(
      (
        await call({
          method: 'POST',
          url: '/api/session',
          payload: { email: OFFICE.email, password: 'wrong-password' },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await call({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'liaison@a.test', password: 'unit-password-1' },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await call({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'nobody@x.test', password: 'whatever-123' },
        })
      ).statusCode,
    ).toBe(401);
    const { res, cookie, csrf } = await signIn(h.app, OFFICE);
    expect(res.json()).toMatchObject({ email: OFFICE.email, role: 'office', name: '督办员' });
    const raw = res.cookies.find((c) => c.name === 'dubang_sid')!.raw;
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    const me = await call({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ role: 'office', csrfToken: csrf });
    // The stored session id is a digest, not the cookie's secret.
    const secret = cookie.split('=')[1]!;
    expect(await h.db.prisma.webSession.count({ where: { id: secret } })).toBe(0);
  });

  it('the HTML login form needs its own CSRF token, then redirects to a same-site `next` only', async () => {
    const page = await call({ method: 'GET', url: '/login?next=//evil.example/x' });
    const lcsrf = page.cookies.find((c) => c.name === 'dubang_lcsrf')!.value;
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    expect(page.body).toContain('name="next" value="/"');
    const noToken = await call({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `dubang_lcsrf=${lcsrf}` },
      payload: new URLSearchParams({ email: OFFICE.email, password: OFFICE.password }).toString(),
    });
    expect(noToken.statusCode).toBe(403);
    const ok = await call({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `dubang_lcsrf=${lcsrf}` },
      payload: new URLSearchParams({
        _csrf: token,
        email: OFFICE.email,
        password: OFFICE.password,
        next: '/units',
      }).toString(),
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/units');
    const sid = ok.cookies.find((c) => c.name === 'dubang_sid')!.value;
    // sign out through the form (needs the session's CSRF token)
    const home = await call({ method: 'GET', url: '/', headers: { cookie: `dubang_sid=${sid}` } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1]!;
    const out = await call({
      method: 'POST',
      url: '/logout',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `dubang_sid=${sid}` },
      payload: `_csrf=${csrf}`,
    });
    expect(out.statusCode).toBe(303);
    expect(
      (await call({ method: 'GET', url: '/api/session', headers: { cookie: `dubang_sid=${sid}` } })).statusCode,
    ).toBe(401);
  });

  it('a tampered or deleted session cookie is not a session; DELETE /api/session signs out', async () => {
    const s = await signIn(h.app, LEADER);
    expect((await call({ method: 'GET', url: '/api/session', headers: { cookie: s.cookie + 'x' } })).statusCode).toBe(
      401,
    );
    expect((await call({ method: 'DELETE', url: '/api/session', headers: { cookie: s.cookie } })).statusCode).toBe(403); // no CSRF token
    expect(
      (await call({ method: 'DELETE', url: '/api/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } }))
        .statusCode,
    ).toBe(204);
    expect((await call({ method: 'GET', url: '/api/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('slows repeated failures for one address to a stop (429)', async () => {
    const email = 'brute@force.test';
    let last = 0;
    for (let i = 0; i < 11; i++)
      last = (await call({ method: 'POST', url: '/api/session', payload: { email, password: `guess-${i}-xxxx` } }))
        .statusCode;
    expect(last).toBe(429);
  });
});

describe('reads: every route for the Office and for leadership', () => {
  it('answers every read route for both roles', async () => {
    const office = await signIn(h.app, OFFICE);
    const leader = await signIn(h.app, LEADER);
    const s = h.seeded;
    const urls = [
      '/api/overview',
      '/api/plans',
      `/api/plans/${s.planSlug}`,
      '/api/tasks?light=green',
      `/api/tasks/${s.tasks[1]}`,
      `/api/tasks/${s.tasks[1]}/timeline`,
      `/api/assignments?unit=${s.units.a}`,
      `/api/assignments/${s.t1a}`,
      '/api/reports',
      '/api/extensions?status=REQUESTED',
      '/api/slips',
      '/api/notices',
      '/api/indicators',
      '/api/audit?limit=5',
      '/api/units',
      `/api/units/${s.units.a}`,
      '/',
      '/tasks',
      `/tasks/${s.tasks[1]}`,
      '/units',
      `/units/${s.units.a}`,
      `/assignments/${s.t1a}`,
      '/reviews',
      '/slips',
      '/notices',
      '/indicators',
      '/audit',
    ];
    for (const who of [office, leader]) {
      for (const url of urls) {
        const res = await call({ method: 'GET', url, headers: { cookie: who.cookie } });
        expect([url, res.statusCode]).toEqual([url, 200]);
      }
    }
    const tasks = (
      await call({ method: 'GET', url: `/api/tasks?plan=${s.planSlug}`, headers: { cookie: office.cookie } })
    ).json();
    expect(tasks.total).toBe(3);
    expect(tasks.rows.map((t: { number: number }) => t.number)).toEqual([1, 2, 3]);
  });

  it('refuses malformed query parameters with 400 naming them, and unknown ids with 404', async () => {
    const office = await signIn(h.app, OFFICE);
    const bad = await call({
      method: 'GET',
      url: '/api/assignments?unit=not-a-uuid',
      headers: { cookie: office.cookie },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('unit');
    expect(
      (await call({ method: 'GET', url: '/api/tasks?light=purple', headers: { cookie: office.cookie } })).statusCode,
    ).toBe(400);
    expect(
      (
        await call({
          method: 'GET',
          url: '/api/assignments/00000000-0000-4000-8000-000000000000',
          headers: { cookie: office.cookie },
        })
      ).statusCode,
    ).toBe(404);
    expect((await call({ method: 'GET', url: '/api/plans/nope', headers: { cookie: office.cookie } })).statusCode).toBe(
      404,
    );
    expect((await call({ method: 'GET', url: '/units/nope', headers: { cookie: office.cookie } })).statusCode).toBe(
      400,
    );
  });

  it('serves the OpenAPI document, describing every /api route', async () => {
    const doc = (await call({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of h.app.routeList.filter((x) => x.url.startsWith('/api/'))) {
      const path = r.url.replace(/:([^/]+)/g, '{$1}');
      expect([r.method, path, Boolean(doc.paths[path]?.[r.method.toLowerCase()])]).toEqual([r.method, path, true]);
    }
  });

  it('serves the stylesheet, the chart script and the vendored ECharts', async () => {
    for (const name of ['app.css', 'dashboard.js', 'echarts.min.js']) {
      const res = await call({ method: 'GET', url: `/static/${name}` });
      expect([name, res.statusCode]).toEqual([name, 200]);
    }
    expect((await call({ method: 'GET', url: '/static/echarts.min.js' })).body.length).toBeGreaterThan(500_000);
  });
});

describe('permissions and CSRF on changes', () => {
  it('leadership is read-only: every change is 403 and changes nothing', async () => {
    const leader = await signIn(h.app, LEADER);
    const headers = { cookie: leader.cookie, 'x-csrf-token': leader.csrf };
    const before = await h.db.prisma.auditEvent.count();
    for (const r of [
      { method: 'POST', url: `/api/assignments/${h.seeded.t1a}/actions/cancel`, payload: { reason: '测试' } },
      { method: 'POST', url: `/api/assignments/${h.seeded.t1a}/links`, payload: {} },
      { method: 'POST', url: `/api/assignments/${h.seeded.t1a}/links/revoke`, payload: {} },
      { method: 'PUT', url: `/api/units/${h.seeded.units.b}/contacts`, payload: { contacts: [] } },
    ]) {
      const res = await call({ ...r, headers });
      expect([r.url, res.statusCode, res.json().code]).toEqual([r.url, 403, 'READ_ONLY']);
    }
    const page = await call({
      method: 'POST',
      url: `/assignments/${h.seeded.t1a}/actions/cancel`,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${leader.csrf}&reason=x`,
    });
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('领导小组账号只能查看');
    expect((await call({ method: 'GET', url: `/units/${h.seeded.units.a}/contacts`, headers })).statusCode).toBe(403);
    expect(await h.db.prisma.auditEvent.count()).toBe(before);
  });

  it('an Office change without the CSRF token, or from another origin, is 403 and changes nothing', async () => {
    const office = await signIn(h.app, OFFICE);
    const before = await h.db.prisma.auditEvent.count();
    const none = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1b}/actions/cancel`,
      headers: { cookie: office.cookie },
      payload: { reason: 'x' },
    });
    expect([none.statusCode, none.json().code]).toEqual([403, 'CSRF']);
    const wrong = await call({
      method: 'POST',
      url: `/assignments/${h.seeded.t1b}/actions/cancel`,
      headers: { cookie: office.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=guess&reason=x',
    });
    expect(wrong.statusCode).toBe(403);
    const cross = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1b}/actions/cancel`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf, origin: 'https://evil.example' },
      payload: { reason: 'x' },
    });
    expect([cross.statusCode, cross.json().code]).toEqual([403, 'BAD_ORIGIN']);
    expect(await h.db.prisma.auditEvent.count()).toBe(before);
    expect((await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t1b } })).state).toBe('ASSIGNED');
  });
});

describe('Office decisions go through the lifecycle', () => {
  it('a unit asks for completion; a rejection without reason is refused; the Office approves it from the dashboard', async () => {
    const office = await signIn(h.app, OFFICE);
    const { token } = h.links.sign(h.seeded.t1a);
    const unit = (action: string, body: Record<string, unknown> = {}) =>
      call({
        method: 'POST',
        url: `/api/unit/${h.seeded.t1a}/${action}`,
        headers: { authorization: `Bearer ${token}` },
        payload: body,
      });
    expect((await unit('acknowledge')).statusCode).toBe(200);
    expect(
      (
        await call({ method: 'GET', url: `/api/unit/${h.seeded.t1a}`, headers: { authorization: `Bearer ${token}` } })
      ).json().assignment.state,
    ).toBe('ACKNOWLEDGED');
    expect((await unit('completion', { note: '已全部完成' })).statusCode).toBe(200);

    const api = { cookie: office.cookie, 'x-csrf-token': office.csrf };
    const noReason = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1a}/actions/rejectCompletion`,
      headers: api,
      payload: {},
    });
    expect([noReason.statusCode, noReason.json().error]).toEqual([422, '理由不能为空']);
    const unknown = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1a}/actions/explode`,
      headers: api,
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    const wrongState = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t1a}/actions/approveExtension`,
      headers: api,
      payload: {},
    });
    expect(wrongState.statusCode).toBe(409);
    expect(wrongState.json().error).toContain('只有「延期待审」的任务可以审核延期');

    const reviews = await call({ method: 'GET', url: '/reviews', headers: { cookie: office.cookie } });
    expect(reviews.body).toContain(`/assignments/${h.seeded.t1a}`);
    // post/redirect/get: the decision lands on the assignment's own address with its result, and
    // reloading that page posts nothing again
    const approved = await submitForm(
      h.app,
      `/assignments/${h.seeded.t1a}/actions/approveCompletion`,
      { _csrf: office.csrf, reason: '材料齐全' },
      { cookie: office.cookie },
    );
    expect([approved.post.statusCode, approved.post.headers.location]).toEqual([303, `/assignments/${h.seeded.t1a}`]);
    expect(approved.page.body).toContain('已同意销号。');
    const eventsAfter = await h.db.prisma.auditEvent.count({ where: { assignmentId: h.seeded.t1a } });
    const reloaded = await call({
      method: 'GET',
      url: `/assignments/${h.seeded.t1a}`,
      headers: { cookie: office.cookie },
    });
    expect(reloaded.statusCode).toBe(200);
    expect(reloaded.body).not.toContain('已同意销号。');
    expect(await h.db.prisma.auditEvent.count({ where: { assignmentId: h.seeded.t1a } })).toBe(eventsAfter);
    const row = await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t1a } });
    expect(row.state).toBe('COMPLETED');
    const ev = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: h.seeded.t1a, action: 'completion.approved' },
    });
    expect(ev.actor).toBe(`office:${OFFICE.email}`);
    // the timeline shows it, newest first
    const tl = (
      await call({ method: 'GET', url: `/api/tasks/${h.seeded.tasks[1]}/timeline`, headers: { cookie: office.cookie } })
    ).json();
    const actions = tl.rows.map((r: { action: string }) => r.action);
    expect(actions.indexOf('completion.approved')).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf('completion.approved')).toBeLessThan(actions.indexOf('completion.requested'));
  });

  it('decides an extension through the API and the dashboard pages show it', async () => {
    const office = await signIn(h.app, OFFICE);
    const { token } = h.links.sign(h.seeded.t2a);
    const bearer = { authorization: `Bearer ${token}` };
    await call({ method: 'POST', url: `/api/unit/${h.seeded.t2a}/acknowledge`, headers: bearer, payload: {} });
    expect(
      (
        await call({
          method: 'POST',
          url: `/api/unit/${h.seeded.t2a}/extension`,
          headers: bearer,
          payload: { newDueAt: '2030-06-30', reason: '资金未到位' },
        })
      ).statusCode,
    ).toBe(200);
    const pending = (
      await call({ method: 'GET', url: '/api/extensions?status=REQUESTED', headers: { cookie: office.cookie } })
    ).json();
    expect(pending.rows.map((e: { reason: string }) => e.reason)).toContain('资金未到位');
    const res = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t2a}/actions/approveExtension`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '同意' },
    });
    expect(res.statusCode).toBe(200);
    const row = await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t2a } });
    expect(row.dueAt!.toISOString()).toBe('2030-06-30T15:59:59.999Z');
    expect(row.originalDueAt!.getTime()).not.toBe(row.dueAt!.getTime());
  });

  it('reassigns and cancels; issues and revokes links from the dashboard', async () => {
    const office = await signIn(h.app, OFFICE);
    const formHeaders = { cookie: office.cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const post = (url: string, f: Record<string, string> = {}) =>
      call({
        method: 'POST',
        url,
        headers: formHeaders,
        payload: new URLSearchParams({ _csrf: office.csrf, ...f }).toString(),
      });
    const reassign = await submitForm(
      h.app,
      `/assignments/${h.seeded.t1b}/actions/reassign`,
      { _csrf: office.csrf, toUnit: '市商务局', reason: '职能调整' },
      { cookie: office.cookie },
    );
    expect(reassign.post.statusCode).toBe(303);
    expect(reassign.page.body).toContain('已改派。');
    expect((await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t1b } })).state).toBe('CANCELLED');
    // the moved-away assignment reads closed (已撤销, grey 已关闭), never 已办结 (done)
    const state = /<td id="state">([\s\S]*?)<\/td>/.exec(reassign.page.body)?.[1]?.replace(/<[^>]+>/g, '');
    expect(state).toBe('已撤销 已关闭');
    expect(reassign.page.body).not.toContain('已办结');
    expect(await h.db.prisma.assignment.count({ where: { taskId: h.seeded.tasks[1], unitId: h.seeded.units.c } })).toBe(
      1,
    );
    const issued = await post(`/assignments/${h.seeded.t3a}/links`);
    expect(issued.statusCode).toBe(200);
    const url = /id="new-link" value="([^"]+)"|value="([^"]+)"[^>]*id="new-link"/.exec(issued.body);
    const link = (url?.[1] ?? url?.[2])!.replace(/&amp;/g, '&');
    expect(link.startsWith(`${PUBLIC_URL}/f/${h.seeded.t3a}?t=`)).toBe(true);
    const path = link.slice(PUBLIC_URL.length);
    expect((await call({ method: 'GET', url: path })).statusCode).toBe(200);
    // 撤销全部链接 asks first; confirmed, it re-sends the assignment notice with a new link
    expect(
      (
        await call({
          method: 'GET',
          url: `/assignments/${h.seeded.t3a}/links/revoke`,
          headers: { cookie: office.cookie },
        })
      ).body,
    ).toContain('确认撤销');
    const revoked = await post(`/assignments/${h.seeded.t3a}/links/revoke`, { confirm: 'yes', then: 'email' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.body).toContain('已向市市场监管局重新发送任务交办通知');
    expect((await call({ method: 'GET', url: path })).statusCode).toBe(403);
    const cancel = await call({
      method: 'POST',
      url: `/api/assignments/${h.seeded.t3a}/actions/cancel`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '任务调整' },
    });
    expect(cancel.statusCode).toBe(200);
    expect((await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t3a } })).state).toBe('CANCELLED');
  });

  it('edits contacts (validated, audited) through the API and the dashboard form', async () => {
    const office = await signIn(h.app, OFFICE);
    const api = { cookie: office.cookie, 'x-csrf-token': office.csrf };
    const bad = await call({
      method: 'PUT',
      url: `/api/units/${h.seeded.units.b}/contacts`,
      headers: api,
      payload: { contacts: [{ role: 'LIAISON', name: '新联络员', email: 'not-an-email' }] },
    });
    expect([bad.statusCode, bad.json().error]).toEqual([422, '第 1 行 邮箱「not-an-email」不是有效的邮件地址']);
    const ok = await call({
      method: 'PUT',
      url: `/api/units/${h.seeded.units.b}/contacts`,
      headers: api,
      payload: { contacts: [{ role: 'LIAISON', name: '新联络员<b>', email: 'new@b.test' }] },
    });
    expect(ok.statusCode).toBe(422);
    const good = await call({
      method: 'PUT',
      url: `/api/units/${h.seeded.units.b}/contacts`,
      headers: api,
      payload: {
        contacts: [
          { role: 'LIAISON', name: '新联络员', email: 'new@b.test' },
          { role: 'LEADER', name: '分管负责人', email: 'boss@b.test', phone: '0791-1234567' },
        ],
      },
    });
    expect(good.statusCode).toBe(200);
    expect(
      (await h.db.prisma.contact.findMany({ where: { unitId: h.seeded.units.b }, orderBy: { email: 'asc' } })).map(
        (c) => c.email,
      ),
    ).toEqual(['boss@b.test', 'new@b.test']);
    expect(
      await h.db.prisma.auditEvent.count({ where: { action: 'unit.contacts_updated', unitId: h.seeded.units.b } }),
    ).toBe(1);

    const pageForm = await call({
      method: 'GET',
      url: `/units/${h.seeded.units.b}/contacts`,
      headers: { cookie: office.cookie },
    });
    expect(pageForm.body).toContain('boss@b.test');
    const saved = await call({
      method: 'POST',
      url: `/units/${h.seeded.units.b}/contacts`,
      headers: { cookie: office.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: office.csrf,
        rows: '1',
        role_0: 'LIAISON',
        name_0: '联络员乙',
        email_0: 'second@b.test',
        phone_0: '',
      }).toString(),
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('联系人已保存。');
    expect((await h.db.prisma.contact.findMany({ where: { unitId: h.seeded.units.b } })).map((c) => c.email)).toEqual([
      'second@b.test',
    ]);
  });

  it("sets and clears a contact's daily digest (API and dashboard form), audited, shown in the list; leadership gets 403", async () => {
    const unitId = h.seeded.units.c;
    const office = await signIn(h.app, OFFICE);
    const api = { cookie: office.cookie, 'x-csrf-token': office.csrf };
    const digestOf = async (email: string) =>
      (await h.db.prisma.contact.findFirstOrThrow({ where: { unitId, email } })).digest;
    const lastAudit = () =>
      h.db.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'unit.contacts_updated', unitId },
        orderBy: { id: 'desc' },
      });
    const audits = () => h.db.prisma.auditEvent.count({ where: { action: 'unit.contacts_updated', unitId } });
    const put = (contacts: unknown[], headers: Record<string, string> = api) =>
      call({ method: 'PUT', url: `/api/units/${unitId}/contacts`, headers, payload: { contacts } });
    const liaison = { role: 'LIAISON', name: '商务局联络员', email: 'liaison@c.test' };
    const leader = { role: 'LEADER', name: '商务局分管负责人', email: 'leader@c.test' };

    // API: set it on the liaison; the answer, the row and the audit event say so
    const set = await put([{ ...liaison, digest: true }, leader]);
    expect(set.statusCode).toBe(200);
    expect(set.json().map((c: { email: string; digest: boolean }) => [c.email, c.digest])).toEqual([
      ['liaison@c.test', true],
      ['leader@c.test', false],
    ]);
    expect([await digestOf('liaison@c.test'), await digestOf('leader@c.test')]).toEqual([true, false]);
    expect((await lastAudit()).data).toMatchObject({
      after: [
        { email: 'liaison@c.test', digest: true },
        { email: 'leader@c.test', digest: false },
      ],
    });
    // a client that leaves the flag out keeps it; a malformed one is refused naming the row and changes nothing
    expect((await put([{ ...liaison, phone: '0791-7654321' }, leader])).statusCode).toBe(200);
    expect(await digestOf('liaison@c.test')).toBe(true);
    const n = await audits();
    const bad = await put([liaison, { ...leader, digest: 'yes' }]);
    expect([bad.statusCode, bad.json()]).toEqual([
      422,
      { error: '第 2 行 digest（每日摘要）: 应为 true 或 false', code: 'INVALID_INPUT' },
    ]);
    expect(await audits()).toBe(n);
    // read back: the unit's JSON and its page
    const detail = (
      await call({ method: 'GET', url: `/api/units/${unitId}`, headers: { cookie: office.cookie } })
    ).json();
    expect(detail.contacts.map((c: { email: string; digest: boolean }) => [c.email, c.digest])).toEqual([
      ['liaison@c.test', true],
      ['leader@c.test', false],
    ]);
    const unitPage = await call({ method: 'GET', url: `/units/${unitId}`, headers: { cookie: office.cookie } });
    expect(unitPage.body).toMatch(/liaison@c\.test<\/td><td>0791-7654321<\/td><td class="digest">每日摘要<\/td>/);
    expect(unitPage.body).toMatch(/leader@c\.test<\/td><td><\/td><td class="digest">逐条通知<\/td>/);

    // the dashboard form: the box is ticked for the liaison; unticking it and ticking the leader's swaps them
    const formPage = await call({
      method: 'GET',
      url: `/units/${unitId}/contacts`,
      headers: { cookie: office.cookie },
    });
    expect(formPage.body).toContain('每日摘要（每天一封汇总邮件，代替逐条通知）');
    const boxes = [
      ...formPage.body.matchAll(/<input type="checkbox" name="(digest_\d+)" value="1" id="digest_\d+" ?(checked)?>/g),
    ].map((m) => [m[1], m[2] ?? '']);
    expect(boxes).toEqual([
      ['digest_0', 'checked'], // LIAISON, then LEADER, then the two empty rows
      ['digest_1', ''],
      ['digest_2', ''],
      ['digest_3', ''],
    ]);
    const formHeaders = { cookie: office.cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const fields = {
      _csrf: office.csrf,
      rows: '2',
      role_0: 'LIAISON',
      name_0: liaison.name,
      email_0: liaison.email,
      phone_0: '0791-7654321',
      role_1: 'LEADER',
      name_1: leader.name,
      email_1: leader.email,
      phone_1: '',
    };
    const swapped = await call({
      method: 'POST',
      url: `/units/${unitId}/contacts`,
      headers: formHeaders,
      payload: new URLSearchParams({ ...fields, digest_1: '1' }).toString(),
    });
    expect(swapped.statusCode).toBe(200);
    expect(swapped.body).toContain('联系人已保存。');
    expect([await digestOf('liaison@c.test'), await digestOf('leader@c.test')]).toEqual([false, true]);
    const ev = await lastAudit();
    expect(ev.actor).toBe(`office:${OFFICE.email}`);
    expect(ev.data).toMatchObject({
      before: expect.arrayContaining([
        expect.objectContaining({ email: 'liaison@c.test', digest: true }),
        expect.objectContaining({ email: 'leader@c.test', digest: false }),
      ]),
      after: [
        { email: 'liaison@c.test', digest: false },
        { email: 'leader@c.test', digest: true },
      ],
    });
    expect(swapped.body).toMatch(/name="digest_1" value="1" id="digest_1" checked>/);
    expect(swapped.body).toMatch(/name="digest_0" value="1" id="digest_0" >/);
    // nothing ticked clears it
    expect(
      (
        await call({
          method: 'POST',
          url: `/units/${unitId}/contacts`,
          headers: formHeaders,
          payload: new URLSearchParams(fields).toString(),
        })
      ).statusCode,
    ).toBe(200);
    expect([await digestOf('liaison@c.test'), await digestOf('leader@c.test')]).toEqual([false, false]);

    // without the CSRF token, or as leadership, nothing changes
    const before = await audits();
    const noCsrf = await call({
      method: 'POST',
      url: `/units/${unitId}/contacts`,
      headers: formHeaders,
      payload: new URLSearchParams({ ...fields, _csrf: 'guess', digest_1: '1' }).toString(),
    });
    expect(noCsrf.statusCode).toBe(403);
    const leadership = await signIn(h.app, LEADER);
    const asLeader = await put([{ ...liaison, digest: true }, leader], {
      cookie: leadership.cookie,
      'x-csrf-token': leadership.csrf,
    });
    expect([asLeader.statusCode, asLeader.json().code]).toEqual([403, 'READ_ONLY']);
    const leaderForm = await call({
      method: 'POST',
      url: `/units/${unitId}/contacts`,
      headers: { cookie: leadership.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...fields, _csrf: leadership.csrf, digest_1: '1' }).toString(),
    });
    expect(leaderForm.statusCode).toBe(403);
    expect(leaderForm.body).toContain('领导小组账号只能查看');
    expect(await audits()).toBe(before);
    expect([await digestOf('liaison@c.test'), await digestOf('leader@c.test')]).toEqual([false, false]);
  });
});

describe('links of a whole unit', () => {
  it('revokes every link of a unit at once and re-sends each open assignment its notice with a new link', async () => {
    const office = await signIn(h.app, OFFICE);
    const unit = h.seeded.units.a;
    const open = await h.db.prisma.assignment.findMany({
      where: { unitId: unit, state: { notIn: ['COMPLETED', 'CANCELLED'] } },
      select: { id: true },
    });
    expect(open.length).toBeGreaterThan(0);
    const old = await Promise.all(open.map((a) => h.links.issue(a.id)));
    const leader = await signIn(h.app, LEADER);
    expect(
      (
        await call({
          method: 'POST',
          url: `/api/units/${unit}/links/revoke`,
          headers: { cookie: leader.cookie, 'x-csrf-token': leader.csrf },
          payload: {},
        })
      ).statusCode,
    ).toBe(403);
    const since = new Date();
    const r = await call({
      method: 'POST',
      url: `/api/units/${unit}/links/revoke`,
      headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
      payload: { reason: '联络员邮箱被盗' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().message).toMatch(
      new RegExp(
        `^已撤销市市场监管局全部 \\d+ 项分工的链接和本单位督办事项链接，并重新发送 ${open.length} 份任务交办通知（含新链接）。$`,
      ),
    );
    for (const l of old)
      expect((await call({ method: 'GET', url: l.url.slice(PUBLIC_URL.length) })).statusCode).toBe(403);
    const notices = await h.db.prisma.notice.findMany({
      where: { kind: 'assignment', assignmentId: { in: open.map((a) => a.id) }, createdAt: { gte: since } },
    });
    expect(notices.map((n) => n.assignmentId).sort()).toEqual(open.map((a) => a.id).sort());
    for (const n of notices)
      expect(
        (await call({ method: 'GET', url: (await h.links.linkFor(n))!.slice(PUBLIC_URL.length) })).statusCode,
      ).toBe(200);
  });
});

describe('traffic lights', () => {
  it('red when overdue, yellow when due within 7 days or a report is late, green otherwise, grey when closed', async () => {
    const p = h.db.prisma;
    const plan = await p.plan.create({
      data: { slug: 'lights', title: '灯号测试', sourceName: 'x', sourceSha256: 'x' },
    });
    const section = await p.section.create({ data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: 's' } });
    const day = 86_400_000;
    const now = Date.now();
    const mk = async (
      n: number,
      due: number | null,
      opts: { createdAt?: Date; state?: 'COMPLETED'; kind?: 'standing' } = {},
    ) => {
      const t = await p.task.create({
        data: {
          planId: plan.id,
          number: n,
          text: `灯号${n}`,
          sectionId: section.id,
          unitsText: 'x',
          units: ['x'],
          deadlinePhrase: 'x',
          dueAt: due ? new Date(due) : null,
          kind: opts.kind ?? 'deadline',
          sourceLine: n,
        },
      });
      await p.assignment.create({
        data: {
          taskId: t.id,
          unitId: h.seeded.units.c,
          role: 'LEAD',
          ordinal: 0,
          dueAt: due ? new Date(due) : null,
          originalDueAt: due ? new Date(due) : null,
          ...(opts.createdAt ? { createdAt: opts.createdAt, supervisedFrom: opts.createdAt } : {}),
          ...(opts.state ? { state: opts.state } : {}),
        },
      });
    };
    await mk(1, now - day); // red
    await mk(2, now + 3 * day); // yellow: due soon
    await mk(3, now + 100 * day, { createdAt: new Date(now - 200 * day) }); // yellow: last quarter's report missing
    await mk(4, now + 100 * day); // green
    await mk(5, now - day, { state: 'COMPLETED' }); // grey
    await mk(6, null, { kind: 'standing', createdAt: new Date(now - 200 * day) }); // yellow: standing tasks report quarterly too (config/policy.json)
    const office = await signIn(h.app, OFFICE);
    const o = (
      await call({ method: 'GET', url: '/api/overview?plan=lights', headers: { cookie: office.cookie } })
    ).json();
    expect(o.lights).toEqual({ red: 1, yellow: 3, green: 1, grey: 1 });
    const tasks = (
      await call({ method: 'GET', url: '/api/tasks?plan=lights', headers: { cookie: office.cookie } })
    ).json();
    expect(tasks.rows.map((t: { number: number; light: string }) => `${t.number}:${t.light}`)).toEqual([
      '1:red',
      '2:yellow',
      '3:yellow',
      '4:green',
      '5:grey',
      '6:yellow',
    ]);
    const yellow = (
      await call({ method: 'GET', url: '/api/tasks?plan=lights&light=yellow', headers: { cookie: office.cookie } })
    ).json();
    expect(yellow.total).toBe(3);
    const page = await call({ method: 'GET', url: '/?plan=lights', headers: { cookie: office.cookie } });
    expect(page.body).toContain('<b id="kpi-red">1</b>');
    expect(page.body).toContain('<b id="kpi-yellow">3</b>');
    expect(page.body).toContain('class="chart-data"');
  });
});

describe('health and metrics', () => {
  it('/healthz reports each dependency and turns 503 when one is down', async () => {
    const ok = await call({ method: 'GET', url: '/healthz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ok', checks: { postgres: { ok: true } } });
    const degraded = await h.buildApp({
      health: [{ name: 'redis', check: async () => ({ ok: false, detail: 'connection refused' }) }],
    });
    try {
      const res = await call({ method: 'GET', url: '/healthz' }, degraded);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'degraded',
        checks: { postgres: { ok: true }, redis: { ok: false, detail: 'connection refused' } },
      });
    } finally {
      await degraded.close();
    }
  });

  it('/metrics speaks Prometheus text: notices by kind and status, assignments, refusals, and the extra metrics', async () => {
    await h.db.prisma.notice.create({
      data: {
        key: 'notice-metrics-test',
        kind: 'assignment',
        scope: 'test',
        dueAt: new Date(),
        recipients: [],
        payload: {},
        status: 'SENT',
      },
    });
    const app = await h.buildApp({ metrics: async () => 'dubang_queue_jobs{queue="notices",state="waiting"} 3\n' });
    try {
      const res = await call({ method: 'GET', url: '/metrics' }, app);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
      expect(res.body).toContain('dubang_notices{kind="assignment",status="SENT"} 1');
      expect(res.body).toMatch(/dubang_assignments\{state="COMPLETED"\} \d+/);
      expect(res.body).toContain('# TYPE dubang_link_refusals_total counter');
      expect(res.body).toContain('dubang_queue_jobs{queue="notices",state="waiting"} 3');
    } finally {
      await app.close();
    }
  });
});

describe('coverage', () => {
  it('every registered route was exercised by this file or the unit-form file', () => {
    // /f/* and /api/unit/* are exercised in http-unit-form.test.ts, /plans/upload* in http-plan-upload.test.ts, the GET twins of
    // the Office's decision and link addresses (a reload after a post) in http-dashboard-labels.test.ts; GET /login's twin is above;
    // the unit workspace (/u/*) and the Office's letter actions in http-workspace.test.ts.
    const elsewhere = new Set([
      'GET /f/:id',
      'POST /f/:id',
      'POST /f/:id/:action',
      'GET /plans/upload',
      'GET /plans/upload.js',
      'POST /plans/upload',
      'GET /assignments/:id/actions/:action',
      'GET /assignments/:id/links',
      'GET /u/:unitId/:planId',
      'GET /u/:unitId/:planId/f/:assignmentId',
      'POST /u/:unitId/:planId',
      'POST /units/:id/workspace-link',
      'POST /units/:id/letters/:letterId/resend',
      // the unit's group robots, in http-unit-channels.test.ts
      'GET /units/:id/channels',
      'POST /units/:id/channels',
    ]);
    const missing = h.app.routeList.map((r) => `${r.method} ${r.url}`).filter((k) => !hit.has(k) && !elsewhere.has(k));
    expect(missing).toEqual([]);
  });
});
