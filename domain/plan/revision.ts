/**
 * Which stored task a revised plan's task is. Pure. A task's identity is its path (docs/plan-formats.md
 * #编号): in a plan numbered once it is the number itself, so pairing by path is pairing by number as
 * it always was; in a plan that restarts numbering per section (二.1/3) the number is only a position,
 * so a revision that adds a task to an earlier section would shift every later number. There the
 * revision follows each task by its path: a task whose path was imported keeps that task's number
 * (its 督办 number, workflow and history), a new path takes the next free number, and only a
 * genuinely ambiguous move is refused: a stored task's exact text now under another path while its
 * own path holds another text (a task inserted or moved inside a section, so the paths after it no
 * longer say which task is which).
 */
import type { SourceIssue } from '../model';
import type { ValidatedPlan } from './validate';

/** A task as stored: its number, path (null on rows made outside the importer: the number) and text. */
export interface StoredTaskRef {
  number: number;
  path: string | null;
  text: string;
  cancelled: boolean;
}

export type PathPairing =
  | { ok: true; plan: ValidatedPlan; renumbered: { path: string; from: number; to: number }[] }
  | { ok: false; issues: SourceIssue[] };

const pathOf = (t: StoredTaskRef) => t.path ?? String(t.number);

/** Whether a plan's tasks are numbered per section (some path is not the number itself). */
export function numberedPerSection(tasks: readonly { number: number; path: string }[]): boolean {
  return tasks.some((t) => t.path !== String(t.number));
}

/**
 * The revised plan `v` with each task numbered as the stored task of the same path, new paths
 * numbered after every stored number (in the file's order), or the moves that make it ambiguous.
 * A plan numbered once (now and as stored) is returned as it is: its numbers are the plan's own.
 */
export function followPaths(v: ValidatedPlan, stored: readonly StoredTaskRef[]): PathPairing {
  if (!stored.length || (!numberedPerSection(v.tasks) && !stored.some((t) => pathOf(t) !== String(t.number))))
    return { ok: true, plan: v, renumbered: [] };
  const byPath = new Map<string, StoredTaskRef>();
  // a live task wins over a cancelled one of the same path
  for (const t of stored) if (!byPath.has(pathOf(t)) || !t.cancelled) byPath.set(pathOf(t), t);
  const newByPath = new Map(v.tasks.map((t) => [t.path, t]));
  const newPathOfText = new Map<string, string>();
  for (const t of v.tasks) if (!newPathOfText.has(t.text)) newPathOfText.set(t.text, t.path);

  const issues: SourceIssue[] = [];
  for (const s of stored) {
    if (s.cancelled) continue;
    const now = newPathOfText.get(s.text);
    const there = newByPath.get(pathOf(s));
    if (now === undefined || now === pathOf(s) || (there && there.text === s.text)) continue;
    const at = newByPath.get(now)!;
    issues.push({
      line: at.line,
      field: '任务编号',
      message: `已导入的第 ${s.number} 项任务「${clip(s.text)}」原在「${pathOf(s)}」，修订后在「${now}」${there ? `，「${pathOf(s)}」现为「${clip(there.text)}」` : ''}：这份方案按分类重新编号，在分类中间插入或移动任务后无法确定哪项是哪项，不能按修订导入；请把新任务加在所在分类的最后，或以新的方案标识 (--plan) 导入`,
    });
  }
  if (issues.length) return { ok: false, issues };

  let next = Math.max(0, ...stored.map((t) => t.number));
  const numberOf = new Map<number, number>();
  for (const t of v.tasks) numberOf.set(t.number, byPath.get(t.path)?.number ?? ++next);
  const renumbered = v.tasks
    .filter((t) => numberOf.get(t.number) !== t.number)
    .map((t) => ({ path: t.path, from: t.number, to: numberOf.get(t.number)! }));
  if (!renumbered.length) return { ok: true, plan: v, renumbered };
  const to = (n: number) => numberOf.get(n) ?? n;
  return {
    ok: true,
    renumbered,
    plan: {
      ...v,
      tasks: v.tasks.map((t) => ({ ...t, number: to(t.number) })),
      assignments: v.assignments.map((a) => ({ ...a, task: to(a.task) })),
      plan: {
        ...v.plan,
        tasks: v.plan.tasks.map((t) => ({ ...t, number: to(t.number) })),
        rules: v.plan.rules.map((r) => ({ ...r, fromTask: to(r.fromTask) })),
      },
    },
  };
}

const clip = (s: string) => (s.length > 20 ? `${s.slice(0, 20)}…` : s);
