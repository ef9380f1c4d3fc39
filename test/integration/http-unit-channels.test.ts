/**
 * The Office's group-robot editor on the dashboard (/units/:id/channels): what the page shows (never
 * a webhook or secret in full), what a save stores, a refused row named with its field, an empty
 * field keeping the stored secret, and the leadership's read-only account refused.
 */
import { LEADER, OFFICE, signIn, startHarness, type Harness } from './http-support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const form = (csrf: string, rows: Record<string, string>[]) => {
  const fields: Record<string, string> = { _csrf: csrf, rows: String(rows.length) };
  // the page's field names: channel_0 …, and kind_0_letter for a kind's checkbox
  const name = (k: string, i: number) => (k.startsWith('kind_') ? `kind_${i}_${k.slice(5)}` : `${k}_${i}`);
  rows.forEach((r, i) => Object.entries(r).forEach(([k, v]) => (fields[name(k, i)] = v)));
  return new URLSearchParams(fields).toString();
};

test('the Office adds a signed DingTalk robot and a WeCom robot; the page masks them; an empty secret keeps the stored one', async () => {
  const office = await signIn(h.app, OFFICE);
  const url = `/units/${h.seeded.units.a}/channels`;
  const post = (rows: Record<string, string>[]) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { cookie: office.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(office.csrf, rows),
    });
  const unitPage = await h.app.inject({
    method: 'GET',
    url: `/units/${h.seeded.units.a}`,
    headers: { cookie: office.cookie },
  });
  expect(unitPage.body).toContain(`<a href="${url}" class="muted" id="robots-link">群机器人</a>`);

  const saved = await post([
    {
      ordinal: '',
      channel: 'dingtalk',
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef',
      secret: 'SECverysecret123',
      kind_letter: '1',
      mentions: '13800000001，13800000002',
    },
    {
      ordinal: '',
      channel: 'wecom',
      webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-wxyz',
      kind_slips: '1',
    },
  ]);
  expect(saved.statusCode).toBe(200);
  expect(saved.body).toContain('群机器人已保存。');
  expect(saved.body).toContain('placeholder="https://oapi.dingtalk.com/robot/send?…cdef"');
  expect(saved.body).toContain('placeholder="已设置"');
  expect(saved.body).not.toContain('0123456789abcdef');
  expect(saved.body).not.toContain('SECverysecret123');
  const stored = await h.db.prisma.unitRobot.findMany({
    where: { unitId: h.seeded.units.a },
    orderBy: { ordinal: 'asc' },
  });
  expect(stored.map((r) => [r.channel, r.webhook, r.secret, r.kinds, r.mentions])).toEqual([
    [
      'dingtalk',
      'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef',
      'SECverysecret123',
      ['letter'],
      ['13800000001', '13800000002'],
    ],
    ['wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-wxyz', null, ['slips'], []],
  ]);
  const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'unit.robots_updated' } });
  expect(JSON.stringify(audit.data)).not.toContain('SECverysecret123');
  expect(JSON.stringify(audit.data)).not.toContain('0123456789abcdef');

  // saved again with the webhook and secret fields empty: both kept; the WeCom robot removed
  const again = await post([{ ordinal: '1', channel: 'dingtalk', webhook: '', secret: '', kind_slips: '1' }]);
  expect(again.statusCode).toBe(200);
  const kept = await h.db.prisma.unitRobot.findMany({ where: { unitId: h.seeded.units.a } });
  expect(kept.map((r) => [r.webhook, r.secret, r.kinds])).toEqual([
    ['https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef', 'SECverysecret123', ['slips']],
  ]);

  // a WeCom webhook without its key: refused, the row and field named, nothing changed
  const bad = await post([
    { ordinal: '', channel: 'wecom', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' },
  ]);
  expect(bad.statusCode).toBe(422);
  expect(bad.body).toContain('第 1 个机器人 webhook: a wecom webhook carries ?key=…');
  expect(await h.db.prisma.unitRobot.count({ where: { unitId: h.seeded.units.a } })).toBe(1);
});

test('the leadership cannot open or change the editor', async () => {
  const leader = await signIn(h.app, LEADER);
  const url = `/units/${h.seeded.units.a}/channels`;
  expect((await h.app.inject({ method: 'GET', url, headers: { cookie: leader.cookie } })).statusCode).toBe(403);
});
