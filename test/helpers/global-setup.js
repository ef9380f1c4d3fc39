/**
 * Integration tests' global setup (jest runs it once, in the parent process, before any suite):
 *  - a dedicated Temporal dev server for this run: free port, in-memory store, no UI, so tests
 *    never touch the developer's server or its data. Its address goes to every suite as
 *    process.env.TEMPORAL_TEST_ADDRESS; global-teardown.js stops it. A server left behind by a
 *    killed run is stopped here (its pid file names the jest process that owned it).
 *    Set TEMPORAL_TEST_ADDRESS yourself to use an existing server instead.
 *  - PostgreSQL and Redis from the configuration must answer; otherwise stop with a message that
 *    says what to run, instead of every suite failing with a connection error.
 * Jest transforms TypeScript required from here, so this reuses devtools/.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function stateDir() {
  const dir = path.join(os.tmpdir(), 'dubang-test-temporal');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Stops test servers whose jest process is gone (a run killed before its teardown). */
async function reapOrphans(processAlive, stopProcess) {
  const dir = stateDir();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const file = path.join(dir, f);
    try {
      const rec = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (processAlive(rec.owner)) continue;
      await stopProcess(rec.pid, 'start-dev', 3000);
    } catch {
      // unreadable record: nothing to stop
    }
    fs.rmSync(file, { force: true });
  }
}

module.exports = async function globalSetup() {
  const { probePostgres, probeRedis, redisEvictionProblem, probeTemporal } = require('../../devtools/probes');
  const { resolveTemporalCli, startTemporalDevServer } = require('../../devtools/temporal');
  const { processAlive, stopProcess } = require('../../devtools/process');
  // The same validated configuration the service uses (a bad value stops the run naming the key).
  const cfg = require('../../config').loadConfig();

  const [pg, redis] = await Promise.all([probePostgres(cfg.database.url), probeRedis(cfg.redis.url)]);
  const problems = [];
  if (!pg.server) problems.push(`PostgreSQL (${cfg.database.url}) 连接不上: ${pg.detail}`);
  if (!redis.policy) problems.push(`Redis (${cfg.redis.url}) 连接不上: ${redis.detail}`);
  const eviction = redisEvictionProblem(cfg.redis.url, redis.policy);
  if (eviction) problems.push(eviction);
  if (problems.length) {
    throw new Error(
      `集成测试需要真实的服务:\n- ${problems.join('\n- ')}\n先运行 \`npm run up\` (或 \`node bin/dubang.js dev up\`), 或设置 DATABASE_URL / REDIS_URL。`,
    );
  }

  if (process.env.TEMPORAL_TEST_ADDRESS) {
    const t = await probeTemporal(process.env.TEMPORAL_TEST_ADDRESS, 'default', 3000);
    if (!t.ok) throw new Error(`TEMPORAL_TEST_ADDRESS=${process.env.TEMPORAL_TEST_ADDRESS} 不可用: ${t.detail}`);
    return;
  }

  await reapOrphans(processAlive, stopProcess);
  const cli = resolveTemporalCli(root, cfg.temporal.cli);
  const port = await freePort();
  const logFile = path.join(stateDir(), `temporal-${port}.log`);
  const started = await startTemporalDevServer({ cli, ip: '127.0.0.1', port, logFile, timeoutMs: 60000 });
  const address = `127.0.0.1:${port}`;
  const record = path.join(stateDir(), `${started.pid}.json`);
  fs.writeFileSync(record, JSON.stringify({ pid: started.pid, owner: process.pid, address, logFile }));
  process.env.TEMPORAL_TEST_ADDRESS = address;
  // The teardown runs in this same process and reads this back.
  globalThis.__DUBANG_TEST_TEMPORAL__ = { pid: started.pid, record, logFile };
};
