import * as path from 'node:path';
import { createResolver, nameKey, type UnitsDirectory } from '../../domain/units';
import {
  checkDirectory,
  directoryFromCsv,
  directoryToCsv,
  readDirectoryFile,
  UnitsFileError,
} from '../../app/units-file';

const file = path.join(__dirname, '..', '..', 'config', 'units.json');

describe('the shipped units directory', () => {
  const dir = readDirectoryFile(file);
  const r = createResolver(dir);

  it("names every unit the real plan lists, by the plan's own spelling", () => {
    const planNames = [
      '市市场监管局',
      '市工信局',
      '市商务局',
      '市科技局',
      '市交通运输局',
      '市发改委',
      '市农业农村局',
      '市住建局',
      '市文广新旅局',
      '市人社局',
      '市质量强市领导小组办公室',
      '各县(区)人民政府',
      '开发区管委会',
      '湾里管理局',
      '市教育局',
      '市卫健委',
      '市中小企业局',
      '市国资委',
      '市水利局',
      '市公路事业发展中心',
      '市金融办',
      '市政数局',
      '市委组织部',
      '各县区质量强县(区)领导小组',
      '市林业局',
      '市供销联社',
      '市体育局',
      '市民政局',
      '市税务局',
      '市工商联',
      '市财政局',
      '市生态环境局',
    ];
    expect(planNames.filter((n) => !r.find(n))).toEqual([]);
  });

  it('resolves aliases and full-width brackets to the canonical unit', () => {
    expect(r.find('南昌市市场监督管理局')?.name).toBe('市市场监管局');
    expect(r.find('各县（区）人民政府')?.name).toBe('各县(区)人民政府');
    expect(r.find('各县(市、区)人民政府')?.name).toBe('各县(区)人民政府');
    expect(r.find('市不存在局')).toBeUndefined();
  });

  it('expands groups to their members: 9 county/district governments, 4 development zones', () => {
    const counties = r.expand(r.find('各县(区)人民政府')!);
    expect(counties.map((u) => u.name)).toEqual([
      '南昌县人民政府',
      '进贤县人民政府',
      '安义县人民政府',
      '东湖区人民政府',
      '西湖区人民政府',
      '青云谱区人民政府',
      '青山湖区人民政府',
      '新建区人民政府',
      '红谷滩区人民政府',
    ]);
    expect(r.expand(r.find('开发区管委会')!)).toHaveLength(4);
    expect(r.expand(r.find('湾里管理局')!).map((u) => u.name)).toEqual(['湾里管理局']);
  });

  it('gives every non-group unit a liaison and a leader on a reserved example domain', () => {
    for (const u of dir.units.filter((x) => x.kind !== 'GROUP' && x.kind !== 'LEADERSHIP')) {
      expect(u.contacts.map((c) => c.role)).toEqual(expect.arrayContaining(['LIAISON', 'LEADER']));
    }
    for (const c of dir.units.flatMap((u) => u.contacts)) expect(c.email).toMatch(/\.example$/);
  });

  it('round-trips through CSV unchanged', () => {
    const back = directoryFromCsv(directoryToCsv(dir));
    const norm = (d: UnitsDirectory) =>
      d.units.map((u) => ({
        ...u,
        fullName: u.fullName ?? null,
        note: u.note ?? null,
        contacts: u.contacts.map((c) => ({ ...c, phone: c.phone ?? null })),
      }));
    expect(norm(back)).toEqual(norm(dir));
    expect(back.office).toBe(dir.office);
    expect(back.leadership).toBe(dir.leadership);
  });
});

