/**
 * The units directory's daily-digest flag in PostgreSQL: seeding and import carry it, a changed flag
 * counts as a change (and is audited), an unchanged one does not, and the CLI imports it from CSV,
 * lists it and exports it. Runs dist/ for the CLI (npm run build first).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { loadConfig } from '../../config';
import { loadDirectory, syncDirectory } from '../../app/units';
import { readDirectoryFile } from '../../app/units-file';
import type { UnitsDirectory } from '../../domain/units';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const cfg = loadConfig({});
let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-units-'));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The shipped directory with the digest flag set on the named unit's contacts of `role`. */
function flagged(dir: UnitsDirectory, unit: string, role: 'LIAISON' | 'LEADER', on: boolean): UnitsDirectory {
  return {
    ...dir,
    units: dir.units.map((u) =>
      u.name !== unit ? u : { ...u, contacts: u.contacts.map((c) => (c.role === role ? { ...c, digest: on } : c)) },
    ),
  };
}

async function flags() {
  const rows = await db.prisma.contact.findMany({
    where: { digest: true },
    include: { unit: true },
    orderBy: [{ email: 'asc' }],
  });
  return rows.map((c) => `${c.unit.name} ${c.role} ${c.email}`);
}

test('seeding and import carry the digest flag; only a real change updates the unit', async () => {
  const shipped = readDirectoryFile(cfg.unitsFile);
  const first = await syncDirectory(db.prisma, shipped, 'test');
  expect(first.created.length).toBe(shipped.units.length);
  expect(await flags()).toEqual([]);

  // the same file again: nothing changes
  expect(await syncDirectory(db.prisma, shipped, 'test')).toEqual({
    created: [],
    updated: [],
    unchanged: shipped.units.length,
  });

  // the Office turns the digest on for one liaison: that unit alone is updated, and audited
  const on = flagged(shipped, '市工信局', 'LIAISON', true);
  expect(await syncDirectory(db.prisma, on, 'test')).toEqual({
    created: [],
    updated: ['市工信局'],
    unchanged: shipped.units.length - 1,
  });
  const liaison = shipped.units.find((u) => u.name === '市工信局')!.contacts.find((c) => c.role === 'LIAISON')!;
  expect(await flags()).toEqual([`市工信局 LIAISON ${liaison.email}`]);
  const event = await db.prisma.auditEvent.findFirstOrThrow({
    where: { action: 'unit.updated' },
    orderBy: { at: 'desc' },
  });
  expect(JSON.stringify(event.data)).toContain('"digest":true');
  expect(
    (await loadDirectory(db.prisma))!.units
      .find((u) => u.name === '市工信局')!
      .contacts.find((c) => c.role === 'LIAISON')!.digest,
  ).toBe(true);
  expect(await syncDirectory(db.prisma, on, 'test')).toMatchObject({ updated: [] });

  // and off again
  expect(await syncDirectory(db.prisma, shipped, 'test')).toMatchObject({ updated: ['市工信局'] });
  expect(await flags()).toEqual([]);
});

test('dubang units import/list/export: the CSV digest column in and out', async () => {
  const env = { ...process.env, DATABASE_URL: db.url, NODE_NO_WARNINGS: '1' };
  const cli = (...args: string[]) =>
    run(process.execPath, [path.join(root, 'bin', 'dubang.js'), ...args], { cwd: root, env });
  const csvFile = path.join(tmp, 'units.csv');
  const readCsv = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
  await cli('units', 'export', csvFile);
  const rows = readCsv(fs.readFileSync(csvFile, 'utf8'));
  // flag the leader of 市商务局 in the spreadsheet and import it
  const index = rows.findIndex((r) => r.name === '市商务局');
  const line = index + 2; // header is line 1
  expect(rows[index]!.digest).toBe('');
  rows[index]!.digest = 'leader';
  fs.writeFileSync(csvFile, stringify(rows, { header: true }));
  const imported = await cli('units', 'import', csvFile);
  expect(imported.stdout).toContain('修改: 市商务局');
  expect(await flags()).toEqual([expect.stringMatching(/^市商务局 LEADER /)]);

  const list = (await cli('units', 'list')).stdout.split('\n');
  expect(list.find((l) => l.startsWith('市商务局 '))).toMatch(/<[^>]+>（每日摘要）/);
  expect(list.filter((l) => l.includes('（每日摘要）'))).toHaveLength(1);
  const exported = readCsv((await cli('units', 'export')).stdout);
  expect(exported.filter((r) => r.digest).map((r) => [r.name, r.digest])).toEqual([['市商务局', 'leader']]);

  // a bad value: refused with line and column, nothing changes
  rows[index]!.digest = 'boss';
  fs.writeFileSync(csvFile, stringify(rows, { header: true }));
  const bad = await cli('units', 'import', csvFile).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(bad?.code).toBe(2);
  expect(bad?.stderr).toContain(`第${line}行 digest: 「boss」应为 liaison、leader 或本行联系人的邮箱`);
  expect(await flags()).toEqual([expect.stringMatching(/^市商务局 LEADER /)]);
});

