/**
 * A private PostgreSQL server for tests that stop, crash or restart the database: the shared one at
 * 127.0.0.1:5432 must never be touched. initdb into a temp dir (trust auth, loopback on a free port,
 * the unix socket in the same dir), pg_ctl to start and stop it, the project's migrations applied
 * to a fresh database. Like `dubang dev up` (infra/dev/stack.ts startPostgres): the Debian binaries
 * under /usr/lib/postgresql/<v>/bin, run as the postgres user when we are root (postgres refuses
 * to run as root).
 *
 *   const pg = await startPrivatePostgres();
 *   const url = await pg.createDatabase('dubang');   // migrated
 *   pg.crash(); … pg.start();
 *   await pg.destroy();
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyMigrations } from '../../infra/db/migrate';
import { withDatabase } from '../../infra/db/url';
import { freePort } from './services';

export interface PrivatePostgres {
  port: number;
  /** the temp dir: data/, the log, the unix socket */
  dir: string;
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  serverUrl: string;
  /** creates a database with every migration applied; returns its URL */
  createDatabase(name: string): Promise<string>;
  /** pg_ctl stop -m immediate: every backend killed without a checkpoint, as in a crash */
  crash(): void;
  /** pg_ctl stop -m fast */
  stop(): void;
  /** pg_ctl start (waits until it accepts connections; a crash is recovered first) */
  start(): void;
  running(): boolean;
  /** the server log's last lines, for failure messages */
  logTail(lines?: number): string;
  /** stops the server if it runs and removes the temp dir */
  destroy(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<v>/bin with pg_ctl, else undefined (tools from PATH). */
export function pgBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  try {
    const versions = fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((x, y) => Number(y) - Number(x));
    for (const v of versions) if (fs.existsSync(path.join(base, v, 'bin', 'pg_ctl'))) return path.join(base, v, 'bin');
  } catch {
    // no Debian layout
  }
  return undefined;
}

const isRoot = () => process.getuid?.() === 0;

function pgTool(tool: string, args: string[], what: string, logFile?: string): string {
  const bin = pgBinDir();
  const cmd = bin ? path.join(bin, tool) : tool;
  const [c, a] = isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: 'utf8', timeout: 90_000 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const log = logFile && fs.existsSync(logFile) ? `\n${fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n')}` : '';
    throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-800)}${log}`);
  }
  return r.stdout;
}

/** initdb + pg_ctl start on a free loopback port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  fs.writeFileSync(logFile, '');
  if (isRoot()) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const uid = id('-u');
    const gid = id('-g');
    if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, but there is no postgres user to run the server as');
    fs.chownSync(dir, uid, gid);
    fs.chownSync(logFile, uid, gid);
  }
  const port = await freePort();
  pgTool('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], `initdb ${dataDir}`);
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`;
  let up = false;
  const start = () => {
    pgTool('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start'], `pg_ctl start (${dataDir})`, logFile);
    up = true;
  };
  const stopWith = (mode: 'immediate' | 'fast') => {
    pgTool('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'], `pg_ctl stop -m ${mode} (${dataDir})`, logFile);
    up = false;
  };
  // a test process that dies without its afterAll must not leave a server behind
  const onExit = () => {
    if (!up) return;
    try {
      stopWith('immediate');
    } catch {
      // nothing more to do while exiting
    }
  };
  process.once('exit', onExit);
  try {
    start();
  } catch (err) {
    process.removeListener('exit', onExit);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const serverUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let destroyed: Promise<void> | null = null;
  return {
    port,
    dir,
    serverUrl,
    async createDatabase(name) {
      const url = withDatabase(serverUrl, name);
      await applyMigrations(url);
      return url;
    },
    crash: () => stopWith('immediate'),
    stop: () => stopWith('fast'),
    start,
    running: () => up,
    logTail(lines = 30) {
      try {
        return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    destroy() {
      if (!destroyed) {
        destroyed = (async () => {
          try {
            if (up) stopWith('immediate');
          } finally {
            process.removeListener('exit', onExit);
            fs.rmSync(dir, { recursive: true, force: true });
          }
        })();
      }
      return destroyed;
    },
  };
}
