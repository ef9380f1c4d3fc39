import { createLogger } from '../../infra/logger';

function collect(level: Parameters<typeof createLogger>[0], base: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const logger = createLogger(level, base, (l) => lines.push(l));
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger (pino)', () => {
  it("writes one JSON object per line with level as a word, an ISO time, msg, the base fields and the call's fields", () => {
    const { logger, lines, entries } = collect('info', { service: 'http' });
    logger.info('http server listening', { url: 'http://127.0.0.1:8080' });
    logger.warn('bad request', { status: 400 });
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).not.toContain('\n');
    const [a, b] = entries();
    expect(a).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'http',
      msg: 'http server listening',
      url: 'http://127.0.0.1:8080',
    });
    expect(b).toMatchObject({ level: 'warn', msg: 'bad request', status: 400, service: 'http' });
    // No pino extras (pid, hostname) unless a caller binds them.
    expect(a).not.toHaveProperty('pid');
    expect(a).not.toHaveProperty('hostname');
  });

  it('drops lines below its level', () => {
    const { logger, entries } = collect('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(entries().map((e) => e.level)).toEqual(['warn', 'error']);
  });

  it('turns an Error in any field into its name, message and stack', () => {
    const { logger, entries } = collect('info');
    const err = new TypeError('boom');
    logger.error('close failed', { err, cause: new RangeError('deeper'), n: 1 });
    const [e] = entries();
    expect(e?.err).toEqual({ name: 'TypeError', message: 'boom', stack: err.stack });
    expect(e?.cause).toMatchObject({ name: 'RangeError', message: 'deeper' });
    expect(e?.n).toBe(1);
  });

  it("children add their fields to every line, after the parent's", () => {
    const { logger, entries } = collect('debug', { service: 'temporal-worker' });
    logger.child({ component: 'activities' }).child({ task: 7 }).debug('ran');
    expect(entries()[0]).toMatchObject({
      service: 'temporal-worker',
      component: 'activities',
      task: 7,
      msg: 'ran',
      level: 'debug',
    });
  });

  it('gives Fastify the same pino instance, so its lines have the same shape', () => {
    const { logger, entries } = collect('info', { service: 'http' });
    logger.pino.child({ reqId: 'abc' }).info({ statusCode: 200 }, 'request completed');
    expect(entries()[0]).toMatchObject({
      level: 'info',
      service: 'http',
      reqId: 'abc',
      statusCode: 200,
      msg: 'request completed',
    });
  });
});

describe('logger: secrets never reach a line', () => {
  const token = 'v2.k1.eyJqdGkiOiJhYmMifQ.c2lnbmF0dXJl';

  it("censors a signed link's token in any URL: the field, the message and an error's message and stack", () => {
    const { logger, lines, entries } = collect('info', { service: 'http' });
    logger.warn('bad request', { url: `/u/u1/p1/f/a1?t=${encodeURIComponent(token)}&x=1`, status: 400 });
    logger.error('request failed', {
      err: new Error(`cannot open https://dubang.example.gov.cn/f/a1?t=${token}`),
      req: { method: 'GET', url: `/f/a1?t=${token}` },
    });
    logger.info(`opened /api/unit/a1?t=${token}`);
    expect(lines.join('\n')).not.toContain('c2lnbmF0dXJl');
    const [bad, failed, opened] = entries();
    expect(bad?.url).toBe('/u/u1/p1/f/a1?t=[redacted]&x=1');
    expect((failed?.err as { message: string }).message).toBe(
      'cannot open https://dubang.example.gov.cn/f/a1?t=[redacted]',
    );
    expect((failed?.req as { url: string }).url).toBe('/f/a1?t=[redacted]');
    expect(opened?.msg).toBe('opened /api/unit/a1?t=[redacted]');
  });

  it("censors robots' credentials in webhook URLs and fields named like a secret, keeping the rest", () => {
    // field: [what the caller logs, what the line says]
    const cases: Record<string, [unknown, unknown]> = {
      robot: ['r1', 'r1'],
      target: [
        'https://oapi.dingtalk.com/robot/send?access_token=abc123def&timestamp=1',
        'https://oapi.dingtalk.com/robot/send?access_token=[redacted]&timestamp=1',
      ],
      wecom: [
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-9f8e7d',
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=[redacted]',
      ],
      secret: ['SEC-shh', '[redacted]'],
      channel: [
        { webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/feishu-tok', secret: 'SEC-2', kind: 'feishu' },
        { webhook: '[redacted]', secret: '[redacted]', kind: 'feishu' },
      ],
      headers: [
        { authorization: 'Bearer zzz', cookie: 'sid=qqq' },
        { authorization: '[redacted]', cookie: '[redacted]' },
      ],
    };
    const { logger, lines, entries } = collect('info');
    logger.warn('robot', Object.fromEntries(Object.entries(cases).map(([k, [given]]) => [k, given])));
    const text = lines.join('\n');
    for (const s of ['abc123def', 'k-9f8e7d', 'SEC-shh', 'feishu-tok', 'SEC-2', 'zzz', 'qqq'])
      expect(text).not.toContain(s);
    expect(entries()[0]).toMatchObject(Object.fromEntries(Object.entries(cases).map(([k, [, said]]) => [k, said])));
  });

  it('leaves ordinary text with = signs alone', () => {
    const { logger, entries } = collect('info');
    logger.info('sent', { key: 'nanchang-2024-task-7|report_due|1767225600000', note: 'a=b, ratio=3' });
    expect(entries()[0]).toMatchObject({ key: 'nanchang-2024-task-7|report_due|1767225600000', note: 'a=b, ratio=3' });
  });
});
