/**
 * The 通报 (bulletin) draft: a Markdown text in official Chinese that the Office edits and issues.
 * It names the best units (grades A/B, highest scores) and the lagging ones (grades C/D, lowest
 * scores) with their scores and the main reasons for their deductions. Pure.
 */
import { DateTime } from 'luxon';
import { DEDUCTION_MEASURE, DEDUCTION_NAMES, type AssessmentResult, type UnitAssessment } from './types';

export interface BulletinOptions {
  /** how many best and lagging units to name (default 3 each) */
  top?: number;
  lagging?: number;
  /** who issues it (default 南昌市质量强市领导小组办公室) */
  issuer?: string;
  /** the plan's title, cited in the opening (default 《南昌市深入推进质量强市建设实施方案》) */
  planTitle?: string;
  /** addressees (default the plan's own: 各县(区)人民政府、开发区管委会,湾里管理局,市直各有关单位) */
  addressees?: string;
  /** issue date YYYY-MM-DD (default the as-of day, so the draft is reproducible) */
  date?: string;
  /** grades counted as good / lagging (default A,B and C,D) */
  goodGrades?: string[];
  laggingGrades?: string[];
}

const fmt = (n: number): string =>
  Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');

function cnDate(isoDay: string): string {
  const d = DateTime.fromISO(isoDay);
  return `${d.year}年${d.month}月${d.day}日`;
}

/** The main reasons of a unit's deductions: its three heaviest kinds, with counts and points. */
export function mainReasons(u: UnitAssessment, n = 3): string {
  const kinds = [...u.byKind]
    .sort((a, b) => b.applied - a.applied || b.count - a.count)
    .filter((k) => k.applied > 0)
    .slice(0, n);
  if (!kinds.length) return '无扣分事项';
  return kinds
    .map((k) => `${DEDUCTION_NAMES[k.kind]}${k.count}${DEDUCTION_MEASURE[k.kind]}（扣${fmt(k.applied)}分）`)
    .join('，');
}

/** Renders the bulletin draft for an assessment result. */
export function renderBulletin(r: AssessmentResult, opts: BulletinOptions = {}): string {
  const issuer = opts.issuer ?? '南昌市质量强市领导小组办公室';
  const planTitle = opts.planTitle ?? '《南昌市深入推进质量强市建设实施方案》';
  const addressees = opts.addressees ?? '各县(区)人民政府、开发区管委会，湾里管理局，市直各有关单位';
  const good = new Set(opts.goodGrades ?? ['A', 'B']);
  const bad = new Set(opts.laggingGrades ?? ['C', 'D']);
  const asOfDay = DateTime.fromISO(r.asOf, { zone: r.zone }).minus({ milliseconds: 1 }).toISODate()!;
  const startDay = DateTime.fromISO(r.window.start, { zone: r.zone }).toISODate()!;
  const date = opts.date ?? asOfDay;
  const t = r.totals;
  const periodText = `${cnDate(startDay)}至${cnDate(asOfDay)}`;

  const best = r.units.filter((u) => good.has(u.grade)).slice(0, opts.top ?? 3);
  const lagging = r.units
    .filter((u) => bad.has(u.grade))
    .slice()
    .reverse()
    .slice(0, opts.lagging ?? 3);
  const gradeLine = r.rubric.grades.map((g) => `${g.grade}等（${g.label}）${t.grades[g.grade] ?? 0}个`).join('，');
  const slipTotal = t.slips.BLUE + t.slips.ORANGE + t.slips.RED;

  const lines: string[] = [];
  lines.push(
    `# 关于${r.label}质量强市建设重点工作任务落实情况的通报${r.interim ? `（截至${cnDate(asOfDay)}）` : ''}`,
    '',
  );
  lines.push(`${addressees}：`, '');
  lines.push(
    `　　根据${planTitle}重点工作任务分工和年度考核评估安排，${issuer}依据督办系统记录的交办、签收、进展报告、延期、销号和督办情况，对各责任单位${r.label}（${periodText}）重点工作任务落实情况进行了考核评估。现将有关情况通报如下：`,
    '',
  );
  lines.push('## 一、总体情况', '');
  lines.push(
    `　　本${r.interim ? '期' : '年度'}共有${t.units}个责任单位参加考核，涉及责任分工${t.assignments}条。考核结果：${gradeLine}。` +
      `全年应报送进展报告${t.reportsDue}份，按时报送${t.reportsOnTime}份，逾期报送${t.reportsLate}份，未报送${t.reportsMissing}份；` +
      `按时完成任务${t.completedOnTime}项，逾期完成${t.completedLate}项，逾期未完成${t.overdue}项；` +
      `签发督办单${slipTotal}份（蓝色${t.slips.BLUE}份、橙色${t.slips.ORANGE}份、红色${t.slips.RED}份），已关闭${t.slipsClosed}份，未关闭${t.slipsOpen}份；受理延期申请${t.extensionRequests}件。` +
      (t.uncounted ? `另有${t.uncounted}项事项未经通知送达，不计入考核` : '') +
      (r.unassessed.length
        ? `${t.uncounted ? '；' : '另有'}${r.unassessed.map((u) => u.unit).join('、')}${r.unassessed.length}个单位未收到任何督办通知，本${r.interim ? '期' : '年度'}不评定等次`
        : '') +
      (t.uncounted || r.unassessed.length ? '。' : ''),
    '',
  );
  lines.push('## 二、表现较好的单位', '');
  if (best.length) {
    lines.push(
      `　　${best.map((u) => `${u.unit}（${fmt(u.score)}分，${u.grade}等）`).join('、')}等单位按时签收交办任务，按期报送工作进展，重点任务推进有力，考核成绩位居前列，予以通报表扬。`,
      '',
    );
  } else {
    lines.push(`　　本${r.interim ? '期' : '年度'}没有单位达到${[...good].join('、')}等次。`, '');
  }
  lines.push('## 三、工作滞后的单位', '');
  if (lagging.length) {
    lines.push('　　以下单位任务落实不够到位，考核成绩靠后，予以通报：', '');
    lagging.forEach((u, i) =>
      lines.push(`${i + 1}. ${u.unit}（${fmt(u.score)}分，${u.grade}等，第${u.rank}名）：${mainReasons(u)}。`),
    );
    lines.push('');
  } else {
    lines.push(`　　本${r.interim ? '期' : '年度'}没有单位处于${[...bad].join('、')}等次。`, '');
  }
  lines.push('## 四、有关要求', '');
  lines.push(
    '　　各责任单位要对照考核结果和扣分明细，认真查找任务落实中存在的问题。通报中工作滞后的单位要深入分析原因，制定整改措施，明确完成时限，并于本通报印发之日起15个工作日内将整改情况书面报送市质量强市领导小组办公室。考核结果将按规定纳入相关单位及领导干部年度绩效考核。',
    '',
  );
  lines.push(`附件：1. ${r.label}考核评估汇总表`, `　　　2. 各单位扣分明细`, '');
  lines.push(`${issuer}`, `${cnDate(date)}`);
  return lines.join('\n') + '\n';
}
