/**
 * Reading and writing the units directory: JSON (config/units.json) and CSV for the Office's
 * spreadsheets. CSV columns (UTF-8, header row required):
 *   name, fullName, kind, aliases, members, liaisonName, liaisonEmail, liaisonPhone,
 *   leaderName, leaderEmail, leaderPhone, recipients, digest, note, robots
 * `aliases` and `members` are separated by `|`; `recipients` is `名称 <email>|…` (Office/leadership).
 * `digest` lists which of the row's contacts get the daily digest instead of single notices, `|`
 * separated: `liaison`, `leader`, or a contact's email, which is how recipients are named (e.g.
 * `liaison|leader`, `duban@office.example`); any case; empty = nobody. A CSV without the column flags
 * nobody. An entry that names no contact of the row is refused with its line and column.
 * `robots` lists the unit's group robots, `|` separated, each `<channel> <webhook> [key=value …]`
 * with the options `secret=SEC…` (DingTalk 加签), `kinds=letter,slips`, `at=<mobile>,…` (DingTalk)
 * and `mentions=<userid>,…` (WeCom), e.g.
 * `dingtalk https://oapi.dingtalk.com/robot/send?access_token=… secret=SEC… kinds=slips`; a CSV
 * without the column configures no robots (docs/channels.md).
 */
import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { unitsDirectorySchema } from '../config/units';
import { createResolver, type DirectoryContact, type DirectoryUnit, type UnitsDirectory } from '../domain/units';
import type { DirectoryRobot } from '../domain/channels';
import { ErrorCodes, DubangError } from '../contracts/errors';

