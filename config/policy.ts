/**
 * Reminder and escalation policy schema. Owned by the policy engine work (domain/policy);
 * this placeholder accepts any object until that lands.
 */
import { z } from 'zod';

export const policySchema = z.record(z.string(), z.unknown());
export type PolicyConfig = z.infer<typeof policySchema>;
