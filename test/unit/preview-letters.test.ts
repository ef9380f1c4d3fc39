/**
 * `dubang plan preview` lists the emails its notices make: the unit letters (单位督办函), one per
 * unit contact and moment, by the mail pipeline's own rule (domain/notices/letters.ts plannedEmails
 * over splitForLetters and groupIntoLetters), and the notices that go alone. The real plan as of
 * 26 Nov 2026 under the shipped policy (notifyRoles LEAD, CO and IMPLICIT) and MAIL_LETTERS on,
 * read from the printed JSON and text as a user would; then MAIL_LETTERS=off.
 */
import { main } from '../../cli/main';
import { loadConfig } from '../../config';
import { plannedEmails, type PlannedNotice } from '../../domain/notices';
import type { PreviewOutput } from '../../cli/commands/plan-preview';
import { REAL_PLAN } from '../helpers/paths';

async function run(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const e = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  const before = process.exitCode;
  try {
    await main(['node', 'dubang', ...args]);
    return { out: out.join(''), err: err.join(''), code: process.exitCode as number | undefined };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = before;
  }
}

/** The 14 units the bracket of task (1) binds to every task (role IMPLICIT). */
const RULE_BOUND = [
  '南昌县人民政府',
  '进贤县人民政府',
  '安义县人民政府',
  '东湖区人民政府',
  '西湖区人民政府',
  '青云谱区人民政府',
  '青山湖区人民政府',
  '新建区人民政府',
  '红谷滩区人民政府',
  '南昌高新技术产业开发区管委会',
  '南昌经济技术开发区管委会',
  '南昌小蓝经济技术开发区管委会',
  '南昌临空经济区管委会',
  '湾里管理局',
];
const FIRST_DAY = '2026-11-26';