export class UnitsFileError extends DubangError {
  static override readonly code = ErrorCodes.UnitsFileError;
  constructor(
    message: string,
    readonly problems: { line?: number; field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

function zodProblems(err: z.ZodError, lineOf?: (path: PropertyKey[]) => number | undefined) {
  return err.issues.map((i) => ({
    ...(lineOf ? { line: lineOf(i.path) } : {}),
    field: i.path.join('.'),
    message: i.message,
  }));
}

/** Validates a directory object (schema and integrity); throws UnitsFileError naming each problem. */
export function checkDirectory(raw: unknown, source: string): UnitsDirectory {
  const parsed = unitsDirectorySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error);
    throw new UnitsFileError(`${source}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
  }
  const dir = parsed.data as UnitsDirectory;
  try {
    createResolver(dir);
  } catch (e) {
    throw new UnitsFileError(`${source}: ${(e as Error).message}`, [{ field: 'units', message: (e as Error).message }]);
  }
  return dir;
}

export function readDirectoryFile(file: string): UnitsDirectory {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UnitsFileError(`${file}: ${(e as Error).message}`);
  }
  return checkDirectory(raw, file);
}

export const CSV_COLUMNS = [
  'name',
  'fullName',
  'kind',
  'aliases',
  'members',
  'liaisonName',
  'liaisonEmail',
  'liaisonPhone',
  'leaderName',
  'leaderEmail',
  'leaderPhone',
  'recipients',
  'digest',
  'note',
  'robots',
] as const;

const split = (s: string | undefined) =>
  (s ?? '')
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);

export function directoryToCsv(dir: UnitsDirectory): string {
  const rows = dir.units.map((u) => {
    const c = (role: DirectoryContact['role']) => u.contacts.find((x) => x.role === role);
    const l = c('LIAISON');
    const d = c('LEADER');
    return {
      name: u.name,
      fullName: u.fullName ?? '',
      kind: u.kind,
      aliases: u.aliases.join('|'),
      members: (u.members ?? []).join('|'),
      liaisonName: l?.name ?? '',
      liaisonEmail: l?.email ?? '',
      liaisonPhone: l?.phone ?? '',
      leaderName: d?.name ?? '',
      leaderEmail: d?.email ?? '',
      leaderPhone: d?.phone ?? '',
      recipients: u.contacts
        .filter((x) => x.role === 'RECIPIENT')
        .map((x) => `${x.name} <${x.email}>`)
        .join('|'),
      digest: [
        ...(l?.digest ? ['liaison'] : []),
        ...(d?.digest ? ['leader'] : []),
        ...u.contacts.filter((x) => x.role === 'RECIPIENT' && x.digest).map((x) => x.email),
      ].join('|'),
      note: u.note ?? '',
      robots: (u.robots ?? []).map(robotToCsv).join('|'),
    };
  });
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
}

function robotToCsv(r: DirectoryRobot): string {
  const mentions = r.channel === 'dingtalk' ? r.atMobiles : r.mentions;
  return [
    r.channel,
    r.webhook,
    ...(r.secret ? [`secret=${r.secret}`] : []),
    ...(r.kinds ? [`kinds=${r.kinds.join(',')}`] : []),
    ...(mentions?.length ? [`${r.channel === 'dingtalk' ? 'at' : 'mentions'}=${mentions.join(',')}`] : []),
  ].join(' ');
}

const ROBOT_OPTIONS = ['secret', 'kinds', 'at', 'mentions'];

/**
 * One entry of the `robots` column: `<channel> <webhook> [key=value …]`. The fields' values are
 * checked by the directory's schema afterwards (which names the robot and field); this only splits.
 */
function robotFromCsv(entry: string): { robot?: Record<string, unknown>; problem?: string } {
  const [channel, webhook, ...rest] = entry.split(/\s+/);
  if (!channel || !webhook)
    return {
      problem: `「${entry}」应写作「dingtalk 或 wecom、空格、webhook 地址」，选项如 secret=… kinds=letter,slips`,
    };
  const robot: Record<string, unknown> = { channel, webhook };
  for (const opt of rest) {
    const m = /^([a-z]+)=(.*)$/.exec(opt);
    if (!m || !ROBOT_OPTIONS.includes(m[1]!))
      return { problem: `「${opt}」不是可用的选项（secret=、kinds=、at=、mentions=）` };
    const list = m[2]!
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (m[1] === 'secret') robot.secret = m[2];
    else if (m[1] === 'at') robot.atMobiles = list;
    else robot[m[1]!] = list;
  }
  return { robot };
}

/**
 * Sets `digest` on the row's contacts named in its `digest` column: `liaison`, `leader` (any case)
 * or a contact's email (any case). Returns a message per entry that names no contact of the row.
 */
function markDigest(contacts: DirectoryContact[], entries: string[]): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    const word = entry.toLowerCase();
    const role = word === 'liaison' ? 'LIAISON' : word === 'leader' ? 'LEADER' : null;
    const hit = contacts.filter((c) => (role ? c.role === role : c.email.toLowerCase() === word));
    if (hit.length) for (const c of hit) c.digest = true;
    else if (role)
      problems.push(
        `「${entry}」: 本行没有${role === 'LIAISON' ? '联络员邮箱 (liaisonEmail)' : '分管负责人邮箱 (leaderEmail)'}`,
      );
    else problems.push(`「${entry}」应为 liaison、leader 或本行联系人的邮箱，多个用 | 分隔`);
  }
  return problems;
}

/**
 * Parses a CSV directory. The Office and leadership are the rows of kind OFFICE and LEADERSHIP.
 * Errors name the CSV line (header = line 1) and the column.
 */
export function directoryFromCsv(text: string, source = 'CSV'): UnitsDirectory {
  let records: Record<string, string>[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
  } catch (e) {
    throw new UnitsFileError(`${source}: ${(e as Error).message}`);
  }
  const header = Object.keys(records[0] ?? {});
  const missing = ['name', 'kind'].filter((c) => !header.includes(c));
  if (records.length === 0) throw new UnitsFileError(`${source}: 没有数据行`);
  if (missing.length)
    throw new UnitsFileError(
      `${source}: 第1行缺少列 ${missing.join(', ')}`,
      missing.map((m) => ({ line: 1, field: m, message: 'required column' })),
    );
  const problems: { line: number; field: string; message: string }[] = [];
  const units: DirectoryUnit[] = records.map((r, i) => {
    const line = i + 2;
    const contacts: DirectoryContact[] = [];
    const person = (role: 'LIAISON' | 'LEADER', prefix: 'liaison' | 'leader') => {
      const email = r[`${prefix}Email`];
      if (!email) return;
      contacts.push({
        role,
        name: r[`${prefix}Name`] || (role === 'LIAISON' ? '联络员' : '分管负责人'),
        email,
        phone: r[`${prefix}Phone`] || null,
      });
    };
    person('LIAISON', 'liaison');
    person('LEADER', 'leader');
    for (const rec of split(r.recipients)) {
      const m = /^(.*?)\s*<([^>]+)>$/.exec(rec);
      if (!m) problems.push({ line, field: 'recipients', message: `「${rec}」应写作「名称 <email>」` });
      else contacts.push({ role: 'RECIPIENT', name: m[1]! || m[2]!, email: m[2]! });
    }
    for (const problem of markDigest(contacts, split(r.digest)))
      problems.push({ line, field: 'digest', message: problem });
    const members = split(r.members);
    const robots = split(r.robots).map((entry) => {
      const x = robotFromCsv(entry);
      if (x.problem) problems.push({ line, field: 'robots', message: x.problem });
      return x.robot ?? {};
    });
    return {
      ...(robots.length ? { robots: robots as unknown as DirectoryRobot[] } : {}),
      name: r.name ?? '',
      fullName: r.fullName || null,
      kind: (r.kind ?? '') as DirectoryUnit['kind'],
      aliases: split(r.aliases),
      contacts,
      ...(members.length ? { members } : {}),
      note: r.note || null,
    };
  });
  const office = units.find((u) => u.kind === 'OFFICE');
  const leadership = units.find((u) => u.kind === 'LEADERSHIP');
  if (!office) problems.push({ line: 1, field: 'kind', message: '需要一行 kind 为 OFFICE 的单位 (领导小组办公室)' });
  if (!leadership) problems.push({ line: 1, field: 'kind', message: '需要一行 kind 为 LEADERSHIP 的单位 (领导小组)' });
  const parsed = unitsDirectorySchema.safeParse({
    office: office?.name ?? '',
    leadership: leadership?.name ?? '',
    units,
  });
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const idx = typeof i.path[1] === 'number' ? i.path[1] : -1;
      problems.push({
        line: idx >= 0 ? idx + 2 : 1,
        field: i.path.slice(2).join('.') || i.path.join('.'),
        message: i.message,
      });
    }
  }
  if (problems.length) {
    throw new UnitsFileError(
      `${source}: ${problems.map((p) => `第${p.line}行 ${p.field}: ${p.message}`).join('; ')}`,
      problems,
    );
  }
  return checkDirectory(parsed.data, source);
}