describe('bad directories are refused with the line and field', () => {
  const header =
    'name,fullName,kind,aliases,members,liaisonName,liaisonEmail,liaisonPhone,leaderName,leaderEmail,leaderPhone,recipients,note';
  const office = '市质量强市领导小组办公室,,OFFICE,,,,duban@office.example,,,,,,';
  const leaders = '市质量强市领导小组,,LEADERSHIP,,,,,,,,,市长 <mayor@gov.example>,';

  it('names the CSV line of an invalid email', () => {
    const csv = [header, office, leaders, '市甲局,,BUREAU,,,联络员,not-an-email,,,,,,'].join('\n');
    expect(() => directoryFromCsv(csv, 'units.csv')).toThrow(/第4行 contacts/);
  });

  it('names an unknown kind', () => {
    const csv = [header, office, leaders, '市乙局,,MINISTRY,,,,,,,,,,'].join('\n');
    expect(() => directoryFromCsv(csv, 'units.csv')).toThrow(/第4行 kind/);
  });

  it('refuses a group whose member is not listed, and an alias claimed twice', () => {
    const csv = [header, office, leaders, '各区,,GROUP,,东湖区|幽灵区,,,,,,,,', '东湖区,,COUNTY,东湖,,,,,,,,,'].join(
      '\n',
    );
    expect(() => directoryFromCsv(csv)).toThrow(/幽灵区/);
    const dup = [header, office, leaders, '市甲局,,BUREAU,甲,,,,,,,,,', '市乙局,,BUREAU,甲,,,,,,,,,'].join('\n');
    expect(() => directoryFromCsv(dup)).toThrow(/「甲」同时指向「市甲局」和「市乙局」/);
  });

  it('requires the Office and leadership rows', () => {
    expect(() => directoryFromCsv([header, '市甲局,,BUREAU,,,,,,,,,,'].join('\n'))).toThrow(/OFFICE/);
  });
});

