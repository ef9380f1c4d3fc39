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