describe('dubang plan preview <real plan> --as-of 2026-11-26: the emails (letters on, the shipped policy)', () => {
  let p: PreviewOutput;
  let text: string;
  beforeAll(async () => {
    expect(loadConfig({}).policy.notifyRoles).toEqual(['LEAD', 'CO', 'IMPLICIT']);
    // one after the other: run() captures process.stdout
    const json = await run(['plan', 'preview', REAL_PLAN, '--as-of', FIRST_DAY, '--no-db', '--json']);
    const human = await run(['plan', 'preview', REAL_PLAN, '--as-of', FIRST_DAY, '--no-db']);
    expect(json.err).toBe('');
    p = JSON.parse(json.out) as PreviewOutput;
    text = human.out;
  }, 60_000);

  it('keeps the notice calendar and adds letters, the email count and the letter settings', () => {
    expect(p.notices.length).toBeGreaterThan(1000);
    expect(p.letterSettings).toEqual({ enabled: true, debounceMs: 60_000, central: true });
    expect(p.letters.length).toBeGreaterThan(0);
    for (const l of p.letters) {
      expect(Object.keys(l)).toEqual(['at', 'kind', 'unit', 'to', 'central', 'items']);
      expect(l.kind).toBe('unit_letter');
      expect(l.central ? ['office', 'leadership'] : ['liaison', 'leader']).toContain(l.to);
      expect(l.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
      for (const i of l.items) expect(Object.keys(i)).toEqual(['task', 'kind', 'what', 'dueAt', 'slip']);
    }
    // every email is a letter or a notice that goes alone; the days add up to the whole
    expect(p.emailsByDay.reduce((s, d) => s + d.emails, 0)).toBe(p.emails);
    expect(p.emailsByDay.reduce((s, d) => s + d.letters, 0)).toBe(p.letters.length);
  });

  it('sends no unit contact more than one letter at any moment', () => {
    const seen = new Map<string, number>();
    for (const l of p.letters) {
      const k = `${l.unit}|${l.to}|${l.at}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('never gives a unit contact two emails at one moment: the 督办 that also goes to the Office and leadership is in the leader’s letter and in their summary letters', () => {
    expect(p.crowded).toEqual([]);
    expect(text).not.toContain('单位联系人同一时刻收到不止一封邮件');
    // the monthly 督办 after the leadership step (from 22 Dec): the leader has it in the letter
    const leader = p.letters.filter(
      (l) => l.to === 'leader' && l.at >= '2026-12-22' && l.items.some((i) => i.kind === 'supervision'),
    );
    expect(leader.length).toBeGreaterThan(0);
    const mixed = p.notices.filter(
      (x) => x.kind === 'supervision' && x.to.includes('office') && x.to.includes('leader'),
    );
    expect(mixed.length).toBeGreaterThan(0);
    // nothing goes alone but the Office's own catch-up summary
    expect(p.emailsByDay.reduce((s, d) => s + d.alone, 0)).toBe(1);
  });

  it('gives the Office one summary letter per moment instead of one email per 催办 or 督办 copy', () => {
    const central = p.letters.filter((l) => l.central);
    const moments = new Map<string, number>();
    for (const l of central) moments.set(`${l.to}|${l.at}`, (moments.get(`${l.to}|${l.at}`) ?? 0) + 1);
    expect([...moments.values()].every((n) => n === 1)).toBe(true);
    const on = (day: string, to: string) => central.filter((l) => l.to === to && l.at.startsWith(day));
    // 17 Dec 2026: the 催办 copies of 2026Q4 (541 notices), one letter to the Office
    expect(on('2026-12-17', 'office').map((l) => [l.unit, l.items.length])).toEqual([['办公室', 541]]);
    expect(p.emailsByDay.find((d) => d.date === '2026-12-17')).toEqual({
      date: '2026-12-17',
      emails: 1,
      letters: 1,
      alone: 0,
    });
    // 22 Dec 2026: the monthly 督办 after the leadership step (705), one letter each to the Office and the leadership
    expect(on('2026-12-22', 'office').map((l) => l.items.length)).toEqual([705]);
    expect(on('2026-12-22', 'leadership').map((l) => [l.unit, l.items.length])).toEqual([['领导小组', 705]]);
    expect(text).toMatch(
      /\n督办汇总 \(抄送办公室、报领导小组的通知，同一时刻合为一封\): 办公室 \d+ 封 \(事项 \d+\)；领导小组 \d+ 封/,
    );
  });

  it('gives each of the 14 rule-bound units one 交办 letter per contact on the first day listing all its tasks', () => {
    const first = p.letters.filter((l) => l.at.startsWith(FIRST_DAY));
    for (const unit of RULE_BOUND) {
      const mine = first.filter((l) => l.unit === unit);
      expect(mine.map((l) => l.to).sort()).toEqual(['leader', 'liaison']);
      for (const l of mine) {
        expect(l.at).toBe('2026-11-26T09:01:00.000+08:00');
        const tasks = new Set(l.items.map((i) => i.task));
        expect(tasks.size).toBeGreaterThanOrEqual(77);
        expect(tasks.size).toBeLessThanOrEqual(80);
        // the tasks not yet overdue are given (交办); the 45 past their deadline are listed as overdue (逾期督办, red slip)
        expect(l.items.filter((i) => i.what === '任务交办')).toHaveLength(35);
        const overdue = l.items.filter((i) => i.kind === 'catchup_unit');
        expect(overdue).toHaveLength(45);
        expect(overdue.every((i) => /^逾期督办（已逾期\d+天）$/.test(i.what) && i.slip === 'RED')).toBe(true);
      }
    }
    // the human table: 36 letters in the year (12 moments × 2 contacts, and the leader's 12 monthly
    // 督办 letters), 2 190 items, none alone
    for (const unit of RULE_BOUND) expect(text).toMatch(new RegExp(`\\n  ${unit} +36 +2190 +0\\n`));
  });

  it('sends on the first day one email per unit contact, and the Office its one summary', () => {
    const day = p.emailsByDay.find((d) => d.date === FIRST_DAY)!;
    const first = p.letters.filter((l) => l.at.startsWith(FIRST_DAY));
    const units = new Set(first.map((l) => l.unit));
    const contacts = new Set(first.map((l) => `${l.unit}|${l.to}`));
    // the Office's own: the catch-up summary, the one notice of the day that goes alone
    const officeOwn = p.notices.filter((n) => n.at.startsWith(FIRST_DAY) && n.unit === null && n.to.includes('office'));
    expect(officeOwn.map((n) => n.kind)).toEqual(['catchup_summary']);
    expect(day).toEqual({ date: FIRST_DAY, emails: 85, letters: 84, alone: 1 });
    // one letter per unit contact: 42 units, each to its liaison and its leader (two addresses)
    expect(units.size).toBe(42);
    expect(contacts.size).toBe(first.length);
    expect(day.emails).toBeLessThanOrEqual(contacts.size + officeOwn.length);
    expect(day.emails).toBe(2 * units.size + officeOwn.length);
    // without letters the same day would be 579 emails
    expect(p.notices.filter((n) => n.at.startsWith(FIRST_DAY))).toHaveLength(579);
    expect(text).toContain('\n  2026-11-26 周四    85 封 (督办函 84，单独 1)\n');
  });

  it('prints the emails per unit and per day before the calendar', () => {
    expect(text).toMatch(
      /\n邮件: 共 \d+ 封；单位督办函 \d+ 封 \(同一单位的同一收件人同一时刻的通知合为一封\)，督办汇总 \d+ 封 \(办公室、领导小组同一时刻的抄送合为一封\)，单独发送 1 封 \(不入督办函的通知\)/,
    );
    expect(text).toContain('\n各单位的邮件 (42 个单位；');
    expect(text).toMatch(/\n {2}单位 +督办函 +事项 +单独\n/);
    expect(text).toContain('\n前 10 个有邮件的日子:\n');
    expect(text.indexOf('前 10 个有邮件的日子')).toBeLessThan(text.indexOf('\n2026-11-26 周四  (579 条)'));
  });
});

describe('MAIL_LETTERS=off: every notice is its own email', () => {
  const saved = process.env.MAIL_LETTERS;
  afterAll(() => {
    if (saved === undefined) delete process.env.MAIL_LETTERS;
    else process.env.MAIL_LETTERS = saved;
  });

  it('lists no letters, counts one email per notice and says so', async () => {
    process.env.MAIL_LETTERS = 'off';
    const args = ['plan', 'preview', REAL_PLAN, '--as-of', FIRST_DAY, '--no-db', '--horizon-days', '7'];
    const json = JSON.parse((await run([...args, '--json'])).out) as PreviewOutput;
    expect(json.letterSettings.enabled).toBe(false);
    expect(json.letters).toEqual([]);
    expect(json.emails).toBe(json.notices.length);
    expect(json.emailsByDay[0]).toEqual({ date: FIRST_DAY, emails: 579, letters: 0, alone: 579 });
    const text = (await run(args)).out;
    expect(text).toContain(
      `\n邮件: 共 ${json.notices.length} 封，每条通知单独发送 (MAIL_LETTERS=off，不合并为单位督办函)\n`,
    );
    expect(text).not.toContain('督办函 ');
  });
});

describe('plannedEmails (the pure rule)', () => {
  const n = (kind: PlannedNotice['kind'], at: string, unit: string | null, to: PlannedNotice['to'], task = 1) =>
    ({ kind, at, nominalAt: at, task, unit, to, slip: null }) as PlannedNotice;
  const on = { enabled: true, debounceMs: 60_000, central: true };

  it('puts a unit contact’s notices of one moment in one letter per contact, later ones in the next, the Office’s share in its summary letter', () => {
    const at = '2026-11-26T09:00:00.000+08:00';
    const later = '2026-12-01T09:00:00.000+08:00';
    const e = plannedEmails(
      [
        n('assignment', at, 'A', ['liaison', 'leader'], 1),
        n('assignment', at, 'A', ['liaison', 'leader'], 2),
        n('catchup_unit', at, 'A', ['liaison', 'leader'], 0),
        n('ack_reminder', later, 'A', ['liaison'], 1),
        n('supervision', later, 'A', ['office', 'leader'], 3),
        n('catchup_summary', at, null, ['office'], 0),
        n('completion_review', later, 'A', ['office'], 4),
      ],
      'p',
      on,
    );
    expect(e.letters.map((l) => [l.at.toISOString(), l.unit, l.email, l.items.map((i) => i.task)])).toEqual([
      ['2026-11-26T01:01:00.000Z', 'A', 'leader', [1, 2, 0]],
      ['2026-11-26T01:01:00.000Z', 'A', 'liaison', [1, 2, 0]],
      ['2026-12-01T01:01:00.000Z', '办公室', 'office', [3]],
      ['2026-12-01T01:01:00.000Z', 'A', 'leader', [3]],
      ['2026-12-01T01:01:00.000Z', 'A', 'liaison', [1]],
    ]);
    expect(e.letters.map((l) => l.central)).toEqual([false, false, true, false, false]);
    // kinds not in letters go alone (the catch-up summary, a review reminder)
    expect(e.alone.map((x) => [x.kind, x.to])).toEqual([
      ['catchup_summary', ['office']],
      ['completion_review', ['office']],
    ]);
    // MAIL_OFFICE_LETTERS=off: the 督办's Office share goes alone, narrowed to the Office
    const apart = plannedEmails([n('supervision', later, 'A', ['office', 'leader'], 3)], 'p', {
      ...on,
      central: false,
    });
    expect(apart.letters.map((l) => [l.email, l.central])).toEqual([['leader', false]]);
    expect(apart.alone.map((x) => [x.kind, x.to])).toEqual([['supervision', ['office']]]);
    const off = plannedEmails([n('assignment', at, 'A', ['liaison'])], 'p', { ...on, enabled: false });
    expect(off).toEqual({ letters: [], alone: [n('assignment', at, 'A', ['liaison'])] });
  });
});
