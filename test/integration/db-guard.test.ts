/**
 * Guard for the offline schema engine (PRISMA-OFFLINE.md, "Recommended"): pins what the
 * workarounds in scripts/prisma-engine rely on, so a Prisma upgrade that changes any of it fails
 * here rather than in a migration on a real database.
 */
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { applyMigrations, checkDatabaseDrift, checkDrift } from '../../infra/db/migrate';
import { dropDatabase, withAdmin, withDatabase } from '../../infra/db/url';
import { createTestDatabase, testServerUrl, type TestDatabase } from '../helpers/db';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const engine = path.join(root, 'scripts', 'prisma-engine', 'schema-engine');

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

async function shadowDatabases(): Promise<string[]> {
  return withAdmin(testServerUrl(), async (c) =>
    (
      await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`,
      )
    ).rows.map((r) => r.datname),
  );
}

/** A throw-away migrations folder. */
function migrationsFolder(migrations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-migrations-'));
  fs.writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('offline schema engine: versions', () => {
  it('the engine is the pinned wasm build and every Prisma package is pinned exactly', async () => {
    const { stdout } = await run(process.execPath, [engine, '--version']);
    expect(stdout.trim()).toBe('schema-engine-cli 59be4fda12412a79eeb9c2ae727b6aa723593323');

    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const pinned = {
      prisma: '7.10.1',
      '@prisma/client': '7.10.0',
      '@prisma/adapter-pg': '7.10.1',
      '@prisma/driver-adapter-utils': '7.10.1',
      '@prisma/schema-engine-wasm': '8.1.0-2.59be4fda12412a79eeb9c2ae727b6aa723593323',
    };
    for (const [name, version] of Object.entries(pinned)) {
      expect(`${name}@${pkg.dependencies[name]}`).toBe(`${name}@${version}`);
      const installed = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(`${name}@${installed.version}`).toBe(`${name}@${version}`);
    }
  });
});

describe('offline schema engine: behaviour the workarounds rely on', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('reads the catalog\'s "char" columns: a migrated database shows no drift against the schema', async () => {
    // pg_class.relkind, pg_constraint.contype … are "char" (oid 18); the adapter alone rejects them.
    const [row] = await query<{ t: string }>(db.url, `SELECT pg_typeof(relkind)::text AS t FROM pg_class LIMIT 1`);
    expect(row?.t).toBe('"char"');
    expect(await checkDatabaseDrift(db.url)).toEqual({ drift: false, sql: '' });
    // and a real difference is seen
    await query(db.url, 'ALTER TABLE "Unit" DROP COLUMN "fullName"');
    const drift = await checkDatabaseDrift(db.url);
    expect(drift.drift).toBe(true);
    expect(drift.sql).toMatch(/ALTER TABLE "Unit" ADD COLUMN\s+"fullName" TEXT/);
  });

  it('uses a shadow database that is really separate from the main one, and drops it', async () => {
    await query(db.url, `CREATE TABLE guard_sentinel (v text); INSERT INTO guard_sentinel VALUES ('keep me')`);
    const before = new Set(await shadowDatabases());
    // Replaying migrations needs the shadow database; the engine resets it first. Were it the main
    // database (trap 2), the sentinel would be gone and "only_in_shadow" would appear in it.
    const dir = migrationsFolder({ '20200101000000_only_in_shadow': 'CREATE TABLE only_in_shadow (id int);' });
    try {
      const r = await checkDrift({ url: db.url, migrationsDir: dir });
      expect(r.drift).toBe(true); // the folder lacks the whole schema
      expect(r.sql).toMatch(/DROP TABLE "only_in_shadow"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await query(db.url, 'SELECT v FROM guard_sentinel')).toEqual([{ v: 'keep me' }]);
    expect(await query(db.url, `SELECT to_regclass('only_in_shadow') AS t`)).toEqual([{ t: null }]);
    expect((await shadowDatabases()).filter((n) => !before.has(n))).toEqual([]);
  });
});

describe('offline schema engine: migration scripts run whole', () => {
  const url = withDatabase(testServerUrl(), `dubang_test_${crypto.randomBytes(6).toString('hex')}`);
  const dir = migrationsFolder({
    // semicolons inside a $$ body: split on ';' (trap 3) this fails to parse
    '20200101000000_dollar_quoted': `CREATE FUNCTION guard_answer() RETURNS int LANGUAGE plpgsql AS $$
DECLARE x int;
BEGIN
  x := 41;
  RETURN x + 1;
END;
$$;
CREATE TABLE guard_first (id int);
`,
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase(url);
  });

  it('applies a migration with a $$ body', async () => {
    expect((await applyMigrations(url, { migrationsDir: dir })).applied).toEqual(['20200101000000_dollar_quoted']);
    expect(await query(url, 'SELECT guard_answer() AS a')).toEqual([{ a: 42 }]);
  });

  it('rolls back a failing migration entirely and then refuses to go on until it is resolved', async () => {
    fs.mkdirSync(path.join(dir, '20200102000000_fails_halfway'));
    fs.writeFileSync(
      path.join(dir, '20200102000000_fails_halfway', 'migration.sql'),
      'CREATE TABLE guard_half (id int);\nSELECT 1/0;\n',
    );
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toMatchObject({
      name: 'MigrationError',
      message: expect.stringMatching(/division by zero/),
    });
    // one implicit transaction: the CREATE TABLE before the failure did not survive
    expect(await query(url, `SELECT to_regclass('guard_half') AS t`)).toEqual([{ t: null }]);
    const rows = await query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
      url,
      `SELECT migration_name, finished_at, logs FROM _prisma_migrations WHERE migration_name = '20200102000000_fails_halfway'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.finished_at).toBeNull();
    expect(rows[0]?.logs).toMatch(/division by zero/);
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/20200102000000_fails_halfway/);
  });
});

