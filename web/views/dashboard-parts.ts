/**
 * Fragments the dashboard pages share (web/views/dashboard*.ts): filters, count cells, charts, the
 * pager, the unit, assignment and notice tables, the timeline. Every value is escaped by the `html` tag.
 */
import { html, jsonForScript, safeHref, type SafeHtml } from '../html';
import {
  actionName,
  actorName,
  auditSummary,
  fmtDate,
  lightBadge,
  NOTICE_STATUS_NAMES,
  noticeKindName,
  recipientsText,
  ROLE_NAMES,
  stateName,
  unitKindName,
} from '../format';
import { LIGHT_LABELS, LIGHTS, type Light } from '../../app/dashboard/lights';
import type * as q from '../../app/dashboard/queries';

export type Rows<T extends (...a: never[]) => unknown> = Awaited<ReturnType<T>>;

export function lightOptions(selected?: string): SafeHtml {
  return html`<option value="">全部灯号</option>${LIGHTS.map((l) => html`<option value="${l}" ${selected === l ? 'selected' : ''}>${LIGHT_LABELS[l]}</option>`)}`;
}

export function counts(c: Record<Light, number>): SafeHtml {
  return html`<td class="num n-red">${c.red}</td><td class="num n-yellow">${c.yellow}</td><td class="num n-green">${c.green}</td><td class="num muted">${c.grey}</td>`;
}
export const countHeads = html`<th class="num">逾期</th><th class="num">临期/报告逾期</th><th class="num">正常</th><th class="num">已关闭</th>`;

export function chart(id: string, spec: unknown): SafeHtml {
  return html`<div class="chart" id="${id}"></div><script type="application/json" class="chart-data" data-for="${id}">${jsonForScript(spec)}</script>`;
}

export function pager(
  base: string,
  params: Record<string, string | undefined>,
  offset: number,
  limit: number,
  total: number,
): SafeHtml {
  const link = (o: number) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) sp.set(k, v);
    sp.set('offset', String(o));
    return `${base}?${sp.toString()}`;
  };
  return html`<div class="pager muted">共 ${total} 条${offset > 0 ? html` <a href="${link(Math.max(0, offset - limit))}">上一页</a>` : ''}${offset + limit < total ? html` <a href="${link(offset + limit)}">下一页</a>` : ''}</div>`;
}

export const sum = (c: Record<Light, number>) => c.red + c.yellow + c.green + c.grey;

/**
 * Why rule-bound assignments are counted apart (app/dashboard/queries/overview.ts UnitLightRow). `emailed`:
 * the plans shown notify IMPLICIT units (their notifyRoles, app/notify-roles.ts: the shipped policy
 * does, a plan started with `--notify-roles LEAD,CO` does not), so they get their own notices.
 */
export const implicitNote = (emailed: boolean) =>
  emailed
    ? '属地落实：方案规定各县（区）人民政府、开发区管委会和湾里管理局承担每项任务，这些分工单独统计；其余灯号只计各单位牵头、配合的分工。'
    : '属地落实：方案规定各县（区）人民政府、开发区管委会和湾里管理局承担每项任务，这些分工按规则记录和督办，不单独发送邮件通知，单独统计；其余灯号只计各单位牵头、配合的分工，与各单位收到的通知一致。';

/** A unit that cannot be notified (app/contacts-check.ts directoryGaps): 缺联系人, or a group 待补充成员. */
export interface UnitGap {
  id: string;
  name: string;
  missing: '联系人' | '成员';
}

const gapMark = (g: UnitGap | undefined) =>
  g ? html` <span class="n-red unit-gap">${g.missing === '成员' ? '待补充成员' : '缺联系人'}</span>` : '';

/** How many units cannot be notified, with the groups waiting for members named (they hold no assignment, so no row). */
export function gapNote(gaps: readonly UnitGap[]): SafeHtml {
  if (!gaps.length) return html``;
  const groups = gaps.filter((g) => g.missing === '成员');
  return html`<p class="msg refused" id="unit-gaps"><a href="/units">${gaps.length} 个单位无法接收通知</a>：缺联系人 ${gaps.length - groups.length} 个${groups.length ? html`，待补充成员的单位组 ${groups.length} 个（${groups.map((g) => g.name).join('、')}）` : ''}；在单位页「联系人 修改」填写，或用 dubang units import 补充名录。</p>`;
}

