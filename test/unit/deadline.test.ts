import { interpretDeadline, phraseKey, recurringHint } from '../../domain/deadline';
import { loadConfig } from '../../config';

const table = loadConfig({}).deadlinePhrases;

describe('deadline phrases', () => {
  it.each([
    ['2025年前', 'deadline', '2025-12-31', '2025-12-31T23:59:59.999+08:00'],
    ['2025年底前', 'deadline', '2025-12-31', '2025-12-31T23:59:59.999+08:00'],
    ['2024年前', 'deadline', '2024-12-31', '2024-12-31T23:59:59.999+08:00'],
    ['2025年6月底前', 'deadline', '2025-06-30', '2025-06-30T23:59:59.999+08:00'],
    ['长期', 'standing', null, null],
    ['持续推进', 'standing', null, null],
  ])('%s → %s %s', (phrase, kind, dueDate, dueAt) => {
    expect(interpretDeadline(phrase, table, 'Asia/Shanghai')).toEqual({ phrase, kind, dueDate, dueAt });
  });

  it('keeps the instant independent of the server zone: the same UTC instant in any process', () => {
    const d = interpretDeadline('2025年前', table, 'Asia/Shanghai')!;
    expect(new Date(d.dueAt!).toISOString()).toBe('2025-12-31T15:59:59.999Z');
  });

  it('reads full-width digits and surrounding spaces, keeping the phrase as written', () => {
    expect(phraseKey(' ２０２５年前 ')).toBe('2025年前');
    expect(interpretDeadline('２０２５年前', table, 'Asia/Shanghai')?.phrase).toBe('２０２５年前');
  });

  it('never guesses an unknown phrase', () => {
    expect(interpretDeadline('2026年三季度前', table, 'Asia/Shanghai')).toBeNull();
    expect(interpretDeadline('近期', table, 'Asia/Shanghai')).toBeNull();
  });
});

describe('the deadline grammar (phrases the table does not list)', () => {
  const z = 'Asia/Shanghai';
  it.each([
    ['2027年前', '2027-12-31'],
    ['2027年底前', '2027-12-31'],
    ['2027年底', '2027-12-31'],
    ['２０２７年底前', '2027-12-31'],
    ['2026年9月底前', '2026-09-30'],
    ['2024年2月底前', '2024-02-29'],
    ['2026年3月15日前', '2026-03-15'],
    ['2026年上半年', '2026-06-30'],
    ['2026年下半年', '2026-12-31'],
    ['2026年第三季度', '2026-09-30'],
    ['2026年第1季度', '2026-03-31'],
    ['2026年四季度末', '2026-12-31'],
  ])('%s → due %s', (phrase, due) => {
    const d = interpretDeadline(phrase, table, z)!;
    expect(d).toMatchObject({ phrase, kind: 'deadline', dueDate: due });
    expect(d.dueAt).toBe(`${due}T23:59:59.999+08:00`);
  });

  it.each(['长期', '持续推进', '常态化', '长期坚持'])('%s is standing', (phrase) => {
    expect(interpretDeadline(phrase, [], z)).toEqual({ phrase, kind: 'standing', dueDate: null, dueAt: null });
  });

  it.each([
    ['每年', 'year'],
    ['每年度', 'year'],
    ['每季度', 'quarter'],
    ['每个季度报送一次', 'quarter'],
    ['每月', 'month'],
    ['每月调度', 'month'],
  ])('%s is standing, reporting every %s', (phrase, cadence) => {
    expect(interpretDeadline(phrase, [], z)).toEqual({ phrase, kind: 'standing', cadence, dueDate: null, dueAt: null });
  });

  it.each(['每月10日前', '每季度末', '每年12月底前', '每半年'])(
    '%s names a day or another cadence: not read, and the refusal says what to write',
    (phrase) => {
      expect(interpretDeadline(phrase, [], z)).toBeNull();
      expect(recurringHint(phrase) ?? '').toContain('周期性时限只写 每年、每季度 或 每月');
    },
  );

  it.each(['2026年2月30日前', '2026年13月底前', '2026年三季度前', '适时', '2026年'])(
    '%s is not read (never guessed)',
    (phrase) => {
      expect(interpretDeadline(phrase, [], z)).toBeNull();
    },
  );

  it('the config table still overrides the grammar', () => {
    expect(
      interpretDeadline('2027年前', [{ phrase: '2027年前', kind: 'deadline', due: '2027-06-30' }], z)?.dueDate,
    ).toBe('2027-06-30');
    expect(interpretDeadline('适时', [{ phrase: '适时', kind: 'standing' }], z)?.kind).toBe('standing');
  });
});