describe('the prisma CLI with PRISMA_SCHEMA_ENGINE_BINARY pointing at the offline engine', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const prisma = (args: string[]) =>
    run(process.execPath, [require.resolve('prisma/build/index.js'), ...args], {
      cwd: root,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: engine,
        DATABASE_URL: db.url,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });

  it('`migrate status` and `migrate diff --exit-code` succeed on a migrated database', async () => {
    const status = await prisma(['migrate', 'status']);
    expect(status.stdout).toMatch(/Database schema is up to date!/);
    const diff = await prisma([
      'migrate',
      'diff',
      '--from-migrations',
      'prisma/migrations',
      '--to-schema',
      'prisma/schema.prisma',
      '--exit-code',
    ]);
    expect(diff.stdout).not.toMatch(/CREATE|ALTER|DROP/);
  }, 30_000);
});

describe('`prisma migrate dev --create-only` on a fresh, empty database', () => {
  // The CLI applies the existing migrations first, then evaluates data loss against the shadow
  // database. On an empty database its first diagnostic needs no shadow database, so the engine's
  // shadow cache is empty (trap 4); the offline engine fills it and retries. Runs in a copy of the
  // project's prisma folder so nothing is written into the checkout.
  let work: string;
  let url: string;
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-migrate-dev-'));
    fs.cpSync(path.join(root, 'prisma'), path.join(work, 'prisma'), { recursive: true });
    fs.copyFileSync(path.join(root, 'prisma.config.ts'), path.join(work, 'prisma.config.ts'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'));
    fs.appendFileSync(path.join(work, 'prisma', 'schema.prisma'), '\nmodel GuardScratch {\n  id Int @id\n}\n');
    url = testServerUrl().replace(/\/[^/?]*(\?|$)/, `/guard_fresh_${crypto.randomBytes(4).toString('hex')}$1`);
  });
  afterAll(async () => {
    fs.rmSync(work, { recursive: true, force: true });
    await dropDatabase(url);
  });

  it('creates the migration for the new model and leaves no shadow database behind', async () => {
    const before = await shadowDatabases();
    const out = await run(
      process.execPath,
      [require.resolve('prisma/build/index.js'), 'migrate', 'dev', '--create-only', '--name', 'guard_scratch'],
      {
        cwd: work,
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: engine,
          DATABASE_URL: url,
          CHECKPOINT_DISABLE: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      },
    );
    expect(out.stdout).toMatch(/created the following migration without applying it/);
    const created = fs.readdirSync(path.join(work, 'prisma', 'migrations')).filter((d) => d.endsWith('_guard_scratch'));
    expect(created).toHaveLength(1);
    const sql = fs.readFileSync(path.join(work, 'prisma', 'migrations', created[0]!, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/CREATE TABLE "GuardScratch"/);
    // only the new model: the existing migrations already describe everything else
    expect(sql).not.toMatch(/CREATE TABLE "(?!GuardScratch)/);
    expect(await shadowDatabases()).toEqual(before);
  }, 60_000);
});
