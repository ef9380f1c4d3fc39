/**
 * Schema of the units directory file (config/units.json). Validated on load; errors name the unit
 * index and field.
 */
import { z } from 'zod';

const email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'an email address such as liaison@unit.example');

export const contactSchema = z.object({
  role: z.enum(['LIAISON', 'LEADER', 'RECIPIENT']),
  name: z.string().min(1),
  email,
  phone: z.string().nullish(),
  /** the address gets one daily digest instead of single notices (docs/notifications.md) */
  digest: z.boolean({ message: 'true or false (a JSON boolean, without quotes)' }).default(false),
});

export const unitSchema = z.object({
  name: z.string().min(1),
  fullName: z.string().nullish(),
  kind: z.enum(['BUREAU', 'COUNTY', 'DEV_ZONE', 'MANAGEMENT', 'GROUP', 'OFFICE', 'LEADERSHIP', 'OTHER']),
  aliases: z.array(z.string().min(1)).default([]),
  contacts: z.array(contactSchema).default([]),
  members: z.array(z.string().min(1)).optional(),
  note: z.string().nullish(),
});

export const unitsDirectorySchema = z.object({
  $comment: z.string().optional(),
  office: z.string().min(1),
  leadership: z.string().min(1),
  units: z.array(unitSchema).min(1),
});
