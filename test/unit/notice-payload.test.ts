/**
 * The notice payload by kind (domain/notices/schema.ts): what every writer writes parses, a payload
 * that does not fit its kind is refused with the field it gets wrong, and plannedPayload (the one
 * writer of planned payloads) writes what the lifecycle's and the catch-up's activities wrote.
 */
import { plannedPayload, type PlannedNotice } from '../../domain/notices';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';

const supervision: PlannedNotice = {
  kind: 'supervision',
  at: '2026-03-02T09:00:00.000+08:00',
  nominalAt: '2026-03-01T10:00:00.000+08:00',
  task: 7,
  unit: '市市场监管局',
  to: ['office', 'leader'],
  slip: 'ORANGE',
  level: 2,
  dueAt: '2026-02-28T23:59:59.999+08:00',
};

const catchUp: PlannedNotice = {
  kind: 'catchup_unit',
  at: '2026-03-02T09:00:00.000+08:00',
  nominalAt: '2026-03-02T08:00:00.000+08:00',
  task: 0,
  unit: '市市场监管局',
  to: ['liaison', 'leader'],
  slip: 'RED',
  items: [
    {
      task: 7,
      unit: '市市场监管局',
      what: 'deadline',
      dueAt: '2026-02-28T23:59:59.999+08:00',
      overdueDays: 2,
      slip: 'RED',
    },
  ],
};

describe('plannedPayload', () => {
  it('a notice issuing a slip carries the slip, its level, period and due instant, the plan and the moment', () => {
    expect(plannedPayload(supervision, { plan: 'p2026', slip: { number: '督〔2026〕0001号' } })).toEqual({
      to: ['office', 'leader'],
      task: 7,
      unit: '市市场监管局',
      slip: { number: '督〔2026〕0001号', colour: 'ORANGE' },
      level: 2,
      dueAt: '2026-02-28T23:59:59.999+08:00',
      nominalAt: '2026-03-01T10:00:00.000+08:00',
      plan: 'p2026',
    });
  });

  it('a catch-up letter carries its items with their numbers, the colour reached and the numbers it cites', () => {
    const items = [{ ...catchUp.items![0]!, assignmentId: 'a1', slipNumber: '督〔2026〕0002号' }];
    expect(plannedPayload({ ...catchUp, late: true }, { plan: 'p2026', items, slips: ['督〔2026〕0002号'] })).toEqual({
      to: ['liaison', 'leader'],
      task: 0,
      unit: '市市场监管局',
      slip: null,
      items,
      late: true,
      colour: 'RED',
      slips: ['督〔2026〕0002号'],
      nominalAt: '2026-03-02T08:00:00.000+08:00',
      plan: 'p2026',
    });
  });

  it('a decision notice carries what was decided and why', () => {
    const decision = { action: 'completion.rejected', subject: 'completion' as const, approved: false };
    const p = plannedPayload(
      { ...supervision, kind: 'decision', slip: null },
      { plan: 'p', decision, reason: '材料不全' },
    );
    expect(p).toMatchObject({ decision, reason: '材料不全', slip: null });
    expect(p).not.toHaveProperty('colour');
  });
});

describe('parseNoticePayload', () => {
  it('reads back what the writers write', () => {
    const planned = plannedPayload(supervision, { plan: 'p', slip: { number: 'n' } });
    expect(parseNoticePayload('supervision', JSON.parse(JSON.stringify(planned)))).toEqual(planned);
    const digest = { to: [], recipient: 'a@b.test', windowStart: 's', windowEnd: 'e' };
    expect(parseNoticePayload('digest', digest).recipient).toBe('a@b.test');
    const decision = { to: ['liaison'], decision: 'completion.approved' };
    expect(parseNoticePayload('decision', decision).decision).toBe('completion.approved');
    const failure = {
      kind: 'supervision',
      key: 'k',
      subject: null,
      recipients: ['x@y.test'],
      error: '550',
      attempts: 1,
    };
    const alert = {
      to: ['office'],
      unit: null,
      taskInfo: null,
      failure: { ...failure, status: 'FAILED' },
      reason: '550',
    };
    expect(parseNoticePayload('delivery_failure', alert).failure).toEqual(alert.failure);
    const assessment = { year: 2025, rows: [{ unit: '甲', score: 90, grade: 'A' }] };
    const files = [{ filename: 'x.csv', key: 'k', contentType: 'text/csv' }];
    const result = { to: ['office'], assessment, attachments: files };
    expect(parseNoticePayload('assessment', result)).toMatchObject({ assessment, attachments: files });
  });

  it('a kind this version does not know is read as a planned notice', () => {
    expect(parseNoticePayload('future_kind', { to: ['liaison'], level: 1 })).toEqual({ to: ['liaison'], level: 1 });
  });

  it('refuses a payload that does not fit its kind, naming the field', () => {
    expect(() => parseNoticePayload('report_chase', { to: ['nobody'] })).toThrow(NoticePayloadError);
    expect(() => parseNoticePayload('report_chase', { to: ['liaison'], level: 'two' })).toThrow(/payload\.level/);
    expect(() => parseNoticePayload('digest', { to: [], recipient: 'a@b.test' })).toThrow(/payload\.windowStart/);
    expect(() => parseNoticePayload('supervision', null)).toThrow(/payload\.to/);
  });
});
