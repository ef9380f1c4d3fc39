/**
 * Migration 20261202031613_completion_requests_slip_closure on a database that already holds slips
 * from before slips could close: the slip of a completed item closes at the completion, the slip
 * of an item re-timed by an extension approved after it closes at the approval, a slip issued after
 * that approval stays open, and each closing leaves its `slip.closed` audit event.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '../../infra/db/url';
import { testServerUrl } from '../helpers/db';

const MIGRATION = '20261202031613_completion_requests_slip_closure';
const dir = path.join(__dirname, '..', '..', 'prisma', 'migrations');
const sqlOf = (name: string) => fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
const url = withDatabase(testServerUrl(), `dubang_test_${crypto.randomBytes(6).toString('hex')}`);
let c: Client;

beforeAll(async () => {
  await ensureDatabase(url);
  c = new Client({ connectionString: url });
  await c.connect();
  const before = fs
    .readdirSync(dir)
    .filter((d) => d < MIGRATION && fs.existsSync(path.join(dir, d, 'migration.sql')))
    .sort();
  for (const m of before) await c.query(sqlOf(m));
});
afterAll(async () => {
  await c?.end();
  await dropDatabase(url);
});

it('closes the slips of items already completed or re-timed, with their audit events; the others stay open', async () => {
  await c.query(`
    INSERT INTO "Plan"(id, slug, title, "sourceName", "sourceSha256", "updatedAt") VALUES ('00000000-0000-4000-8000-000000000001', 'p', '测试方案', 's', 'x', now());
    INSERT INTO "Section"(id, "planId", key, level, ordinal, title) VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', '一', 1, 1, '测试');
    INSERT INTO "Task"(id, "planId", number, text, "sectionId", "unitsText", units, "deadlinePhrase", kind, "sourceLine", "updatedAt")
      VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 1, '测试任务', '00000000-0000-4000-8000-000000000002', '甲、乙、丙', '{甲,乙,丙}', '2025年前', 'deadline', 1, now());
    INSERT INTO "Unit"(id, name, kind, "updatedAt") VALUES
      ('00000000-0000-4000-8000-00000000000a', '甲', 'BUREAU', now()), ('00000000-0000-4000-8000-00000000000b', '乙', 'BUREAU', now()), ('00000000-0000-4000-8000-00000000000c', '丙', 'BUREAU', now());
    INSERT INTO "Assignment"(id, "taskId", "unitId", role, ordinal, state, "completedAt", "updatedAt") VALUES
      ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000000a', 'LEAD', 0, 'COMPLETED', '2026-11-30T02:00:00Z', now()),
      ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000000b', 'CO', 1, 'IN_PROGRESS', NULL, now()),
      ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000000c', 'CO', 2, 'IN_PROGRESS', NULL, now());
    INSERT INTO "Extension"(id, "assignmentId", "requestedAt", "requestedDueAt", reason, status, "decidedAt")
      VALUES (gen_random_uuid(), '00000000-0000-4000-8000-0000000000b1', '2026-11-27T00:00:00Z', '2027-06-30T00:00:00Z', '资金未到位', 'APPROVED', '2026-11-28T00:00:00Z');
    INSERT INTO "SupervisionSlip"(id, number, year, seq, "assignmentId", colour, reason, "dedupeKey", "issuedAt") VALUES
      (gen_random_uuid(), '督〔2026〕0001号', 2026, 1, '00000000-0000-4000-8000-0000000000a1', 'RED', '逾期', 'k1', '2026-11-26T02:00:00Z'),
      (gen_random_uuid(), '督〔2026〕0002号', 2026, 2, '00000000-0000-4000-8000-0000000000b1', 'RED', '逾期', 'k2', '2026-11-26T02:00:00Z'),
      (gen_random_uuid(), '督〔2026〕0003号', 2026, 3, '00000000-0000-4000-8000-0000000000b1', 'ORANGE', '逾期', 'k3', '2026-11-29T02:00:00Z'),
      (gen_random_uuid(), '督〔2026〕0004号', 2026, 4, '00000000-0000-4000-8000-0000000000c1', 'RED', '逾期', 'k4', '2026-11-26T02:00:00Z');`);
  await c.query(sqlOf(MIGRATION));

  const slips = await c.query<{ number: string; closedAt: Date | null; closedBecause: string | null }>(
    `SELECT number, "closedAt", "closedBecause"::text AS "closedBecause" FROM "SupervisionSlip" ORDER BY seq`,
  );
  expect(slips.rows.map((s) => [s.number, s.closedAt?.toISOString() ?? null, s.closedBecause])).toEqual([
    ['督〔2026〕0001号', '2026-11-30T02:00:00.000Z', 'COMPLETED'],
    ['督〔2026〕0002号', '2026-11-28T00:00:00.000Z', 'EXTENDED'],
    ['督〔2026〕0003号', null, null],
    ['督〔2026〕0004号', null, null],
  ]);
  const events = await c.query<{ at: Date; action: string; assignmentId: string; data: Record<string, unknown> }>(
    `SELECT at, action, "assignmentId"::text AS "assignmentId", data FROM "AuditEvent" ORDER BY data->>'number'`,
  );
  expect(events.rows.map((e) => [e.action, e.at.toISOString(), e.assignmentId, e.data])).toEqual([
    [
      'slip.closed',
      '2026-11-30T02:00:00.000Z',
      '00000000-0000-4000-8000-0000000000a1',
      { number: '督〔2026〕0001号', because: 'COMPLETED', backfill: true },
    ],
    [
      'slip.closed',
      '2026-11-28T00:00:00.000Z',
      '00000000-0000-4000-8000-0000000000b1',
      { number: '督〔2026〕0002号', because: 'EXTENDED', backfill: true },
    ],
  ]);
});
