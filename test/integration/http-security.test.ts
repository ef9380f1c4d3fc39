/**
 * What a person notices of the web's security work (issues #15.5, #15.6, #15.10, #15.11, #12.1), on
 * the real stack: the unit form offers only what the lifecycle takes and writes dates in Chinese;
 * post/redirect/get; revocation that a newer or forged token cannot outrun, with its confirmation and
 * the new link it sends; sign-in throttling that cannot lock the real 督办员 out; bounded audit writes
 * for refused links; helmet's headers, Secure cookies on https, the queue board and static paths.
 */
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { createDeliverNotice } from '../../app/notices/deliver-notice';
import { createRecipientResolver } from '../../app/notices/recipients';
import { sqlFromPrisma } from '../../app/notices/sql';
import { signLinkToken } from '../../domain/links';
import { createLinkService, hmacSha256 } from '../../infra/links';
import { createLogger } from '../../infra/logger';
import { createMailer } from '../../infra/mail/mailer';
import { startMailSink } from '../../devtools/mail/sink';
import { createOutboxNotificationPort } from '../../infra/outbox';
import {
  startHarness,
  SECRET,
  PUBLIC_URL,
  ZONE,
  signIn,
  OFFICE,
  LEADER,
  tokenOf,
  type Harness,
  type Reply,
  type TestClient,
} from './http-support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const state = async (id: string) => (await h.db.prisma.assignment.findUniqueOrThrow({ where: { id } })).state;
/** the page's visible text, tags removed (what a person reads) */
const text = (body: string) =>
  body
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

async function link(app: { links: Harness['links'] }, assignmentId: string) {
  const { token, url } = await app.links.issue(assignmentId);
  return { token, url, path: url.slice(PUBLIC_URL.length) };
}

async function post(
  app: TestClient,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...formHeaders, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** follows a 303 with the cookies it set, as a browser does */
async function follow(app: TestClient, r: Reply, cookie = ''): Promise<Reply> {
  const set = r.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return app.inject({
    method: 'GET',
    url: r.headers.location!,
    headers: { cookie: [cookie, set].filter(Boolean).join('; ') },
  });
}

describe('#15.5 the unit form offers what the state allows, with dates in Chinese', () => {
  it('before acknowledgement only 签收 is offered; the others say why', async () => {
    const l = await link(h, h.seeded.t2a);
    const page = await h.app.inject({ method: 'GET', url: l.path });
    expect(page.body).toContain('id="ack"');
    for (const id of ['submit-report', 'request-completion', 'request-extension'])
      expect(page.body).not.toContain(`id="${id}"`);
    expect(text(page.body)).toContain('市市场监管局尚未签收该任务，请先签收再报送进展');
  });

  it('past the deadline 申请延期 is not offered; the reason names the deadline in Chinese; no ISO date on the page', async () => {
    const l = await link(h, h.seeded.t1a);
    await follow(h.app, await post(h.app, `/f/${h.seeded.t1a}`, { t: l.token, action: 'acknowledge' }));
    const due = (await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: h.seeded.t1a } })).dueAt!;
    const later = await h.buildApp({ clock: () => due.getTime() + 3 * 86_400_000 });
    try {
      const page = await later.inject({ method: 'GET', url: l.path });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('id="request-extension"');
      expect(page.body).toContain('id="request-completion"');
      const shown = text(page.body);
      expect(shown).toMatch(/完成时限\d{4}年\d{1,2}月\d{1,2}日（星期.）( \d\d:\d\d)?已过，只能在时限之前申请延期/);
      expect(shown).toMatch(/已于\d{4}年\d{1,2}月\d{1,2}日（星期.） \d\d:\d\d签收。/);
      // every date as a reader in Shanghai says it: no 2025-12-31, no T15:59:59.999Z
      expect(shown).not.toMatch(/\d{4}-\d{2}-\d{2}|T\d\d:\d\d/);
    } finally {
      await later.close();
    }
  });
});

