/**
 * /healthz: each dependency's state (PostgreSQL always; Redis, Temporal, SMTP when the composition
 * root passes their checks); 200 when all are up, 503 otherwise. /metrics: Prometheus text format.
 */
import type { FastifyInstance } from 'fastify';
import type { HealthCheck, WebContext } from '../context';
import { promLine } from '../metrics';

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(c: HealthCheck): Promise<{ ok: boolean; detail?: string; ms: number }> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      c.check(),
      new Promise<{ ok: boolean; detail: string }>(
        (resolve) =>
          (timer = setTimeout(
            () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
            CHECK_TIMEOUT_MS,
          )),
      ),
    ]);
    return { ...r, ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, detail: (err as Error).message, ms: Math.round(performance.now() - start) };
  } finally {
    clearTimeout(timer);
  }
}

export function registerOps(app: FastifyInstance, ctx: WebContext): void {
  const http = new Map<string, number>();
  let linkRefusals = 0;
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const key = `${req.method}|${route}|${reply.statusCode}`;
    http.set(key, (http.get(key) ?? 0) + 1);
  });
  app.decorate('countLinkRefusal', () => {
    linkRefusals++;
  });

  const checks: HealthCheck[] = [
    {
      name: 'postgres',
      async check() {
        await ctx.db.$queryRaw`SELECT 1`;
        return { ok: true };
      },
    },
    ...(ctx.health ?? []),
  ];

  app.get('/healthz', async (_req, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const ok = results.every(([, r]) => r.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks: Object.fromEntries(results) });
  });

  app.get('/metrics', async (_req, reply) => {
    const [notices, states, overdue, slips] = await Promise.all([
      ctx.db.$queryRaw<
        { kind: string; status: string; n: bigint }[]
      >`SELECT kind, status::text AS status, count(*) AS n FROM "Notice" GROUP BY kind, status ORDER BY kind, status`,
      ctx.db.$queryRaw<
        { state: string; n: bigint }[]
      >`SELECT state::text AS state, count(*) AS n FROM "Assignment" GROUP BY state ORDER BY state`,
      ctx.db.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*) AS n FROM "Assignment" WHERE overdue AND state NOT IN ('COMPLETED', 'CANCELLED')`,
      ctx.db.$queryRaw<
        { colour: string; n: bigint }[]
      >`SELECT colour::text AS colour, count(*) AS n FROM "SupervisionSlip" WHERE "closedAt" IS NULL GROUP BY colour ORDER BY colour`,
    ]);
    const out: string[] = [];
    out.push('# HELP dubang_notices Notices by kind and status.', '# TYPE dubang_notices gauge');
    for (const r of notices) out.push(promLine('dubang_notices', { kind: r.kind, status: r.status }, Number(r.n)));
    out.push('# HELP dubang_assignments Assignments by lifecycle state.', '# TYPE dubang_assignments gauge');
    for (const r of states) out.push(promLine('dubang_assignments', { state: r.state }, Number(r.n)));
    out.push(
      '# HELP dubang_assignments_overdue Open assignments flagged overdue.',
      '# TYPE dubang_assignments_overdue gauge',
    );
    out.push(promLine('dubang_assignments_overdue', {}, Number(overdue[0]?.n ?? 0)));
    out.push('# HELP dubang_slips_open Open supervision slips by colour.', '# TYPE dubang_slips_open gauge');
    for (const r of slips) out.push(promLine('dubang_slips_open', { colour: r.colour }, Number(r.n)));
    out.push(
      '# HELP dubang_link_refusals_total Unit-form link attempts refused since start.',
      '# TYPE dubang_link_refusals_total counter',
    );
    out.push(promLine('dubang_link_refusals_total', {}, linkRefusals));
    out.push(
      '# HELP dubang_http_requests_total HTTP responses since start.',
      '# TYPE dubang_http_requests_total counter',
    );
    for (const [k, n] of http) {
      const [method, route, status] = k.split('|') as [string, string, string];
      out.push(promLine('dubang_http_requests_total', { method, route, status }, n));
    }
    let text = out.join('\n') + '\n';
    if (ctx.metrics) {
      try {
        text += await ctx.metrics();
      } catch (err) {
        ctx.logger.warn('extra metrics failed', { err });
        text += '# extra metrics unavailable\n';
      }
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    countLinkRefusal(): void;
  }
}
