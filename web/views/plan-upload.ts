/**
 * The plan upload page: choose a file, see the parsed preview grid (task, units by role, deadline,
 * the problems of each row), import from there. The reading is the CLI's (app/plan-import.ts).
 */
import { html, type SafeHtml } from '../html';
import { DateTime } from 'luxon';
import type { ParsedPlan, SourceIssue } from '../../domain/model';
import type { ValidatedPlan } from '../../domain/plan/validate';

const LAYOUT_NAMES: Record<string, string> = {
  'annex-table': '附件表格（每格一行）',
  'tab-table': '表格（Tab 分隔）',
  'pipe-table': '表格（| 分隔）',
  labelled: '分段标注（牵头单位：…）',
  inline: '句末括注（牵头单位：…）',
  sheet: 'Excel 工作表',
  'word-table': 'Word 表格',
};

export function uploadPage(csrf: string): SafeHtml {
  return html`<section class="card"><h1>导入方案</h1>
<p>支持 .txt、.csv、.xlsx、.docx；格式说明见 docs/plan-formats.md。先预览，确认无误后再导入。</p>
<form id="plan-upload" data-csrf="${csrf}">
<p><input type="file" name="file" required accept=".txt,.csv,.xlsx,.docx,.doc,.wps,.et,.xls"></p>
<p><label>方案标识 <input name="plan" placeholder="默认为文件名" pattern="[A-Za-z0-9_-]*"></label>
<label>默认完成时限 <input name="defaultDeadline" placeholder="如 2024年底前"></label>
<label><input type="checkbox" name="newUnits" value="1"> 新建名录中没有的单位</label></p>
<p><button type="submit">预览</button></p></form>
<div id="plan-preview" aria-live="polite"></div></section>`;
}

export interface PreviewInput {
  file: string;
  plan: ParsedPlan;
  issues: SourceIssue[];
  validated: ValidatedPlan | null;
  /** task number → due instant (ISO), null for standing, absent when the phrase does not read */
  due: Map<number, string | null>;
  zone: string;
}

/** The preview grid (an HTML fragment the page script puts under the form). */
export function previewFragment(p: PreviewInput): SafeHtml {
  const { plan, issues } = p;
  const byLine = new Map<number, SourceIssue[]>();
  for (const i of issues) byLine.set(i.line, [...(byLine.get(i.line) ?? []), i]);
  const used = new Set<SourceIssue>();
  const rows = plan.tasks.map((t) => {
    const own = [...new Set([t.line, t.unitsLine, t.deadlineLine])].flatMap((l) => byLine.get(l) ?? []);
    for (const i of own) used.add(i);
    const lead = t.units.slice(0, t.leads);
    const co = t.units.slice(t.leads);
    const at = p.due.get(t.number);
    const due = at ? DateTime.fromISO(at, { zone: p.zone }).toFormat('yyyy年M月d日') : '';
    return html`<tr class="${own.length ? 'has-problem' : ''}"><td>${t.label || t.number}</td><td>${t.text}</td><td>${lead.join('、')}</td><td>${co.join('、')}</td><td>${t.deadlinePhrase}${due ? html`<br><span class="muted">${due}</span>` : ''}</td><td>${own.map((i) => html`<div class="msg refused problem">第${i.line}行 ${i.message}</div>`)}</td></tr>`;
  });
  const rest = issues.filter((i) => !used.has(i));
  const ok = !issues.length && p.validated;
  const newUnits = p.validated?.newUnits ?? [];
  return html`<h2>${plan.title || '（未找到标题）'}</h2>
<p>格式：${LAYOUT_NAMES[plan.layout] ?? plan.layout}；印发单位：${plan.issuer ?? '（未注明）'}；任务 ${plan.tasks.length} 项</p>
${ok ? html`<p class="msg ok">可以导入。</p>` : html`<p class="msg refused">共 ${issues.length} 处问题，改正后才能导入：</p>`}
${rest.length ? html`<ul class="problems">${rest.map((i) => html`<li>第${i.line}行 [${i.field}] ${i.message}</li>`)}</ul>` : ''}
${newUnits.length ? html`<p>将新建单位 ${newUnits.length} 个（导入后需补充联系人${newUnits.some((u) => u.group) ? '，单位组需补充成员' : ''}）：${newUnits.map((u) => u.create).join('、')}</p>` : ''}
<table class="preview"><thead><tr><th>编号</th><th>工作任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th><th>问题</th></tr></thead><tbody>${rows}</tbody></table>
${ok ? html`<p><button type="button" id="plan-import">导入此方案</button></p>` : ''}`;
}

export function importedFragment(r: {
  slug: string;
  created: boolean;
  changed: boolean;
  revision: number;
  tasks: number;
  newUnits: number;
}): SafeHtml {
  const what = r.created
    ? `已导入新方案「${r.slug}」`
    : !r.changed
      ? `方案「${r.slug}」与已导入的版本相同，未作任何修改`
      : `已修订方案「${r.slug}」（第 ${r.revision} 版）`;
  return html`<p class="msg ok">${what}：任务 ${r.tasks} 项${r.newUnits ? `，新建单位 ${r.newUnits} 个（请到「单位」补充联系人）` : ''}。<a href="/tasks?plan=${r.slug}">查看任务</a></p>`;
}
