/**
 * Programmatic migrations: apply, status and drift, with Prisma's own migration logic.
 *
 * Each call starts the schema engine as a child process and speaks its JSON-RPC over stdio, exactly
 * as the Prisma CLI does. The engine is scripts/prisma-engine/schema-engine (the WebAssembly engine
 * behind a native-compatible front, see PRISMA-OFFLINE.md), or a native engine binary passed as
 * `enginePath`. A child process keeps the engine's ESM/wasm loading out of jest and the app, and
 * its exit takes the engine's 10 s advisory-lock timer and every pool with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Client } from 'pg';
import { loadConfig, projectRoot } from '../../config';
import { databaseOf, ensureDatabase, pgConnectionConfig, redact, withDatabase } from './url';
import { ErrorCodes, DubangError } from '../../contracts/errors';

/** A migration step failed or the history is not in a state we can work with. */
export class MigrationError extends DubangError {
  static override readonly code = ErrorCodes.MigrationError;
  constructor(
    message: string,
    /** Prisma error code when the engine gave one (P3009 …) */
    readonly prismaCode?: string,
  ) {
    super(message);
  }
}

export interface MigrateOptions {
  /** folder of `<timestamp>_<name>/migration.sql` (default prisma/migrations) */
  migrationsDir?: string;
  /** the Prisma schema (default prisma/schema.prisma) */
  schemaPath?: string;
  /** schema engine executable (default scripts/prisma-engine/schema-engine, run with this Node) */
  enginePath?: string;
}

export interface MigrationStatus {
  /** migration folders, in order */
  local: string[];
  /** finished rows of _prisma_migrations (not rolled back), in order applied */
  applied: string[];
  /** local migrations not yet applied */
  pending: string[];
  /** applied to the database but missing from the folder */
  unknown: string[];
  /** started and not finished (a later deploy stops with P3009 until resolved) */
  failed: string[];
  /** applied migrations whose migration.sql changed since (checksum mismatch) */
  edited: string[];
  /** false for a database that never saw a migration */
  hasMigrationsTable: boolean;
}

interface Paths {
  root: string;
  migrationsDir: string;
  schemaPath: string;
  enginePath: string;
}

function paths(opts: MigrateOptions = {}): Paths {
  const root = projectRoot();
  return {
    root,
    migrationsDir: path.resolve(root, opts.migrationsDir ?? 'prisma/migrations'),
    schemaPath: path.resolve(root, opts.schemaPath ?? 'prisma/schema.prisma'),
    enginePath: path.resolve(root, opts.enginePath ?? 'scripts/prisma-engine/schema-engine'),
  };
}

/** The engine's MigrationList: what the Prisma CLI reads from the migrations folder. */
export function readMigrationsList(migrationsDir: string): {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: Array<{
    path: string;
    migrationFile: { path: string; content: { tag: 'ok' | 'error'; value: string } };
  }>;
} {
  const baseDir = path.resolve(migrationsDir);
  const dirs = fs.existsSync(baseDir)
    ? fs
        .readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lock = path.join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = path.join(baseDir, name, 'migration.sql');
      const content = fs.existsSync(file)
        ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') }
        : { tag: 'error' as const, value: `missing ${file}` };
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  };
}

const noFilters = { externalTables: [] as string[], externalEnums: [] as string[] };

interface RpcError {
  message: string;
  data?: { message?: string; error_code?: string; is_panic?: boolean };
}

