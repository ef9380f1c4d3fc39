/** Shared by the traffic-light tests (test/unit/lights.test.ts, test/integration/dashboard-lights.test.ts). */
import type { Span } from '../../domain/calendar';
import type { Policy } from '../../domain/policy';

/** `policy` (config/policy.json) with both kinds' reports due `dueAfterEnd` after the quarter. */
export function withDueAfterEnd(policy: Policy, dueAfterEnd: Span): Policy {
  const p = structuredClone(policy);
  p.kinds.deadline.reports!.dueAfterEnd = dueAfterEnd;
  p.kinds.standing.reports!.dueAfterEnd = dueAfterEnd;
  return p;
}

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
