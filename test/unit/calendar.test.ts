import { DateTime } from 'luxon';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readHolidayOverride } from '../../config/policy-schema';
import { createCalendar, CalendarError, toMs, type CalendarSpec } from '../../domain/calendar';

const ZONE = 'Asia/Shanghai';
const spec: CalendarSpec = { zone: ZONE, officeHours: { start: '09:00', end: '17:30' }, workdaysOnly: true };
const cal = createCalendar(spec);
/** local wall-clock time in Shanghai → epoch ms */
const sh = (local: string) => Date.parse(`${local}+08:00`);
const iso = (ms: number) => cal.toIso(ms);

describe('workdays from the State Council schedule (chinese-days)', () => {
  // [date, workday, reason]: every Spring Festival and National Day week of 2024–2026 with the
  // make-up Saturdays/Sundays around them, plus the other holidays and ordinary days.
  it.each([
    // 2024
    ['2024-01-01', false, 'holiday'],
    ['2024-02-04', true, 'makeup'], // Sunday worked before Spring Festival
    ['2024-02-09', true, 'weekday'], // 除夕 was not an official day off in 2024
    ['2024-02-10', false, 'holiday'],
    ['2024-02-12', false, 'holiday'], // Monday inside Spring Festival
    ['2024-02-17', false, 'holiday'],
    ['2024-02-18', true, 'makeup'], // Sunday worked after Spring Festival
    ['2024-02-19', true, 'weekday'],
    ['2024-04-04', false, 'holiday'],
    ['2024-04-07', true, 'makeup'],
    ['2024-04-28', true, 'makeup'],
    ['2024-05-01', false, 'holiday'],
    ['2024-05-11', true, 'makeup'], // Saturday
    ['2024-06-10', false, 'holiday'],
    ['2024-09-14', true, 'makeup'],
    ['2024-09-16', false, 'holiday'],
    ['2024-09-29', true, 'makeup'],
    ['2024-10-01', false, 'holiday'],
    ['2024-10-07', false, 'holiday'],
    ['2024-10-08', true, 'weekday'],
    ['2024-10-12', true, 'makeup'], // Saturday after National Day
    ['2024-10-13', false, 'weekend'],
    ['2024-12-31', true, 'weekday'],
    // 2025
    ['2025-01-01', false, 'holiday'],
    ['2025-01-26', true, 'makeup'], // Sunday before Spring Festival
    ['2025-01-27', true, 'weekday'],
    ['2025-01-28', false, 'holiday'],
    ['2025-02-03', false, 'holiday'],
    ['2025-02-04', false, 'holiday'],
    ['2025-02-05', true, 'weekday'],
    ['2025-02-08', true, 'makeup'], // Saturday after Spring Festival
    ['2025-04-27', true, 'makeup'],
    ['2025-05-05', false, 'holiday'],
    ['2025-06-02', false, 'holiday'],
    ['2025-09-28', true, 'makeup'], // Sunday before National Day
    ['2025-10-01', false, 'holiday'],
    ['2025-10-06', false, 'holiday'], // Mid-Autumn inside the National Day week
    ['2025-10-08', false, 'holiday'],
    ['2025-10-09', true, 'weekday'],
    ['2025-10-11', true, 'makeup'], // Saturday after National Day
    ['2025-10-12', false, 'weekend'],
    // 2026
    ['2026-01-02', false, 'holiday'],
    ['2026-01-04', true, 'makeup'], // Sunday after New Year
    ['2026-02-14', true, 'makeup'], // Saturday before Spring Festival
    ['2026-02-15', false, 'holiday'],
    ['2026-02-20', false, 'holiday'],
    ['2026-02-23', false, 'holiday'],
    ['2026-02-24', true, 'weekday'],
    ['2026-02-28', true, 'makeup'], // Saturday after Spring Festival
    ['2026-05-09', true, 'makeup'],
    ['2026-06-19', false, 'holiday'],
    ['2026-09-20', true, 'makeup'], // Sunday before National Day
    ['2026-09-25', false, 'holiday'],
    ['2026-10-01', false, 'holiday'],
    ['2026-10-07', false, 'holiday'],
    ['2026-10-08', true, 'weekday'],
    ['2026-10-10', true, 'makeup'], // Saturday after National Day
    ['2026-11-26', true, 'weekday'],
    ['2026-11-28', false, 'weekend'],
  ] as const)('%s workday=%s (%s)', (date, workday, reason) => {
    expect(cal.isWorkday(date)).toBe(workday);
    expect(cal.dayInfo(date)).toMatchObject({ workday, reason, coverage: 'package' });
  });

  it('names the holiday in Chinese', () => {
    expect(cal.dayInfo('2026-02-17').name).toBe('春节');
    expect(cal.dayInfo('2026-10-10').name).toBe('国庆节');
  });
});

