/**
 * Dashboard pages (Chinese UI): the overview, tasks, reviews, slips, notices, indicators and the
 * audit log. A unit's pages are in dashboard-units.ts, an assignment's in dashboard-assignment.ts,
 * the fragments they share in dashboard-parts.ts. Every value is escaped by the `html` tag.
 */
import { html, type SafeHtml } from '../html';
import {
  ACTION_NAMES,
  actionName,
  actorName,
  auditSummary,
  fmtDate,
  fmtIssued,
  lightBadge,
  NOTICE_KIND_NAMES,
  NOTICE_STATUS_NAMES,
  SLIP_NAMES,
  slipClosedText,
  UNIT_KIND_NAMES,
  unitKindName,
} from '../format';
import { LIGHTS } from '../../app/dashboard/lights';
import type * as q from '../../app/dashboard/queries';
import {
  assignmentTable,
  chart,
  countHeads,
  counts,
  evidenceList,
  implicitNote,
  lightOptions,
  noticeTable,
  pager,
  sum,
  timeline,
  unitTable,
  type Rows,
} from './dashboard-parts';

/** the unit kinds that hold assignments (the overview's filter) */
const ASSIGNED_KINDS = ['BUREAU', 'COUNTY', 'DEV_ZONE', 'MANAGEMENT', 'OTHER'] as const;

/**
 * The top-15 chart: the units' own assignments only (rule-bound rows would make it a row of identical
 * county bars), and the rule-bound units of one kind with identical counts (the members of a group the
 * plan names, 各县(区)人民政府) drawn as one bar, per unit, labelled with how many share it.
 */
function chartRows(
  units: q.UnitLightRow[],
  max = 15,
): { name: string; red: number; yellow: number; green: number; grey: number }[] {
  const own = units.filter((u) => u.total > 0);
  // only units the bracket rule binds (counties, zones) are members of such a group; bureaus with equal counts by chance stay apart
  const key = (u: q.UnitLightRow) =>
    u.implicit.total > 0 ? `${u.kind}|${u.red}|${u.yellow}|${u.green}|${u.grey}` : u.id;
  const size = new Map<string, number>();
  for (const u of own) size.set(key(u), (size.get(key(u)) ?? 0) + 1);
  const out: { name: string; red: number; yellow: number; green: number; grey: number }[] = [];
  const drawn = new Set<string>();
  for (const u of own) {
    const k = key(u);
    const n = size.get(k)!;
    if (n >= 3 && drawn.has(k)) continue;
    drawn.add(k);
    out.push({
      name: n >= 3 ? `${unitKindName(u.kind)}（${n} 个单位，每个）` : u.name,
      red: u.red,
      yellow: u.yellow,
      green: u.green,
      grey: u.grey,
    });
    if (out.length === max) break;
  }
  return out;
}

