/**
 * Link revocations and their audit events are one transaction (app/links.ts), on the real stack:
 * each revoke through the API writes its `link.revoked` row with the revocation, and when the audit
 * write fails (a trigger in this test's database refuses the insert) the revocation is rolled back
 * with it: the old link keeps working and no epoch or revocation row is left behind.
 */
import { revokeUnitLinks } from '../../app/links';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { startHarness, signIn, OFFICE, PUBLIC_URL, type Harness } from './http-support/harness';

let h: Harness;
let office: { cookie: string; csrf: string };

beforeAll(async () => {
  h = await startHarness();
  office = await signIn(h.app, OFFICE);
}, 90_000);
afterAll(async () => {
  await h?.close();
}, 30_000);

const revoke = (assignmentId: string, payload: Record<string, unknown>) =>
  h.app.inject({
    method: 'POST',
    url: `/api/assignments/${assignmentId}/links/revoke`,
    headers: { cookie: office.cookie, 'x-csrf-token': office.csrf },
    payload,
  });
const opens = async (url: string) =>
  (await h.app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length) })).statusCode;
const revokedAudits = (entityId: string) =>
  h.db.prisma.auditEvent.findMany({ where: { action: 'link.revoked', entityId } });
/** what a revocation leaves in the database for an assignment */
const linkRows = async (assignmentId: string) => ({
  revocations: await h.db.prisma.linkRevocation.count({ where: { assignmentId } }),
  epoch: await h.db.prisma.linkEpoch.findUnique({ where: { assignmentId }, select: { epoch: true, generation: true } }),
});

/** Makes every insert of a `link.revoked` audit event fail until `heal` is called. */
async function breakRevokedAudits(): Promise<{ heal(): Promise<void> }> {
  const db = h.db.prisma;
  await db.$executeRawUnsafe(`CREATE FUNCTION "test_refuse_link_revoked"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW."action" = 'link.revoked' THEN RAISE EXCEPTION 'test: audit write refused'; END IF;
      RETURN NEW;
    END; $$`);
  await db.$executeRawUnsafe(
    `CREATE TRIGGER "test_refuse_link_revoked" BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "test_refuse_link_revoked"()`,
  );
  return {
    async heal() {
      await db.$executeRawUnsafe(`DROP TRIGGER "test_refuse_link_revoked" ON "AuditEvent"`);
      await db.$executeRawUnsafe(`DROP FUNCTION "test_refuse_link_revoked"()`);
    },
  };
}

describe('a revocation and its audit event', () => {
  it('revoking one link writes its link.revoked row with the revocation', async () => {
    const a = h.seeded.t1a;
    const link = await h.links.issue(a);
    const res = await revoke(a, { jti: link.claims.jti, reason: '发错了人' });
    expect(res.statusCode).toBe(200);
    expect(await opens(link.url)).toBe(403);
    const rows = await revokedAudits(link.claims.jti);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: `office:${OFFICE.email}`,
      entityType: 'Link',
      assignmentId: a,
      data: { jti: link.claims.jti, all: false, reason: '发错了人' },
    });
    expect(await h.db.prisma.linkRevocation.count({ where: { assignmentId: a, jti: link.claims.jti } })).toBe(1);
  });

  it('revoking every link writes its row with the new generation', async () => {
    const a = h.seeded.t2a;
    const before = await linkRows(a);
    const res = await revoke(a, { then: 'link' });
    expect(res.statusCode).toBe(200);
    const after = await linkRows(a);
    expect(after.epoch!.generation).toBe((before.epoch?.generation ?? 0) + 1);
    expect((await revokedAudits(a)).map((r) => r.data)).toContainEqual({
      all: true,
      generation: after.epoch!.generation,
      reason: null,
    });
  });

  it('a failing audit write rolls the revocation back: one link, every link, a whole unit', async () => {
    const a = h.seeded.t1b;
    const link = await h.links.issue(a);
    expect(await opens(link.url)).toBe(200);
    const before = await linkRows(a);
    const lastAudit = (await h.db.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? BigInt(0);
    const notices = await h.db.prisma.notice.count({ where: { assignmentId: a } });
    const broken = await breakRevokedAudits();
    try {
      expect((await revoke(a, { jti: link.claims.jti })).statusCode).toBe(500);
      expect((await revoke(a, { then: 'email' })).statusCode).toBe(500);
      const { unitId } = await h.db.prisma.assignment.findUniqueOrThrow({ where: { id: a }, select: { unitId: true } });
      const deps = {
        db: h.db.prisma,
        links: h.links,
        notify: createOutboxNotificationPort(h.db.prisma),
        clock: Date.now,
      };
      await expect(revokeUnitLinks(deps, { unitId, actor: 'test' })).rejects.toThrow(/audit write refused/);
    } finally {
      await broken.heal();
    }
    // nothing of the three attempts remains: no revocation, no new epoch, no link event, no re-sent notice
    expect(await linkRows(a)).toEqual(before);
    const linkEvents = await h.db.prisma.auditEvent.count({
      where: { id: { gt: lastAudit }, action: { in: ['link.revoked', 'link.reissued', 'link.issued'] } },
    });
    expect(linkEvents).toBe(0);
    expect(await h.db.prisma.notice.count({ where: { assignmentId: a } })).toBe(notices);
    expect(await opens(link.url)).toBe(200);
    // with the audit log writable again the same revocation goes through, row and all
    expect((await revoke(a, { jti: link.claims.jti })).statusCode).toBe(200);
    expect(await opens(link.url)).toBe(403);
    expect(await revokedAudits(link.claims.jti)).toHaveLength(1);
  });
});
