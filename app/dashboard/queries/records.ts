/** Lists of records: 督办单, notices with their deliveries, reports. */
import type { PrismaClient } from '../../../generated/prisma/client';

/** 督办单 list, newest first. */
export async function slipList(
  db: PrismaClient,
  f: { colour?: string; open?: boolean; limit?: number; offset?: number } = {},
) {
  const where = {
    ...(f.colour ? { colour: f.colour as 'BLUE' | 'ORANGE' | 'RED' } : {}),
    ...(f.open === true ? { closedAt: null } : f.open === false ? { closedAt: { not: null } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.supervisionSlip.findMany({
      where,
      orderBy: [{ issuedAt: 'desc' }, { seq: 'desc' }],
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        assignment: {
          select: { id: true, unit: { select: { name: true } }, task: { select: { number: true, id: true } } },
        },
      },
    }),
    db.supervisionSlip.count({ where }),
  ]);
  return { rows, total };
}

/** Notices with their delivery records, newest first. */
export async function noticeList(
  db: PrismaClient,
  f: { status?: string; kind?: string; assignmentId?: string; limit?: number; offset?: number } = {},
) {
  const where = {
    ...(f.status ? { status: f.status as 'PENDING' } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.assignmentId ? { assignmentId: f.assignmentId } : {}),
  };
  const [rows, total] = await Promise.all([
    db.notice.findMany({
      where,
      orderBy: [{ dueAt: 'desc' }, { id: 'asc' }],
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        delivery: true,
        assignment: { select: { unit: { select: { name: true } }, task: { select: { number: true } } } },
        slip: { select: { number: true, colour: true } },
      },
    }),
    db.notice.count({ where }),
  ]);
  return { rows, total };
}

/** Reports, newest first (the API's /api/reports). */
export async function reportList(
  db: PrismaClient,
  f: { assignmentId?: string; unitId?: string; period?: string; limit?: number; offset?: number } = {},
) {
  const where = {
    ...(f.assignmentId ? { assignmentId: f.assignmentId } : {}),
    ...(f.unitId ? { assignment: { unitId: f.unitId } } : {}),
    ...(f.period ? { period: f.period } : {}),
  };
  const [rows, total] = await Promise.all([
    db.report.findMany({
      where,
      orderBy: { submittedAt: 'desc' },
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        indicatorValues: { include: { indicator: { select: { code: true, name: true } } } },
        assignment: { select: { unit: { select: { name: true } }, task: { select: { number: true } } } },
      },
    }),
    db.report.count({ where }),
  ]);
  return { rows, total };
}