describe('office hours 09:00–17:30 Asia/Shanghai', () => {
  it.each([
    ['2026-11-26T08:59:59.999', false],
    ['2026-11-26T09:00:00', true],
    ['2026-11-26T17:29:59.999', true],
    ['2026-11-26T17:30:00', false],
    ['2026-11-28T10:00:00', false], // Saturday
    ['2026-02-14T10:00:00', true], // make-up Saturday
    ['2026-10-05T10:00:00', false], // National Day
  ])('%s open=%s', (local, open) => {
    expect(cal.isOpen(sh(local))).toBe(open);
  });

  it.each([
    ['workday 08:59 → 09:00 the same day', '2026-11-26T08:59', '2026-11-26T09:00:00.000+08:00'],
    ['09:00 is itself an opening', '2026-11-26T09:00', '2026-11-26T09:00:00.000+08:00'],
    ['17:29 is still open', '2026-11-26T17:29', '2026-11-26T17:29:00.000+08:00'],
    ['17:30 waits for the next morning', '2026-11-26T17:30', '2026-11-27T09:00:00.000+08:00'],
    ['Friday evening → Monday', '2026-11-27T18:00', '2026-11-30T09:00:00.000+08:00'],
    ['eve of National Day 2026 → 8 Oct', '2026-09-30T17:30', '2026-10-08T09:00:00.000+08:00'],
    ['inside the National Day week 2025 → 9 Oct', '2025-10-03T11:00', '2025-10-09T09:00:00.000+08:00'],
    ['Friday before Spring Festival 2026 → make-up Saturday', '2026-02-13T18:00', '2026-02-14T09:00:00.000+08:00'],
    ['make-up Saturday evening → after the whole Spring Festival', '2026-02-14T17:45', '2026-02-24T09:00:00.000+08:00'],
    ['deadline 31 Dec 2024 → 2 Jan 2025', '2024-12-31T23:59:59.999', '2025-01-02T09:00:00.000+08:00'],
    ['deadline 31 Dec 2025 → make-up Sunday 4 Jan 2026', '2025-12-31T23:59:59.999', '2026-01-04T09:00:00.000+08:00'],
    [
      'Spring Festival 2025 → make-up Saturday 8 Feb is not skipped',
      '2025-02-04T12:00',
      '2025-02-05T09:00:00.000+08:00',
    ],
  ])('%s', (_name, local, expected) => {
    expect(iso(cal.nextOpening(sh(local)))).toBe(expected);
  });

  it('reads an instant in any offset and answers in the calendar zone', () => {
    // 20:00 UTC on 7 Oct is 04:00 on 8 Oct in Shanghai: the server's own zone never leaks in.
    expect(iso(cal.nextOpening('2026-10-07T20:00:00Z'))).toBe('2026-10-08T09:00:00.000+08:00');
    expect(cal.localDate('2026-10-07T20:00:00Z')).toBe('2026-10-08');
  });
});

