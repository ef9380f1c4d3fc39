/**
 * The unit's workspace (本单位督办事项): every assignment of the unit in one plan, with its light,
 * time limit, what is owed now and the 督办单 it received; batch 签收; one 进展报送 form per
 * reporting period listing every task owed for it (draft or submit at once); the letters received.
 * Each task links its own form (routes/unit-form.ts) for extension and completion requests and its
 * history. Plain HTML forms (post/redirect/get, routes/unit-workspace.ts): nothing needs JavaScript,
 * and the tables fold into cards below 600 px (app.css `.ws`).
 */
import { html, type SafeHtml } from '../html';
import { lightBadge, ROLE_NAMES, SLIP_NAMES, stateName } from '../format';
import { formatDate } from '../../domain/messages/format';
import { isClosed } from '../../domain/lifecycle';
import type { Workspace, WorkspaceAssignment } from '../../app/workspace';
import type { PeriodChoice } from '../unit-input';
import type { FormMessage } from './unit';
import { unitLayout } from './layout';

export interface WorkspacePageInput {
  ws: Workspace;
  /** the form's address (/u/<unit>/<plan>) and its token (a hidden field of every form) */
  action: string;
  token: string;
  zone: string;
  message: FormMessage | null;
  /** per assignment: the reporting periods it may report now (periodChoices) */
  periods: ReadonlyMap<string, PeriodChoice[]>;
  /** per assignment: its own form's link */
  formLinks: ReadonlyMap<string, string>;
}

/** One reporting period and the tasks that owe it. */
export interface PeriodGroup {
  period: string;
  label: string;
  status: PeriodChoice['status'];
  dueAt: string;
  assignments: WorkspaceAssignment[];
}

/** The periods owed by the workspace's open assignments, each with the tasks owing it: late first, then due, then the current one. */
export function periodGroups(ws: Workspace, periods: ReadonlyMap<string, PeriodChoice[]>): PeriodGroup[] {
  const groups = new Map<string, PeriodGroup>();
  for (const a of ws.assignments) {
    if (isClosed(a.state)) continue;
    for (const c of periods.get(a.id) ?? []) {
      const g = groups.get(c.value) ?? {
        period: c.value,
        label: c.label,
        status: c.status,
        dueAt: c.dueAt,
        assignments: [],
      };
      g.assignments.push(a);
      groups.set(c.value, g);
    }
  }
  const rank = { overdue: 0, due: 1, open: 2 } as const;
  return [...groups.values()].sort((x, y) => rank[x.status] - rank[y.status] || x.dueAt.localeCompare(y.dueAt));
}

const cn = (d: Date | string | null | undefined, zone: string) =>
  d ? formatDate(typeof d === 'string' ? d : d.toISOString(), zone) : '—';

/** What the unit owes on one assignment now, in words. */
function owedText(a: WorkspaceAssignment, periods: PeriodChoice[], zone: string): string[] {
  if (isClosed(a.state)) return [a.state === 'COMPLETED' ? '已销号' : '已撤销'];
  const out: string[] = [];
  if (!a.acknowledgedAt && a.state === 'ASSIGNED') out.push('待签收');
  for (const p of periods) if (p.status !== 'open') out.push(`${p.label.replace(/（/, '报告（')}`);
  const open = periods.find((p) => p.status === 'open');
  if (open) out.push(`${open.label.replace(/（/, '报告（')}`);
  if (a.overdue) out.push(`已超过完成时限${a.dueAt ? `（${cn(a.dueAt, zone)}）` : ''}`);
  if (a.pendingExtension) out.push('延期申请待办公室审核');
  if (a.pendingCompletion) out.push('销号申请待办公室审核');
  return out.length ? out : ['暂无需要办理的事项'];
}

function dueCell(a: WorkspaceAssignment, zone: string): string {
  if (!a.dueAt) return a.deadlinePhrase;
  return `${a.deadlinePhrase}（${cn(a.dueAt, zone).replace(/（星期.）/, '')}）`;
}