test("dubang units export masks robots' credentials; imported again they stay; --with-secrets writes them owner-only", async () => {
  const env = { ...process.env, DATABASE_URL: db.url, NODE_NO_WARNINGS: '1' };
  const cli = (...args: string[]) =>
    run(process.execPath, [path.join(root, 'bin', 'dubang.js'), ...args], { cwd: root, env });
  const storedRobots = async (unit: string) =>
    (await db.prisma.unitRobot.findMany({ where: { unit: { name: unit } }, orderBy: { ordinal: 'asc' } })).map((r) => [
      r.channel,
      r.webhook,
      r.secret,
      r.kinds,
    ]);
  const office = await storedRobots('市质量强市领导小组办公室');
  expect(office).toEqual([
    ['dingtalk', 'http://127.0.0.1:2626/robot/send?access_token=demo-office', expect.stringMatching(/^SEC/), ['slips']],
  ]);

  // the default export: no webhook token and no secret anywhere in the file, in CSV or JSON
  const csvFile = path.join(tmp, 'masked.csv');
  const jsonFile = path.join(tmp, 'masked.json');
  await cli('units', 'export', csvFile);
  await cli('units', 'export', jsonFile);
  for (const f of [csvFile, jsonFile]) {
    const text = fs.readFileSync(f, 'utf8');
    expect(text).not.toContain('access_token=demo-office');
    expect(text).not.toContain('key=demo-scjgj');
    expect(text).not.toMatch(/SECdemo/);
  }
  const rows = parse(fs.readFileSync(csvFile, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(rows.find((r) => r.name === '市质量强市领导小组办公室')!.robots).toBe(
    'dingtalk http://127.0.0.1:2626/robot/send?…fice secret=*** kinds=slips',
  );
  expect(rows.find((r) => r.name === '市市场监管局')!.robots).toBe(
    'wecom http://127.0.0.1:2626/cgi-bin/webhook/send?…cjgj kinds=letter',
  );

  // edited and imported again: the masked robots keep their stored credentials, the edit lands
  rows.find((r) => r.name === '市质量强市领导小组办公室')!.robots =
    'dingtalk http://127.0.0.1:2626/robot/send?…fice secret=*** kinds=slips,letter';
  fs.writeFileSync(csvFile, stringify(rows, { header: true }));
  expect((await cli('units', 'import', csvFile)).stdout).toContain('修改: 市质量强市领导小组办公室');
  expect(await storedRobots('市质量强市领导小组办公室')).toEqual([
    [office[0]![0], office[0]![1], office[0]![2], ['slips', 'letter']],
  ]);
  expect((await cli('units', 'import', jsonFile)).stdout).toContain('修改: 市质量强市领导小组办公室'); // kinds back to slips
  expect(await storedRobots('市质量强市领导小组办公室')).toEqual(office);
  expect(await storedRobots('市市场监管局')).toEqual([
    ['wecom', 'http://127.0.0.1:2626/cgi-bin/webhook/send?key=demo-scjgj', null, ['letter']],
  ]);

  // a masked webhook that stands for no stored robot: refused, naming the unit and robot; nothing changes
  rows.find((r) => r.name === '市市场监管局')!.robots = 'wecom http://127.0.0.1:2626/cgi-bin/webhook/send?…zzzz';
  fs.writeFileSync(csvFile, stringify(rows, { header: true }));
  const bad = await cli('units', 'import', csvFile).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(bad?.code).toBe(2);
  expect(bad?.stderr).toContain(
    '单位「市市场监管局」的第 1 个群机器人的 webhook「http://127.0.0.1:2626/cgi-bin/webhook/send?…zzzz」是导出时隐藏的形式，名录里没有与之对应的机器人：请填写完整的地址和密钥，或用 dubang units export --with-secrets 导出后再修改',
  );
  expect(await storedRobots('市市场监管局')).toEqual([
    ['wecom', 'http://127.0.0.1:2626/cgi-bin/webhook/send?key=demo-scjgj', null, ['letter']],
  ]);
  expect(await storedRobots('市质量强市领导小组办公室')).toEqual(office);

  // --with-secrets: the full credentials, in a file only its owner can read
  const full = path.join(tmp, 'full.csv');
  await cli('units', 'export', '--with-secrets', full);
  expect(fs.readFileSync(full, 'utf8')).toContain(`access_token=demo-office secret=${office[0]![2]}`);
  expect(fs.statSync(full).mode & 0o777).toBe(0o600);
});
