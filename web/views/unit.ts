/**
 * The unit's form: one assignment, what is asked of the unit, and only the actions its lifecycle
 * would take now (domain/lifecycle.ts `availability`); an action it would refuse shows the reason
 * instead. Every date is written as in the emails (2025年12月31日（星期三）, Asia/Shanghai). Every
 * form posts to the form's own address (`/f/<id>`, the action in a field) and is answered with a
 * redirect back to it (post/redirect/get, routes/unit-form.ts).
 */
import { html, safeHref, type SafeHtml } from '../html';
import { lightBadge, ROLE_NAMES, stateName } from '../format';
import { formatDate, formatPeriod } from '../../domain/messages/format';
import { isClosed, type UnitInputType } from '../../domain/lifecycle';
import type { assignmentDetail } from '../../app/dashboard/queries';
import { unitLayout } from './layout';

export type Detail = NonNullable<Awaited<ReturnType<typeof assignmentDetail>>>;

export interface FormMessage {
  kind: 'ok' | 'refused';
  text: string;
}

export type Offer = Record<UnitInputType, { ok: true } | { ok: false; reason: string }>;

/** A date as the unit reads it: 2025年12月31日（星期三）, with the time unless it is a day's end or start. */
function cn(d: Date | string | null | undefined, zone: string): string {
  if (!d) return '—';
  return formatDate(typeof d === 'string' ? d : d.toISOString(), zone);
}