describe('#15.10 post/redirect/get on the unit form', () => {
  it('answers a post with 303 to the form itself; the result shows once, and reloading submits nothing', async () => {
    const l = await link(h, h.seeded.t1b);
    const res = await post(h.app, `/f/${h.seeded.t1b}`, { t: l.token, action: 'acknowledge' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/f/${h.seeded.t1b}?t=${encodeURIComponent(l.token)}`);
    const page = await follow(h.app, res);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('已签收该任务。');
    expect(await state(h.seeded.t1b)).toBe('ACKNOWLEDGED');
    const acks = () =>
      h.db.prisma.auditEvent.count({ where: { assignmentId: h.seeded.t1b, action: 'assignment.acknowledged' } });
    expect(await acks()).toBe(1);
    // reload: a GET of the same address, without the flash the first GET cleared
    expect(page.cookies.find((c) => c.name === 'dubang_flash')?.raw).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    const reload = await h.app.inject({ method: 'GET', url: res.headers.location! });
    expect(text(reload.body)).not.toContain('已签收该任务。');
    expect(await acks()).toBe(1);
  });
});

describe('#15.6 revocation cannot be outrun', () => {
  it('after 撤销全部链接 a token "issued later" in the old epoch, or forged as v1 with a future instant, is refused; the new link works', async () => {
    const office = await signIn(h.app, OFFICE);
    const id = h.seeded.t3a;
    const before = await link(h, id);
    // the confirmation first: a bare post revokes nothing
    const bare = await post(
      h.app,
      `/assignments/${id}/links/revoke`,
      { _csrf: office.csrf },
      { cookie: office.cookie },
    );
    expect(bare.statusCode).toBe(303);
    expect(bare.headers.location).toBe(`/assignments/${id}/links/revoke`);
    expect((await h.app.inject({ method: 'GET', url: before.path })).statusCode).toBe(200);
    const confirm = await h.app.inject({
      method: 'GET',
      url: `/assignments/${id}/links/revoke`,
      headers: { cookie: office.cookie },
    });
    expect(text(confirm.body)).toContain(
      '撤销后，此前发给市市场监管局的全部办理链接（包括已发出的通知邮件中的链接）立即失效',
    );
    expect(text(confirm.body)).toContain('重新发送任务交办通知邮件（含新链接）给市市场监管局联络员');

    const done = await post(
      h.app,
      `/assignments/${id}/links/revoke`,
      { _csrf: office.csrf, confirm: 'yes', then: 'email' },
      { cookie: office.cookie },
    );
    expect(done.statusCode).toBe(200);
    expect(text(done.body)).toContain(
      '此前发出的全部链接已撤销，已向市市场监管局重新发送任务交办通知，邮件中的新链接可以使用。',
    );

    // what a leaked key lets anyone make: a token in the old epoch, "issued" tomorrow; a v1 token likewise
    const tomorrow = Date.now() + 86_400_000;
    const forgedV2 = h.links.sign(id, { now: tomorrow }).token;
    const forgedV1 = signLinkToken(
      { assignmentId: id, jti: 'forged', issuedAt: tomorrow, expiresAt: tomorrow + 86_400_000 },
      hmacSha256(SECRET),
    );
    for (const t of [before.token, forgedV2, forgedV1]) {
      const r = await h.app.inject({ method: 'GET', url: `/f/${id}?t=${encodeURIComponent(t)}` });
      expect(r.statusCode).toBe(403);
      expect(text(r.body)).toContain('该链接已被撤销');
    }

    // the re-sent assignment notice goes through the real pipeline; the link in the email (signed at render) works
    const notice = await h.db.prisma.notice.findFirstOrThrow({
      where: { assignmentId: id, kind: 'assignment', status: 'PENDING' },
      orderBy: { createdAt: 'desc' },
    });
    const quiet = createLogger('error', {}, () => undefined);
    const sink = await startMailSink({ port: 0, logger: quiet });
    const mailer = createMailer({
      host: sink.host,
      port: sink.port,
      secure: false,
      poolSize: 1,
      timeoutMs: 5000,
      logger: quiet,
    });
    try {
      const deliver = createDeliverNotice({
        sql: sqlFromPrisma(h.db.prisma),
        mailer,
        notify: createOutboxNotificationPort(h.db.prisma),
        recipients: createRecipientResolver(h.db.prisma),
        logger: quiet,
        zone: ZONE,
        from: '南昌市质量强市领导小组办公室 <duban@office.test>',
        linkFor: h.links.linkFor,
      });
      expect(await deliver({ noticeId: notice.id, attempt: 1, maxAttempts: 3 })).toMatchObject({ outcome: 'sent' });
      const [mail] = await sink.waitFor(1, 10_000);
      expect(mail!.to).toEqual(['liaison@a.test']);
      const parsed = await simpleParser(mail!.raw);
      expect(parsed.subject).toContain('任务(3)');
      // it says why it comes again, so the unit drops the old link
      expect(parsed.text).toContain(
        '此前发给贵单位的本任务办理链接已停止使用，现重新发送本通知，请使用本邮件中的新链接办理。',
      );
      const emailed = new RegExp(`${PUBLIC_URL.replace(/[.:/]/g, '\\$&')}/f/${id}\\?t=[A-Za-z0-9._%-]+`).exec(
        String(parsed.text),
      )![0];
      expect((await h.app.inject({ method: 'GET', url: emailed.slice(PUBLIC_URL.length) })).statusCode).toBe(200);
    } finally {
      await mailer.close();
      await sink.close();
    }

    // every link action is audited with its link id
    const events = await h.db.prisma.auditEvent.findMany({
      where: { assignmentId: id, action: { in: ['link.revoked', 'link.reissued', 'link.refused'] } },
      orderBy: { id: 'asc' },
    });
    expect(events.find((e) => e.action === 'link.reissued')?.data).toMatchObject({ jti: notice.id, generation: 1 });
    const refused = events.filter((e) => e.action === 'link.refused');
    expect(refused.map((e) => e.actor)).toEqual([
      `link:${tokenOf(before.url).split('.')[3]}@127.0.0.1`,
      `link:${forgedV2.split('.')[3]}@127.0.0.1`,
      'link:forged@127.0.0.1',
    ]);
  });

  it('"生成新链接，由我转交" shows a working link instead of sending one', async () => {
    const office = await signIn(h.app, OFFICE);
    const id = h.seeded.t2a;
    const old = await link(h, id);
    const done = await post(
      h.app,
      `/assignments/${id}/links/revoke`,
      { _csrf: office.csrf, confirm: 'yes', then: 'link' },
      { cookie: office.cookie },
    );
    expect(text(done.body)).toContain('此前发出的全部链接已撤销。请将下面的新链接转交市市场监管局。');
    const shown = /id="new-link"|value="([^"]+)" style="width:100%" id="new-link"/.exec(done.body);
    const url = /value="([^"]+)" style="width:100%" id="new-link"/.exec(done.body)![1]!.replace(/&amp;/g, '&');
    expect(shown).not.toBeNull();
    expect((await h.app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length) })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: old.path })).statusCode).toBe(403);
  });
});

describe('#15.11 throttling', () => {
  // the failure counts are in PostgreSQL, shared by every app of this file: each test starts clean
  afterEach(async () => {
    await h.db.prisma.signInThrottle.deleteMany();
  });

  it('refused-link audit writes are bounded per client; the rest are summarised', async () => {
    let now = Date.now();
    const app = await h.buildApp({ clock: () => now });
    try {
      const n0 = await h.db.prisma.auditEvent.count({ where: { action: 'link.refused' } });
      for (let i = 0; i < 12; i++)
        expect(
          (await app.inject({ method: 'GET', url: `/f/${h.seeded.t1a}?t=v2.k1.x.y.1.2.0.AAAAAAAAAAAAAAAAAAAAAA` }))
            .statusCode,
        ).toBe(401);
      expect((await h.db.prisma.auditEvent.count({ where: { action: 'link.refused' } })) - n0).toBe(5);
      now += 61_000;
      await app.inject({ method: 'GET', url: `/f/${h.seeded.t1a}` });
      const summary = await h.db.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'link.refused_suppressed' },
        orderBy: { id: 'desc' },
      });
      expect(summary.data).toMatchObject({ count: 7 });
    } finally {
      await app.close();
    }
  });

  it('with Redis the per-client budget is shared by every web server', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 2 });
    const throttleRedis = { client: redis, prefix: `h2-test-${process.pid}-${Date.now()}:` };
    const [one, two] = [
      await h.buildApp({ throttleRedis, limits: { linkRequestsPerMinute: 3 } }),
      await h.buildApp({ throttleRedis, limits: { linkRequestsPerMinute: 3 } }),
    ];
    try {
      const l = await link(h, h.seeded.t1a);
      expect((await one.inject({ method: 'GET', url: l.path })).statusCode).toBe(200);
      expect((await two.inject({ method: 'GET', url: l.path })).statusCode).toBe(200);
      expect((await one.inject({ method: 'GET', url: l.path })).statusCode).toBe(200);
      expect((await two.inject({ method: 'GET', url: l.path })).statusCode).toBe(429);
    } finally {
      await one.close();
      await two.close();
      const keys = await redis.keys(`${throttleRedis.prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('the link routes answer 429 past the per-client budget', async () => {
    const app = await h.buildApp({ limits: { linkRequestsPerMinute: 3 } });
    try {
      const l = await link(h, h.seeded.t1a);
      for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url: l.path })).statusCode).toBe(200);
      const over = await app.inject({ method: 'GET', url: l.path });
      expect(over.statusCode).toBe(429);
      expect(text(over.body)).toMatch(/请求过于频繁，请 \d+ 秒后再试/);
    } finally {
      await app.close();
    }
  });

  it('sign-in: failures grow a delay per normalised address; the real 督办员 on a browser that signed in before still gets in at once', async () => {
    let now = Date.now();
    // behind a proxy, each guess from another client address: only the account's count can slow them
    const app = await h.buildApp({ clock: () => now, trustProxy: true });
    let client = 0;
    try {
      const attempt = (email: string, password: string, cookie?: string) =>
        app.inject({
          method: 'POST',
          url: '/api/session',
          headers: { 'x-forwarded-for': `203.0.113.${++client}`, ...(cookie ? { cookie } : {}) },
          payload: { email, password },
        });
      // the real user signed in yesterday on this browser: it carries the device cookie
      const first = await attempt(OFFICE.email, OFFICE.password);
      expect(first.statusCode).toBe(200);
      const device = first.cookies.find((c) => c.name === 'dubang_dev')!;
      // someone else guesses, varying case and spaces: one account, one count
      const variants = [
        OFFICE.email,
        ` ${OFFICE.email.toUpperCase()}`,
        `${OFFICE.email} `,
        'DUBAN@office.test',
        ' Duban@Office.Test ',
      ];
      for (const v of variants) expect((await attempt(v, 'wrong-guess')).statusCode).toBe(401);
      const delayed = await attempt('  DUBAN@OFFICE.TEST', 'another-guess');
      expect(delayed.statusCode).toBe(429);
      expect(delayed.json().error).toBe('登录失败次数较多，请 1 秒后再试');
      // the delay grows: after the wait one more try, then 2 s
      now += 1000;
      expect((await attempt(OFFICE.email, 'third-guess')).statusCode).toBe(401);
      expect((await attempt(OFFICE.email, OFFICE.password)).json().error).toBe('登录失败次数较多，请 2 秒后再试');
      // no lockout of the real user: the right password from the known browser works now
      const real = await attempt(OFFICE.email, OFFICE.password, `dubang_dev=${device.value}`);
      expect(real.statusCode).toBe(200);
      expect(real.json()).toMatchObject({ email: OFFICE.email, role: 'office' });
      // a device cookie sealed for another account does not help
      expect((await attempt(LEADER.email, 'x', `dubang_dev=${device.value}`)).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('sign-in: failures from one client address slow that address for every account', async () => {
    const now = Date.now();
    const app = await h.buildApp({ clock: () => now });
    try {
      for (let i = 0; i < 20; i++)
        expect(
          (
            await app.inject({
              method: 'POST',
              url: '/api/session',
              payload: { email: `nobody${i}@office.test`, password: 'x' },
            })
          ).statusCode,
        ).toBe(401);
      const r = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: LEADER.email, password: 'y' },
      });
      expect(r.statusCode).toBe(429);
      expect(r.json()).toEqual({ error: '登录失败次数较多，请 1 秒后再试', code: 'THROTTLED' });
    } finally {
      await app.close();
    }
  });

  it('sign-in: the delay is shared by every web server (failures counted in PostgreSQL)', async () => {
    const [one, two] = [await h.buildApp(), await h.buildApp()];
    try {
      for (let i = 0; i < 5; i++)
        expect(
          (
            await (i % 2 ? one : two).inject({
              method: 'POST',
              url: '/api/session',
              payload: { email: LEADER.email, password: 'guess' },
            })
          ).statusCode,
        ).toBe(401);
      const r = await one.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: LEADER.email, password: 'guess' },
      });
      expect(r.statusCode).toBe(429);
      expect(r.json().error).toMatch(/^登录失败次数较多，请 \d 秒后再试$/);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('sign-in routes answer 429 past the per-client budget (@fastify/rate-limit)', async () => {
    const app = await h.buildApp({ limits: { signInPerMinute: 2 } });
    try {
      for (let i = 0; i < 2; i++)
        expect(
          (
            await app.inject({
              method: 'POST',
              url: '/api/session',
              payload: { email: LEADER.email, password: LEADER.password },
            })
          ).statusCode,
        ).toBe(200);
      const over = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: LEADER.email, password: LEADER.password },
      });
      expect(over.statusCode).toBe(429);
      expect(over.json().error).toMatch(/请求过于频繁/);
    } finally {
      await app.close();
    }
  });
});

