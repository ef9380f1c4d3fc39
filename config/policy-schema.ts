/**
 * Schemas of config/policy.json (the reminder and escalation policy) and
 * config/holidays-override.json (holiday data for years the packaged calendar lacks). The types
 * live in domain/ (domain/policy/types.ts, domain/calendar.ts) so pure code never imports config/;
 * the compile-time checks at the bottom keep schema and types in step.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { validateHolidayOverride, type HolidayOverride } from '../domain/calendar';
import type { Policy } from '../domain/policy/types';
import { ErrorCodes, DubangError } from '../contracts/errors';

const whole = z.number().int('a whole number').min(0, 'not negative');

/** {workdays: 3} | {days: 30} | {months: 1} | {seconds: 5}: exactly one key. */
export const spanSchema = z.union(
  [
    z.strictObject({ workdays: whole }),
    z.strictObject({ days: whole }),
    z.strictObject({ months: whole }),
    z.strictObject({ seconds: z.number().min(0, 'not negative') }),
  ],
  { error: 'a span with exactly one of workdays, days, months or seconds, e.g. {"workdays": 3}' },
);

const recipients = z.array(z.enum(['liaison', 'leader', 'office', 'leadership'])).min(1, 'at least one recipient');
const slip = z.enum(['BLUE', 'ORANGE', 'RED']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm, e.g. 09:00');
const step = z.strictObject({ after: spanSchema, to: recipients });
const reminder = z.strictObject({ before: spanSchema, to: recipients });
const review = z.strictObject({ within: spanSchema, repeat: spanSchema.nullable(), to: recipients });

const period = z.union([
  z.strictObject({ quarterly: z.literal(true) }),
  z.strictObject({ monthly: z.literal(true) }),
  z.strictObject({ every: spanSchema }),
]);
const cadence = z.strictObject({ period, dueAfterEnd: spanSchema }).nullable();

const kindSchema = z.strictObject({
  assignment: z.strictObject({ to: recipients }),
  acknowledgement: z.strictObject({ steps: z.array(step) }),
  reports: z
    .strictObject({
      period,
      dueAfterEnd: spanSchema,
      reminders: z.array(reminder),
      chase: z.array(step),
    })
    .nullable(),
  cadences: z
    .strictObject({ year: cadence.optional(), quarter: cadence.optional(), month: cadence.optional() })
    .optional(),
  deadline: z
    .strictObject({
      reminders: z.array(reminder),
      stalled: z.strictObject({ before: spanSchema, to: recipients, slip }).nullable(),
      overdue: z.strictObject({ to: recipients, slip, every: spanSchema.nullable() }),
      leadership: z
        .strictObject({ after: spanSchema, to: recipients, slip, every: spanSchema.nullable(), repeatSlip: slip })
        .nullable(),
    })
    .nullable(),
  cycle: z
    .strictObject({
      length: z.union([z.literal('year'), spanSchema]),
      summary: z
        .union([
          z.strictObject({ due: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD, e.g. 12-10') }),
          z.strictObject({ beforeEnd: spanSchema }),
        ])
        .nullable(),
    })
    .nullable(),
  completionReview: review.nullable(),
  extensionReview: review.nullable(),
});

/** config/policy.json. Keys starting with `$` (comments) are allowed at the top level only. */
export const policySchema = z
  .object({
    $comment: z.unknown().optional(),
    version: z.literal(1),
    calendar: z.strictObject({
      zone: z.string().min(1),
      officeHours: z.strictObject({ start: hhmm, end: hhmm }).nullable(),
      workdaysOnly: z.boolean(),
    }),
    notifyRoles: z.array(z.enum(['LEAD', 'CO', 'IMPLICIT'])),
    catchUp: z.strictObject({ unitTo: recipients, summaryTo: recipients, quietFor: spanSchema.nullable() }),
    kinds: z.strictObject({ deadline: kindSchema, standing: kindSchema }),
  })
  .transform(({ $comment: _c, ...p }) => p as Policy);

export type PolicyConfig = Policy;

/** config/holidays-override.json; the dates themselves (real, YYYY-MM-DD, inside their year) are checked by validateHolidayOverride. */
export const holidayOverrideSchema = z
  .object({
    $comment: z.unknown().optional(),
    years: z.record(
      z.string().regex(/^\d{4}$/, 'a year such as 2027'),
      z.strictObject({
        source: z.string().optional(),
        holidays: z.record(z.string(), z.string()),
        workdays: z.record(z.string(), z.string()),
      }),
    ),
  })
  .transform(({ years }): HolidayOverride => ({ years }));

export class HolidayOverrideError extends DubangError {
  static override readonly code = ErrorCodes.HolidayOverrideError;
}

/**
 * Reads and validates the holiday override file (the worker and the CLI call this and hand the
 * result to createCalendar). A missing file means "no override".
 */
export function readHolidayOverride(file: string): HolidayOverride {
  if (!fs.existsSync(file)) return { years: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HolidayOverrideError(`holiday override (${file}): ${(err as Error).message}`);
  }
  const parsed = holidayOverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new HolidayOverrideError(`holiday override (${file}): ${msg}`);
  }
  try {
    return validateHolidayOverride(parsed.data);
  } catch (err) {
    throw new HolidayOverrideError(`holiday override (${file}): ${(err as Error).message}`);
  }
}

// Compile-time: what the schema accepts is exactly the domain type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _policyMatches: Same<z.input<typeof policySchema> extends infer I ? Omit<I, '$comment'> : never, Policy> = true;
void _policyMatches;
