/**
 * No raw code reaches a Chinese page: every notice kind, audit action, unit kind, role and state has
 * its Chinese name in one registry (domain/messages KIND_LABELS, domain/audit-actions.ts,
 * web/format.ts), and every audit action the source writes is in that registry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS } from '../../domain/audit-actions';
import { STATE_NAMES } from '../../domain/lifecycle';
import { NOTICE_KINDS } from '../../domain/notices';
import {
  actionName,
  actorName,
  auditSummary,
  NOTICE_KIND_NAMES,
  noticeKindName,
  ROLE_NAMES,
  UNIT_KIND_NAMES,
  unitKindName,
} from '../../web/format';

const ROOT = path.resolve(__dirname, '..', '..');
const CHINESE = /^[\u4e00-\u9fff（）/、]+$/u;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('Chinese names for every code', () => {
  it('every notice kind has its Chinese name', () => {
    for (const k of NOTICE_KINDS) expect([k, NOTICE_KIND_NAMES[k]]).toEqual([k, expect.stringMatching(CHINESE)]);
    expect(noticeKindName('catchup_unit')).toBe('逾期事项汇总通知');
    expect(noticeKindName('assignment')).toBe('任务交办通知');
  });

  it('every audit action has its Chinese name', () => {
    expect(AUDIT_ACTIONS.length).toBeGreaterThan(20);
    for (const a of AUDIT_ACTIONS) expect([a, AUDIT_ACTION_LABELS[a]]).toEqual([a, expect.stringMatching(CHINESE)]);
    expect(actionName('completion.approved')).toBe('同意销号');
    // an unknown code is marked as such, never shown bare as if it were a name
    expect(actionName('made.up')).toBe('其他（made.up）');
  });

  it('every audit action written anywhere in the source is in the registry', () => {
    const written = new Set<string>();
    // `action: 'x.y'`, `action: cond ? 'x.y' : 'z.w'`, `..._ACTION = 'x.y'`, `action: 'x.y' as const` in decide()
    const pattern = /(?:\baction\s*:|_ACTION\s*=)\s*([^,;\n}]*)/g;
    for (const file of ['activities', 'app', 'infra', 'web', 'cli', 'worker', 'workflows', 'domain'].flatMap(sources)) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(pattern))
        for (const lit of m[1]!.matchAll(/'([a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*)'/g)) written.add(lit[1]!);
    }
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((a) => !(a in AUDIT_ACTION_LABELS))).toEqual([]);
  });

  it('every unit kind, role and state has its Chinese name', () => {
    for (const k of ['BUREAU', 'COUNTY', 'DEV_ZONE', 'MANAGEMENT', 'GROUP', 'OFFICE', 'LEADERSHIP', 'OTHER'] as const)
      expect(UNIT_KIND_NAMES[k]).toMatch(CHINESE);
    expect(unitKindName('OFFICE')).toBe('领导小组办公室');
    for (const r of ['LEAD', 'CO', 'IMPLICIT']) expect(ROLE_NAMES[r]).toMatch(CHINESE);
    for (const s of Object.values(STATE_NAMES)) expect(s).toMatch(CHINESE);
  });
});

describe('an audit event as a person reads it', () => {
  const ZONE = 'Asia/Shanghai';
  it('names the actor in Chinese', () => {
    expect(actorName('office:duban@office.example')).toBe('办公室 duban@office.example');
    expect(actorName('unit:1b2c')).toBe('责任单位（办理链接）');
    expect(actorName('system')).toBe('系统');
    expect(actorName('cli')).toBe('命令行');
  });

  it('summarises the data with Chinese names, translating codes', () => {
    expect(
      auditSummary(
        {
          transitionId: 'x',
          task: 3,
          unit: '市市场监管局',
          from: 'COMPLETION_REQUESTED',
          to: 'COMPLETED',
          overdue: false,
          reason: '佐证齐全，同意销号',
        },
        ZONE,
      ),
    ).toBe('任务(3)；市市场监管局；销号待审 → 已销号；理由：佐证齐全，同意销号');
    expect(
      auditSummary(
        {
          task: 7,
          unit: '市工信局',
          from: 'IN_PROGRESS',
          to: 'IN_PROGRESS',
          period: '2026Q1',
          percent: 40,
          evidenceLinks: ['https://a'],
        },
        ZONE,
      ),
    ).toBe('任务(7)；市工信局；报告期 2026年第一季度；进度 40%；佐证链接 1 个');
    expect(
      auditSummary(
        {
          key: 'k',
          kind: 'catchup_unit',
          at: '2026-11-27T09:00:00+08:00',
          to: ['liaison'],
          unit: '南昌县人民政府',
          items: 4,
          slips: [],
        },
        ZONE,
      ),
    ).toBe('南昌县人民政府；逾期事项汇总通知；逾期事项 4 项');
    expect(auditSummary({ number: '督〔2026〕0001号', colour: 'RED', reason: '逾期' }, ZONE)).toBe(
      '红色督办单；理由：逾期',
    );
    expect(auditSummary({ task: 5, before: '2025-12-31T15:59:59.999Z', after: '2026-06-30T15:59:59.999Z' }, ZONE)).toBe(
      '任务(5)；完成时限 2025年12月31日 → 2026年6月30日',
    );
    const text = auditSummary({ task: 1, unit: 'x', role: 'IMPLICIT', from: 'ASSIGNED', to: 'ACKNOWLEDGED' }, ZONE);
    expect(text).not.toMatch(/[A-Z]{3,}/);
  });
});