export function workspacePage(o: WorkspacePageInput): SafeHtml {
  const { ws, zone } = o;
  const open = ws.assignments.filter((a) => !isClosed(a.state));
  const unsigned = open.filter((a) => !a.acknowledgedAt && a.state === 'ASSIGNED');
  const roles = (['LEAD', 'CO', 'IMPLICIT'] as const)
    .map((r) => [ROLE_NAMES[r], ws.assignments.filter((a) => a.role === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r}${n}项`);
  const count = (l: string) => ws.assignments.filter((a) => a.light === l).length;
  const groups = periodGroups(ws, o.periods);
  const hidden = html`<input type="hidden" name="t" value="${o.token}">`;
  const draftOf = new Map(ws.drafts.map((d) => [`${d.assignmentId}|${d.period}`, d]));
  return unitLayout(
    `本单位督办事项 · ${ws.unit.name}`,
    html`<section class="card ws-head"><h1>本单位督办事项</h1>
<p><b id="ws-unit">${ws.unit.name}</b> · 《${ws.plan.title}》</p>
<p id="ws-summary">共${ws.assignments.length}项任务（${roles.join('、')}）；红灯${count('red')}项、黄灯${count('yellow')}项、绿灯${count('green')}项；${unsigned.length ? `待签收${unsigned.length}项` : '已全部签收'}${groups.length ? html`；需报送进展的报告期${groups.length}个` : ''}。</p></section>
${o.message ? html`<div class="msg ${o.message.kind}" role="${o.message.kind === 'ok' ? 'status' : 'alert'}" id="result">${o.message.text}</div>` : ''}
${
  unsigned.length
    ? html`<section class="card" id="sign"><h2>签收任务（${unsigned.length}项待签收）</h2>
<form method="post" action="${o.action}">${hidden}<input type="hidden" name="action" value="acknowledge">
<p><button type="submit" name="all" value="1" id="sign-all">全部签收（${unsigned.length}项）</button></p>
<p class="muted">或勾选其中几项后签收：</p>
<ul class="ws-checks">${unsigned.map((a) => html`<li><label><input type="checkbox" name="a" value="${a.id}"> 任务(${a.taskNumber}) ${short(a.taskText)}</label></li>`)}</ul>
<p><button type="submit" id="sign-selected">签收所选任务</button></p></form></section>`
    : ''
}
${groups.map((g) => reportForm(o, g, draftOf, hidden))}
<section class="card"><h2>全部任务</h2>
<table class="ws" id="ws-tasks"><thead><tr><th>任务</th><th>任务内容</th><th>角色</th><th>状态</th><th>完成时限</th><th>当前需办理</th><th>督办单</th><th></th></tr></thead><tbody>
${ws.assignments.map(
  (
    a,
  ) => html`<tr id="row-${a.id}" data-task="${a.taskNumber}"><td data-label="任务">(${a.taskNumber})</td><td data-label="任务内容" class="pre">${a.taskText}</td>
<td data-label="角色">${ROLE_NAMES[a.role] ?? a.role}</td><td data-label="状态" class="ws-state">${stateName(a.state)} ${lightBadge(a.light)}</td>
<td data-label="完成时限">${dueCell(a, zone)}</td><td data-label="当前需办理" class="ws-owed">${owedText(a, o.periods.get(a.id) ?? [], zone).map((t) => html`<div>${t}</div>`)}</td>
<td data-label="督办单">${a.slips.length ? a.slips.map((s) => html`<div>${s.number}（${SLIP_NAMES[s.colour] ?? s.colour}）${s.closedAt ? html` <span class="muted">已关闭</span>` : ''}</div>`) : '—'}</td>
<td class="ws-link"><a href="${o.formLinks.get(a.id) ?? '#'}">办理与记录</a></td></tr>`,
)}</tbody></table>
<p class="muted">每项任务的延期申请、销号申请和往来记录，请点击该行的「办理与记录」。</p></section>
<section class="card"><h2>收到的督办函</h2>${
      ws.letters.length
        ? html`<table class="ws" id="ws-letters"><thead><tr><th>发送时间</th><th>收件人</th><th>事项</th><th>阅读</th></tr></thead><tbody>${ws.letters.map(
            (l) =>
              html`<tr><td data-label="发送时间">${cn(l.sentAt, zone)}</td><td data-label="收件人">${l.email}</td><td data-label="事项">${l.items}项</td><td data-label="阅读">${l.readAt ? `已读（${cn(l.readAt, zone)}）` : '未读'}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">尚未收到督办函。</p>`
    }</section>`,
  );
}

function short(text: string): string {
  const t = text.replace(/\s+/g, '');
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}

function reportForm(
  o: WorkspacePageInput,
  g: PeriodGroup,
  draftOf: ReadonlyMap<string, { fields: Record<string, string>; refusal: string | null }>,
  hidden: SafeHtml,
): SafeHtml {
  return html`<section class="card ws-report" id="report-${g.period}"><h2>${g.label.replace(/（.*$/, '')}进展报送（${g.assignments.length}项）</h2>
<p class="muted">${g.label.replace(/^[^（]*（|）$/g, '')}。每项任务填写进展情况；可先保存草稿，填好后一次提交，每项任务分别记入其报告。</p>
<form method="post" action="${o.action}">${hidden}<input type="hidden" name="action" value="report"><input type="hidden" name="period" value="${g.period}">
${g.assignments.map((a) => {
  const d = draftOf.get(`${a.id}|${g.period}`);
  const v = d?.fields ?? {};
  return html`<fieldset class="ws-task" id="r-${g.period}-${a.taskNumber}"><legend>任务(${a.taskNumber})（${ROLE_NAMES[a.role] ?? a.role}）</legend>
<p class="muted">${short(a.taskText)}</p>
${d?.refusal ? html`<p class="msg refused" role="alert">未能报送：${d.refusal}</p>` : ''}
<label for="text-${g.period}-${a.id}">进展情况</label><textarea id="text-${g.period}-${a.id}" name="text_${a.id}" maxlength="10000" rows="3">${v.text ?? ''}</textarea>
<label for="percent-${g.period}-${a.id}">完成进度（%）</label><input id="percent-${g.period}-${a.id}" name="percent_${a.id}" type="number" min="0" max="100" step="1" value="${v.percent ?? ''}">
${
  a.indicators.length
    ? html`<label>指标数值（与本任务相关的填写）</label><table>${a.indicators.map(
        (i) =>
          html`<tr><td>${i.name}</td><td class="muted">目标：${i.targetText}</td><td><input name="ind_${a.id}_${i.code}" aria-label="${i.name}" type="text" inputmode="decimal" size="8" value="${v['ind_' + i.code] ?? ''}"> ${i.unit}</td></tr>`,
      )}</table>`
    : ''
}
<label for="evidence-${g.period}-${a.id}">佐证材料链接（每行一个，http:// 或 https://）</label><textarea id="evidence-${g.period}-${a.id}" name="evidence_${a.id}" rows="2">${v.evidenceLinks ?? ''}</textarea>
</fieldset>`;
})}
<p class="ws-buttons"><button type="submit" name="op" value="submit" id="submit-${g.period}">提交已填写的报告</button> <button type="submit" name="op" value="draft" class="secondary" id="draft-${g.period}">保存草稿</button></p>
<p class="muted">只提交填写了进展情况的任务；未填写的任务留待以后报送。</p></form></section>`;
}