export function unitFormPage(
  d: Detail,
  o: {
    token: string;
    zone: string;
    message?: FormMessage | null;
    periods: { value: string; label: string }[];
    values?: Record<string, string>;
    offer: Offer;
  },
): SafeHtml {
  const a = d.assignment;
  const t = a.task;
  const fmtDate = (x: Date | string | null | undefined) => cn(x, o.zone);
  const formStart = (name: string) =>
    html`<form method="post" action="/f/${a.id}"><input type="hidden" name="action" value="${name}"><input type="hidden" name="t" value="${o.token}">`;
  const unavailable = (type: UnitInputType) => {
    const r = o.offer[type];
    return r.ok ? null : html`<p class="muted unavailable" id="unavailable-${type}">${r.reason}</p>`;
  };
  const closed = isClosed(a.state);
  const v = o.values ?? {};
  return unitLayout(
    `任务(${t.number}) ${a.unit.name}`,
    html`<section class="card"><h1>任务(${t.number}) · ${a.unit.name}（${ROLE_NAMES[a.role] ?? a.role}）</h1>
<p class="pre">${t.text}</p>
<table><tr><th>方案</th><td>${t.plan.title}</td></tr>
<tr><th>完成时限</th><td>${t.deadlinePhrase}${a.dueAt ? html`（${fmtDate(a.dueAt).replace(/（(星期.)）/, '，$1')}）` : ''}${a.originalDueAt && a.dueAt && a.originalDueAt.getTime() !== a.dueAt.getTime() ? html` <span class="muted">原定 ${fmtDate(a.originalDueAt)}</span>` : ''}</td></tr>
<tr><th>当前状态</th><td id="state">${stateName(a.state)} ${lightBadge(d.light)}${a.overdue && d.light !== 'red' ? html` <b class="n-red">已逾期</b>` : ''}</td></tr></table></section>
${o.message ? html`<div class="msg ${o.message.kind}" role="${o.message.kind === 'ok' ? 'status' : 'alert'}" id="result">${o.message.text}</div>` : ''}
${
  closed
    ? html`<section class="card"><p>该任务分工已${a.state === 'COMPLETED' ? '销号' : '撤销'}，无需再办理。</p></section>`
    : html`
<section class="card"><h2>签收</h2>${
        a.acknowledgedAt
          ? html`<p class="muted">已于${fmtDate(a.acknowledgedAt)}签收。</p>`
          : unavailable('acknowledge')
            ? unavailable('acknowledge')
            : html`<p>请确认已收到该项任务。</p>
${formStart('acknowledge')}<button type="submit" id="ack">签收任务</button></form>`
      }</section>
<section class="card"><h2>报送进展</h2>${
        unavailable('submitReport') ??
        (o.periods.length === 0
          ? html`<p class="muted" id="no-periods">目前没有需要报送的报告期。</p>`
          : html`${formStart('report')}
<label for="period">报告期</label><select id="period" name="period">${o.periods.map((p) => html`<option value="${p.value}" ${v.period === p.value ? 'selected' : ''}>${p.label}</option>`)}</select>
<label for="text">进展情况</label><textarea id="text" name="text" maxlength="10000" required>${v.text ?? ''}</textarea>
<label for="percent">完成进度（%）</label><input id="percent" name="percent" type="number" min="0" max="100" step="1" value="${v.percent ?? ''}">
${
  d.indicators.length
    ? html`<label>指标数值（与本任务相关的填写）</label><table>${d.indicators.map(
        (i) =>
          html`<tr><td>${i.name}</td><td class="muted">目标：${i.targetText}</td><td><input name="ind_${i.code}" aria-label="${i.name}" type="text" inputmode="decimal" size="8" value="${v['ind_' + i.code] ?? ''}"> ${i.unit}</td></tr>`,
      )}</table>`
    : ''
}
<label for="evidence">佐证材料链接（每行一个，http:// 或 https://）</label><textarea id="evidence" name="evidenceLinks" rows="3">${v.evidenceLinks ?? ''}</textarea>
<p><button type="submit" id="submit-report">提交进展报告</button></p></form>`)
      }</section>
<section class="card"><h2>申请销号</h2>${
        unavailable('requestCompletion') ??
        html`<p class="muted">任务已完成时申请，由办公室审核。</p>${formStart('completion')}
<label for="note">完成情况说明</label><textarea id="note" name="note" maxlength="2000">${v.note ?? ''}</textarea>
<label for="completion-evidence">佐证材料链接（每行一个，http:// 或 https://）</label><textarea id="completion-evidence" name="completionEvidenceLinks" rows="3">${v.completionEvidenceLinks ?? ''}</textarea>
<p><button type="submit" id="request-completion">申请销号</button></p></form>`
      }</section>
<section class="card"><h2>申请延期</h2>${
        unavailable('requestExtension') ??
        html`<p class="muted">只能在完成时限${a.dueAt ? fmtDate(a.dueAt) : ''}之前申请，由办公室审核。</p>${formStart('extension')}
<label for="newDueAt">新的完成时限</label><input id="newDueAt" name="newDueAt" type="date" required value="${v.newDueAt ?? ''}">
<label for="reason">延期理由</label><textarea id="reason" name="reason" maxlength="2000" required>${v.reason ?? ''}</textarea>
<p><button type="submit" id="request-extension">申请延期</button></p></form>`
      }</section>`
}
<section class="card"><h2>已报送的进展</h2>${reportsTable(d, o.zone)}</section>
${
  a.extensions.length
    ? html`<section class="card"><h2>延期申请</h2><table><tr><th>申请时间</th><th>申请延至</th><th>理由</th><th>结果</th></tr>${a.extensions.map(
        (e) =>
          html`<tr><td>${fmtDate(e.requestedAt)}</td><td>${fmtDate(e.requestedDueAt)}</td><td class="pre">${e.reason}</td><td>${e.status === 'REQUESTED' ? '待审' : e.status === 'APPROVED' ? '已同意' : '已驳回'}${e.decisionReason ? html`：${e.decisionReason}` : ''}</td></tr>`,
      )}</table></section>`
    : ''
}`,
  );
}

export function reportsTable(d: Detail, zone: string): SafeHtml {
  const reports = d.assignment.reports;
  if (!reports.length) return html`<p class="muted">尚无报告。</p>`;
  return html`<table class="reports"><tr><th>报告期</th><th>报送时间</th><th>进度</th><th>进展情况</th><th>指标</th><th>佐证材料</th></tr>${reports.map(
    (
      r,
    ) => html`<tr><td>${formatPeriod(r.period)}${r.late ? html` <span class="n-red">迟报</span>` : ''}</td><td>${cn(r.submittedAt, zone)}</td><td class="num">${r.percent ?? '—'}${r.percent !== null ? '%' : ''}</td>
<td class="pre report-text">${r.text}</td><td>${r.indicatorValues.map((iv) => html`<div>${iv.indicator.name}：${Number(iv.value)}${iv.indicator.unit}</div>`)}</td>
<td>${r.evidenceLinks.map((l) => html`<div><a href="${safeHref(l)}" rel="noopener noreferrer nofollow" target="_blank">${l}</a></div>`)}</td></tr>`,
  )}</table>`;
}
