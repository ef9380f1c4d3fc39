/**
 * A private PostgreSQL server for tests that stop, crash or restart the database: the shared one at
 * 127.0.0.1:5432 must never be touched. initdb into a temp dir (trust auth, loopback on a free port,
 * the unix socket in the same dir), pg_ctl to start and stop it, the project's migrations applied
 * to a fresh database. Like `dubang dev up` (devtools/stack.ts startPostgres): the Debian binaries
 * under /usr/lib/postgresql/<v>/bin, run as the postgres user when we are root (postgres refuses
 * to run as root).
 *
 *   const pg = await startPrivatePostgres();
 *   const url = await pg.createDatabase('dubang');   // migrated
 *   pg.crash(); … pg.start();
 *   await pg.destroy();
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyMigrations } from '../../infra/db/migrate';
import { withDatabase } from '../../infra/db/url';
import { run, tail } from '../../devtools/process';
import { asPgUser, chownToPostgres, pgBinDir } from '../../devtools/stack';
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

/** A PostgreSQL tool (the same binaries and user as `dubang dev up`); a failure message ends with the server log's tail. */
function pgTool(tool: string, args: string[], what: string, logFile?: string): string {
  const bin = pgBinDir();
  const [c, a] = asPgUser(bin ? path.join(bin, tool) : tool, args);
  try {
    return run(c, a, what);
  } catch (err) {
    const log = logFile ? tail(logFile) : '';
    throw log ? new Error(`${(err as Error).message}\n${log}`) : err;
  }
}

/** initdb + pg_ctl start on a free loopback port; `serverOptions` are extra `-c name=value` settings (e.g. ssl). */
export async function startPrivatePostgres(
  o: { serverOptions?: Record<string, string> } = {},
): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  fs.writeFileSync(logFile, '');
  chownToPostgres(dir, logFile); // postgres refuses to run as root: then the server runs as the postgres user
  const port = await freePort();
  pgTool(
    'initdb',
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    `initdb ${dataDir}`,
  );
  const extra = Object.entries(o.serverOptions ?? {})
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join('');
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}${extra}`;
  let up = false;
  const start = () => {
    pgTool(
      'pg_ctl',
      ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start'],
      `pg_ctl start (${dataDir})`,
      logFile,
    );
    up = true;
  };
  const stopWith = (mode: 'immediate' | 'fast') => {
    pgTool(
      'pg_ctl',
      ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'],
      `pg_ctl stop -m ${mode} (${dataDir})`,
      logFile,
    );
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
    logTail: (lines = 30) => tail(logFile, lines),
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
