import { interpretDeadline, phraseKey } from '../../domain/deadline';
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
