/** What the database itself enforces: the append-only audit log and unique keys (P2002). */
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('AuditEvent is append-only', () => {
  const event = { actor: 'cli', action: 'plan.imported', entityType: 'Plan', entityId: 'p-1', data: { tasks: 58 } };

  it('accepts new events and refuses to change or remove them, with a clear message', async () => {
    const a = await db.prisma.auditEvent.create({ data: event });
    await db.prisma.auditEvent.create({ data: { ...event, action: 'plan.revised' } });

    await expect(db.prisma.auditEvent.update({ where: { id: a.id }, data: { actor: 'someone-else' } })).rejects.toThrow(
      /审计日志只允许追加: 不能对 "AuditEvent" 执行 UPDATE/,
    );
    await expect(db.prisma.auditEvent.delete({ where: { id: a.id } })).rejects.toThrow(
      /审计日志只允许追加: 不能对 "AuditEvent" 执行 DELETE/,
    );
    await expect(db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/执行 DELETE/);
    await expect(db.prisma.$executeRawUnsafe(`UPDATE "AuditEvent" SET "data" = '{}'`)).rejects.toThrow(/执行 UPDATE/);

    const rows = await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.actor, r.action, r.data])).toEqual([
      ['cli', 'plan.imported', { tasks: 58 }],
      ['cli', 'plan.revised', { tasks: 58 }],
    ]);
  });
});

describe('unique keys', () => {
  it('a second unit with the same name fails with P2002 naming the field', async () => {
    await db.prisma.unit.create({ data: { name: '市市场监管局', kind: 'BUREAU' } });
    const err = await db.prisma.unit
      .create({ data: { name: '市市场监管局', kind: 'BUREAU' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2002' });
    expect(JSON.stringify((err as { meta?: unknown }).meta)).toMatch(/name/);
    expect(await db.prisma.unit.count()).toBe(1);
  });
});