/** The per-unit table of the overview and /units: own assignments, then the rule-bound ones apart; units that cannot be notified marked. */
export function unitTable(units: q.UnitLightRow[], gaps: readonly UnitGap[] = []): SafeHtml {
  const implicit = units.some((u) => u.implicit.total > 0);
  const gapOf = new Map(gaps.map((g) => [g.id, g]));
  return html`<table id="units"><tr><th>单位</th><th>类别</th><th class="num">牵头/配合分工</th>${countHeads}${implicit ? html`<th class="num">属地落实分工</th><th class="num">其中逾期</th>` : ''}</tr>
${units.map((u) => html`<tr><td><a href="/units/${u.id}">${u.name}</a>${gapMark(gapOf.get(u.id))}</td><td>${unitKindName(u.kind)}</td><td class="num">${u.total}</td>${counts(u)}${implicit ? html`<td class="num muted">${u.implicit.total}</td><td class="num muted">${u.implicit.red}</td>` : ''}</tr>`)}</table>`;
}

export function assignmentTable(rows: q.AssignmentRow[], zone: string, showTask: boolean): SafeHtml {
  return html`<table class="assignments"><tr><th>灯号</th>${showTask ? html`<th>任务</th>` : html`<th>单位</th>`}<th>分工</th><th>状态</th><th>完成时限</th><th>最近报告</th><th></th></tr>
${rows.map(
  (
    a,
  ) => html`<tr><td>${lightBadge(a.light)}</td>${showTask ? html`<td><a href="/tasks/${a.taskId}">(${a.taskNumber})</a> ${a.taskText.length > 40 ? a.taskText.slice(0, 40) + '…' : a.taskText}</td>` : html`<td><a href="/units/${a.unitId}">${a.unit}</a></td>`}
<td>${ROLE_NAMES[a.role] ?? a.role}</td><td>${stateName(a.state)}${a.overdue ? html` <b class="n-red">逾期</b>` : ''}</td><td>${fmtDate(a.dueAt, zone, false)}</td><td>${fmtDate(a.lastReportAt, zone)}</td><td><a href="/assignments/${a.id}">详情</a></td></tr>`,
)}</table>`;
}

export function timeline(events: q.TimelineEvent[], zone: string): SafeHtml {
  if (!events.length) return html`<p class="muted">暂无记录。</p>`;
  return html`<ol class="timeline" reversed>${events.map((e) => {
    const detail = auditSummary(e.data, zone);
    return html`<li><span class="muted">${fmtDate(e.at, zone)}</span> <b>${actionName(e.action)}</b> <span class="muted">${actorName(e.actor)}</span>${detail ? html` — ${detail}` : ''}</li>`;
  })}</ol>`;
}

/** a notice as listed; `object` overrides what the 对象 cell says (an assignment's page names the catch-up letter that covered it) */
export type NoticeRow = (
  | Rows<typeof q.noticeList>['rows'][number]
  | (Omit<Rows<typeof q.noticeList>['rows'][number], 'assignment' | 'slip'> & { assignment: null; slip: null })
) & { object?: string };

/** What a notice not tied to one assignment is about, from its payload (the unit of a catch-up letter), never its internal scope key. */
export function noticeObject(payload: unknown): string {
  const p = (payload ?? {}) as { unit?: unknown; items?: unknown };
  if (typeof p.unit === 'string' && p.unit) return p.unit;
  if (Array.isArray(p.items)) return `${p.items.length} 项事项`;
  return '—';
}

export function noticeTable(rows: NoticeRow[], zone: string): SafeHtml {
  if (!rows.length) return html`<p class="muted">暂无通知。</p>`;
  return html`<table class="notices"><tr><th>时间</th><th>类别</th><th>对象</th><th>收件人</th><th>状态</th><th>尝试</th><th>Message-ID</th><th>说明</th></tr>
${rows.map(
  (
    n,
  ) => html`<tr><td>${fmtDate(n.dueAt, zone)}</td><td>${noticeKindName(n.kind)}${n.slip ? html` <span class="slip-${n.slip.colour}">${n.slip.number}</span>` : ''}</td>
<td>${n.object ?? (n.assignment ? html`(${n.assignment.task.number}) ${n.assignment.unit.name}` : noticeObject(n.payload))}</td><td>${recipientsText(n.recipients)}</td>
<td>${NOTICE_STATUS_NAMES[n.status] ?? n.status}</td><td class="num">${n.delivery?.attempts ?? 0}</td><td class="muted">${n.delivery?.messageId ?? ''}</td><td>${n.statusReason ?? n.delivery?.error ?? ''}</td></tr>`,
)}</table>`;
}

export function evidenceList(links: string[]): SafeHtml | string {
  return links.length
    ? html`${links.map((l) => html`<div><a href="${safeHref(l)}" rel="noopener noreferrer nofollow" target="_blank">${l}</a></div>`)}`
    : '';
}
