/**
 * The dashboard's unit pages (Chinese UI): the units list, a unit's page (lights, contacts, its
 * assignments, the letters it received and its workspace link) and the contacts form.
 */
import { html, type SafeHtml } from '../html';
import { fmtDate, lightBadge, unitKindName } from '../format';
import { LIGHTS } from '../../app/dashboard/lights';
import type * as q from '../../app/dashboard/queries';
import {
  assignmentTable,
  gapNote,
  implicitNote,
  lightOptions,
  pager,
  sum,
  unitTable,
  type Rows,
  type UnitGap,
} from './dashboard-parts';
import type { WorkspaceLetter } from '../../app/workspace';

/** A contact's role as the pages name it (the directory's LIAISON / LEADER / RECIPIENT). */
const contactRoleName = (role: string) => (role === 'LIAISON' ? '联络员' : role === 'LEADER' ? '分管负责人' : '收件人');

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
${d.contacts.map((c) => html`<tr><td>${contactRoleName(c.role)}</td><td>${c.name}</td><td>${c.email}</td><td>${c.phone ?? ''}</td><td class="digest">${c.digest ? '每日摘要' : '逐条通知'}</td></tr>`)}</table></section>
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
  const unread = w.letters.filter((l) => l.status === 'SENT' && !l.readAt && !l.central).length;
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
  ) => html`<tr data-letter="${l.id}"><td>${l.sentAt ? fmtDate(l.sentAt, zone) : '—'}${l.resendOf ? html` <span class="muted">（重发）</span>` : ''}</td><td>${l.plan}</td><td>${l.email}</td><td class="num">${l.items}</td><td class="num">${l.central ? '—' : l.unsigned ? html`<b class="n-red">${l.unsigned}</b>` : '0'}</td>
<td class="letter-read">${l.central ? '督办汇总（不含链接）' : l.readAt ? `已读（${fmtDate(l.readAt, zone)}）` : '未读'}</td><td>${l.status ? (LETTER_STATUS[l.status] ?? l.status) : '待发送'}</td>${
    office
      ? html`<td>${l.status === 'SENT' ? html`<form method="post" action="/units/${unitId}/letters/${l.id}/resend">${csrf}<button type="submit" class="secondary">重发</button></form>` : ''}</td>`
      : ''
  }</tr>`,
)}</table>`
    : html`<p class="muted">尚未向该单位发出督办函。</p>`
}</section>`;
}

export function unitsPage(units: q.UnitLightRow[], implicitEmailed = false, gaps: readonly UnitGap[] = []): SafeHtml {
  return html`<h1>单位</h1>${gapNote(gaps)}${units.some((u) => u.implicit.total > 0) ? html`<p class="muted">${implicitNote(implicitEmailed)}</p>` : ''}${unitTable(units, gaps)}`;
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
  ) => html`<tr><td><select name="role_${i}">${['LIAISON', 'LEADER', 'RECIPIENT'].map((r) => html`<option value="${r}" ${c.role === r ? 'selected' : ''}>${contactRoleName(r)}</option>`)}</select></td>
<td><input type="text" name="name_${i}" value="${c.name}" maxlength="100"></td><td><input type="email" name="email_${i}" value="${c.email}" maxlength="200"></td><td><input type="text" name="phone_${i}" value="${c.phone ?? ''}" maxlength="30"></td>
<td><label><input type="checkbox" name="digest_${i}" value="1" id="digest_${i}" ${c.digest ? 'checked' : ''}> 每日摘要（每天一封汇总邮件，代替逐条通知）</label></td></tr>`,
)}</table><input type="hidden" name="rows" value="${rows.length}"><p><button type="submit">保存</button> <a href="/units/${d.unit.id}">返回</a></p></form>`;
}