export function overviewPage(
  o: Rows<typeof q.overview>,
  f: { plan?: string; light?: string; unitKind?: string },
  implicitEmailed = false,
): SafeHtml {
  const total = sum(o.lights);
  const implicitTotal = sum(o.implicitLights);
  const top = chartRows(o.units);
  return html`<h1>督办总览</h1>
<form class="filters" method="get" action="/"><label>方案 <select name="plan"><option value="">全部方案</option>${o.plans.map((p) => html`<option value="${p.slug}" ${f.plan === p.slug ? 'selected' : ''}>${p.title}</option>`)}</select></label>
<label>单位类别 <select name="unitKind"><option value="">全部</option>${ASSIGNED_KINDS.map((k) => html`<option value="${k}" ${f.unitKind === k ? 'selected' : ''}>${UNIT_KIND_NAMES[k]}</option>`)}</select></label>
<label>灯号 <select name="light">${lightOptions(f.light)}</select></label><button type="submit">筛选</button></form>
<div class="kpis" id="kpis-lights"><div class="kpi">牵头/配合分工<b id="kpi-total">${total}</b></div>${LIGHTS.map((l) => html`<div class="kpi">${lightBadge(l)}<b id="kpi-${l}">${o.lights[l]}</b></div>`)}
${implicitTotal ? html`<div class="kpi">属地落实分工（${o.implicitUnits} 个单位）<b id="kpi-implicit">${implicitTotal}</b><span class="muted">其中逾期 <span id="kpi-implicit-red">${o.implicitLights.red}</span></span></div>` : ''}</div>
<div class="kpis" id="kpis-work"><div class="kpi"><a href="/reviews">待审销号</a><b id="kpi-completion">${o.pendingCompletion}</b></div><div class="kpi"><a href="/reviews">待审延期</a><b>${o.pendingExtension}</b></div>
<div class="kpi"><a href="/slips?open=1">未关闭督办单</a><b id="kpi-slips-open">${(o.slips.BLUE ?? 0) + (o.slips.ORANGE ?? 0) + (o.slips.RED ?? 0)}</b></div><div class="kpi"><a href="/slips?open=0">已关闭督办单</a><b id="kpi-slips-closed">${o.slipsClosed}</b></div>
<div class="kpi"><a href="/notices?status=FAILED">投递失败</a><b>${(o.notices.FAILED ?? 0) + (o.notices.DEAD ?? 0)}</b></div></div>
${implicitTotal ? html`<p class="muted" id="implicit-note">${implicitNote(implicitEmailed)}</p>` : ''}
<div class="grid"><section class="card"><h2>灯号分布</h2>${chart('chart-lights', { type: 'units', data: [{ name: '牵头/配合', ...o.lights }, ...(implicitTotal ? [{ name: '属地落实', ...o.implicitLights }] : [])] })}</section>
<section class="card"><h2>各单位牵头/配合分工灯号（前 15）</h2>${chart('chart-units', { type: 'units', data: top.map((u) => ({ name: u.name, red: u.red, yellow: u.yellow, green: u.green, grey: u.grey })) })}</section></div>
<section class="card"><h2>各单位</h2>${unitTable(o.units)}</section>`;
}

export function tasksPage(
  r: Rows<typeof q.taskList>,
  f: { plan?: string; light?: string; q?: string; offset: number; limit: number },
  plans: { slug: string; title: string }[],
): SafeHtml {
  return html`<h1>任务</h1>
<form class="filters" method="get" action="/tasks"><label>方案 <select name="plan"><option value="">全部方案</option>${plans.map((p) => html`<option value="${p.slug}" ${f.plan === p.slug ? 'selected' : ''}>${p.title}</option>`)}</select></label>
<label>灯号 <select name="light">${lightOptions(f.light)}</select></label><label>任务号或关键词 <input type="text" name="q" value="${f.q ?? ''}" maxlength="100"></label><button type="submit">筛选</button></form>
<table id="tasks"><tr><th>灯号</th><th>任务</th><th>内容</th><th>完成时限</th>${countHeads}<th class="num">其中属地落实逾期</th></tr>
${r.rows.map((t) => html`<tr><td>${lightBadge(t.light)}</td><td><a href="/tasks/${t.id}">(${t.number})</a></td><td>${t.text.length > 80 ? t.text.slice(0, 80) + '…' : t.text}</td><td>${t.deadlinePhrase}</td>${counts(t)}<td class="num muted">${t.implicit.red}</td></tr>`)}</table>
${pager('/tasks', { plan: f.plan, light: f.light, q: f.q }, f.offset, f.limit, r.total)}`;
}

export function taskPage(d: NonNullable<Rows<typeof q.taskDetail>>, zone: string): SafeHtml {
  const t = d.task;
  return html`<h1>任务(${t.number})</h1><section class="card"><p class="pre">${t.text}</p>
<table><tr><th>方案</th><td>${t.plan.title}</td></tr><tr><th>章节</th><td>${t.section.title}</td></tr><tr><th>责任单位</th><td>${t.unitsText}</td></tr>
<tr><th>完成时限</th><td>${t.deadlinePhrase}${t.dueAt ? html`（${fmtDate(t.dueAt, zone)}）` : ''}</td></tr></table></section>
<section class="card"><h2>责任分工</h2>${assignmentTable(d.assignments, zone, false)}</section>
<section class="card"><h2>时间线</h2>${timeline(d.timeline, zone)}</section>`;
}

