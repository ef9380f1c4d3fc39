/** Dashboard pages (Chinese UI). Every value is escaped by the `html` tag. */
import { html, jsonForScript, safeHref, type SafeHtml } from '../html';
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
  noticeKindName,
  EXTENSION_STATUS_NAMES,
  recipientsText,
  ROLE_NAMES,
  SLIP_NAMES,
  slipClosedText,
  stateName,
  UNIT_KIND_NAMES,
  unitKindName,
} from '../format';
import { LIGHT_LABELS, LIGHTS, type Light } from '../../app/dashboard/lights';
import type * as q from '../../app/dashboard/queries';
import type { WebSession } from '../sessions';
import { reportsTable, type Detail } from './unit';
import type { WorkspaceLetter } from '../../app/workspace';

type Rows<T extends (...a: never[]) => unknown> = Awaited<ReturnType<T>>;

/** the unit kinds that hold assignments (the overview's filter) */
const ASSIGNED_KINDS = ['BUREAU', 'COUNTY', 'DEV_ZONE', 'MANAGEMENT', 'OTHER'] as const;

function lightOptions(selected?: string): SafeHtml {
  return html`<option value="">全部灯号</option>${LIGHTS.map((l) => html`<option value="${l}" ${selected === l ? 'selected' : ''}>${LIGHT_LABELS[l]}</option>`)}`;
}

function counts(c: Record<Light, number>): SafeHtml {
  return html`<td class="num n-red">${c.red}</td><td class="num n-yellow">${c.yellow}</td><td class="num n-green">${c.green}</td><td class="num muted">${c.grey}</td>`;
}
const countHeads = html`<th class="num">逾期</th><th class="num">临期/报告逾期</th><th class="num">正常</th><th class="num">已办结</th>`;

function chart(id: string, spec: unknown): SafeHtml {
  return html`<div class="chart" id="${id}"></div><script type="application/json" class="chart-data" data-for="${id}">${jsonForScript(spec)}</script>`;
}

