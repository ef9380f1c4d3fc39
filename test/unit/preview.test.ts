/**
 * `dubang plan preview` of the real plan as of 26 Nov 2026 under the shipped policy (notifyRoles
 * LEAD, CO and IMPLICIT: the 14 rule-bound units are notified too): the catch-up covers exactly the
 * tasks whose deadlines are already past, no notice falls outside office hours or on a non-workday,
 * the JSON carries what scripts read (at, kind, task, unit, to, slip), and the notices become the
 * emails the mail pipeline sends: one unit letter per unit contact and moment (MAIL_LETTERS on),
 * the Office's own notices alone. Runs the command itself, on the plan file, without a database (--no-db).
 */
import { main } from '../../cli/main';
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { interpretDeadline } from '../../domain/deadline';
import { parsePlanText } from '../../domain/plan/parse';
import { policyCalendar } from '../../domain/policy';
import { parseAsOf, previewText, type PreviewOutput } from '../../cli/commands/plan-preview';
import * as fs from 'node:fs';
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

const cfg = loadConfig({});
const cal = policyCalendar(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile));

describe('dubang plan preview <file> --as-of 2026-11-26 --json', () => {
  let preview: PreviewOutput;
  beforeAll(async () => {
    const r = await run(['plan', 'preview', REAL_PLAN, '--as-of', '2026-11-26', '--no-db', '--json']);
    expect(r.err).toBe('');
    preview = JSON.parse(r.out) as PreviewOutput;
  });

  it('catches up exactly the tasks whose deadlines are past: one notice per unit, one summary', () => {
    const asOf = Date.parse('2026-11-26T00:00:00+08:00');
    const pastDue = parsePlanText(fs.readFileSync(REAL_PLAN, 'utf8'))
      .plan.tasks.map((t) => ({
        n: t.number,
        d: interpretDeadline(t.deadlinePhrase, cfg.deadlinePhrases, cfg.timezone)!,
      }))
      .filter((t) => t.d.dueAt !== null && Date.parse(t.d.dueAt) < asOf)
      .map((t) => t.n);
    expect(pastDue).toHaveLength(45);
    expect([...new Set(preview.catchUp.map((i) => i.task))].sort((a, b) => a - b)).toEqual(pastDue);
    expect(preview.catchUpTasks).toBe(45);
    // one 督办单 per overdue deadline item (one per assignment), none for a missing report; all red on 26 Nov 2026
    const deadlineItems = preview.catchUp.filter((i) => i.what === 'deadline').map((i) => `${i.task}|${i.unit}`);
    expect(preview.catchUpSlips.map((s) => `${s.task}|${s.unit}`).sort()).toEqual([...new Set(deadlineItems)].sort());
    // 37 units: the 14 rule-bound ones already lead or co-operate on some task; 705 slips: the 112 of
    // the lead and co-units' overdue assignments, and 45 for each of the 14 rule-bound units (45 × 14 = 630, 37 of them shared)
    expect(preview).toMatchObject({
      catchUpUnits: 37,
      catchUpSlipCount: 705,
      catchUpSlipColours: { RED: 705, ORANGE: 0, BLUE: 0 },
    });
    const unitNotices = preview.notices.filter((n) => n.kind === 'catchup_unit');
    expect(unitNotices.map((n) => n.unit).sort()).toEqual([...new Set(preview.catchUp.map((i) => i.unit))].sort());
    expect(preview.notices.filter((n) => n.kind === 'catchup_summary')).toHaveLength(1);
    // the catch-up goes first, at the first opening of 26 Nov (a Thursday)
    expect(preview.notices[0]).toMatchObject({ at: '2026-11-26T09:00:00.000+08:00' });
    // and replaces the historical burst: no assignment notice or 督办 for a covered assignment before its quiet time
    const covered = new Set(preview.catchUp.map((i) => `${i.task}|${i.unit}`));
    expect(preview.notices.filter((n) => n.kind === 'assignment' && covered.has(`${n.task}|${n.unit}`))).toEqual([]);
  });

  it('plans every notice inside office hours on a workday', () => {
    expect(preview.notices.length).toBeGreaterThan(1000);
    const outside = preview.notices.filter((n) => !cal.isOpen(n.at));
    expect(outside).toEqual([]);
    for (const n of preview.notices.slice(0, 50)) expect(cal.isWorkday(cal.localDate(n.at))).toBe(true);
  });

  it('gives each notice at (ISO with offset), kind, task, unit, to and slip', () => {
    for (const n of preview.notices) {
      expect(Object.keys(n)).toEqual(expect.arrayContaining(['at', 'kind', 'task', 'unit', 'to', 'slip']));
      expect(n.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
      expect(n.slip === null || ['BLUE', 'ORANGE', 'RED'].includes(n.slip)).toBe(true);
    }
    expect(preview).toMatchObject({ asOf: '2026-11-26T00:00:00.000+08:00', horizonDays: 365 });
    expect(preview.warnings.join('\n')).toMatch(/2027/);
  });

  it('prints a readable calendar grouped by date', () => {
    const text = previewText(preview);
    expect(text).toMatch(/^通知日历预览: 自 2026-11-26 00:00 起 365 天，共 \d+ 条通知/);
    // what catch-up issues, from its own list of slips: every assignment of the 45 past-due tasks (rule-bound ones included), red by now
    expect(text.split('\n')[1]).toBe(
      '补发督办：37 个单位，45 项任务，督办单 705 张（红色 705）；每个单位一份逾期事项汇总通知，办公室一份汇总，不补发历史提醒',
    );
    expect(text).toMatch(/\n2026-11-26 周四 {2}\(\d+ 条\)\n {2}09:00 {2}逾期事项汇总通知 {2}市\S+ {2}任务 \(/);
  });
});

describe('the catch-up line', () => {
  it('counts slips by colour as of 2 Feb 2026 (the 2024 deadline red, the 2025 ones orange), and says when there is nothing to catch up', async () => {
    const feb = await run(['plan', 'preview', REAL_PLAN, '--as-of', '2026-02-02', '--no-db']);
    expect(feb.out.split('\n')[1]).toBe(
      '补发督办：37 个单位，45 项任务，督办单 705 张（红色 16，橙色 689）；每个单位一份逾期事项汇总通知，办公室一份汇总，不补发历史提醒',
    );
    const early = await run(['plan', 'preview', REAL_PLAN, '--as-of', '2024-06-03', '--no-db', '--horizon-days', '1']);
    expect(early.out.split('\n')[1]).toBe('补发督办：无已逾期事项');
  }, 60_000); // two year-long previews of the real plan: seconds each, more on a loaded machine
});

describe('preview arguments', () => {
  it('reads a date as the start of that day in the plan zone, or an instant with its offset', () => {
    expect(parseAsOf('2026-11-26', 'Asia/Shanghai')).toBe(Date.parse('2026-11-26T00:00:00+08:00'));
    expect(parseAsOf('2026-11-26T10:00:00+08:00', 'Asia/Shanghai')).toBe(Date.parse('2026-11-26T02:00:00Z'));
    expect(() => parseAsOf('2026-11-26T10:00', 'Asia/Shanghai')).toThrow(/--as-of「2026-11-26T10:00」不是有效日期/);
  });

  it('refuses a bad horizon with a message naming it', async () => {
    const r = await run(['plan', 'preview', REAL_PLAN, '--as-of', '2026-11-26', '--no-db', '--horizon-days', 'x']);
    expect(r.err).toBe('错误: --horizon-days「x」应为 1 到 3660 之间的整数\n');
    expect(r.code).toBe(1);
  });
});