describe('the daily digest flag', () => {
  const header = 'name,kind,liaisonName,liaisonEmail,leaderName,leaderEmail,recipients,digest';
  const office =
    '市质量强市领导小组办公室,OFFICE,,,,,督办科 <duban@office.example>|科长 <chief@office.example>,CHIEF@office.example';
  const leaders = '市质量强市领导小组,LEADERSHIP,,,,,市长 <mayor@gov.example>,';
  const contactsOf = (d: UnitsDirectory, name: string) =>
    d.units.find((u) => u.name === name)!.contacts.map((c) => `${c.role} ${c.email} ${c.digest}`);

  it('defaults to false in units.json and is kept when true', () => {
    const dir = readDirectoryFile(file);
    expect(dir.units.flatMap((u) => u.contacts).every((c) => c.digest === false)).toBe(true);
    const raw = {
      office: 'O',
      leadership: 'L',
      units: [
        {
          name: 'O',
          kind: 'OFFICE',
          contacts: [{ role: 'RECIPIENT', name: '督办科', email: 'duban@office.example', digest: true }],
        },
        { name: 'L', kind: 'LEADERSHIP' },
      ],
    };
    expect(checkDirectory(raw, 'units.json').units[0]!.contacts[0]!.digest).toBe(true);
  });

  it('refuses a units.json digest that is not a boolean, naming the unit, contact and field', () => {
    const raw = {
      office: 'O',
      leadership: 'L',
      units: [
        { name: 'O', kind: 'OFFICE' },
        { name: 'L', kind: 'LEADERSHIP' },
        {
          name: '市甲局',
          kind: 'BUREAU',
          contacts: [
            { role: 'LIAISON', name: '联络员', email: 'a@bureau.example' },
            { role: 'LEADER', name: '负责人', email: 'b@bureau.example', digest: 'yes' },
          ],
        },
      ],
    };
    expect(() => checkDirectory(raw, 'units.json')).toThrow(
      'units.json: units.2.contacts.1.digest: true or false (a JSON boolean, without quotes)',
    );
  });

  it('reads the CSV digest column: roles and recipient emails, any case; export writes it back', () => {
    const csv = [
      header,
      office,
      leaders,
      '市甲局,BUREAU,联络员甲,a@bureau.example,负责人甲,b@bureau.example,,Liaison|LEADER',
      '市乙局,BUREAU,联络员乙,c@bureau.example,负责人乙,d@bureau.example,,leader',
    ].join('\n');
    const dir = directoryFromCsv(csv, 'units.csv');
    expect(contactsOf(dir, '市甲局')).toEqual(['LIAISON a@bureau.example true', 'LEADER b@bureau.example true']);
    expect(contactsOf(dir, '市乙局')).toEqual(['LIAISON c@bureau.example false', 'LEADER d@bureau.example true']);
    expect(contactsOf(dir, '市质量强市领导小组办公室')).toEqual([
      'RECIPIENT duban@office.example false',
      'RECIPIENT chief@office.example true',
    ]);
    expect(contactsOf(dir, '市质量强市领导小组')).toEqual(['RECIPIENT mayor@gov.example false']);

    const out = directoryToCsv(dir);
    const lines = out.trim().split('\n');
    expect(lines[0]).toContain(',recipients,digest,note');
    expect(lines.find((l) => l.startsWith('市甲局,'))).toMatch(/,liaison\|leader,,$/);
    expect(lines.find((l) => l.startsWith('市质量强市领导小组办公室,'))).toMatch(/,chief@office\.example,,$/);
    expect(directoryFromCsv(out)).toEqual(dir);
  });

  it('flags nobody when the CSV has no digest column (an older spreadsheet)', () => {
    const csv = [
      'name,kind,liaisonEmail',
      '市质量强市领导小组办公室,OFFICE,duban@office.example',
      '市质量强市领导小组,LEADERSHIP,',
      '市甲局,BUREAU,a@bureau.example',
    ].join('\n');
    expect(
      directoryFromCsv(csv)
        .units.flatMap((u) => u.contacts)
        .map((c) => c.digest),
    ).toEqual([false, false]);
  });

  it.each([
    ['yes', '第4行 digest: 「yes」应为 liaison、leader 或本行联系人的邮箱，多个用 | 分隔'],
    ['liaison;leader', '第4行 digest: 「liaison;leader」应为 liaison、leader 或本行联系人的邮箱'],
    ['someone@else.example', '第4行 digest: 「someone@else.example」应为 liaison、leader 或本行联系人的邮箱'],
  ])('refuses a CSV digest entry naming no contact of the row (%s), with line and column', (value, msg) => {
    const csv = [
      header,
      office,
      leaders,
      `市甲局,BUREAU,联络员甲,a@bureau.example,负责人甲,b@bureau.example,,${value}`,
    ].join('\n');
    expect(() => directoryFromCsv(csv, 'units.csv')).toThrow(msg);
  });

  it('refuses a role flagged on a row that has no such contact, and reports every bad row', () => {
    const csv = [
      header,
      office,
      leaders,
      '市甲局,BUREAU,联络员甲,a@bureau.example,,,,liaison|leader',
      '市乙局,BUREAU,,,负责人乙,d@bureau.example,,liaison',
    ].join('\n');
    let err: UnitsFileError | undefined;
    try {
      directoryFromCsv(csv, 'units.csv');
    } catch (e) {
      err = e as UnitsFileError;
    }
    expect(err?.name).toBe('UnitsFileError');
    expect(err!.problems).toEqual([
      { line: 4, field: 'digest', message: '「leader」: 本行没有分管负责人邮箱 (leaderEmail)' },
      { line: 5, field: 'digest', message: '「liaison」: 本行没有联络员邮箱 (liaisonEmail)' },
    ]);
    expect(err!.message).toBe(
      'units.csv: 第4行 digest: 「leader」: 本行没有分管负责人邮箱 (leaderEmail); 第5行 digest: 「liaison」: 本行没有联络员邮箱 (liaisonEmail)',
    );
  });
});

describe('nameKey', () => {
  it.each([
    ['各县（区）人民政府', '各县(区)人民政府'],
    ['【以下】', '[以下]'],
    [' 市 工信局 ', '市工信局'],
  ])('%s → %s', (a, b) => expect(nameKey(a)).toBe(b));
});