describe('N workdays after / before', () => {
  it.each([
    ['3 workdays over National Day 2026', '2026-09-29T10:00', 3, '2026-10-09T10:00:00.000+08:00'],
    [
      '1 workday from the eve of Spring Festival 2026 is the make-up Saturday',
      '2026-02-13T10:00',
      1,
      '2026-02-14T10:00:00.000+08:00',
    ],
    ['2 workdays from the eve of Spring Festival 2026', '2026-02-13T10:00', 2, '2026-02-24T10:00:00.000+08:00'],
    ['1 workday after 31 Dec 2025 is make-up Sunday 4 Jan', '2025-12-31T09:00', 1, '2026-01-04T09:00:00.000+08:00'],
    ['from a holiday, the holiday itself does not count', '2025-10-03T11:00', 1, '2025-10-09T11:00:00.000+08:00'],
    ['15 workdays after 31 Dec 2024 (1 Jan off)', '2024-12-31T09:00', 15, '2025-01-22T09:00:00.000+08:00'],
    ['1 workday before 8 Oct 2026 is 30 Sep', '2026-10-08T09:00', -1, '2026-09-30T09:00:00.000+08:00'],
    [
      '1 workday before 24 Feb 2026 is the make-up Saturday 14 Feb',
      '2026-02-24T09:00',
      -1,
      '2026-02-14T09:00:00.000+08:00',
    ],
    [
      '5 workdays before 10 Oct 2025 cross National Day and its make-up Sunday',
      '2025-10-10T09:00',
      -5,
      '2025-09-26T09:00:00.000+08:00',
    ],
    [
      '4 workdays before 10 Oct 2025 land on the make-up Sunday 28 Sep',
      '2025-10-10T09:00',
      -4,
      '2025-09-28T09:00:00.000+08:00',
    ],
    ['0 workdays is the instant itself', '2026-11-28T03:00', 0, '2026-11-28T03:00:00.000+08:00'],
  ])('%s', (_name, local, n, expected) => {
    expect(iso(cal.addWorkdays(sh(local), n))).toBe(expected);
  });

  it('adds spans of workdays, days, months and seconds', () => {
    const t = sh('2026-01-31T09:00');
    expect(iso(cal.addSpan(t, { workdays: 1 }))).toBe('2026-02-02T09:00:00.000+08:00');
    expect(iso(cal.addSpan(t, { days: 30 }, -1))).toBe('2026-01-01T09:00:00.000+08:00');
    expect(iso(cal.addSpan(t, { months: 1 }))).toBe('2026-02-28T09:00:00.000+08:00');
    expect(cal.addSpan(t, { seconds: 5 }) - t).toBe(5000);
    expect(() => cal.addSpan(t, { days: -1 })).toThrow(/non-negative/);
    expect(() => cal.addSpan(t, {} as never)).toThrow(/exactly one of/);
  });
});

describe('years without a published schedule', () => {
  it('falls back to weekends and warns once per missing year', () => {
    expect(cal.coverage(2026)).toBe('package');
    expect(cal.coverage(2027)).toBe('fallback');
    // 1 Jan 2027 is a Friday: without data it counts as a workday, which is why the caller must warn.
    expect(cal.dayInfo('2027-01-01')).toMatchObject({ workday: true, reason: 'weekday', coverage: 'fallback' });
    expect(cal.isWorkday('2027-01-02')).toBe(false);
    const w = cal.warnings(sh('2026-11-26T09:00'), sh('2028-03-01T09:00'));
    expect(w.map((x) => x.year)).toEqual([2027, 2028]);
    expect(w[0]).toMatchObject({ code: 'HOLIDAYS_MISSING' });
    expect(w[0]!.message).toContain('config/holidays-override.json');
    expect(cal.warnings(sh('2024-01-01T09:00'), sh('2026-12-31T09:00'))).toEqual([]);
  });

  it('uses the override file for a missing year, and lets it correct a packaged year', () => {
    const c = createCalendar({
      ...spec,
      override: {
        years: {
          '2027': { source: 'test', holidays: { '2027-01-01': '元旦' }, workdays: { '2027-01-02': '调休' } },
          '2026': { holidays: { '2026-11-26': '测试' }, workdays: {} },
        },
      },
    });
    expect(c.coverage(2027)).toBe('override');
    expect(c.warnings(sh('2027-01-01T00:00'), sh('2027-12-31T00:00'))).toEqual([]);
    expect(c.dayInfo('2027-01-01')).toMatchObject({
      workday: false,
      reason: 'holiday',
      name: '元旦',
      coverage: 'override',
    });
    expect(c.isWorkday('2027-01-02')).toBe(true);
    expect(iso(c.nextOpening(sh('2026-12-31T18:00')))).toBe('2027-01-02T09:00:00.000+08:00');
    // a year in the override replaces the package's data for that year entirely
    expect(c.isWorkday('2026-11-26')).toBe(false);
    expect(c.isWorkday('2026-10-01')).toBe(true);
  });

  it.each([
    [
      { years: { '2027': { holidays: { '2028-01-01': '元旦' }, workdays: {} } } },
      /years\.2027\.holidays: 2028-01-01 is not a date .* in 2027/,
    ],
    [{ years: { '2027': { holidays: {}, workdays: { '2027-02-30': 'x' } } } }, /years\.2027\.workdays: 2027-02-30/],
    [{ years: { next: { holidays: {}, workdays: {} } } }, /years\.next: the key must be a year/],
  ])('rejects a bad override naming the field (%#)', (override, msg) => {
    expect(() => createCalendar({ ...spec, override })).toThrow(msg);
  });
});

