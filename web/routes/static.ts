/**
 * Static assets: the stylesheet, the chart script, and ECharts vendored from its npm package
 * (node_modules/echarts/dist): no CDN, the service runs offline. Read once, served from memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';

const HERE = path.join(__dirname, '..', 'static');

function source(name: string): string {
  // Compiled builds keep the assets next to the sources (see tsconfig.build: assets are not copied).
  const local = path.join(HERE, name);
  if (fs.existsSync(local)) return local;
  return path.join(__dirname, '..', '..', '..', 'web', 'static', name);
}

export function registerStatic(app: FastifyInstance): void {
  const files: Record<string, { file: () => string; type: string }> = {
    'app.css': { file: () => source('app.css'), type: 'text/css; charset=utf-8' },
    'dashboard.js': { file: () => source('dashboard.js'), type: 'text/javascript; charset=utf-8' },
    'echarts.min.js': {
      file: () => require.resolve('echarts/dist/echarts.min.js'),
      type: 'text/javascript; charset=utf-8',
    },
  };
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { name: string } }>('/static/:name', async (req, reply) => {
    // own keys only: `constructor` or `__proto__` are not files (they were a 500)
    const f = Object.hasOwn(files, req.params.name) ? files[req.params.name] : undefined;
    if (!f) return reply.code(404).send({ error: '不存在', code: 'NOT_FOUND' });
    let body = cache.get(req.params.name);
    if (!body) {
      body = fs.readFileSync(f.file());
      cache.set(req.params.name, body);
    }
    return reply.header('Cache-Control', 'public, max-age=3600').type(f.type).send(body);
  });
}