export function noticesPage(
  r: Rows<typeof q.noticeList>,
  zone: string,
  f: { status?: string; kind?: string; offset: number; limit: number },
): SafeHtml {
  return html`<h1>通知与投递记录</h1><form class="filters" method="get"><label>状态 <select name="status"><option value="">全部</option>${Object.entries(NOTICE_STATUS_NAMES).map(([k, v]) => html`<option value="${k}" ${f.status === k ? 'selected' : ''}>${v}</option>`)}</select></label>
<label>类别 <select name="kind"><option value="">全部</option>${Object.entries(NOTICE_KIND_NAMES).map(([k, v]) => html`<option value="${k}" ${f.kind === k ? 'selected' : ''}>${v}</option>`)}</select></label><button type="submit">筛选</button></form>
${noticeTable(r.rows, zone)}${pager('/notices', { status: f.status, kind: f.kind }, f.offset, f.limit, r.total)}`;
}

export function slipsPage(
  r: Rows<typeof q.slipList>,
  zone: string,
  f: { colour?: string; open?: boolean; offset: number; limit: number },
): SafeHtml {
  return html`<h1>督办单</h1><form class="filters" method="get"><label>颜色 <select name="colour"><option value="">全部</option>${Object.entries(SLIP_NAMES).map(([k, v]) => html`<option value="${k}" ${f.colour === k ? 'selected' : ''}>${v}</option>`)}</select></label>
<label>状态 <select name="open"><option value="">全部</option><option value="1" ${f.open === true ? 'selected' : ''}>未关闭</option><option value="0" ${f.open === false ? 'selected' : ''}>已关闭</option></select></label><button type="submit">筛选</button></form>
<table id="slips"><tr><th>编号</th><th>颜色</th><th>任务</th><th>单位</th><th>事由</th><th>签发</th><th>关闭</th></tr>
${r.rows.map((s) => html`<tr><td><a href="/assignments/${s.assignment.id}">${s.number}</a></td><td class="slip-${s.colour}">${SLIP_NAMES[s.colour]}</td><td><a href="/tasks/${s.assignment.task.id}">(${s.assignment.task.number})</a></td><td>${s.assignment.unit.name}</td><td>${s.reason}</td><td>${fmtIssued(s.issuedAt, zone)}</td><td>${slipClosedText(s, zone)}</td></tr>`)}</table>
${pager('/slips', { colour: f.colour, open: f.open === undefined ? undefined : f.open ? '1' : '0' }, f.offset, f.limit, r.total)}`;
}

/** Whose value it is: the unit and date of the report it comes from, or the units summed (config/indicators.json `aggregate`). */
function indicatorSource(r: q.IndicatorProgress, zone: string): SafeHtml {
  if (r.latest === null) return html``;
  if (r.aggregate === 'sum')
    return html`<div class="muted source">${r.contributors.length} 个单位最近一次报送之和：${r.contributors.map((c) => `${c.unit} ${c.value}${r.unit}（${fmtDate(c.at, zone, false)}）`).join('、')}</div>`;
  return html`<div class="muted source">${r.latestUnit} ${fmtDate(r.latestAt, zone, false)} 报送（取各单位最近一次报送）</div>`;
}

export function indicatorsPage(rows: q.IndicatorProgress[], zone: string): SafeHtml {
  const withData = rows.filter((r) => r.progress !== null);
  return html`<h1>指标进度</h1><section class="card">${
    withData.length
      ? chart('chart-indicators', {
          type: 'indicators',
          data: withData.map((r) => ({ code: r.code, name: r.name, progress: r.progress })),
        })
      : html`<p class="empty" id="indicators-empty">暂无数据：还没有单位报送指标数值。</p>`
  }</section>
<p class="muted">当前值按每项指标设定的口径计算：「最近一次报送」取报送任务中任一单位最近报送的数值，并注明单位和日期；「各单位之和」把每个单位最近一次报送的数值相加。</p>
<table id="indicators"><tr><th>代码</th><th>目标</th><th>指标</th><th>目标值</th><th>报送任务</th><th>当前值</th><th>进度</th><th>报送次数</th></tr>
${rows.map(
  (r) => html`<tr><td>${r.code}</td><td>${r.goal}</td><td>${r.name}</td><td>${r.targetText}（${r.targetYear}年）</td>
<td>${r.tasks === null ? html`<span class="muted">全部任务</span>` : r.tasks.length ? r.tasks.map((t) => `(${t})`).join('') : html`<span class="muted">未指定</span>`}</td>
<td>${r.latest === null ? html`<span class="muted">暂无数据</span>` : html`${r.latest}${r.unit}${indicatorSource(r, zone)}`}</td>
<td>${r.progress === null ? '—' : html`<div class="bar"><i style="width:${Math.round(Math.min(r.progress, 1) * 100)}%"></i></div>${r.met ? '已达标' : `${Math.round(r.progress * 100)}%`}`}</td><td class="num">${r.reports}</td></tr>`,
)}</table>`;
}

