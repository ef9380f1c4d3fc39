/**
 * The dashboard's assignment page (Chinese UI): state, letters, the Office's decisions, links,
 * reports, requests, slips, notices and the timeline; and the 撤销全部链接 confirmation.
 */
import { html, type SafeHtml } from '../html';
import {
  fmtDate,
  fmtIssued,
  lightBadge,
  noticeKindName,
  EXTENSION_STATUS_NAMES,
  ROLE_NAMES,
  SLIP_NAMES,
  slipClosedText,
  stateName,
  unitKindName,
} from '../format';
import { evidenceList, noticeTable, timeline } from './dashboard-parts';
import type { WebSession } from '../sessions';
import { reportsTable, type Detail } from './unit';

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

const REVIEW_NAMES: Record<string, string> = { REQUESTED: '待审', APPROVED: '已同意', REJECTED: '已退回' };

/** What a unit sent with its completion request: when, the 完成情况说明, the evidence links. */
function completionText(c: { requestedAt: Date; note: string; evidenceLinks: string[] }, zone: string): SafeHtml {
  return html`<b>销号申请</b>（${fmtDate(c.requestedAt, zone)}）<p class="pre completion-note">${c.note || '（未填写完成情况说明）'}</p>${c.evidenceLinks.length ? html`<div>佐证材料：${evidenceList(c.evidenceLinks)}</div>` : ''}`;
}

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
