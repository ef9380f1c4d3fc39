/**
 * Use case: the Office edits a unit's contacts (liaison and leader) from the dashboard. Office and
 * leadership recipient contacts keep their sign-in hashes; a contact whose address stays the same
 * keeps its row. One transaction with its audit event (before and after, `digest` included).
 *
 * `digest`: the address gets one daily digest email instead of single notices (docs/notifications.md
 * "Daily digest"; the mail worker reads the flag within 30 s). Left out, an existing contact keeps
 * its flag and a new one starts without it, so API clients that predate the flag change nothing.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { audit } from '../audit';
import { ErrorCodes, DubangError } from '../../contracts/errors';

export interface ContactInput {
  role: 'LIAISON' | 'LEADER' | 'RECIPIENT';
  name: string;
  email: string;
  phone?: string | null;
  /** one daily digest instead of single notices; undefined keeps the current flag (false for a new contact) */
  digest?: boolean;
}

export class ContactInputError extends DubangError {
  static override readonly code = ErrorCodes.ContactInputError;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z0-9-]{2,63}$/;

/** Checks one contact; the message names the row and the field. */
export function validateContact(c: Partial<ContactInput>, row: number): ContactInput {
  if (c.role !== 'LIAISON' && c.role !== 'LEADER' && c.role !== 'RECIPIENT')
    throw new ContactInputError(`第 ${row} 行 role: 应为 LIAISON、LEADER 或 RECIPIENT`);
  const name = (c.name ?? '').trim();
  if (!name || name.length > 100 || /[\u0000-\u001f<>]/.test(name))
    throw new ContactInputError(`第 ${row} 行 姓名: 不能为空，最多 100 个字符，不能含 < > 或控制字符`);
  const email = (c.email ?? '').trim();
  if (!EMAIL.test(email)) throw new ContactInputError(`第 ${row} 行 邮箱「${email}」不是有效的邮件地址`);
  const phone = c.phone?.trim() || null;
  if (phone && !/^[0-9+\- ()]{3,30}$/.test(phone)) throw new ContactInputError(`第 ${row} 行 电话「${phone}」格式不对`);
  if (c.digest !== undefined && typeof c.digest !== 'boolean')
    throw new ContactInputError(`第 ${row} 行 digest（每日摘要）: 应为 true 或 false`);
  return { role: c.role, name, email, phone, ...(c.digest !== undefined ? { digest: c.digest } : {}) };
}

/** Replaces the unit's contacts with `contacts`; returns the new list. */
export async function replaceContacts(
  db: PrismaClient,
  unitId: string,
  contacts: Partial<ContactInput>[],
  actor: string,
) {
  if (contacts.length > 50) throw new ContactInputError('联系人最多 50 个');
  const clean = contacts.map((c, i) => validateContact(c, i + 1));
  const keys = new Set<string>();
  for (const [i, c] of clean.entries()) {
    const k = `${c.role}|${c.email.toLowerCase()}`;
    if (keys.has(k)) throw new ContactInputError(`第 ${i + 1} 行: ${c.role} ${c.email} 重复`);
    keys.add(k);
  }
  return db.$transaction(async (tx) => {
    const unit = await tx.unit.findUnique({ where: { id: unitId }, include: { contacts: true } });
    if (!unit) throw new ContactInputError('没有这个单位');
    const before = unit.contacts.map((c) => ({
      role: c.role,
      name: c.name,
      email: c.email,
      phone: c.phone,
      digest: c.digest,
    }));
    const after: { role: ContactInput['role']; name: string; email: string; phone: string | null; digest: boolean }[] =
      [];
    const keep = new Set<string>();
    for (const c of clean) {
      const existing = unit.contacts.find((x) => x.role === c.role && x.email.toLowerCase() === c.email.toLowerCase());
      const digest = c.digest ?? existing?.digest ?? false;
      if (existing) {
        keep.add(existing.id);
        await tx.contact.update({ where: { id: existing.id }, data: { name: c.name, phone: c.phone ?? null, digest } });
      } else {
        const row = await tx.contact.create({
          data: { unitId, role: c.role, name: c.name, email: c.email, phone: c.phone ?? null, digest },
        });
        keep.add(row.id);
      }
      after.push({ role: c.role, name: c.name, email: existing?.email ?? c.email, phone: c.phone ?? null, digest });
    }
    await tx.contact.deleteMany({ where: { unitId, id: { notIn: [...keep] } } });
    await audit(tx, {
      actor,
      action: 'unit.contacts_updated',
      entityType: 'Unit',
      entityId: unitId,
      unitId,
      data: { unit: unit.name, before, after },
    });
    return tx.contact.findMany({ where: { unitId }, orderBy: [{ role: 'asc' }, { email: 'asc' }] });
  });
}
