/** An Office decision on a unit's request: how a decision notice's payload states it, in either stored form. Pure. */

/** An Office decision on a unit's request, as a decision notice states it. */
export interface Decision {
  subject: 'completion' | 'extension';
  approved: boolean;
  /** an approved extension: the new due instant (ISO) */
  newDueAt?: string | null;
}

/** The lifecycle's audit actions of the four decisions, and what each one decided. */
const DECISION_ACTIONS: Record<string, Omit<Decision, 'newDueAt'>> = {
  'completion.approved': { subject: 'completion', approved: true },
  'completion.rejected': { subject: 'completion', approved: false },
  'extension.approved': { subject: 'extension', approved: true },
  'extension.rejected': { subject: 'extension', approved: false },
};

/**
 * A decision notice's `decision` as stored in its payload, in either form: the object written since
 * the decision contract was fixed (`{ action, subject, approved, newDueAt }`), or the bare audit
 * action (`'completion.approved'`) that lifecycles recorded before, whose new due instant is the
 * payload's `dueAt`. Null when it is neither (the template then refuses to render).
 */
export function decisionOf(value: unknown, dueAt?: string | null): Decision | null {
  if (typeof value === 'string') {
    const d = DECISION_ACTIONS[value];
    return d ? { ...d, ...(d.subject === 'extension' && d.approved ? { newDueAt: dueAt ?? null } : {}) } : null;
  }
  if (value && typeof value === 'object') {
    const v = value as { action?: unknown; subject?: unknown; approved?: unknown; newDueAt?: unknown };
    if ((v.subject === 'completion' || v.subject === 'extension') && typeof v.approved === 'boolean') {
      return {
        subject: v.subject,
        approved: v.approved,
        ...(typeof v.newDueAt === 'string' ? { newDueAt: v.newDueAt } : {}),
      };
    }
    if (typeof v.action === 'string') return decisionOf(v.action, typeof v.newDueAt === 'string' ? v.newDueAt : dueAt);
  }
  return null;
}

/** The payload form of a decision taken by `action` (an audit action), for the notice the unit gets. */
export function decisionPayload(
  action: string,
  dueAt: string | null | undefined,
): (Decision & { action: string }) | null {
  const d = decisionOf(action, dueAt);
  return d ? { action, ...d } : null;
}