function pager(
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

const sum = (c: Record<Light, number>) => c.red + c.yellow + c.green + c.grey;

/**
 * Why rule-bound assignments are counted apart (app/dashboard/queries/overview.ts UnitLightRow). `emailed`:
 * the plans shown notify IMPLICIT units (their notifyRoles, app/notify-roles.ts: the shipped policy
 * does, a plan started with `--notify-roles LEAD,CO` does not), so they get their own notices.
 */
const implicitNote = (emailed: boolean) =>
  emailed
    ? '属地落实：方案规定各县（区）人民政府、开发区管委会和湾里管理局承担每项任务，这些分工单独统计；其余灯号只计各单位牵头、配合的分工。'
    : '属地落实：方案规定各县（区）人民政府、开发区管委会和湾里管理局承担每项任务，这些分工按规则记录和督办，不单独发送邮件通知，单独统计；其余灯号只计各单位牵头、配合的分工，与各单位收到的通知一致。';

/** The per-unit table of the overview and /units: own assignments, then the rule-bound ones apart. */
function unitTable(units: q.UnitLightRow[]): SafeHtml {
  const implicit = units.some((u) => u.implicit.total > 0);
  return html`<table id="units"><tr><th>单位</th><th>类别</th><th class="num">牵头/配合分工</th>${countHeads}${implicit ? html`<th class="num">属地落实分工</th><th class="num">其中逾期</th>` : ''}</tr>
${units.map((u) => html`<tr><td><a href="/units/${u.id}">${u.name}</a></td><td>${unitKindName(u.kind)}</td><td class="num">${u.total}</td>${counts(u)}${implicit ? html`<td class="num muted">${u.implicit.total}</td><td class="num muted">${u.implicit.red}</td>` : ''}</tr>`)}</table>`;
}

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

function assignmentTable(rows: q.AssignmentRow[], zone: string, showTask: boolean): SafeHtml {
  return html`<table class="assignments"><tr><th>灯号</th>${showTask ? html`<th>任务</th>` : html`<th>单位</th>`}<th>分工</th><th>状态</th><th>完成时限</th><th>最近报告</th><th></th></tr>
${rows.map(
  (
    a,
  ) => html`<tr><td>${lightBadge(a.light)}</td>${showTask ? html`<td><a href="/tasks/${a.taskId}">(${a.taskNumber})</a> ${a.taskText.length > 40 ? a.taskText.slice(0, 40) + '…' : a.taskText}</td>` : html`<td><a href="/units/${a.unitId}">${a.unit}</a></td>`}
<td>${ROLE_NAMES[a.role] ?? a.role}</td><td>${stateName(a.state)}${a.overdue ? html` <b class="n-red">逾期</b>` : ''}</td><td>${fmtDate(a.dueAt, zone, false)}</td><td>${fmtDate(a.lastReportAt, zone)}</td><td><a href="/assignments/${a.id}">详情</a></td></tr>`,
)}</table>`;
}

function timeline(events: q.TimelineEvent[], zone: string): SafeHtml {
  if (!events.length) return html`<p class="muted">暂无记录。</p>`;
  return html`<ol class="timeline" reversed>${events.map((e) => {
    const detail = auditSummary(e.data, zone);
    return html`<li><span class="muted">${fmtDate(e.at, zone)}</span> <b>${actionName(e.action)}</b> <span class="muted">${actorName(e.actor)}</span>${detail ? html` — ${detail}` : ''}</li>`;
  })}</ol>`;
}

export function taskPage(d: NonNullable<Rows<typeof q.taskDetail>>, zone: string): SafeHtml {
  const t = d.task;
  return html`<h1>任务(${t.number})</h1><section class="card"><p class="pre">${t.text}</p>
<table><tr><th>方案</th><td>${t.plan.title}</td></tr><tr><th>章节</th><td>${t.section.title}</td></tr><tr><th>责任单位</th><td>${t.unitsText}</td></tr>
<tr><th>完成时限</th><td>${t.deadlinePhrase}${t.dueAt ? html`（${fmtDate(t.dueAt, zone)}）` : ''}</td></tr></table></section>
<section class="card"><h2>责任分工</h2>${assignmentTable(d.assignments, zone, false)}</section>
<section class="card"><h2>时间线</h2>${timeline(d.timeline, zone)}</section>`;
}

export function unitPage(
  d: NonNullable<Rows<typeof q.unitDetail>>,
  zone: string,
  office: boolean,
  f: { light?: string; offset: number; limit: number },
  implicitEmailed = false,
  w: UnitLettersView | null = null,
): SafeHtml {
  const u = d.unit;
  return html`<h1>${u.name}</h1>${w?.message ? html`<div class="msg ${w.message.kind}" role="${w.message.kind === 'ok' ? 'status' : 'alert'}" id="result">${w.message.text}</div>` : ''}<section class="card"><p>${u.fullName ?? ''} <span class="muted">${unitKindName(u.kind)}${u.aliases.length ? html`；别名：${u.aliases.join('、')}` : ''}</span></p>
<div class="kpis">${LIGHTS.map((l) => html`<div class="kpi">${lightBadge(l)}<b id="unit-${l}">${d.lights[l]}</b>${d.implicitLights[l] ? html`<span class="muted" id="unit-implicit-${l}">其中属地落实 ${d.implicitLights[l]} 项</span>` : ''}</div>`)}</div>
${
  sum(d.implicitLights)
    ? html`<p class="muted" id="implicit-note">本单位牵头、配合的分工：逾期 <b id="unit-own-red">${d.lights.red - d.implicitLights.red}</b> 项${implicitEmailed ? '' : '，通知邮件列出的逾期事项即这些分工'}；其余 ${sum(d.implicitLights)} 项是属地落实分工（方案规定各县（区）、开发区和湾里管理局承担每项任务）${implicitEmailed ? '，单独统计' : '，按规则记录和督办，不单独发送邮件通知'}。</p>`
    : ''
}</section>
<section class="card"><h2>联系人 ${office ? html`<a href="/units/${u.id}/contacts" class="muted">修改</a> <a href="/units/${u.id}/channels" class="muted" id="robots-link">群机器人</a>` : ''}</h2><table id="contacts"><tr><th>角色</th><th>姓名</th><th>邮箱</th><th>电话</th><th>通知方式</th></tr>
${d.contacts.map((c) => html`<tr><td>${c.role === 'LIAISON' ? '联络员' : c.role === 'LEADER' ? '分管负责人' : '收件人'}</td><td>${c.name}</td><td>${c.email}</td><td>${c.phone ?? ''}</td><td class="digest">${c.digest ? '每日摘要' : '逐条通知'}</td></tr>`)}</table></section>
<section class="card"><h2>任务分工</h2><form class="filters" method="get"><label>灯号 <select name="light">${lightOptions(f.light)}</select></label><button type="submit">筛选</button></form>
${assignmentTable(d.assignments, zone, true)}${pager(`/units/${u.id}`, { light: f.light }, f.offset, f.limit, d.total)}</section>
${w ? unitLettersSection(u.id, w, zone, office) : ''}`;
}

/** What the unit page shows of the unit's letters (app/workspace.ts unitLetters) and its workspace link. */
export interface UnitLettersView {
  letters: WorkspaceLetter[];
  plans: { slug: string; title: string }[];
  csrf: string;
  message: { kind: 'ok' | 'refused'; text: string } | null;
}

const LETTER_STATUS: Record<string, string> = {
  SENT: '已发送',
  RETRY: '重试中',
  SENDING: '发送中',
  FAILED: '被拒收',
  DEAD: '未送达',
};

function unitLettersSection(unitId: string, w: UnitLettersView, zone: string, office: boolean): SafeHtml {
  const csrf = html`<input type="hidden" name="_csrf" value="${w.csrf}">`;
  const unread = w.letters.filter((l) => l.status === 'SENT' && !l.readAt).length;
  return html`<section class="card" id="unit-letters"><h2>督办函</h2>
${
  office && w.plans.length
    ? html`<form method="post" action="/units/${unitId}/workspace-link" class="filters">${csrf}${
        w.plans.length > 1
          ? html`<label>方案 <select name="plan">${w.plans.map((p) => html`<option value="${p.slug}">${p.title}</option>`)}</select></label>`
          : html`<input type="hidden" name="plan" value="${w.plans[0]!.slug}">`
      }<button type="submit" id="workspace-link">生成本单位督办事项链接</button> <span class="muted">用于通过其他方式转交该单位；撤销本单位全部链接时一并失效。</span></form>`
    : ''
}
${
  w.letters.length
    ? html`<p class="muted" id="letters-summary">共${w.letters.length}封，未读${unread}封。</p><table id="letters"><tr><th>发送时间</th><th>方案</th><th>收件人</th><th>事项</th><th>未签收</th><th>阅读</th><th>状态</th>${office ? html`<th></th>` : ''}</tr>
${w.letters.map(
  (
    l,
  ) => html`<tr data-letter="${l.id}"><td>${l.sentAt ? fmtDate(l.sentAt, zone) : '—'}${l.resendOf ? html` <span class="muted">（重发）</span>` : ''}</td><td>${l.plan}</td><td>${l.email}</td><td class="num">${l.items}</td><td class="num">${l.unsigned ? html`<b class="n-red">${l.unsigned}</b>` : '0'}</td>
<td class="letter-read">${l.readAt ? `已读（${fmtDate(l.readAt, zone)}）` : '未读'}</td><td>${l.status ? (LETTER_STATUS[l.status] ?? l.status) : '待发送'}</td>${
    office
      ? html`<td>${l.status === 'SENT' ? html`<form method="post" action="/units/${unitId}/letters/${l.id}/resend">${csrf}<button type="submit" class="secondary">重发</button></form>` : ''}</td>`
      : ''
  }</tr>`,
)}</table>`
    : html`<p class="muted">尚未向该单位发出督办函。</p>`
}</section>`;
}

export function unitsPage(units: q.UnitLightRow[], implicitEmailed = false): SafeHtml {
  return html`<h1>单位</h1>${units.some((u) => u.implicit.total > 0) ? html`<p class="muted">${implicitNote(implicitEmailed)}</p>` : ''}${unitTable(units)}`;
}

export function contactsForm(
  d: NonNullable<Rows<typeof q.unitDetail>>,
  csrf: string,
  message: { kind: 'ok' | 'refused'; text: string } | null,
): SafeHtml {
  const rows = [
    ...d.contacts,
    { role: 'LIAISON', name: '', email: '', phone: '', digest: false },
    { role: 'LEADER', name: '', email: '', phone: '', digest: false },
  ];
  return html`<h1>修改联系人 · ${d.unit.name}</h1>${message ? html`<div class="msg ${message.kind}" role="alert">${message.text}</div>` : ''}
<form method="post" action="/units/${d.unit.id}/contacts" class="card"><input type="hidden" name="_csrf" value="${csrf}">
<p class="muted">清空姓名和邮箱即删除该联系人。勾选“每日摘要”的邮箱每天只收到一封汇总邮件，代替逐条通知（提醒、催办等；发给多人的通知和告警仍即时发送）；同一邮箱在任一单位勾选即对该邮箱全部生效。</p><table><tr><th>角色</th><th>姓名</th><th>邮箱</th><th>电话</th><th>每日摘要</th></tr>
${rows.map(
  (
    c,
    i,
  ) => html`<tr><td><select name="role_${i}">${['LIAISON', 'LEADER', 'RECIPIENT'].map((r) => html`<option value="${r}" ${c.role === r ? 'selected' : ''}>${r === 'LIAISON' ? '联络员' : r === 'LEADER' ? '分管负责人' : '收件人'}</option>`)}</select></td>
<td><input type="text" name="name_${i}" value="${c.name}" maxlength="100"></td><td><input type="email" name="email_${i}" value="${c.email}" maxlength="200"></td><td><input type="text" name="phone_${i}" value="${c.phone ?? ''}" maxlength="30"></td>
<td><label><input type="checkbox" name="digest_${i}" value="1" id="digest_${i}" ${c.digest ? 'checked' : ''}> 每日摘要（每天一封汇总邮件，代替逐条通知）</label></td></tr>`,
)}</table><input type="hidden" name="rows" value="${rows.length}"><p><button type="submit">保存</button> <a href="/units/${d.unit.id}">返回</a></p></form>`;
}

/** 改派: the new unit is chosen from the directory (units that can hold assignments, by kind), never typed. */
function reassignChoice(units: { name: string; kind: string }[], current: string): SafeHtml {
  const kinds = [...new Set(units.map((u) => u.kind))];
  return html`<label for="toUnit">新的责任单位</label><select id="toUnit" name="toUnit" required><option value="">请选择单位</option>${kinds.map(
    (k) =>
      html`<optgroup label="${unitKindName(k)}">${units.filter((u) => u.kind === k && u.name !== current).map((u) => html`<option value="${u.name}">${u.name}</option>`)}</optgroup>`,
  )}</select>`;
}

export function assignmentPage(
  d: Detail,
  o: {
    zone: string;
    session: WebSession;
    message?: { kind: 'ok' | 'refused'; text: string } | null;
    newLink?: string | null;
    units?: { name: string; kind: string }[];
    /** the unit letters that carried this assignment's notices (app/workspace.ts assignmentLetters) */
    letters?: { id: string; email: string; sentAt: Date | null; readAt: Date | null; what: string[] }[];
  },
): SafeHtml {
  const a = d.assignment;
  const office = o.session.role === 'office';
  const csrf = html`<input type="hidden" name="_csrf" value="${o.session.csrfToken}">`;
  const act = (type: string, label: string, needsReason: boolean, extra: SafeHtml | '' = '') =>
    html`<form method="post" action="/assignments/${a.id}/actions/${type}" class="card">${csrf}<b>${label}</b>${extra}<label>理由${needsReason ? '（必填）' : ''}</label><textarea name="reason" ${needsReason ? 'required' : ''} maxlength="2000"></textarea><p><button type="submit" id="do-${type}">${label}</button></p></form>`;
  const pendingExt = a.extensions.find((e) => e.status === 'REQUESTED');
  const pendingDone = a.completionRequests.find((c) => c.status === 'REQUESTED');
  return html`<h1>任务(${a.task.number}) · ${a.unit.name}</h1>
${o.message ? html`<div class="msg ${o.message.kind}" role="${o.message.kind === 'ok' ? 'status' : 'alert'}" id="result">${o.message.text}</div>` : ''}
<section class="card"><p class="pre">${a.task.text}</p><table>
<tr><th>状态</th><td id="state">${stateName(a.state)} ${lightBadge(d.light)}${a.overdue && d.light !== 'red' ? html` <b class="n-red">已逾期</b>` : ''}</td></tr>
<tr><th>分工</th><td>${ROLE_NAMES[a.role] ?? a.role}</td></tr>
<tr><th>完成时限</th><td>${a.task.deadlinePhrase}${a.dueAt ? html`（${fmtDate(a.dueAt, o.zone)}）` : ''}${a.originalDueAt && a.dueAt && a.originalDueAt.getTime() !== a.dueAt.getTime() ? html` 原定 ${fmtDate(a.originalDueAt, o.zone)}` : ''}</td></tr>
<tr><th>签收</th><td>${fmtDate(a.acknowledgedAt, o.zone)}</td></tr><tr><th>销号</th><td>${fmtDate(a.completedAt, o.zone)}</td></tr></table>
<p><a href="/tasks/${a.taskId}">任务全部分工</a> · <a href="/units/${a.unit.id}">${a.unit.name}</a></p></section>
${
  o.letters?.length
    ? html`<section class="card" id="assignment-letters"><h2>督办函</h2><p class="muted">该分工的通知随${a.unit.name}的督办函发出；${a.acknowledgedAt ? '已签收' : html`<b class="n-red">尚未签收</b>`}。</p><table><tr><th>发送时间</th><th>收件人</th><th>本项事项</th><th>阅读</th></tr>${o.letters.map(
        (l) =>
          html`<tr><td>${fmtDate(l.sentAt, o.zone)}</td><td>${l.email}</td><td>${l.what.map(noticeKindName).join('、')}</td><td class="letter-read">${l.readAt ? `已读（${fmtDate(l.readAt, o.zone)}）` : '未读'}</td></tr>`,
      )}</table></section>`
    : ''
}
${
  office && a.state !== 'COMPLETED' && a.state !== 'CANCELLED'
    ? html`<h2>办理</h2><div class="grid">
${a.state === 'COMPLETION_REQUESTED' ? html`${pendingDone ? html`<div class="card" id="completion-request">${completionText(pendingDone, o.zone)}</div>` : ''}${act('approveCompletion', '同意销号', false)}${act('rejectCompletion', '退回销号申请', true)}` : ''}
${a.state === 'EXTENSION_REQUESTED' ? html`${pendingExt ? html`<div class="card">申请延至 <b>${fmtDate(pendingExt.requestedDueAt, o.zone, false)}</b>：<span class="pre">${pendingExt.reason}</span></div>` : ''}${act('approveExtension', '同意延期', false)}${act('rejectExtension', '驳回延期申请', true)}` : ''}
${act('reassign', '改派', true, reassignChoice(o.units ?? [], a.unit.name))}${act('cancel', '撤销分工', true)}</div>
<section class="card"><h2>办理链接</h2><p class="muted">通知邮件中的链接只能办理本分工。可生成新链接，或撤销此前发出的全部链接。</p>
${o.newLink ? html`<p>新链接：<input type="text" readonly value="${o.newLink}" style="width:100%" id="new-link"></p>` : ''}
<form class="inline" method="post" action="/assignments/${a.id}/links">${csrf}<button type="submit" class="secondary">生成新链接</button></form>
<a class="button secondary" href="/assignments/${a.id}/links/revoke" id="revoke-links">撤销全部链接…</a></section>`
    : ''
}
<section class="card"><h2>进展报告</h2>${reportsTable(d, o.zone)}</section>
${a.extensions.length ? html`<section class="card"><h2>延期申请</h2><table><tr><th>申请时间</th><th>申请延至</th><th>理由</th><th>结果</th></tr>${a.extensions.map((e) => html`<tr><td>${fmtDate(e.requestedAt, o.zone)}</td><td>${fmtDate(e.requestedDueAt, o.zone, false)}</td><td class="pre">${e.reason}</td><td>${EXTENSION_STATUS_NAMES[e.status] ?? e.status}${e.decisionReason ? html`：${e.decisionReason}` : ''}</td></tr>`)}</table></section>` : ''}
${a.completionRequests.length ? html`<section class="card"><h2>销号申请</h2><table id="completion-requests"><tr><th>申请时间</th><th>完成情况说明</th><th>佐证材料</th><th>结果</th></tr>${a.completionRequests.map((c) => html`<tr><td>${fmtDate(c.requestedAt, o.zone)}</td><td class="pre">${c.note || '（未填写）'}</td><td>${evidenceList(c.evidenceLinks)}</td><td>${REVIEW_NAMES[c.status] ?? c.status}${c.decisionReason ? html`：${c.decisionReason}` : ''}</td></tr>`)}</table></section>` : ''}
${a.slips.length ? html`<section class="card"><h2>督办单</h2><table><tr><th>编号</th><th>颜色</th><th>事由</th><th>签发</th><th>关闭</th></tr>${a.slips.map((s) => html`<tr><td>${s.number}</td><td class="slip-${s.colour}">${SLIP_NAMES[s.colour]}</td><td>${s.reason}</td><td>${fmtIssued(s.issuedAt, o.zone)}</td><td class="slip-closed">${slipClosedText(s, o.zone)}</td></tr>`)}</table></section>` : ''}
<section class="card"><h2>通知</h2>${noticeTable(
    d.notices.map((n) => ({
      ...n,
      assignment: null,
      slip: null,
      ...(n.assignmentId ? {} : { object: `${a.unit.name}全部逾期事项（含本任务）` }),
    })),
    o.zone,
  )}</section>
<section class="card"><h2>时间线</h2>${timeline(d.timeline, o.zone)}</section>`;
}

/** a notice as listed; `object` overrides what the 对象 cell says (an assignment's page names the catch-up letter that covered it) */
type NoticeRow = (
  | Rows<typeof q.noticeList>['rows'][number]
  | (Omit<Rows<typeof q.noticeList>['rows'][number], 'assignment' | 'slip'> & { assignment: null; slip: null })
) & { object?: string };

/** What a notice not tied to one assignment is about, from its payload (the unit of a catch-up letter), never its internal scope key. */
function noticeObject(payload: unknown): string {
  const p = (payload ?? {}) as { unit?: unknown; items?: unknown };
  if (typeof p.unit === 'string' && p.unit) return p.unit;
  if (Array.isArray(p.items)) return `${p.items.length} 项事项`;
  return '—';
}

function noticeTable(rows: NoticeRow[], zone: string): SafeHtml {
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

const REVIEW_NAMES: Record<string, string> = { REQUESTED: '待审', APPROVED: '已同意', REJECTED: '已退回' };

function evidenceList(links: string[]): SafeHtml | string {
  return links.length
    ? html`${links.map((l) => html`<div><a href="${safeHref(l)}" rel="noopener noreferrer nofollow" target="_blank">${l}</a></div>`)}`
    : '';
}

/** What a unit sent with its completion request: when, the 完成情况说明, the evidence links. */
function completionText(c: { requestedAt: Date; note: string; evidenceLinks: string[] }, zone: string): SafeHtml {
  return html`<b>销号申请</b>（${fmtDate(c.requestedAt, zone)}）<p class="pre completion-note">${c.note || '（未填写完成情况说明）'}</p>${c.evidenceLinks.length ? html`<div>佐证材料：${evidenceList(c.evidenceLinks)}</div>` : ''}`;
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

export { safeHref };

/** The confirmation of 撤销全部链接: what it does, and how the unit gets a working link again. */
export function revokeLinksConfirm(d: Detail, csrfToken: string): SafeHtml {
  const a = d.assignment;
  return html`<h1>撤销全部链接 · 任务(${a.task.number}) ${a.unit.name}</h1>
<form method="post" action="/assignments/${a.id}/links/revoke" class="card"><input type="hidden" name="_csrf" value="${csrfToken}"><input type="hidden" name="confirm" value="yes">
<p>撤销后，此前发给${a.unit.name}的全部办理链接（包括已发出的通知邮件中的链接）立即失效。</p>
<p>${a.unit.name}仍需办理本分工，请选择如何给它新的链接：</p>
<label><input type="radio" name="then" value="email" checked> 重新发送任务交办通知邮件（含新链接）给${a.unit.name}联络员</label>
<label><input type="radio" name="then" value="link"> 生成新链接，由我转交</label>
<p><button type="submit" id="confirm-revoke">确认撤销</button> <a href="/assignments/${a.id}">取消</a></p></form>`;
}
