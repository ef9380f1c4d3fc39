/** Dates as the dashboard shows them (web/format.ts). */
import { fmtDate, fmtIssued } from '../../web/format';

const ZONE = 'Asia/Shanghai';
const NOW = Date.parse('2026-11-26T11:50:00Z'); // 19:50 in Nanchang

describe('dashboard dates', () => {
  it('shows instants in the service zone', () => {
    expect(fmtDate(new Date(NOW), ZONE)).toBe('2026年11月26日 19:50');
    expect(fmtDate('2026-11-26T16:00:00Z', ZONE, false)).toBe('2026年11月27日');
    // a deadline (the end of its day) reads as its day, without 23:59
    expect(fmtDate('2025-12-31T15:59:59.999Z', ZONE)).toBe('2025年12月31日');
    expect(fmtDate(null, ZONE)).toBe('—');
  });

  it('says a slip dated after now goes out with its notice at the next opening', () => {
    // catch-up started in the evening: its slips are dated at the next office opening
    expect(fmtIssued(new Date('2026-11-27T01:00:00Z'), ZONE, NOW)).toBe('2026年11月27日 09:00（随通知发出）');
    expect(fmtIssued('2026-11-26T01:00:00Z', ZONE, NOW)).toBe('2026年11月26日 09:00');
    expect(fmtIssued(new Date(NOW), ZONE, NOW)).toBe('2026年11月26日 19:50');
  });
});
