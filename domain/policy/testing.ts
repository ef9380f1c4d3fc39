/**
 * Test-only entry point of the policy engine: a policy compressed into seconds, for the workflow
 * tests and simulations that run in real time. Only test/ and bench/ import this file (an ESLint rule
 * forbids it elsewhere); production reads its policy from config/policy.json.
 *
 * The engine itself knows nothing of this file: spans in seconds are part of the policy format
 * (config/policy-schema.ts), and workflows/planner.ts plans such a policy a shorter way ahead.
 */
import type { Policy } from './types';

/** Options of the compressed policy; every number is seconds. */
export interface SecondsPolicyOptions {
  /** acknowledgement reminder and escalation, after the assignment notice (default 4, 8) */
  ack?: [number, number];
  /** length of a reporting period (default 20) and how long after its end the report is due (default 5) */
  reportEvery?: number;
  reportDueAfter?: number;
  /** report reminder before due (default 2); 催办 levels after due (default 1, 3, 5) */
  reportReminder?: number;
  reportChase?: [number, number, number];
  /** deadline reminders before due (default 6, 3), blue slip before due (default 3) */
  deadlineReminders?: number[];
  stalled?: number | null;
  /** 督办 repeats while overdue (default 4), leadership step after due (default 10), its repeats (default 10) */
  overdueEvery?: number;
  leadershipAfter?: number;
  leadershipEvery?: number;
  /** standing-task cycle length (default 60) and the annual summary before its end (default 10) */
  cycle?: number;
  summaryBeforeEnd?: number;
  /** Office review reminders (default 5, repeat 5) */
  review?: number;
  /** quiet time after a catch-up (default 5) */
  quiet?: number;
  /**
   * Recurring tasks (kinds.standing.cadences): a 每月 task's period length and how long after its
   * end its report is due (default 2); 每年 reports the cycle summary only. Absent: no cadences, as
   * the policies frozen before them.
   */
  monthEvery?: number;
  monthDueAfter?: number;
}

/**
 * A policy whose every span is seconds, with no office hours and every day a workday: the same
 * engine, run in real time by the workflow integration tests.
 */
export function secondsPolicy(o: SecondsPolicyOptions = {}, zone = 'Asia/Shanghai'): Policy {
  const s = (seconds: number) => ({ seconds });
  const [ack1, ack2] = o.ack ?? [4, 8];
  const chase = o.reportChase ?? [1, 3, 5];
  const review = { within: s(o.review ?? 5), repeat: s(o.review ?? 5), to: ['office' as const] };
  const reports = {
    period: { every: s(o.reportEvery ?? 20) },
    dueAfterEnd: s(o.reportDueAfter ?? 5),
    reminders: [{ before: s(o.reportReminder ?? 2), to: ['liaison' as const] }],
    chase: [
      { after: s(chase[0]), to: ['liaison' as const] },
      { after: s(chase[1]), to: ['leader' as const] },
      { after: s(chase[2]), to: ['office' as const] },
    ],
  };
  const acknowledgement = {
    steps: [
      { after: s(ack1), to: ['liaison' as const] },
      { after: s(ack2), to: ['leader' as const] },
    ],
  };
  const stalled = o.stalled === undefined ? 3 : o.stalled;
  return {
    version: 1,
    calendar: { zone, officeHours: null, workdaysOnly: false },
    // Not the shipped default (config/policy.json adds IMPLICIT): the workflow tests pin that an
    // implicit unit is supervised but not emailed (test/workflows/task-lifecycle, restarts).
    notifyRoles: ['LEAD', 'CO'],
    catchUp: { unitTo: ['liaison', 'leader'], summaryTo: ['office'], quietFor: s(o.quiet ?? 5) },
    kinds: {
      deadline: {
        assignment: { to: ['liaison', 'leader'] },
        acknowledgement,
        reports,
        deadline: {
          reminders: (o.deadlineReminders ?? [6, 3]).map((b) => ({ before: s(b), to: ['liaison', 'leader'] })),
          stalled: stalled === null ? null : { before: s(stalled), to: ['liaison', 'leader'], slip: 'BLUE' },
          overdue: { to: ['office', 'leader'], slip: 'ORANGE', every: s(o.overdueEvery ?? 4) },
          leadership: {
            after: s(o.leadershipAfter ?? 10),
            to: ['office', 'leader', 'leadership'],
            slip: 'ORANGE',
            every: s(o.leadershipEvery ?? 10),
            repeatSlip: 'RED',
          },
        },
        cycle: null,
        completionReview: review,
        extensionReview: review,
      },
      standing: {
        assignment: { to: ['liaison', 'leader'] },
        acknowledgement,
        reports,
        ...(o.monthEvery
          ? {
              cadences: {
                month: { period: { every: s(o.monthEvery) }, dueAfterEnd: s(o.monthDueAfter ?? 2) },
                year: null,
              },
            }
          : {}),
        deadline: null,
        cycle: { length: s(o.cycle ?? 60), summary: { beforeEnd: s(o.summaryBeforeEnd ?? 10) } },
        completionReview: null,
        extensionReview: null,
      },
    },
  };
}