export function auditPage(r: Rows<typeof q.auditLog>, zone: string, f: { action?: string }): SafeHtml {
  return html`<h1>审计日志</h1><form class="filters" method="get"><label>动作 <select name="action"><option value="">全部</option>${Object.entries(ACTION_NAMES).map(([k, v]) => html`<option value="${k}" ${f.action === k ? 'selected' : ''}>${v}</option>`)}</select></label><button type="submit">筛选</button></form>
<table id="audit"><tr><th>#</th><th>时间</th><th>操作人</th><th>动作</th><th>内容</th></tr>
${r.rows.map(
  (
    e,
  ) => html`<tr><td class="num">${e.id}</td><td>${fmtDate(e.at, zone)}</td><td>${actorName(e.actor)}</td><td>${actionName(e.action)}</td>
<td>${auditSummary(e.data, zone) || html`<span class="muted">—</span>`}${e.assignmentId ? html` <a href="/assignments/${e.assignmentId}">查看分工</a>` : ''}<details><summary class="muted">原始记录</summary><pre class="muted">${JSON.stringify(e.data, null, 1).slice(0, 2000)}</pre></details></td></tr>`,
)}</table>
${r.next ? html`<div class="pager"><a href="${`/audit?before=${r.next}${f.action ? `&action=${encodeURIComponent(f.action)}` : ''}`}">更早</a></div>` : ''}`;
}

type PendingCompletion = Awaited<ReturnType<typeof q.pendingCompletionRequests>>;

function completionReviews(rows: q.AssignmentRow[], requests: PendingCompletion, zone: string): SafeHtml {
  return html`<table id="completion-reviews"><tr><th>灯号</th><th>任务</th><th>责任单位</th><th>申请时间</th><th>完成情况说明</th><th>佐证材料</th><th></th></tr>
${rows.map((a) => {
  const c = requests.get(a.id);
  return html`<tr><td>${lightBadge(a.light)}</td><td><a href="/tasks/${a.taskId}">(${a.taskNumber})</a> ${a.taskText.length > 40 ? a.taskText.slice(0, 40) + '…' : a.taskText}</td><td><a href="/units/${a.unitId}">${a.unit}</a></td>
<td>${c ? fmtDate(c.requestedAt, zone) : ''}</td><td class="pre completion-note">${c?.note || html`<span class="muted">（未填写）</span>`}</td><td>${evidenceList(c?.evidenceLinks ?? [])}</td><td><a href="/assignments/${a.id}">审核</a></td></tr>`;
})}</table>`;
}

export function reviewsPage(
  completion: q.AssignmentRow[],
  extension: Rows<typeof q.extensionList>['rows'],
  zone: string,
  requests: PendingCompletion = new Map(),
): SafeHtml {
  return html`<h1>待审事项</h1><section class="card"><h2>销号申请</h2>${completion.length ? completionReviews(completion, requests, zone) : html`<p class="muted">暂无。</p>`}</section>
<section class="card"><h2>延期申请</h2>${
    extension.length
      ? html`<table><tr><th>任务</th><th>单位</th><th>申请时间</th><th>申请延至</th><th>理由</th><th></th></tr>${extension.map((e) => html`<tr><td>(${e.assignment.task.number})</td><td>${e.assignment.unit.name}</td><td>${fmtDate(e.requestedAt, zone)}</td><td>${fmtDate(e.requestedDueAt, zone, false)}</td><td class="pre">${e.reason}</td><td><a href="/assignments/${e.assignment.id}">审核</a></td></tr>`)}</table>`
      : html`<p class="muted">暂无。</p>`
  }</section>`;
}
