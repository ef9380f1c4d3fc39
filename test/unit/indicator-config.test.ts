/**
 * config/indicators.json as shipped binds every indicator of the real plan's main goals to tasks
 * that exist, by the names the plan writes; a bad file is refused naming the key.
 */
import * as fs from 'node:fs';
import { boundToTask, indicatorRule, loadIndicatorRules, parseIndicatorRules } from '../../config/indicators';
import { decodePlanBuffer } from '../../app/plan-source';
import { readIndicators } from '../../domain/plan/indicators';
import { REAL_PLAN } from '../helpers/paths';

const TITLE = '南昌市深入推进质量强市建设实施方案';
const rules = loadIndicatorRules();
const lines = decodePlanBuffer(fs.readFileSync(REAL_PLAN)).text.split(/\r?\n/);
const indicators = readIndicators(lines, lines.length).indicators;

describe('the shipped indicator bindings', () => {
  it('name every indicator of the real plan, and only those', () => {
    expect(indicators).toHaveLength(15);
    expect(Object.keys(rules.plans[TITLE]!).sort()).toEqual(indicators.map((i) => i.name).sort());
  });

  it('bind each to tasks of the plan (1–80), with a rule for the city value', () => {
    for (const i of indicators) {
      const r = indicatorRule(rules, TITLE, i.name)!;
      expect(r.tasks.length).toBeGreaterThan(0);
      for (const t of r.tasks) expect(t >= 1 && t <= 80).toBe(true);
      expect(['latest', 'sum']).toContain(r.aggregate);
    }
    expect(boundToTask(rules, TITLE, '食品药品评价性抽检合格率', 72)).toBe(true);
    expect(boundToTask(rules, TITLE, '食品药品评价性抽检合格率', 2)).toBe(false);
    // a plan the file does not list: every task may report every indicator
    expect(boundToTask(rules, '另一份方案', '任意指标', 1)).toBe(true);
  });

  it('refuses a bad file naming the key', () => {
    expect(() =>
      parseIndicatorRules({ plans: { p: { x: { tasks: [], aggregate: 'latest' } } } }, 'indicators'),
    ).toThrow('invalid configuration: indicators: plans.p.x.tasks: name at least one task number');
    expect(() => parseIndicatorRules({ plans: { p: { x: { tasks: [1], aggregate: 'mean' } } } }, 'indicators')).toThrow(
      /plans\.p\.x\.aggregate/,
    );
  });
});
