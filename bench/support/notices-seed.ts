/**
 * The notice benchmark's data (bench/notices.ts): a plan with UNITS bureaus × tasks, one assignment
 * each, every notice to the unit's liaison, in a throwaway database; and the same notices rendered
 * as the mails the baseline runs send.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { renderNotice } from '../../domain/messages';
import { noticeKey } from '../../domain/notices';
import type { OutgoingMail } from '../../contracts/mail';
import { senderName } from '../../app/notices/deliver-notice';

const UNITS = 100;

export type Seeded = Awaited<ReturnType<typeof seedNotices>>;

/** Seeds `n` assignments (UNITS bureaus × ⌈n / UNITS⌉ tasks), all due at the end of 2026. */
export async function seedNotices(p: PrismaClient, n: number) {
  const tasks = Math.ceil(n / UNITS);
  const due = new Date('2026-12-31T15:59:59.999Z');
  const plan = await p.plan.create({
    data: {
      slug: 'bench',
      title: '南昌市关于深入推进质量强市建设的实施方案',
      sourceName: 'bench',
      sourceSha256: 'bench',
    },
  });
  const section = await p.section.create({
    data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '探索质量效益型发展新路径' },
  });
  await p.unit.create({
    data: {
      name: '市质量强市领导小组办公室',
      kind: 'OFFICE',
      contacts: { create: [{ role: 'RECIPIENT', name: '督办科', email: 'office@office.nanchang.example' }] },
    },
  });
  await p.task.createMany({
    data: Array.from({ length: tasks }, (_, k) => ({
      planId: plan.id,
      number: k + 1,
      text: `深入实施质量提升行动，推进第${k + 1}项重点工作，健全质量标准体系和质量基础设施。`,
      sectionId: section.id,
      unitsText: '市市场监管局',
      units: ['市市场监管局'],
      deadlinePhrase: '2026年底前',
      dueAt: due,
      kind: 'deadline' as const,
      sourceLine: k + 1,
    })),
  });
  for (let u = 0; u < UNITS; u++) {
    await p.unit.create({
      data: {
        name: `市测试局${u + 1}`,
        kind: 'BUREAU',
        contacts: { create: [{ role: 'LIAISON', name: `联络员${u + 1}`, email: `liaison${u + 1}@bureau.example` }] },
      },
    });
  }
  const [taskRows, unitRows] = await Promise.all([
    p.task.findMany({ select: { id: true, number: true }, orderBy: { number: 'asc' } }),
    p.unit.findMany({ where: { kind: 'BUREAU' }, select: { id: true } }),
  ]);
  await p.assignment.createMany({
    data: taskRows
      .flatMap((t) =>
        unitRows.map((u, k) => ({
          taskId: t.id,
          unitId: u.id,
          role: k ? ('CO' as const) : ('LEAD' as const),
          ordinal: k,
          dueAt: due,
          originalDueAt: due,
        })),
      )
      .slice(0, n),
  });
  const assignments = await p.assignment.findMany({ include: { task: true, unit: { include: { contacts: true } } } });
  return { plan, due, assignments };
}

/** Each assignment's deadline reminder due at `dueAt`, rendered and addressed as the mailer sends it. */
export function renderedMails(s: Seeded, dueAt: Date, from: string, zone: string): OutgoingMail[] {
  const { plan, due, assignments } = s;
  const issuedAt = new Date().toISOString();
  return assignments.map((a) => {
    const key = noticeKey(a.id, 'deadline_reminder', dueAt.getTime());
    const r = renderNotice({
      kind: 'deadline_reminder',
      key,
      zone: zone,
      issuedAt,
      noticeDueAt: dueAt.toISOString(),
      link: null,
      sender: senderName(from),
      unit: a.unit.name,
      assignmentId: a.id,
      task: {
        number: a.task.number,
        text: a.task.text,
        deadlinePhrase: a.task.deadlinePhrase,
        dueAt: due.toISOString(),
        kind: 'deadline',
        role: a.role,
        planTitle: plan.title,
      },
      dueAt: due.toISOString(),
    });
    return {
      from,
      to: [a.unit.contacts[0]!.email],
      ...r,
      messageId: `<${key}@office.nanchang.example>`,
      headers: { 'X-Dubang-Notice': key, 'X-Dubang-Kind': 'deadline_reminder' },
    };
  });
}
