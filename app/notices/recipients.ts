/**
 * Recipient roles → addresses, from the units directory as it is now:
 * liaison/leader → the assignment's unit's LIAISON/LEADER contacts; office → the OFFICE unit's
 * RECIPIENT and LIAISON contacts; leadership → the LEADERSHIP unit's RECIPIENT contacts.
 * The Office and leadership mailboxes change rarely and are read for every escalation, so they
 * are cached briefly.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import type { RecipientRole } from '../../domain/notices';

export interface Recipient {
  email: string;
  name: string;
  role: RecipientRole;
}

type Contact = { role: string; name: string; email: string };

/** Loose RFC 5321 shape check: one @, no spaces or angle brackets, a dot in the domain. */
export function isValidAddress(email: string): boolean {
  return /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/.test(email);
}

export function createRecipientResolver(prisma: Pick<PrismaClient, 'unit'>, cacheMs = 30_000) {
  let cache: { at: number; office: Contact[]; leadership: Contact[] } | null = null;
  async function central(now: number) {
    if (cache && now - cache.at < cacheMs) return cache;
    const units = await prisma.unit.findMany({
      where: { kind: { in: ['OFFICE', 'LEADERSHIP'] } },
      select: { kind: true, contacts: { select: { role: true, name: true, email: true } } },
    });
    cache = {
      at: now,
      office: units
        .filter((u) => u.kind === 'OFFICE')
        .flatMap((u) => u.contacts.filter((c) => c.role === 'RECIPIENT' || c.role === 'LIAISON')),
      leadership: units
        .filter((u) => u.kind === 'LEADERSHIP')
        .flatMap((u) => u.contacts.filter((c) => c.role === 'RECIPIENT')),
    };
    return cache;
  }
  return {
    /**
     * Contacts of a unit by canonical name, for notices about a unit rather than one assignment
     * (catch-up: one notice per unit listing its overdue tasks).
     */
    async unitContacts(name: string): Promise<Contact[]> {
      const u = await prisma.unit.findUnique({
        where: { name },
        select: { contacts: { select: { role: true, name: true, email: true } } },
      });
      return u?.contacts ?? [];
    },
    /** Addresses for roles, deduplicated (first role wins), in role order. */
    async resolve(roles: RecipientRole[], unitContacts: Contact[], now = Date.now()): Promise<Recipient[]> {
      const out: Recipient[] = [];
      const seen = new Set<string>();
      const add = (cs: Contact[], role: RecipientRole) => {
        for (const c of cs) {
          const k = c.email.trim().toLowerCase();
          if (seen.has(k)) continue;
          seen.add(k);
          out.push({ email: c.email.trim(), name: c.name, role });
        }
      };
      const needsCentral = roles.includes('office') || roles.includes('leadership');
      const c = needsCentral ? await central(now) : null;
      for (const r of roles) {
        if (r === 'liaison')
          add(
            unitContacts.filter((x) => x.role === 'LIAISON'),
            r,
          );
        else if (r === 'leader')
          add(
            unitContacts.filter((x) => x.role === 'LEADER'),
            r,
          );
        else if (r === 'office') add(c!.office, r);
        else if (r === 'leadership') add(c!.leadership, r);
      }
      return out;
    },
    invalidate() {
      cache = null;
    },
  };
}

export type RecipientResolver = ReturnType<typeof createRecipientResolver>;