describe('spec errors', () => {
  it.each([
    [{ ...spec, zone: 'Mars/Olympus' }, /zone: Mars\/Olympus is not an IANA time zone/],
    [{ ...spec, officeHours: { start: '9:00', end: '17:30' } }, /officeHours.start: expected HH:mm/],
    [{ ...spec, officeHours: { start: '17:30', end: '09:00' } }, /officeHours: end 09:00 must be after start 17:30/],
  ])('%#', (s, msg) => {
    expect(() => createCalendar(s)).toThrow(msg);
    try {
      createCalendar(s);
    } catch (e) {
      expect((e as Error).name).toBe(CalendarError.name);
    }
  });
});

describe('a real-time test calendar (no office hours, every day a workday)', () => {
  const rt = createCalendar({ zone: ZONE, officeHours: null, workdaysOnly: false });
  it('is always open and counts calendar days', () => {
    const sunday3am = sh('2026-10-04T03:00:07.5');
    expect(rt.isOpen(sunday3am)).toBe(true);
    expect(rt.nextOpening(sunday3am)).toBe(sunday3am);
    expect(rt.toIso(rt.addWorkdays(sunday3am, 2))).toBe('2026-10-06T03:00:07.500+08:00');
    expect(rt.warnings(sh('2030-01-01T00:00'), sh('2031-01-01T00:00'))).toEqual([]);
  });
});

describe('zones other than Shanghai (the code must not assume a fixed offset)', () => {
  it.each(['Europe/Berlin', 'America/St_Johns', 'America/New_York', 'UTC'])(
    '%s: local times and offsets agree with luxon across DST changes',
    (zone) => {
      const c = createCalendar({ zone, officeHours: { start: '09:00', end: '17:30' }, workdaysOnly: false });
      for (
        let ms = Date.parse('2026-03-01T00:00:00Z');
        ms < Date.parse('2026-11-15T00:00:00Z');
        ms += 7 * 3_600_000 + 7 * 60_000
      ) {
        const ref = DateTime.fromMillis(ms, { zone });
        expect(c.toIso(ms)).toBe(ref.toISO({ includeOffset: true })!.replace(/Z$/, '+00:00'));
        expect(c.localDate(ms)).toBe(ref.toISODate());
      }
      // the opening on the day clocks go forward/back is 09:00 local wall-clock time
      const day = zone === 'Europe/Berlin' ? '2026-03-29' : '2026-11-01';
      expect(DateTime.fromMillis(c.openingOn(day), { zone }).toFormat('yyyy-MM-dd HH:mm')).toBe(`${day} 09:00`);
      expect(DateTime.fromMillis(c.endOfDay(day), { zone }).toFormat('yyyy-MM-dd HH:mm:ss.SSS')).toBe(
        `${day} 23:59:59.999`,
      );
    },
  );

  it('refuses an instant without an offset instead of reading it in the server zone', () => {
    expect(() => toMs('2026-11-26T09:00:00')).toThrow(/with an offset/);
    expect(toMs('2026-11-26T09:00:00+08:00')).toBe(Date.parse('2026-11-26T01:00:00Z'));
  });
});

describe('config/holidays-override.json', () => {
  it('ships empty and loads; a malformed file is refused naming the field', () => {
    const shipped = readHolidayOverride(path.join(__dirname, '..', '..', 'config', 'holidays-override.json'));
    expect(shipped).toEqual({ years: {} });
    expect(() => createCalendar({ ...spec, override: shipped })).not.toThrow();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-hol-'));
    try {
      const f = path.join(dir, 'o.json');
      fs.writeFileSync(f, JSON.stringify({ years: { '2027': { holidays: { '2027/01/01': '元旦' }, workdays: {} } } }));
      expect(() => readHolidayOverride(f)).toThrow(
        /holiday override .*years\.2027\.holidays: 2027\/01\/01 is not a date \(YYYY-MM-DD\) in 2027/,
      );
      fs.writeFileSync(f, '{"years": ');
      expect(() => readHolidayOverride(f)).toThrow(/holiday override/);
      expect(readHolidayOverride(path.join(dir, 'missing.json'))).toEqual({ years: {} });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
