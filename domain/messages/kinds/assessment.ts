/** The annual assessment's email to the leadership. Pure. */
import { formatDay } from '../format';
import type { AssessmentMessage, NoticeDoc, NoticeMessageInput } from '../input';
import { need, type Template } from './parts';

const scoreText = (n: number): string =>
  Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');

/**
 * The annual assessment's email: the distribution of grades, a table of the best units (top grades,
 * highest scores) and the lagging ones (lower grades, lowest scores first), exactly as the bulletin
 * picks them, the list of attached exports, and the 通报 draft quoted in full for the Office to edit.
 */
function assessmentDoc(i: NoticeMessageInput, a: AssessmentMessage): NoticeDoc {
  const label = a.label ?? `${a.year}年度`;
  // a closed year is judged at the first instant of the next year: the reader's "as of" is the day before
  const asOfDay = a.asOf ? formatDay(new Date(Date.parse(a.asOf) - 1).toISOString(), i.zone) : null;
  const ranked = a.rows.map((r, k) => ({ ...r, rank: r.rank ?? k + 1 }));
  const bands = a.grades?.length
    ? a.grades
    : [...new Set(ranked.map((r) => r.grade))].sort().map((grade) => ({ grade, label: '' }));
  // as the bulletin: the two highest bands are "good", the others "lagging" (A/B on the national scale when not given)
  const good = new Set(a.grades?.length ? a.grades.slice(0, 2).map((b) => b.grade) : ['A', 'B']);
  const best = ranked.filter((r) => good.has(r.grade)).slice(0, a.top ?? 3);
  const lagging = ranked
    .filter((r) => !good.has(r.grade))
    .reverse()
    .slice(0, a.lagging ?? 3);
  const count = (g: string) => ranked.filter((r) => r.grade === g).length;
  const distribution = bands.map((b) => `${b.grade}等${b.label ? `（${b.label}）` : ''}${count(b.grade)}个`).join('，');
  const interim = a.interim && asOfDay ? `（截至${asOfDay}）` : '';
  const title = `${label}质量强市建设重点工作任务考核结果${interim}`;
  const row = (kind: string, r: (typeof ranked)[number]) => [kind, String(r.rank), r.unit, scoreText(r.score), r.grade];
  const fields: [string, string][] = [['考核年度', label]];
  if (asOfDay) fields.push(['基准时点', `${asOfDay}${a.interim ? '（阶段性结果）' : ''}`]);
  fields.push(['参评单位', `${ranked.length}个`], ['等次分布', distribution || '无']);
  if (a.files?.length) fields.push(['附件', a.files.join('、')]);
  if (a.digest) fields.push(['结果校验码', a.digest.replace(/^sha256:/, '').slice(0, 16)]);
  const bulletin = a.bulletin ? a.bulletin.replace(/\n+$/, '').split('\n') : [];
  return {
    subject: `【年度考核】${title}`,
    title,
    greeting: '市质量强市领导小组各位领导，领导小组办公室：',
    paragraphs: [
      `${label}质量强市建设重点工作任务考核评估已完成${asOfDay ? `（基准时点${asOfDay}）` : ''}，共对${ranked.length}个责任单位评分，其中${distribution || '无参评单位'}。` +
        `表现较好和工作滞后的单位见下表${a.files?.length ? '；考核汇总表、扣分明细见附件' : ''}${bulletin.length ? '；通报草稿附后' : ''}。`,
    ],
    fields,
    ...(best.length || lagging.length
      ? {
          items: {
            columns: ['类别', '排名', '责任单位', '得分', '等次'],
            rows: [...best.map((r) => row('表现较好', r)), ...lagging.map((r) => row('工作滞后', r))],
          },
        }
      : {}),
    ask: bulletin.length ? '通报草稿请审阅修改后按程序印发。' : '请审阅考核结果。',
    ...(i.link ? { action: { label: '打开督办看板', href: i.link } } : {}),
    ...(bulletin.length ? { appendix: { title: '通报草稿', lines: bulletin } } : {}),
  };
}

/** The templates of assessment. */
export const ASSESSMENT_TEMPLATES: Record<'assessment', Template> = {
  assessment: (i) => assessmentDoc(i, need(i.assessment, 'assessment', i.kind)),
};
