/** Page frames: the dashboard layout (nav, who is signed in), the unit-form frame, error pages. */
import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from '../html';
import type { WebSession } from '../sessions';

export const APP_TITLE = '质量强市重点任务督办';

export interface LayoutOptions {
  title: string;
  session?: WebSession | null;
  /** current nav key */
  active?: string;
  /** extra scripts (same-origin paths) */
  scripts?: string[];
}

const NAV: [string, string, string][] = [
  ['overview', '/', '总览'],
  ['tasks', '/tasks', '任务'],
  ['units', '/units', '单位'],
  ['reviews', '/reviews', '待审'],
  ['slips', '/slips', '督办单'],
  ['notices', '/notices', '通知记录'],
  ['indicators', '/indicators', '指标进度'],
  ['audit', '/audit', '审计日志'],
];

/** Who is signed in: name and role, the role once when the contact is named after it (督办员, not 督办员（督办员）). */
function whoText(s: WebSession): string {
  const role = s.role === 'office' ? '督办员' : '领导小组·只读';
  return s.name === role ? role : `${s.name}（${role}）`;
}

export function layout(o: LayoutOptions, body: SafeHtml): SafeHtml {
  const s = o.session;
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${APP_TITLE}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a class="brand" href="/">${APP_TITLE}</a>
${
  s
    ? html`<nav>${NAV.map(([k, href, label]) => html`<a href="${href}" class="${k === o.active ? 'active' : ''}">${label}</a>`)}
${s.role === 'office' ? html`<a href="/plans/upload" class="${o.active === 'plan-upload' ? 'active' : ''}">导入方案</a><a href="/admin/queues/" target="_blank" rel="noopener">队列</a>` : ''}</nav>
<form class="who" method="post" action="/logout"><input type="hidden" name="_csrf" value="${s.csrfToken}"><span>${whoText(s)}</span><button type="submit">退出</button></form>`
    : ''
}</header>
<main>${body}</main>
${(o.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
</body></html>`;
}

/** The unit form's frame: no navigation, nothing but the one assignment. */
export function unitLayout(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · ${APP_TITLE}</title><link rel="stylesheet" href="/static/app.css"></head>
<body class="unit"><header class="top"><span class="brand">${APP_TITLE}</span></header><main>${body}</main></body></html>`;
}

export function errorPage(status: number, message: string): SafeHtml {
  return unitLayout(
    `错误 ${status}`,
    html`<section class="card error"><h1>${status === 401 ? '无法识别身份' : status === 403 ? '无权访问' : status === 404 ? '未找到' : '出错了'}</h1><p class="reason">${message}</p></section>`,
  );
}

/** Sends a page as text/html. */
export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}
