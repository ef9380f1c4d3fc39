/**
 * What a revised plan changes relative to the stored one: added, removed and changed tasks, and the
 * assignments that start or stop. Pure; the importer prints it before applying.
 */
import type { AssignmentRole } from '../model';

/** The comparable part of a task, as stored or as newly read. */
export interface TaskSnapshot {
  number: number;
  text: string;
  section: string;
  subsection: string | null;
  units: string[];
  deadlinePhrase: string;
  dueAt: string | null;
}

export interface AssignmentSnapshot {
  task: number;
  unit: string;
  role: AssignmentRole;
}

export interface FieldChange {
  field: 'text' | 'section' | 'subsection' | 'units' | 'deadlinePhrase' | 'dueAt';
  before: unknown;
  after: unknown;
}

export interface PlanDiff {
  added: number[];
  removed: number[];
  changed: { number: number; changes: FieldChange[] }[];
  assignmentsAdded: AssignmentSnapshot[];
  assignmentsRemoved: AssignmentSnapshot[];
  /** role changed for the same (task, unit) */
  assignmentsChanged: (AssignmentSnapshot & { before: AssignmentRole })[];
}

export function isEmptyDiff(d: PlanDiff): boolean {
  return (
    !d.added.length &&
    !d.removed.length &&
    !d.changed.length &&
    !d.assignmentsAdded.length &&
    !d.assignmentsRemoved.length &&
    !d.assignmentsChanged.length
  );
}

const sameInstant = (a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));

export function diffPlan(
  before: { tasks: TaskSnapshot[]; assignments: AssignmentSnapshot[] },
  after: { tasks: TaskSnapshot[]; assignments: AssignmentSnapshot[] },
): PlanDiff {
  const old = new Map(before.tasks.map((t) => [t.number, t]));
  const neu = new Map(after.tasks.map((t) => [t.number, t]));
  const added = [...neu.keys()].filter((n) => !old.has(n)).sort((a, b) => a - b);
  const removed = [...old.keys()].filter((n) => !neu.has(n)).sort((a, b) => a - b);
  const changed: PlanDiff['changed'] = [];
  for (const [n, a] of neu) {
    const b = old.get(n);
    if (!b) continue;
    const changes: FieldChange[] = [];
    for (const f of ['text', 'section', 'subsection', 'deadlinePhrase'] as const) {
      if (a[f] !== b[f]) changes.push({ field: f, before: b[f], after: a[f] });
    }
    if (a.units.join('\u0000') !== b.units.join('\u0000'))
      changes.push({ field: 'units', before: b.units, after: a.units });
    if (!sameInstant(a.dueAt, b.dueAt)) changes.push({ field: 'dueAt', before: b.dueAt, after: a.dueAt });
    if (changes.length) changed.push({ number: n, changes });
  }
  changed.sort((x, y) => x.number - y.number);
  const key = (a: AssignmentSnapshot) => `${a.task}\u0000${a.unit}`;
  const oldA = new Map(before.assignments.map((a) => [key(a), a]));
  const newA = new Map(after.assignments.map((a) => [key(a), a]));
  return {
    added,
    removed,
    changed,
    assignmentsAdded: [...newA.values()].filter((a) => !oldA.has(key(a))),
    assignmentsRemoved: [...oldA.values()].filter((a) => !newA.has(key(a))),
    assignmentsChanged: [...newA.values()].flatMap((a) => {
      const b = oldA.get(key(a));
      return b && b.role !== a.role ? [{ ...a, before: b.role }] : [];
    }),
  };
}
