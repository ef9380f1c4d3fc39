/**
 * One real PostgreSQL database per test file, with every migration applied.
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(); });
 *   afterAll(() => db.drop());
 *
 * Fast path: the migrations are applied once into a template database named after a hash of the
 * migrations folder (dubang_template_<hash>), and each test database is a `CREATE DATABASE …
 * TEMPLATE` copy of it (tens of milliseconds). A changed migration gives a new hash, hence a fresh
 * template. Test databases are named dubang_test_<random> and dropped WITH (FORCE).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, projectRoot } from '../../config';
import type { PrismaClient } from '../../generated/prisma/client';
import { createPrisma } from '../../infra/db/client';
import { applyMigrations } from '../../infra/db/migrate';
import { dropDatabase, quoteIdent, withAdmin, withDatabase } from '../../infra/db/url';

export interface TestDatabase {
  /** connection URL of this test's database */
  url: string;
  /** database name (dubang_test_<random>) */
  name: string;
  /** a client on it; closed by drop() */
  prisma: PrismaClient;
  /** disconnects the client and drops the database */
  drop(): Promise<void>;
}

/** The server the tests use: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/dubang). */
export function testServerUrl(): string {
  return loadConfig().database.url;
}

/** Hash of every migration (names and SQL) and the lock file: the template's identity. */
export function migrationsHash(migrationsDir = path.join(projectRoot(), 'prisma', 'migrations')): string {
  const h = crypto.createHash('sha256');
  for (const name of fs.readdirSync(migrationsDir).sort()) {
    const full = path.join(migrationsDir, name);
    const file = fs.statSync(full).isDirectory() ? path.join(full, 'migration.sql') : full;
    h.update(name + '\0');
    if (fs.existsSync(file)) h.update(fs.readFileSync(file));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

let templatePromise: Promise<string> | null = null;

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  return withAdmin(serverUrl, async (c) =>
    Boolean((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount),
  );
}

/**
 * Name of the template database for the current migrations, built if missing. Safe against other
 * test processes doing the same: each builds under a private name and renames it into place; the
 * loser drops its copy.
 */
export function ensureTemplate(serverUrl = testServerUrl()): Promise<string> {
  if (!templatePromise) {
    templatePromise = (async () => {
      const name = `dubang_template_${migrationsHash()}`;
      if (await databaseExists(serverUrl, name)) return name;
      const building = `${name}_build_${crypto.randomBytes(4).toString('hex')}`;
      const buildUrl = withDatabase(serverUrl, building);
      try {
        await applyMigrations(buildUrl);
        await withAdmin(serverUrl, async (c) => {
          try {
            await c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
          } catch (e) {
            if ((e as { code?: string }).code !== '42P04') throw e; // duplicate_database: someone else won
          }
        });
      } finally {
        await dropDatabase(buildUrl);
      }
      return name;
    })();
    templatePromise.catch(() => {
      templatePromise = null;
    });
  }
  return templatePromise;
}

/** A fresh, fully migrated database for one test file (see the file comment). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const template = await ensureTemplate(serverUrl);
  const name = `dubang_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, async (c) => {
    // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template; nothing should
    // be, but a concurrent template build's final rename can briefly be. Retry a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e; // object_in_use
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const url = withDatabase(serverUrl, name);
  const prisma = createPrisma(url, { max: 4 });
  let dropped: Promise<void> | null = null;
  return {
    url,
    name,
    prisma,
    drop() {
      if (!dropped) {
        dropped = (async () => {
          try {
            await prisma.$disconnect();
          } finally {
            await dropDatabase(url);
          }
        })();
      }
      return dropped;
    },
  };
}
