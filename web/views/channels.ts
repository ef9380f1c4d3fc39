/**
 * The unit's group robots (钉钉, 企业微信) on the dashboard: the Office's editor. Webhooks are shown
 * masked and secrets only as 已设置; leaving either field empty keeps the stored value.
 */
import { html, type SafeHtml } from '../html';
import { ROBOT_CHANNEL_NAMES, ROBOT_CHANNELS, ROBOT_KIND_NAMES, ROBOT_KINDS } from '../../domain/channels';
import type { RobotView } from '../../app/dashboard/robots';

export function channelsForm(
  unit: { id: string; name: string },
  robots: RobotView[],
  csrf: string,
  message: { kind: 'ok' | 'refused'; text: string } | null,
): SafeHtml {
  const rows: (RobotView | null)[] = [...robots, null];
  return html`<h1>群机器人 · ${unit.name}</h1>${message ? html`<div class="msg ${message.kind}" role="${message.kind === 'ok' ? 'status' : 'alert'}" id="result">${message.text}</div>` : ''}
<form method="post" action="/units/${unit.id}/channels" class="card"><input type="hidden" name="_csrf" value="${csrf}">
<p class="muted">督办函仍以电子邮件为准；群机器人只推送摘要和工作台链接。Webhook 地址和加签密钥只显示部分，留空即保持不变；清空“渠道”即删除该机器人。钉钉提醒填手机号，企业微信提醒填 userid，多个用逗号分隔。</p>
<table id="robots"><tr><th>渠道</th><th>Webhook 地址</th><th>加签密钥（钉钉）</th><th>接收</th><th>提醒</th></tr>
${rows.map(
  (
    r,
    i,
  ) => html`<tr><td><input type="hidden" name="ordinal_${i}" value="${r?.ordinal ?? ''}"><select name="channel_${i}"><option value="">（无）</option>${ROBOT_CHANNELS.map((c) => html`<option value="${c}" ${r?.channel === c ? 'selected' : ''}>${ROBOT_CHANNEL_NAMES[c]}</option>`)}</select></td>
<td><input type="url" name="webhook_${i}" value="" placeholder="${r ? r.webhookMasked : 'https://…'}" maxlength="500"></td>
<td><input type="password" name="secret_${i}" value="" autocomplete="off" placeholder="${r?.hasSecret ? '已设置' : '未设置'}" maxlength="200">${r?.hasSecret ? html` <label><input type="checkbox" name="clearSecret_${i}" value="1"> 删除密钥</label>` : ''}</td>
<td>${ROBOT_KINDS.map((k) => html`<label><input type="checkbox" name="kind_${i}_${k}" value="1" ${r?.kinds.includes(k) ? 'checked' : ''}> ${ROBOT_KIND_NAMES[k]}</label> `)}</td>
<td><input type="text" name="mentions_${i}" value="${r?.mentions.join(',') ?? ''}" maxlength="300"></td></tr>`,
)}</table><input type="hidden" name="rows" value="${rows.length}"><p><button type="submit">保存</button> <a href="/units/${unit.id}">返回</a></p></form>`;
}
