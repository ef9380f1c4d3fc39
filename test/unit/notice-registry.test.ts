/**
 * The notice registry (domain/notices) is the one place that says what closing an assignment does
 * to each kind, what supersedes it and whether it may join a digest. These pin the sets the rules
 * read to what they were when each rule listed its own kinds, and the dashboard's "closed" SQL to
 * the one list of closed states, and the delivery states to the Prisma enum.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeliveryStatus as PrismaDeliveryStatus } from '../../generated/prisma/enums';
import {
  BEFORE_DUE_KINDS,
  DELIVERY_STATUSES,
  CANCELLED_ON_CLOSE,
  digestible,
  fixedRecipients,
  NEVER_CANCELLED_IMPLICITLY,
  NOTICE_KIND_LABELS,
  NOTICE_KIND_SPECS,
  NOTICE_KINDS,
  noticeIdentity,
  noticeKey,
  SENT_WHEN_CLOSED,
  supersededAtDue,
} from '../../domain/notices';
import { CLOSED_STATES, isClosed } from '../../domain/lifecycle';
import { KIND_LABELS } from '../../domain/messages';
import { closedStateSql } from '../../app/dashboard/queries';

describe('notice registry', () => {
  it('has one entry per kind, in the order of NOTICE_KINDS', () => {
    expect(Object.keys(NOTICE_KIND_SPECS)).toEqual([...NOTICE_KINDS]);
  });

  it('closing: what still goes out, what is cancelled, what a bare cancel leaves alone', () => {
    expect([...SENT_WHEN_CLOSED].sort()).toEqual([
      'catchup_summary',
      'decision',
      'delivery_failure',
      'digest',
      'im_message',
      'unit_letter',
    ]);
    expect(CANCELLED_ON_CLOSE).toEqual(NOTICE_KINDS.filter((k) => !SENT_WHEN_CLOSED.has(k)));
    expect(NEVER_CANCELLED_IMPLICITLY).toEqual(['unit_letter', 'delivery_failure', 'im_message']);
  });

  it('supersession: reminders of a moment ahead, and the blue slip, once the moment passed', () => {
    expect([...BEFORE_DUE_KINDS].sort()).toEqual(['deadline_reminder', 'report_reminder']);
    expect(supersededAtDue({ kind: 'supervision', slip: 'BLUE' })).toBe(true);
    expect(supersededAtDue({ kind: 'supervision', slip: 'ORANGE' })).toBe(false);
    expect(supersededAtDue({ kind: 'report_chase', slip: null })).toBe(false);
    expect(supersededAtDue({ kind: 'report_reminder', slip: null })).toBe(true);
  });

  it('digests: alerts and digests always go alone', () => {
    expect(NOTICE_KINDS.filter((k) => !digestible(k))).toEqual([
      'digest',
      'unit_letter',
      'delivery_failure',
      'im_message',
    ]);
    expect(digestible('some_future_kind')).toBe(true);
  });

  it('labels and fixed recipients come from the registry', () => {
    expect(KIND_LABELS).toBe(NOTICE_KIND_LABELS);
    expect(NOTICE_KIND_LABELS.catchup_unit).toBe('逾期事项汇总通知');
    expect(fixedRecipients('delivery_failure')).toEqual(['office']);
    expect(fixedRecipients('report_chase')).toBeNull();
  });

  it('identity and key', () => {
    expect(noticeKey('a1', 'supervision', 5)).toBe('notice-a1-supervision-5');
    expect(noticeIdentity({ kind: 'supervision', unit: '市场监管局', nominalAt: '2026-01-01T09:00:00+08:00' })).toBe(
      'supervision|市场监管局|2026-01-01T09:00:00+08:00',
    );
  });
});

describe('closed', () => {
  it('is decided by CLOSED_STATES, and the dashboard SQL is generated from it', () => {
    expect(CLOSED_STATES).toEqual(['COMPLETED', 'CANCELLED']);
    expect(['ASSIGNED', 'COMPLETED', 'CANCELLED', 'ONGOING'].filter(isClosed)).toEqual(['COMPLETED', 'CANCELLED']);
    expect(closedStateSql().sql).toBe(`a.state IN (${CLOSED_STATES.map((s) => `'${s}'`).join(', ')})`);
    expect(closedStateSql().sql).toBe("a.state IN ('COMPLETED', 'CANCELLED')");
  });
});

describe('delivery states', () => {
  it('the TypeScript list is the Prisma enum, in order', () => {
    expect([...DELIVERY_STATUSES]).toEqual(Object.values(PrismaDeliveryStatus));
  });

  it('the schema text lists the same states', () => {
    const schema = fs.readFileSync(path.resolve(__dirname, '..', '..', 'prisma', 'schema.prisma'), 'utf8');
    const body = /enum DeliveryStatus \{([^}]*)\}/.exec(schema)?.[1] ?? '';
    const names = body
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, '').trim())
      .filter(Boolean);
    expect(names).toEqual([...DELIVERY_STATUSES]);
  });
});
