/**
 * Use case: the Office edits a unit's group robots (钉钉, 企业微信) from the dashboard. The same
 * rules as the units directory file (config/units.ts robotSchema). Webhooks and secrets are
 * credentials: a page shows them masked (maskWebhook, 已设置), and a row whose webhook or secret
 * field is left empty keeps the stored one. One transaction with its audit event (masked).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { robotSchema } from '../../config/units';
import { defaultRobotKinds, type RobotChannel, type RobotKind } from '../../domain/channels';
import { audit } from '../audit';
import { maskWebhook } from '../../domain/channels';
import { ContactInputError } from './contacts';

/** A robot as a page shows it: never its webhook or secret in full. */
export interface RobotView {
  ordinal: number;
  channel: RobotChannel;
  webhookMasked: string;
  hasSecret: boolean;
  kinds: RobotKind[];
  mentions: string[];
}

/** One row of the form; empty webhook or secret keeps the stored one of the row's robot (`ordinal`). */
export interface RobotInput {
  ordinal: number | null;
  channel: string;
  webhook: string;
  secret: string;
  /** tick `clearSecret` to remove a stored secret */
  clearSecret: boolean;
  kinds: string[];
  mentions: string[];
}

export async function unitRobots(db: PrismaClient, unitId: string): Promise<RobotView[]> {
  const rows = await db.unitRobot.findMany({ where: { unitId }, orderBy: { ordinal: 'asc' } });
  return rows.map((r) => ({
    ordinal: r.ordinal,
    channel: r.channel,
    webhookMasked: maskWebhook(r.webhook),
    hasSecret: Boolean(r.secret),
    kinds: r.kinds as RobotKind[],
    mentions: r.mentions,
  }));
}

/** Replaces the unit's robots; a refused row names its number and field (ContactInputError, as for contacts). */
export async function replaceRobots(
  db: PrismaClient,
  unitId: string,
  rows: RobotInput[],
  actor: string,
): Promise<void> {
  if (rows.length > 10) throw new ContactInputError('群机器人最多 10 个');
  const unit = await db.unit.findUniqueOrThrow({ where: { id: unitId }, include: { robots: true } });
  const stored = new Map(unit.robots.map((r) => [r.ordinal, r]));
  const clean = rows.map((row, i) => {
    const before = row.ordinal ? stored.get(row.ordinal) : undefined;
    const webhook = row.webhook.trim() || before?.webhook || '';
    const secret = row.clearSecret ? null : row.secret.trim() || before?.secret || null;
    const parsed = robotSchema.safeParse({
      channel: row.channel,
      webhook,
      ...(secret ? { secret } : {}),
      kinds: row.kinds.length ? row.kinds : defaultRobotKinds(unit.kind),
      ...(row.mentions.length ? { [row.channel === 'dingtalk' ? 'atMobiles' : 'mentions']: row.mentions } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ContactInputError(`第 ${i + 1} 个机器人 ${issue.path.join('.') || '设置'}: ${issue.message}`);
    }
    const r = parsed.data;
    return {
      channel: r.channel,
      webhook: r.webhook,
      secret: r.secret ?? null,
      kinds: r.kinds ?? [],
      mentions: (r.channel === 'dingtalk' ? r.atMobiles : r.mentions) ?? [],
    };
  });
  const view = (x: { channel: string; webhook: string; secret: string | null; kinds: string[] }) => ({
    channel: x.channel,
    webhook: maskWebhook(x.webhook),
    secret: x.secret ? '***' : null,
    kinds: x.kinds,
  });
  await db.$transaction(async (tx) => {
    await tx.unitRobot.deleteMany({ where: { unitId } });
    if (clean.length) await tx.unitRobot.createMany({ data: clean.map((r, i) => ({ unitId, ordinal: i + 1, ...r })) });
    await audit(tx, {
      actor,
      action: 'unit.robots_updated',
      entityType: 'Unit',
      entityId: unitId,
      unitId,
      data: { before: unit.robots.map(view), after: clean.map(view) },
    });
  });
}
