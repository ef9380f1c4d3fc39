/**
 * Cached read models for the dashboard. The aggregates (lights over every assignment, per-unit and
 * per-task counts) cost a scan of all assignments — about 80 ms at 100k on two cores — too slow to
 * run per page view. Results are kept per (model, arguments):
 *
 * - after a change made through this server (an action, a report, a contacts edit) `invalidate()`
 *   bumps a version and the next read recomputes, so the person who acted sees it at once;
 * - otherwise an entry is served for up to `ttlMs`; once older, it is still served while one
 *   refresh runs in the background (stale-while-revalidate), so changes made elsewhere (workflow
 *   timers, the mail worker) appear within about `ttlMs` plus one computation.
 *
 * Per process: several server processes each keep their own.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { lightParams, type LightParams, type LightPolicy } from './lights';
import * as q from './queries';

interface Entry {
  value: unknown;
  at: number;
  version: number;
  refreshing: Promise<unknown> | null;
}

export interface ReadModelOptions {
  db: PrismaClient;
  /** the configured reporting policy and its business calendar (lights.ts lightPolicy) */
  lights: LightPolicy;
  clock?: () => number;
  /** how long an entry is fresh (default 15 s) */
  ttlMs?: number;
  /** entries kept at most (default 1000; the cache empties when full) */
  maxEntries?: number;
}

export function createReadModels(o: ReadModelOptions) {
  const clock = o.clock ?? Date.now;
  const ttl = o.ttlMs ?? 15_000;
  const max = o.maxEntries ?? 1000;
  const entries = new Map<string, Entry>();
  let version = 0;
  const lp = (): LightParams => lightParams(clock(), o.lights);

  function cached<T>(name: string, args: unknown[], compute: () => Promise<T>): Promise<T> {
    const key = `${name}|${JSON.stringify(args)}`;
    const e = entries.get(key);
    const now = clock();
    if (e && e.version === version) {
      if (now - e.at > ttl && !e.refreshing) {
        e.refreshing = compute()
          .then((value) => entries.set(key, { value, at: clock(), version: e.version, refreshing: null }))
          .catch(() => {
            e.refreshing = null;
          });
      }
      return Promise.resolve(e.value as T);
    }
    const v = version;
    return compute().then((value) => {
      if (entries.size >= max) entries.clear();
      entries.set(key, { value, at: now, version: v, refreshing: null });
      return value;
    });
  }

  return {
    /** the light parameters now, for the queries not cached here (an assignment's own page) */
    lightParams: lp,
    /** a change was made: the next read of every model recomputes */
    invalidate(): void {
      version++;
    },
    overview: (f: q.DashboardFilters = {}) => cached('overview', [f], () => q.overview(o.db, lp(), f)),
    taskList: (f: Parameters<typeof q.taskList>[2] = {}) => cached('taskList', [f], () => q.taskList(o.db, lp(), f)),
    assignmentList: (f: Parameters<typeof q.assignmentList>[2]) =>
      cached('assignmentList', [f], () => q.assignmentList(o.db, lp(), f)),
    unitDetail: (id: string, f: Parameters<typeof q.unitDetail>[3] = {}) =>
      cached('unitDetail', [id, f], () => q.unitDetail(o.db, lp(), id, f)),
    taskDetail: (id: string, f: Parameters<typeof q.taskDetail>[3] = {}) =>
      cached('taskDetail', [id, f], () => q.taskDetail(o.db, lp(), id, f)),
    slipList: (f: Parameters<typeof q.slipList>[1] = {}) => cached('slipList', [f], () => q.slipList(o.db, f)),
    noticeList: (f: Parameters<typeof q.noticeList>[1] = {}) => cached('noticeList', [f], () => q.noticeList(o.db, f)),
    indicatorProgress: (f: Parameters<typeof q.indicatorProgress>[1] = {}) =>
      cached('indicatorProgress', [f], () => q.indicatorProgress(o.db, f)),
    extensionList: (f: Parameters<typeof q.extensionList>[1] = {}) =>
      cached('extensionList', [f], () => q.extensionList(o.db, f)),
    reportList: (f: Parameters<typeof q.reportList>[1] = {}) => cached('reportList', [f], () => q.reportList(o.db, f)),
  };
}

export type ReadModels = ReturnType<typeof createReadModels>;
