/**
 * Business time of one lifecycle run. In production it is workflow time. Tests and simulations
 * start runs whose input carries a simulated clock (contracts/testing.ts, a test-only extension of
 * the input): business time then starts at `clock.startAtMs` and runs `clock.speed` times faster
 * than workflow time. The production input type does not declare that field; it is read here only,
 * because workflows started with it, and the histories saved from them (test/fixtures/histories),
 * must replay to the same business time. Derived only from workflow time, so replay-safe.
 */
import type { BusinessClock, SimulatedLifecycleInput } from '../contracts/testing';
import type { TaskLifecycleInput } from '../contracts/workflows';

export interface BusinessTime {
  /** business time now, epoch ms */
  now(): number;
  /** the workflow-time delay (ms) in which business time advances by `bizMs` */
  realDelay(bizMs: number): number;
  /**
   * How long after its moment (business ms) a notice counts as missed: `defaultMs` of workflow time,
   * or the simulated clock's own `missedAfterMs`.
   */
  missedAfterMs(defaultMs: number): number;
  /** the input fields that carry this business time into the next run (Continue-As-New); none in production */
  carried(): { clock?: BusinessClock };
}

/** The business time of the run started with `input`; call once, at the start of the run. */
export function businessTime(input: TaskLifecycleInput): BusinessTime {
  const given = (input as SimulatedLifecycleInput).clock;
  // the first run fixes the origin; Continue-As-New carries it, so business time runs on unbroken
  const clock = given ? { ...given, realOriginMs: given.realOriginMs ?? Date.now() } : null;
  return {
    now: () => (clock ? clock.startAtMs + (Date.now() - clock.realOriginMs) * clock.speed : Date.now()),
    realDelay: (bizMs) => (clock ? bizMs / clock.speed : bizMs),
    missedAfterMs: (defaultMs) => (clock?.missedAfterMs ?? defaultMs) * (clock?.speed ?? 1),
    carried: () => (clock ? { clock } : {}),
  };
}
