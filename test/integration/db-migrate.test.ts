/** Migrations: applied to an empty database by Prisma's engine, history recorded, no drift. */
import * as crypto from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations, checkDrift, migrationStatus } from '../../infra/db/migrate';
import { dropDatabase, withDatabase } from '../../infra/db/url';
import { createTestDatabase, testServerUrl, type TestDatabase } from '../helpers/db';
import * as fs from 'node:fs';
import * as path from 'node:path';

const migrationsDir = path.join(__dirname, '..', '..', 'prisma', 'migrations');
const local = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('applyMigrations on a database that does not exist yet', () => {
  const url = withDatabase(testServerUrl(), `dubang_test_${crypto.randomBytes(6).toString('hex')}`);
  afterAll(() => dropDatabase(url));

  it('creates the database, applies every migration in order, and records checksums', async () => {
    const before = await migrationStatus(url).catch((e: Error & { prismaCode?: string }) => e.prismaCode);
    expect(before).toBe('P1003');

    const first = await applyMigrations(url);
    expect(first).toEqual({ applied: local, createdDatabase: true });

    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        applied_steps_count: number;
      }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(local);
      for (const r of rows) {
        const sql = fs.readFileSync(path.join(migrationsDir, r.migration_name, 'migration.sql'));
        expect(r.checksum).toBe(crypto.createHash('sha256').update(sql).digest('hex'));
        expect(r.finished_at).toBeInstanceOf(Date);
        expect(r.applied_steps_count).toBe(1);
      }
    } finally {
      await c.end();
    }

    expect(await applyMigrations(url)).toEqual({ applied: [], createdDatabase: false });
    const status = await migrationStatus(url);
    expect(status).toMatchObject({
      local,
      applied: local,
      pending: [],
      failed: [],
      edited: [],
      hasMigrationsTable: true,
    });
  });
});

describe('drift', () => {
  it('the migrations folder builds exactly what schema.prisma describes', async () => {
    const r = await checkDrift();
    expect(r).toEqual({ drift: false, sql: '' });
  });
});

describe('createTestDatabase', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('gives a migrated database with a working client, dropped afterwards', async () => {
    expect(db.name).toMatch(/^dubang_test_[0-9a-f]{12}$/);
    const unit = await db.prisma.unit.create({ data: { name: '市市场监管局', kind: 'BUREAU' } });
    expect(await db.prisma.unit.findUnique({ where: { id: unit.id } })).toMatchObject({ name: '市市场监管局' });
    const status = await migrationStatus(db.url);
    expect(status.pending).toEqual([]);
    expect(status.applied).toEqual(local);
  });
});
