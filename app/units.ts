/**
 * The units directory in PostgreSQL: the config file (or a CSV) seeds it, the Office edits it, and
 * plan validation resolves names through it.
 */
import type { PrismaClient, Prisma } from '../generated/prisma/client';
import type { DirectoryUnit, UnitsDirectory } from '../domain/units';
import {
  defaultRobotKinds,
  isMaskedWebhook,
  maskWebhook,
  maskRobot,
  MASKED_SECRET,
  type DirectoryRobot,
  type RobotKind,
} from '../domain/channels';
import { DirectoryError } from '../domain/units';
import { audit } from './audit';

type Db = PrismaClient | Prisma.TransactionClient;

export interface SyncResult {
  created: string[];
  updated: string[];
  unchanged: number;
}

/** Reads the directory from the database, or null when it holds no units yet. */
export async function loadDirectory(db: Db): Promise<UnitsDirectory | null> {
  const units = await db.unit.findMany({
    include: {
      aliases: true,
      contacts: { orderBy: [{ role: 'asc' }, { email: 'asc' }] },
      members: { include: { member: true }, orderBy: { ordinal: 'asc' } },
      robots: { orderBy: { ordinal: 'asc' } },
    },
    orderBy: { createdAt: 'asc' },
  });
  if (!units.length) return null;
  const office = units.find((u) => u.kind === 'OFFICE');
  const leadership = units.find((u) => u.kind === 'LEADERSHIP');
  return {
    office: office?.name ?? '',
    leadership: leadership?.name ?? '',
    units: units.map((u) => ({
      name: u.name,
      fullName: u.fullName,
      kind: u.kind,
      aliases: u.aliases.map((a) => a.alias).sort(),
      contacts: u.contacts.map((c) => ({
        role: c.role,
        name: c.name,
        email: c.email,
        phone: c.phone,
        digest: c.digest,
      })),
      ...(u.kind === 'GROUP' ? { members: u.members.map((m) => m.member.name) } : {}),
      ...(u.robots.length
        ? {
            robots: u.robots.map((r): DirectoryRobot => ({
              channel: r.channel,
              webhook: r.webhook,
              ...(r.secret ? { secret: r.secret } : {}),
              kinds: r.kinds as RobotKind[],
              ...(r.channel === 'dingtalk' ? { atMobiles: r.mentions } : { mentions: r.mentions }),
            })),
          }
        : {}),
    })),
  };
}

/** A robot as stored: the unit kind's default kinds filled in, one mentions column for both channels. */
function storedRobot(unitKind: DirectoryUnit['kind'], r: DirectoryRobot) {
  return {
    channel: r.channel,
    webhook: r.webhook,
    secret: r.secret ?? null,
    kinds: [...(r.kinds ?? defaultRobotKinds(unitKind))],
    mentions: [...((r.channel === 'dingtalk' ? r.atMobiles : r.mentions) ?? [])],
  };
}

function fingerprint(u: DirectoryUnit): string {
  return JSON.stringify([
    u.fullName ?? null,
    u.kind,
    [...u.aliases].sort(),
    u.contacts.map((c) => [c.role, c.name, c.email, c.phone ?? null, c.digest ?? false]).sort(),
    u.members ?? [],
    (u.robots ?? []).map((r) => storedRobot(u.kind, r)),
  ]);
}

/**
 * Makes the database directory equal to `dir` for every unit `dir` lists (units it does not list are
 * kept: assignments may refer to them). One transaction; audited per changed unit.
 */
export async function syncDirectory(db: PrismaClient, dir: UnitsDirectory, actor: string): Promise<SyncResult> {
  return db.$transaction(async (tx) => syncDirectoryTx(tx, dir, actor), { timeout: 60_000 });
}

