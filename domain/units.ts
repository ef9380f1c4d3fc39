/**
 * The units directory (单位名录) as pure data, and name resolution: canonical names, aliases
 * (full- and half-width brackets are the same name), and group expansion.
 */
import { DomainErrorCodes, DubangError } from './errors';
import type { DirectoryRobot } from './channels';

export type UnitKind = 'BUREAU' | 'COUNTY' | 'DEV_ZONE' | 'MANAGEMENT' | 'GROUP' | 'OFFICE' | 'LEADERSHIP' | 'OTHER';
/** What a person reads for each kind (dashboard, CLI): one place. */
export const UNIT_KIND_NAMES: Record<UnitKind, string> = {
  BUREAU: '市直部门',
  COUNTY: '县区政府',
  DEV_ZONE: '开发区',
  MANAGEMENT: '管理局',
  GROUP: '单位组',
  OFFICE: '领导小组办公室',
  LEADERSHIP: '市领导',
  OTHER: '其他',
};
export type ContactRole = 'LIAISON' | 'LEADER' | 'RECIPIENT';

export interface DirectoryContact {
  role: ContactRole;
  name: string;
  email: string;
  phone?: string | null;
  /** the address gets one daily digest instead of single notices (default false) */
  digest?: boolean;
}

export interface DirectoryUnit {
  /** canonical name, as plans write it (市市场监管局) */
  name: string;
  fullName?: string | null;
  kind: UnitKind;
  aliases: string[];
  contacts: DirectoryContact[];
  /** for GROUP units: canonical names of the members, in order */
  members?: string[];
  note?: string | null;
  /** group robots (钉钉, 企业微信) and what each receives (domain/channels.ts, docs/channels.md) */
  robots?: DirectoryRobot[];
}

export interface UnitsDirectory {
  /** canonical name of the leading group office (the Office) */
  office: string;
  /** canonical name of the leadership recipients' unit */
  leadership: string;
  units: DirectoryUnit[];
}

/** Lookup form of a name: brackets and commas folded to half-width, spaces removed. Never stored. */
export function nameKey(name: string): string {
  return name
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[【［]/g, '[')
    .replace(/[】］]/g, ']')
    .replace(/，/g, ',')
    .replace(/\s+/g, '');
}

export class DirectoryError extends DubangError {
  static override readonly code = DomainErrorCodes.DirectoryError;
}

export interface Resolver {
  /** the unit a name (canonical or alias) refers to, or undefined */
  find(name: string): DirectoryUnit | undefined;
  /** the unit itself, or a group's members (recursively), in order */
  expand(unit: DirectoryUnit): DirectoryUnit[];
  byName(canonical: string): DirectoryUnit;
}

/**
 * Builds the resolver and checks the directory's integrity: unique names and aliases, groups whose
 * members exist and are not groups of themselves, the Office and leadership present.
 */
export function createResolver(dir: UnitsDirectory): Resolver {
  const index = new Map<string, DirectoryUnit>();
  const canonical = new Map<string, DirectoryUnit>();
  const problems: string[] = [];
  for (const u of dir.units) {
    if (canonical.has(u.name)) problems.push(`单位名称重复: ${u.name}`);
    canonical.set(u.name, u);
    for (const n of [u.name, ...u.aliases]) {
      const k = nameKey(n);
      const prev = index.get(k);
      if (prev && prev !== u) problems.push(`名称「${n}」同时指向「${prev.name}」和「${u.name}」`);
      index.set(k, u);
    }
  }
  for (const u of dir.units) {
    if (u.kind === 'GROUP') {
      // a group without members is allowed: created by a plan import (--new-units), it waits for its
      // members, and supervision refuses to start until it has them (app/supervise.ts)
      for (const m of u.members ?? [])
        if (!canonical.has(m)) problems.push(`单位组「${u.name}」的成员「${m}」不在名录中`);
    } else if (u.members?.length) {
      problems.push(`「${u.name}」不是单位组 (kind GROUP), 不能有成员`);
    }
  }
  for (const [role, n] of [
    ['office', dir.office],
    ['leadership', dir.leadership],
  ] as const) {
    if (!canonical.has(n)) problems.push(`${role}「${n}」不在名录中`);
  }
  if (problems.length) throw new DirectoryError(problems.join('; '));

  const expand = (unit: DirectoryUnit, seen: Set<string> = new Set()): DirectoryUnit[] => {
    if (unit.kind !== 'GROUP') return [unit];
    if (seen.has(unit.name)) throw new DirectoryError(`单位组「${unit.name}」循环包含自身`);
    seen.add(unit.name);
    return (unit.members ?? []).flatMap((m) => expand(canonical.get(m)!, seen));
  };
  for (const u of dir.units) expand(u);
  return {
    find: (name) => index.get(nameKey(name)),
    expand: (u) => expand(u),
    byName: (n) => {
      const u = canonical.get(n);
      if (!u) throw new DirectoryError(`单位「${n}」不在名录中`);
      return u;
    },
  };
}

/**
 * A collective name: not one unit but a set of them (各街道, 区直各部门, 县政府有关部门, 各有关单位,
 * 各县(市、区)人民政府). The directory holds it as a group with members; a new one needs its members
 * before supervision can start.
 */
export function isCollectiveName(name: string): boolean {
  const n = nameKey(name);
  return (
    /^各/.test(n) ||
    /有关(?:单位|部门)$/.test(n) ||
    /各(?:部门|单位)$/.test(n) ||
    /^(?:市直|区直|县直|市属|区属|县属)/.test(n) ||
    /^(?:相关|有关)/.test(n)
  );
}

/**
 * The place a directory's units belong to (南昌市), read from the full names and aliases of its units
 * (南昌市市场监督管理局 …): the most frequent leading place name, or null when fewer than three say it.
 */
export function directoryPlace(dir: UnitsDirectory): string | null {
  const counts = new Map<string, number>();
  for (const u of dir.units) {
    const seen = new Set<string>();
    for (const n of [u.fullName ?? '', ...u.aliases]) {
      const m = /^([\u4e00-\u9fff]{2,4}?市)/.exec(n);
      if (m && !seen.has(m[1]!)) {
        seen.add(m[1]!);
        counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
      }
    }
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best && best[1] >= 3 ? best[0] : null;
}
