/**
 * PostgreSQL for `dubang dev up|down`: this machine's own cluster on the configured port (started
 * the way its init scripts do), or a private one under var/pg. Split from devtools/stack.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Config } from '../config';
import type { Logger } from '../contracts/logger';
import { DevError, run, tail, writePidRecord, type PidRecord } from './process';
import { databaseName, ensureDatabase, hostPort, isLocalHost, probePostgres } from './probes';
import { pgBinDir } from '../infra/db/backup';
import { waitFor, type DevPaths } from './stack-common';

/** PostgreSQL binaries: the newest /usr/lib/postgresql/<v>/bin (infra/db/backup.ts), else whatever is on PATH. */
export { pgBinDir } from '../infra/db/backup';

/** Clusters of this machine (Debian postgresql-common), from `pg_lsclusters`. */
function machineClusters(): { version: string; name: string; port: number; dataDir: string }[] {
  const r = spawnSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return [];
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 6)
    .map((f) => ({ version: f[0]!, name: f[1]!, port: Number(f[2]), dataDir: f[5]! }));
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `postgres` refuses to run as root: as root, run its tools as the postgres user. */
export function asPgUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
  return [cmd, args];
}

export function chownToPostgres(...paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(run('id', ['-u', 'postgres'], 'looking up the postgres user').trim());
  const gid = Number(run('id', ['-g', 'postgres'], 'looking up the postgres group').trim());
  for (const p of paths) fs.chownSync(p, uid, gid);
}

async function startPostgres(cfg: Config, p: DevPaths, host: string, port: number, log: Logger): Promise<PidRecord> {
  const address = `${host}:${port}`;
  const cluster = machineClusters().find((c) => c.port === port);
  let rec: PidRecord;
  if (cluster) {
    // This machine's own cluster on that port: start it the way its init scripts do.
    const cmd = ['pg_ctlcluster', '--skip-systemctl-redirect', cluster.version, cluster.name, 'start'];
    log.info('starting the PostgreSQL cluster of this machine', { cmd: cmd.join(' ') });
    run(cmd[0]!, cmd.slice(1), `启动 PostgreSQL 集群 ${cluster.version}/${cluster.name}`);
    const pid = postmasterPid(cluster.dataDir);
    if (!pid)
      throw new DevError(
        `PostgreSQL ${cluster.version}/${cluster.name} 已启动, 但读不到 ${cluster.dataDir}/postmaster.pid`,
      );
    rec = {
      part: 'postgres',
      pid,
      kind: 'pg_ctlcluster',
      startedAt: new Date().toISOString(),
      command: cmd,
      address,
      match: 'postgres',
      pg: { version: cluster.version, cluster: cluster.name, dataDir: cluster.dataDir },
    };
  } else {
    // No cluster here: a private one under var/pg, trust auth on loopback only.
    const bin = pgBinDir();
    const tool = (t: string) => (bin ? path.join(bin, t) : t);
    const user = decodeURIComponent(new URL(cfg.database.url).username) || 'postgres';
    const logFile = path.join(p.logDir, 'postgres.log');
    fs.mkdirSync(p.pgDir, { recursive: true });
    fs.mkdirSync(p.logDir, { recursive: true });
    if (!fs.existsSync(logFile)) fs.writeFileSync(logFile, '');
    chownToPostgres(p.pgDir, logFile);
    if (!fs.existsSync(path.join(p.pgDir, 'PG_VERSION'))) {
      log.info('initialising a PostgreSQL data directory', { dir: p.pgDir });
      const [c, a] = asPgUser(tool('initdb'), [
        '-D',
        p.pgDir,
        '-U',
        user,
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]);
      run(c, a, `initdb ${p.pgDir}`);
    }
    const opts = `-c listen_addresses=${host} -p ${port} -c unix_socket_directories=''`;
    const [c, a] = asPgUser(tool('pg_ctl'), ['-D', p.pgDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
    run(c, a, `pg_ctl start (${p.pgDir}); 日志 ${logFile}:\n${tail(logFile)}`);
    const pid = postmasterPid(p.pgDir);
    if (!pid) throw new DevError(`PostgreSQL 已启动, 但读不到 ${p.pgDir}/postmaster.pid`);
    rec = {
      part: 'postgres',
      pid,
      kind: 'pg_ctl',
      startedAt: new Date().toISOString(),
      command: [c, ...a],
      address,
      match: 'postgres',
      logFile,
      pg: { dataDir: p.pgDir, ...(bin ? { binDir: bin } : {}) },
    };
  }
  writePidRecord(p.runDir, rec);
  await waitFor(
    `PostgreSQL ${address}`,
    async () => {
      const s = await probePostgres(cfg.database.url);
      return { ok: s.server, detail: s.detail };
    },
    30000,
    rec.logFile,
  );
  return rec;
}

export async function upPostgres(cfg: Config, p: DevPaths, log: Logger): Promise<string | undefined> {
  const { host, port } = hostPort(cfg.database.url, 5432);
  const probe = await probePostgres(cfg.database.url);
  let started: string | undefined;
  if (!probe.server) {
    if (!isLocalHost(host))
      throw new DevError(
        `PostgreSQL ${host}:${port} (DATABASE_URL) 连接不上, 而且不在本机, 无法替你启动: ${probe.detail}`,
      );
    await startPostgres(cfg, p, host, port, log);
    started = 'postgres';
  }
  if (await ensureDatabase(cfg.database.url))
    log.info('created the application database', { database: databaseName(cfg.database.url) });
  return started;
}

/** Stops a PostgreSQL that `dev up` started with its own tools; false for any other record. */
export function stopPostgresRecord(rec: PidRecord): boolean {
  if (rec.kind === 'pg_ctlcluster' && rec.pg?.version && rec.pg.cluster) {
    run(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', rec.pg.version, rec.pg.cluster, 'stop', '-m', 'fast'],
      '停止 PostgreSQL',
    );
    return true;
  }
  if (rec.kind === 'pg_ctl' && rec.pg?.dataDir) {
    const pgCtl = rec.pg.binDir ? path.join(rec.pg.binDir, 'pg_ctl') : 'pg_ctl';
    const [c, a] = asPgUser(pgCtl, ['-D', rec.pg.dataDir, '-m', 'fast', '-w', 'stop']);
    run(c, a, '停止 PostgreSQL');
    return true;
  }
  return false;
}
