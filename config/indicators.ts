/**
 * config/indicators.json: which tasks report each indicator of a plan's main goals, and the rule
 * that makes the city's value from the units' reports (docs/web.md "Indicators"). Validated with
 * zod; a bad value names its key (ConfigError).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot, readJson } from './index';

export const INDICATOR_AGGREGATES = ['latest', 'sum'] as const;
export type IndicatorAggregate = (typeof INDICATOR_AGGREGATES)[number];

const rule = z.object({
  tasks: z.array(z.number().int().positive()).min(1, 'name at least one task number'),
  aggregate: z.enum(INDICATOR_AGGREGATES).default('latest'),
});
const schema = z.object({
  $comment: z.unknown().optional(),
  /** plan title → indicator name → rule */
  plans: z.record(z.string().min(1), z.record(z.string().min(1), rule)).default({}),
});

export type IndicatorRule = z.infer<typeof rule>;
export type IndicatorRules = z.infer<typeof schema>;

export function parseIndicatorRules(raw: unknown, where: string): IndicatorRules {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${where}: ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}

/** The file under `configDir` (default: DUBANG_CONFIG_DIR or the repository's config/); no file: no bindings. */
export function loadIndicatorRules(
  configDir = path.resolve(projectRoot(), process.env.DUBANG_CONFIG_DIR ?? 'config'),
): IndicatorRules {
  const file = path.join(configDir, 'indicators.json');
  return fs.existsSync(file) ? readJson(file, schema, 'indicators') : { plans: {} };
}

/** The rule of one indicator of a plan, or null when the plan binds none (every task may report it, aggregated by latest). */
export function indicatorRule(rules: IndicatorRules, planTitle: string, indicatorName: string): IndicatorRule | null {
  return rules.plans[planTitle]?.[indicatorName] ?? null;
}

/** Whether a task may report an indicator: bound to it, or its plan binds nothing. */
export function boundToTask(rules: IndicatorRules, planTitle: string, indicatorName: string, task: number): boolean {
  const plan = rules.plans[planTitle];
  if (!plan) return true;
  return plan[indicatorName]?.tasks.includes(task) ?? false;
}