export async function syncDirectoryTx(
  tx: Prisma.TransactionClient,
  dir: UnitsDirectory,
  actor: string,
): Promise<SyncResult> {
  const current = await loadDirectory(tx);
  const before = new Map((current?.units ?? []).map((u) => [u.name, u]));
  const result: SyncResult = { created: [], updated: [], unchanged: 0 };
  const ids = new Map<string, string>();
  for (const given of dir.units) {
    const prev = before.get(given.name);
    const u = restoreMaskedRobots(given, prev);
    if (prev && fingerprint(prev) === fingerprint(u)) {
      result.unchanged++;
      continue;
    }
    const row = await tx.unit.upsert({
      where: { name: u.name },
      create: { name: u.name, fullName: u.fullName ?? null, kind: u.kind },
      update: { fullName: u.fullName ?? null, kind: u.kind },
    });
    ids.set(u.name, row.id);
    await tx.unitAlias.deleteMany({ where: { unitId: row.id } });
    const aliases = [...new Set(u.aliases.filter((a) => a !== u.name))];
    if (aliases.length) {
      // An alias moving from one unit to another: the later unit wins, as in the file.
      await tx.unitAlias.deleteMany({ where: { alias: { in: aliases } } });
      await tx.unitAlias.createMany({ data: aliases.map((alias) => ({ alias, unitId: row.id })) });
    }
    const keep = u.contacts.map((c) => ({ role: c.role, email: c.email }));
    await tx.contact.deleteMany({ where: { unitId: row.id, NOT: keep.length ? { OR: keep } : undefined } });
    for (const c of u.contacts) {
      await tx.contact.upsert({
        where: { unitId_role_email: { unitId: row.id, role: c.role, email: c.email } },
        create: {
          unitId: row.id,
          role: c.role,
          name: c.name,
          email: c.email,
          phone: c.phone ?? null,
          digest: c.digest ?? false,
        },
        update: { name: c.name, phone: c.phone ?? null, digest: c.digest ?? false },
      });
    }
    await tx.unitRobot.deleteMany({ where: { unitId: row.id } });
    if (u.robots?.length)
      await tx.unitRobot.createMany({
        data: u.robots.map((r, i) => ({ unitId: row.id, ordinal: i + 1, ...storedRobot(u.kind, r) })),
      });
    (prev ? result.updated : result.created).push(u.name);
    await audit(tx, {
      actor,
      action: prev ? 'unit.updated' : 'unit.created',
      entityType: 'Unit',
      entityId: row.id,
      unitId: row.id,
      // robots' webhooks and secrets are credentials: the audit log records that they changed, not them
      data: { name: u.name, before: prev ? withoutSecrets(prev) : null, after: withoutSecrets(u) },
    });
  }
  // Group memberships once every member exists.
  for (const u of dir.units) {
    if (!ids.has(u.name)) continue;
    const groupId = ids.get(u.name)!;
    await tx.unitGroupMember.deleteMany({ where: { groupId } });
    if (u.kind === 'GROUP' && u.members?.length) {
      const members = await tx.unit.findMany({ where: { name: { in: u.members } }, select: { id: true, name: true } });
      const byName = new Map(members.map((m) => [m.name, m.id]));
      await tx.unitGroupMember.createMany({
        data: u.members.map((m, ordinal) => ({ groupId, memberId: byName.get(m)!, ordinal })),
      });
    }
  }
  return result;
}

/** A unit without credentials (the audit log, an export): each robot's webhook and secret masked. */
function withoutSecrets(u: DirectoryUnit): DirectoryUnit {
  return u.robots?.length ? { ...u, robots: u.robots.map(maskRobot) } : u;
}

/**
 * The directory as `dubang units export` writes it by default: robots' webhooks and secrets masked
 * (maskWebhook, MASKED_SECRET), so a file left on an office PC or mailed for review opens no group.
 * Imported again, the masked robots keep their stored credentials (restoreMaskedRobots).
 */
export function directoryWithoutCredentials(dir: UnitsDirectory): UnitsDirectory {
  return { ...dir, units: dir.units.map(withoutSecrets) };
}

/**
 * A unit of an imported directory with every masked webhook and secret (an export without
 * credentials, edited and imported again) replaced by the stored robot's: the unit's stored robot of
 * the same channel whose webhook masks the same way. A masked value with no such robot is refused,
 * naming the unit and robot, since the real address is nowhere to be found.
 */
function restoreMaskedRobots(u: DirectoryUnit, stored: DirectoryUnit | undefined): DirectoryUnit {
  if (!u.robots?.some((r) => isMaskedWebhook(r.webhook) || r.secret === MASKED_SECRET)) return u;
  const robots = u.robots.map((r, i) => {
    const where = `单位「${u.name}」的第 ${i + 1} 个群机器人`;
    const again = '请填写完整的地址和密钥，或用 dubang units export --with-secrets 导出后再修改';
    const masked = isMaskedWebhook(r.webhook);
    const match = (stored?.robots ?? []).find(
      (s) => s.channel === r.channel && (masked ? maskWebhook(s.webhook) === r.webhook : s.webhook === r.webhook),
    );
    if (masked && !match)
      throw new DirectoryError(
        `${where}的 webhook「${r.webhook}」是导出时隐藏的形式，名录里没有与之对应的机器人：${again}`,
      );
    if (r.secret === MASKED_SECRET && !match?.secret)
      throw new DirectoryError(
        `${where}的加签密钥是导出时隐藏的「${MASKED_SECRET}」，名录里没有与之对应的密钥：${again}`,
      );
    return {
      ...r,
      webhook: masked ? match!.webhook : r.webhook,
      ...(r.secret === MASKED_SECRET ? { secret: match!.secret! } : {}),
    };
  });
  return { ...u, robots };
}
