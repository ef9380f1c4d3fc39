/** The assessment's stored facts indexed for scoring: by id, by assignment, and the audit events cited. Pure. */
import type {
  AssessmentFacts,
  AuditFact,
  ExtensionFact,
  NoticeFact,
  ReportFact,
  SlipFact,
  TaskFact,
  UnitFact,
} from './types';

/** Text in code-unit order: -1, 0 or 1. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** The stored facts, looked up by id and grouped by assignment. */
export interface FactIndex {
  units: Map<string, UnitFact>;
  tasks: Map<string, TaskFact>;
  reportsBy: Map<string, ReportFact[]>;
  extensionsBy: Map<string, ExtensionFact[]>;
  slipsBy: Map<string, SlipFact[]>;
  /** notices delivered by the as-of instant, earliest first */
  noticesBy: Map<string, NoticeFact[]>;
  cited: CitedEvents;
}

/** Audit events cited as evidence, by assignment id (planImported: by plan id). */
export interface CitedEvents {
  /** the first acknowledgement */
  ack: Map<string, AuditFact>;
  /** the last completion approval */
  completion: Map<string, AuditFact>;
  /** the assignment's own creation event (after a revision) */
  created: Map<string, AuditFact>;
  /** the plan import, where an assignment without a creation event came from */
  planImported: Map<string, AuditFact>;
}

/**
 * Indexes the facts. Only notices delivered by the as-of instant have asked anything; each
 * assignment's are sorted earliest first, ties by id, then period.
 */
export function indexFacts(facts: AssessmentFacts, asOf: number): FactIndex {
  const noticesBy = groupBy(
    facts.notices.filter((n) => n.sentAt <= asOf),
    (n) => n.assignmentId,
  );
  for (const list of noticesBy.values()) list.sort(byDelivery);
  return {
    units: new Map(facts.units.map((u) => [u.id, u])),
    tasks: new Map(facts.tasks.map((t) => [t.id, t])),
    reportsBy: groupBy(facts.reports, (r) => r.assignmentId),
    extensionsBy: groupBy(facts.extensions, (e) => e.assignmentId),
    slipsBy: groupBy(facts.slips, (s) => s.assignmentId),
    noticesBy,
    cited: citedEvents(facts.audit, asOf),
  };
}

/** Earliest delivered first; ties by notice id, then by the period asked about. */
function byDelivery(x: NoticeFact, y: NoticeFact): number {
  return x.sentAt - y.sentAt || compareText(x.id, y.id) || ((x.period ?? '') < (y.period ?? '') ? -1 : 1);
}

/**
 * The audit events cited as evidence. Provenance events (import, creation) are cited whenever they
 * happened: a plan imported after the year still records the obligations the year is judged on.
 * Behaviour (acknowledgement, completion) counts only up to the as-of instant.
 */
function citedEvents(events: readonly AuditFact[], asOf: number): CitedEvents {
  const cited: CitedEvents = { ack: new Map(), completion: new Map(), created: new Map(), planImported: new Map() };
  // ids are decimal bigints as text: a shorter one is smaller (no BigInt allocation per comparison)
  const audit = [...events].sort((x, y) => x.at - y.at || x.id.length - y.id.length || compareText(x.id, y.id));
  for (const e of audit) {
    if (e.action === 'plan.imported' && e.planId) {
      if (!cited.planImported.has(e.planId)) cited.planImported.set(e.planId, e);
    } else if (e.assignmentId) {
      if (e.action === 'assignment.created') {
        if (!cited.created.has(e.assignmentId)) cited.created.set(e.assignmentId, e);
      } else if (e.at > asOf) continue;
      else if (e.action === 'assignment.acknowledged') {
        if (!cited.ack.has(e.assignmentId)) cited.ack.set(e.assignmentId, e);
      } else if (e.action === 'completion.approved') cited.completion.set(e.assignmentId, e);
    }
  }
  return cited;
}
