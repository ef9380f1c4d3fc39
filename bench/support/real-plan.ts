/**
 * What the supervision benchmarks share: the real plan (../shared/plans), the quarter-end moment its
 * storm falls on, and a dedicated Temporal dev server (in memory, free port).
 */
import * as path from 'node:path';
import { projectRoot, type Config } from '../../config';
import { planAssignmentNotices, type Policy } from '../../domain/policy';
import type { BusinessCalendar } from '../../domain/calendar';
import { resolveTemporalCli, startTemporalDevServer } from '../../devtools/temporal';
import { stopProcess } from '../../devtools/process';
import { freePort } from '../../test/helpers/services';

export const PLAN_SLUG = 'nanchang-quality-city-2024';
export const PLAN_FILE = path.resolve(projectRoot(), '..', 'shared', 'plans', `${PLAN_SLUG}.txt`);
/** when the assignments count as made: so the 2026Q4 report is owed by every one of them */
export const ASSIGNED_AT = '2026-12-01T10:00:00+08:00';

/** The first 2026Q4 report reminder of an assignment made at ASSIGNED_AT (5 workdays before 10 Jan 2027). */
export function q4ReminderMoment(policy: Policy, calendar: BusinessCalendar): { at: string; ms: number } {
  const probe = planAssignmentNotices({
    task: { number: 1, kind: 'deadline', dueAt: '2027-12-31T23:59:59.999+08:00' },
    assignment: {
      unit: 'x',
      role: 'LEAD',
      state: 'ACKNOWLEDGED',
      assignedAt: ASSIGNED_AT,
      dueAt: '2027-12-31T23:59:59.999+08:00',
    },
    policy,
    calendar,
    now: ASSIGNED_AT,
  });
  const reminder = probe.find((n) => n.kind === 'report_reminder' && n.period === '2026Q4');
  if (!reminder) throw new Error('the policy plans no 2026Q4 report reminder');
  return { at: reminder.at, ms: Date.parse(reminder.at) };
}

/** A Temporal dev server of the benchmark's own, logging to `logFile`. */
export async function startBenchTemporal(
  cfg: Config,
  logFile: string,
): Promise<{ address: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const server = await startTemporalDevServer({
    cli: resolveTemporalCli(projectRoot(), cfg.temporal.cli),
    ip: '127.0.0.1',
    port,
    logFile,
    timeoutMs: 60_000,
  });
  return {
    address: `127.0.0.1:${port}`,
    pid: server.pid,
    stop: async () => {
      await stopProcess(server.pid, 'start-dev', 5000);
    },
  };
}