describe('#12.1 and #15.10: headers, cookies, operations tools', () => {
  it('security headers come from helmet: CSP without inline script, no framing, nosniff, same-origin referrer; HSTS only on https', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/login' });
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'",
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const https = await h.buildApp({ publicUrl: 'https://duban.nanchang.gov.cn' });
    try {
      expect((await https.inject({ method: 'GET', url: '/login' })).headers['strict-transport-security']).toBe(
        'max-age=15552000',
      );
    } finally {
      await https.close();
    }
  });

  it('the session cookie is Secure when PUBLIC_URL is https, and not on plain http', async () => {
    const plain = await signIn(h.app, OFFICE);
    expect(plain.res.cookies.find((c) => c.name === 'dubang_sid')!.raw).not.toMatch(/;\s*Secure/i);
    const https = await h.buildApp({ publicUrl: 'https://duban.nanchang.gov.cn' });
    try {
      const s = await signIn(https, OFFICE);
      const raw = s.res.cookies.find((c) => c.name === 'dubang_sid')!.raw;
      expect(raw).toMatch(/;\s*Secure/i);
      expect(raw).toMatch(/;\s*HttpOnly/i);
      expect(raw).toMatch(/;\s*SameSite=Lax/i);
    } finally {
      await https.close();
    }
  });

  it('/static/constructor and /static/__proto__ are 404, not 500', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect((await h.app.inject({ method: 'GET', url: `/static/${name}` })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/static/app.css' })).statusCode).toBe(200);
  });

  it('the dashboard links no Temporal Web UI (it has no sign-in and allows writes)', async () => {
    for (const who of [OFFICE, LEADER]) {
      const s = await signIn(h.app, who);
      const page = await h.app.inject({ method: 'GET', url: '/', headers: { cookie: s.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toMatch(/:8233|>Temporal</);
    }
  });

  it("the queue board's own requests work without our CSRF token when same-origin, and are refused without an Origin", async () => {
    const calls: string[] = [];
    const app = await h.buildApp({
      mountQueueBoard: async (scope, prefix) => {
        scope.put(`${prefix}/api/queues/notices/pause`, async () => {
          calls.push('pause');
          return { ok: true };
        });
        scope.get(`${prefix}/`, async (_req, reply) => reply.type('text/html').send('<script>board()</script>'));
      },
    });
    try {
      const s = await signIn(app, OFFICE);
      const origin = app.baseUrl;
      // its page runs inline script: no CSP of ours there, the other headers stay
      const board = await app.inject({ method: 'GET', url: '/admin/queues/', headers: { cookie: s.cookie } });
      expect(board.statusCode).toBe(200);
      expect(board.headers['content-security-policy']).toBeUndefined();
      expect(board.headers['x-frame-options']).toBe('DENY');
      const ok = await app.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/notices/pause',
        headers: { cookie: s.cookie, origin },
      });
      expect(ok.statusCode).toBe(200);
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: '/admin/queues/api/queues/notices/pause',
            headers: { cookie: s.cookie },
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: '/admin/queues/api/queues/notices/pause',
            headers: { cookie: s.cookie, origin: 'https://evil.example' },
          })
        ).statusCode,
      ).toBe(403);
      const leader = await signIn(app, LEADER);
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: '/admin/queues/api/queues/notices/pause',
            headers: { cookie: leader.cookie, origin },
          })
        ).statusCode,
      ).toBe(403);
      expect(calls).toEqual(['pause']);
    } finally {
      await app.close();
    }
  });

  it('during a key rotation links of the previous key, and old v1 links from emails already sent, still open the form', async () => {
    const NEW = 'a-new-link-key-of-at-least-32-bytes-0123456789';
    const rotated = createLinkService({
      db: h.db.prisma,
      secret: NEW,
      keyId: 'k2',
      previous: { secret: SECRET, keyId: 'k1' },
      publicUrl: PUBLIC_URL,
    });
    const app = await h.buildApp({ links: rotated });
    try {
      const id = h.seeded.t1a;
      const underOld = await link(h, id);
      const v1 = signLinkToken(
        { assignmentId: id, jti: 'old-email', issuedAt: Date.now() - 1000, expiresAt: Date.now() + 86_400_000 },
        hmacSha256(SECRET),
      );
      const underNew = await link({ links: rotated }, id);
      expect(tokenOf(underNew.url).split('.').slice(0, 2)).toEqual(['v2', 'k2']);
      for (const t of [tokenOf(underOld.url), v1, tokenOf(underNew.url)])
        expect((await app.inject({ method: 'GET', url: `/f/${id}?t=${encodeURIComponent(t)}` })).statusCode).toBe(200);
      // after the window: the previous key is removed, its links are refused
      const after = await h.buildApp({
        links: createLinkService({ db: h.db.prisma, secret: NEW, keyId: 'k2', publicUrl: PUBLIC_URL }),
      });
      try {
        expect((await after.inject({ method: 'GET', url: underOld.path })).statusCode).toBe(401);
        expect((await after.inject({ method: 'GET', url: underNew.path })).statusCode).toBe(200);
      } finally {
        await after.close();
      }
    } finally {
      await app.close();
    }
  });
});
