/**
 * Simulated business time for supervision started by tests and the bench: every lifecycle's input
 * carries `clock` (contracts/testing.ts), and supervision counts from the clock's start.
 *
 *     await startSupervision(deps, { planSlug, zone, policy, ...simulated(clock) });
 */
import type { SupervisionOptions } from '../../app/supervise';
import type { BusinessClock, SimulatedLifecycleInput } from '../../contracts/testing';

export function simulated(clock: BusinessClock): Required<Pick<SupervisionOptions, 'now' | 'extendInput'>> {
  return { now: clock.startAtMs, extendInput: (input): SimulatedLifecycleInput => ({ ...input, clock }) };
}
