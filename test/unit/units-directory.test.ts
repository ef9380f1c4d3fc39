import * as path from 'node:path';
import { createResolver, nameKey, type UnitsDirectory } from '../../domain/units';
import { directoryFromCsv, directoryToCsv, readDirectoryFile } from '../../infra/units-file';

const file = path.join(__dirname, '..', '..', 'config', 'units.json');

describe('the shipped units directory', () => {
  const dir = readDirectoryFile(file);
  const r = createResolver(dir);

  it('names every unit the real plan lists, by the plan\'s own spelling', () => {
    const planNames = [
      '市市场监管局', '市工信局', '市商务局', '市科技局', '市交通运输局', '市发改委', '市农业农村局', '市住建局',
      '市文广新旅局', '市人社局', '市质量强市领导小组办公室', '各县(区)人民政府', '开发区管委会', '湾里管理局', '市教育局',
      '市卫健委', '市中小企业局', '市国资委', '市水利局', '市公路事业发展中心', '市金融办', '市政数局', '市委组织部',
      '各县区质量强县(区)领导小组', '市林业局', '市供销联社', '市体育局', '市民政局', '市税务局', '市工商联', '市财政局', '市生态环境局',
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
      '南昌县人民政府', '进贤县人民政府', '安义县人民政府', '东湖区人民政府', '西湖区人民政府',
      '青云谱区人民政府', '青山湖区人民政府', '新建区人民政府', '红谷滩区人民政府',
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
    const norm = (d: UnitsDirectory) => d.units.map((u) => ({ ...u, fullName: u.fullName ?? null, note: u.note ?? null, contacts: u.contacts.map((c) => ({ ...c, phone: c.phone ?? null })) }));
    expect(norm(back)).toEqual(norm(dir));
    expect(back.office).toBe(dir.office);
    expect(back.leadership).toBe(dir.leadership);
  });
});

describe('bad directories are refused with the line and field', () => {
  const header = 'name,fullName,kind,aliases,members,liaisonName,liaisonEmail,liaisonPhone,leaderName,leaderEmail,leaderPhone,recipients,note';
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
    const csv = [header, office, leaders, '各区,,GROUP,,东湖区|幽灵区,,,,,,,,', '东湖区,,COUNTY,东湖,,,,,,,,,'].join('\n');
    expect(() => directoryFromCsv(csv)).toThrow(/幽灵区/);
    const dup = [header, office, leaders, '市甲局,,BUREAU,甲,,,,,,,,,', '市乙局,,BUREAU,甲,,,,,,,,,'].join('\n');
    expect(() => directoryFromCsv(dup)).toThrow(/「甲」同时指向「市甲局」和「市乙局」/);
  });

  it('requires the Office and leadership rows', () => {
    expect(() => directoryFromCsv([header, '市甲局,,BUREAU,,,,,,,,,,'].join('\n'))).toThrow(/OFFICE/);
  });
});

describe('nameKey', () => {
  it.each([
    ['各县（区）人民政府', '各县(区)人民政府'],
    ['【以下】', '[以下]'],
    [' 市 工信局 ', '市工信局'],
  ])('%s → %s', (a, b) => expect(nameKey(a)).toBe(b));
});
