/**
 * Shared set-up for the notification integration tests: a seeded database (plan, task, units with
 * contacts, assignments), a unique queue prefix, and helpers that count what the SMTP sink got.
 */
import * as crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { PrismaClient } from '../../../generated/prisma/client';
import type { StoredMail } from '../../../devtools/mail/sink';
import type { NoticeSubmission } from '../../../contracts/notification';
import { noticeKey, type NoticeKind, type RecipientRole } from '../../../domain/notices';

export const OFFICE_EMAIL = 'office@office.nanchang.example';
export const LEADERSHIP_EMAIL = 'leaders@gov.nanchang.example';

export function uniquePrefix(tag: string): string {
  return `t-${tag}-${crypto.randomBytes(4).toString('hex')}`;
}

export interface Seeded {
  planId: string;
  /** the plan's slug: what planned payloads name (`plan`), and what unit letters group by */
  planSlug: string;
  taskIds: string[];
  /** assignment ids, unit by unit */
  assignments: { id: string; unit: string; liaison: string; leader: string; taskNumber: number }[];
}

/**
 * One plan with `tasks` tasks, `units` bureaus (each a liaison and a leader), the Office and
 * leadership; every task assigned to every bureau.
 */
export async function seed(
  prisma: PrismaClient,
  o: { tasks: number; units: number; dueAt?: Date } = { tasks: 1, units: 1 },
): Promise<Seeded> {
  const dueAt = o.dueAt ?? new Date('2025-12-31T15:59:59.999Z');
  const plan = await prisma.plan.create({
    data: {
      slug: `p-${crypto.randomBytes(3).toString('hex')}`,
      title: '南昌市关于深入推进质量强市建设的实施方案',
      sourceName: 'plan.txt',
      sourceSha256: 'x',
    },
  });
  const section = await prisma.section.create({
    data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '探索质量效益型发展新路径' },
  });
  // the Office and leadership exist once per database; seeding again reuses them
  if (!(await prisma.unit.findUnique({ where: { name: '市质量强市领导小组办公室' } }))) {
    await prisma.unit.create({
      data: {
        name: '市质量强市领导小组办公室',
        kind: 'OFFICE',
        contacts: { create: [{ role: 'RECIPIENT', name: '督办科', email: OFFICE_EMAIL }] },
      },
    });
    await prisma.unit.create({
      data: {
        name: '市质量强市领导小组',
        kind: 'LEADERSHIP',
        contacts: { create: [{ role: 'RECIPIENT', name: '领导小组', email: LEADERSHIP_EMAIL }] },
      },
    });
  }
  const tag = crypto.randomBytes(2).toString('hex');
  const firstName = (await prisma.unit.findUnique({ where: { name: '市市场监管局' } }))
    ? `市测试局${tag}-1`
    : '市市场监管局';
  const taskRows = [];
  for (let t = 1; t <= o.tasks; t++) {
    taskRows.push({
      planId: plan.id,
      number: t,
      text: `推进第${t}项质量提升工作，健全<质量>标准体系。`,
      sectionId: section.id,
      unitsText: '市市场监管局',
      units: ['市市场监管局'],
      deadlinePhrase: '2025年底前',
      dueAt,
      kind: 'deadline' as const,
      sourceLine: 10 + t,
    });
  }
  await prisma.task.createMany({ data: taskRows });
  const tasks = await prisma.task.findMany({ where: { planId: plan.id }, orderBy: { number: 'asc' } });
  const units: { id: string; name: string; liaison: string; leader: string }[] = [];
  for (let u = 1; u <= o.units; u++) {
    const name = u === 1 ? firstName : `市测试局${tag}-${u}`;
    const unit = await prisma.unit.create({
      data: {
        name,
        kind: 'BUREAU',
        contacts: {
          create: [
            { role: 'LIAISON', name: `联络员${u}`, email: `liaison${u}@bureau.example` },
            { role: 'LEADER', name: `负责人${u}`, email: `leader${u}@bureau.example` },
          ],
        },
      },
    });
    units.push({ id: unit.id, name, liaison: `liaison${u}@bureau.example`, leader: `leader${u}@bureau.example` });
  }
  const data = tasks.flatMap((t) =>
    units.map((u, k) => ({
      taskId: t.id,
      unitId: u.id,
      role: k === 0 ? ('LEAD' as const) : ('CO' as const),
      ordinal: k,
      dueAt,
      originalDueAt: dueAt,
    })),
  );
  await prisma.assignment.createMany({ data });
  const rows = await prisma.assignment.findMany({
    where: { task: { planId: plan.id } },
    include: { task: true, unit: true },
  });
  const byUnit = new Map(units.map((u) => [u.id, u]));
  return {
    planId: plan.id,
    planSlug: plan.slug,
    taskIds: tasks.map((t) => t.id),
    assignments: rows
      .sort((a, b) => a.task.number - b.task.number || a.ordinal - b.ordinal)
      .map((r) => ({
        id: r.id,
        unit: r.unit.name,
        liaison: byUnit.get(r.unitId)!.liaison,
        leader: byUnit.get(r.unitId)!.leader,
        taskNumber: r.task.number,
      })),
  };
}

/** A submission for an assignment: deadline reminder to the liaison by default. */
export function submission(
  assignmentId: string,
  dueAt: Date,
  o: { kind?: NoticeKind; to?: RecipientRole[]; payload?: Record<string, unknown> } = {},
): NoticeSubmission {
  const kind = o.kind ?? 'deadline_reminder';
  return {
    key: noticeKey(assignmentId, kind, dueAt.getTime()),
    kind,
    assignmentId,
    scope: null,
    dueAt: dueAt.toISOString(),
    slipId: null,
    payload: { to: o.to ?? ['liaison'], dueAt: '2025-12-31T23:59:59.999+08:00', ...(o.payload ?? {}) },
  };
}

/** The notice key each message carries in X-Dubang-Notice. */
export function noticeHeader(m: StoredMail): string | undefined {
  const head = m.raw.subarray(0, Math.min(m.raw.length, 8192)).toString('latin1');
  return /^X-Dubang-Notice:\s*(\S+)/im.exec(head)?.[1];
}

/** Messages per notice key. */
export function countByNotice(mails: StoredMail[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of mails) {
    const k = noticeHeader(x) ?? '?';
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export function parse(m: StoredMail): Promise<ParsedMail> {
  return simpleParser(m.raw);
}

/** Polls until `pred` holds or `ms` pass (then throws with `what`). */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T>,
  pred: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!pred(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await fn();
  }
  return v;
}

/** Deletes every key of a queue prefix (a "Redis loss" limited to this test). */
export async function deletePrefix(redis: import('ioredis').Redis, prefix: string): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) n += await redis.del(...keys);
  } while (cursor !== '0');
  return n;
}

/** Closes what a pipeline test started, dependants first; parts a failed set-up never made are skipped. */
export async function closePipeline(p: {
  worker?: { close(): Promise<void> };
  queue?: { obliterate(o: { force: boolean }): Promise<void>; close(): Promise<void> };
  redis?: { disconnect(): void };
  sink?: { close(): Promise<void> };
  db?: { drop(): Promise<void> };
}): Promise<void> {
  await p.worker?.close();
  await p.queue?.obliterate({ force: true }).catch(() => undefined);
  await p.queue?.close();
  p.redis?.disconnect();
  await p.sink?.close();
  await p.db?.drop();
}
