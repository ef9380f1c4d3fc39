/**
 * Test-only contract: simulated business time for the task lifecycle. Only test/ and bench/ start
 * workflows with it, and only workflows/ reads it (an ESLint rule forbids this file elsewhere);
 * production inputs never carry it, and the production input type (TaskLifecycleInput) does not
 * declare it.
 *
 * Why the workflow still reads it: workflows started by the tests and the bench, and the histories
 * saved from them (test/fixtures/histories), carry a `clock` in their input. Replaying them must
 * give the same business time, so workflows/business-time.ts keeps honouring the field.
 */
import type { TaskLifecycleInput } from './workflows';

/**
 * Business time for tests and simulations: business time runs `speed` times faster than workflow
 * time and starts at `startAtMs`. Production runs leave it out (business time = workflow time).
 */
export interface BusinessClock {
  startAtMs: number;
  speed: number;
  /** workflow time at which business time was `startAtMs`; set by the first run, carried across Continue-As-New */
  realOriginMs?: number;
  /**
   * How long after its moment (workflow ms) a notice counts as missed rather than just come (default
   * one minute). Real-time tests of a worker outage shorten it so the outage can be seconds.
   */
  missedAfterMs?: number;
}

/** The lifecycle input of a simulated run: the production input plus the simulated clock. */
export interface SimulatedLifecycleInput extends TaskLifecycleInput {
  clock?: BusinessClock;
}
