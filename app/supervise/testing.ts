/**
 * Test-only entry point of supervision: starts (or loads) lifecycles whose input carries a
 * simulated business clock (contracts/testing.ts). Only test/ and bench/ import this file (an ESLint
 * rule forbids it elsewhere); production starts go through startSupervision, whose options and
 * inputs have no such field.
 *
 *     await startSimulatedSupervision(deps, { planSlug, zone, policy, clock });
 *
 * Supervision counts from the clock's start (`now`, unless given).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import type { BusinessClock, SimulatedLifecycleInput } from '../../contracts/testing';
import type { TaskLifecycleInput } from '../../contracts/workflows';
import { lifecycleInputs } from './inputs';
import type { StartResult, SupervisionOptions } from './options';
import { startLifecycles, type StartDeps, type StartOptions } from './start';

const withClock =
  (clock: BusinessClock) =>
  (input: TaskLifecycleInput): SimulatedLifecycleInput => ({ ...input, clock });

/** startSupervision in simulated business time. */
export function startSimulatedSupervision(
  deps: StartDeps,
  opts: StartOptions & { clock: BusinessClock },
): Promise<StartResult> {
  const { clock, ...rest } = opts;
  return startLifecycles(deps, { ...rest, now: rest.now ?? clock.startAtMs }, withClock(clock));
}

/** lifecycleInputs in simulated business time (what a simulated start hands each lifecycle, before its schedule). */
export async function simulatedLifecycleInputs(
  db: PrismaClient,
  opts: Omit<SupervisionOptions, 'assignedAt'> & { clock: BusinessClock },
): Promise<SimulatedLifecycleInput[]> {
  const { clock, ...rest } = opts;
  return (await lifecycleInputs(db, { ...rest, now: rest.now ?? clock.startAtMs })).map(withClock(clock));
}