function isNodeScript(file: string): boolean {
  if (/\.[cm]?js$/.test(file)) return true;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    fs.readSync(fd, head, 0, 64, 0);
    return /^#!.*\bnode\b/.test(head.toString('utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

/** One schema engine process; requests go one at a time, as with the Prisma CLI. */
class EngineProcess {
  private child: ChildProcess;
  private nextId = 1;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr: string[] = [];
  private exited: Error | null = null;

  constructor(enginePath: string, url: string, schemaPath: string | undefined, cwd: string) {
    const args = [...(schemaPath ? ['--datamodels', schemaPath] : []), '--datasource', JSON.stringify({ url })];
    // A Node script runs on this Node (no reliance on the shebang or the file mode); anything else is a native binary.
    this.child = isNodeScript(enginePath)
      ? spawn(process.execPath, [enginePath, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(enginePath, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 50) this.stderr.shift();
    });
    this.child.on('error', (e) => this.fail(e));
    this.child.on('exit', (code, signal) =>
      this.fail(new Error(`schema engine exited (${signal ?? code})${this.lastError()}`)),
    );
  }

  private lastError(): string {
    for (let i = this.stderr.length - 1; i >= 0; i--) {
      try {
        const entry = JSON.parse(this.stderr[i]!) as { level?: string; fields?: { message?: string } };
        if (entry.level === 'ERROR') return `: ${entry.fields?.message ?? ''}`;
      } catch {
        return `: ${this.stderr[i]}`;
      }
    }
    return '';
  }

  private fail(e: Error): void {
    this.exited = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  private onLine(line: string): void {
    let msg: { id?: number; result?: unknown; error?: RpcError };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    const w = msg.id === undefined ? undefined : this.waiting.get(msg.id);
    if (!w) return;
    this.waiting.delete(msg.id!);
    if (msg.error) {
      const d = msg.error.data;
      w.reject(new MigrationError(d?.message ?? msg.error.message, d?.error_code));
    } else {
      w.resolve(msg.result);
    }
  }

  request<T>(method: string, params: unknown): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  /** Closes stdin: the engine closes its pools, drops temporary shadow databases and exits. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

async function withEngine<T>(
  url: string,
  opts: MigrateOptions,
  fn: (e: EngineProcess, p: Paths) => Promise<T>,
): Promise<T> {
  const p = paths(opts);
  const engine = new EngineProcess(p.enginePath, url, p.schemaPath, p.root);
  try {
    return await fn(engine, p);
  } finally {
    await engine.stop();
  }
}

/**
 * Applies every pending migration to the database at `url`, creating the database first if it
 * does not exist (what `prisma migrate deploy` does). Returns the names just applied, in order.
 * A failed migration is rolled back (each script runs as one transaction) and recorded as failed;
 * the error names it.
 */
export async function applyMigrations(
  url: string,
  opts: MigrateOptions = {},
): Promise<{ applied: string[]; createdDatabase: boolean }> {
  const createdDatabase = await ensureDatabase(url);
  return withEngine(url, opts, async (engine, p) => {
    const out = await engine.request<{ appliedMigrationNames: string[] }>('applyMigrations', {
      migrationsList: readMigrationsList(p.migrationsDir),
      filters: noFilters,
    });
    return { applied: out.appliedMigrationNames, createdDatabase };
  });
}

interface DiagnoseOutput {
  editedMigrationNames: string[];
  failedMigrationNames: string[];
  hasMigrationsTable: boolean;
  history:
    | null
    | { diagnostic: 'databaseIsBehind'; unappliedMigrationNames: string[] }
    | { diagnostic: 'migrationsDirectoryIsBehind'; unpersistedMigrationNames: string[] }
    | {
        diagnostic: 'historiesDiverge';
        lastCommonMigrationName: string | null;
        unpersistedMigrationNames: string[];
        unappliedMigrationNames: string[];
      };
}

/** Applied rows of _prisma_migrations, in order applied (empty when the table does not exist). */
async function appliedRows(url: string): Promise<string[]> {
  const client = new Client(pgConnectionConfig(url));
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
        ORDER BY started_at, migration_name`,
    );
    return rows.map((r) => r.migration_name);
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') return []; // undefined_table: never migrated
    throw e;
  } finally {
    await client.end();
  }
}

/**
 * Where the database at `url` stands against the migrations folder (`prisma migrate status`).
 * Throws MigrationError P1003 when the database does not exist.
 */
export async function migrationStatus(url: string, opts: MigrateOptions = {}): Promise<MigrationStatus> {
  const p = paths(opts);
  const local = readMigrationsList(p.migrationsDir).migrationDirectories.map((d) => d.path);
  try {
    const d = await withEngine(url, opts, (engine) =>
      engine.request<DiagnoseOutput>('diagnoseMigrationHistory', {
        migrationsList: readMigrationsList(p.migrationsDir),
        optInToShadowDatabase: false,
        filters: noFilters,
      }),
    );
    const h = d.history;
    const pending = h && 'unappliedMigrationNames' in h ? h.unappliedMigrationNames : [];
    const unknown = h && 'unpersistedMigrationNames' in h ? h.unpersistedMigrationNames : [];
    return {
      local,
      applied: d.hasMigrationsTable ? await appliedRows(url) : [],
      pending: d.hasMigrationsTable ? pending : local,
      unknown,
      failed: d.failedMigrationNames,
      edited: d.editedMigrationNames,
      hasMigrationsTable: d.hasMigrationsTable,
    };
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) {
      throw new MigrationError(`数据库 ${databaseOf(url)} 不存在 (${redact(url)})`, 'P1003');
    }
    throw e;
  }
}

/**
 * Drift between the migrations folder and schema.prisma: the SQL that would bring a database built
 * from the migrations to the schema. Empty means no drift. The engine replays the migrations in a
 * temporary shadow database that it creates and drops on the server. `opts.url` is the database the
 * engine connects to first (nothing in it is read or changed); by default the `postgres`
 * maintenance database of DATABASE_URL's server, so no application database has to exist.
 */
export async function checkDrift(
  opts: MigrateOptions & { url?: string } = {},
): Promise<{ drift: boolean; sql: string }> {
  const url = opts.url ?? withDatabase(loadConfig().database.url, 'postgres');
  return withEngine(url, opts, async (engine, p) => {
    const out = await engine.request<{ exitCode: number; stdout: string | null }>('diff', {
      from: { tag: 'migrations', ...readMigrationsList(p.migrationsDir) },
      to: { tag: 'schemaDatamodel', files: [{ path: p.schemaPath, content: fs.readFileSync(p.schemaPath, 'utf8') }] },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return diffResult(out);
  });
}

/**
 * Drift between a live database and schema.prisma (reads the database's catalog): the SQL that
 * would bring the database at `url` to the schema. Empty after the migrations were applied, unless
 * someone changed the database by hand.
 */
export async function checkDatabaseDrift(
  url: string,
  opts: MigrateOptions = {},
): Promise<{ drift: boolean; sql: string }> {
  return withEngine(url, opts, async (engine, p) => {
    const files = [{ path: p.schemaPath, content: fs.readFileSync(p.schemaPath, 'utf8') }];
    const out = await engine.request<{ exitCode: number; stdout: string | null }>('diff', {
      // the engine's own connection (to `url`), as `prisma migrate diff --from-config-datasource`
      from: { tag: 'schemaDatasource', files, configDir: p.root },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return diffResult(out);
  });
}

function diffResult(out: { exitCode: number; stdout: string | null }): { drift: boolean; sql: string } {
  const sql = (out.stdout ?? '').trim();
  // An empty diff script is a comment only ("-- This is an empty migration.").
  const drift = out.exitCode === 2 || sql.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('--'));
  return { drift, sql: drift ? sql : '' };
}
