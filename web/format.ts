/** Display helpers for pages: dates in the service's zone, Chinese labels for states and actions. */
import { DateTime } from 'luxon';
import { STATE_NAMES } from '../domain/lifecycle';
import { AUDIT_ACTION_LABELS, type AuditAction } from '../domain/audit-actions';
import { KIND_LABELS } from '../domain/messages';
import { formatDay, formatPeriod } from '../domain/messages/format';
import type { NoticeKind, RecipientRole } from '../domain/notices';
import { LINK_REFUSAL_REASONS, type LinkRefusalCode } from '../domain/links';
import { UNIT_KIND_NAMES as KIND_NAMES_OF_UNITS, type UnitKind } from '../domain/units';
import type { AssignmentState } from '../domain/model';
import { html, type SafeHtml } from './html';
import { LIGHT_LABELS, type Light } from '../app/dashboard/lights';

/** An instant as a person reads it in `zone`: 2026年11月26日 19:50, or 2025年12月31日 for a deadline or withTime=false. */
export function fmtDate(d: Date | string | null | undefined, zone: string, withTime = true): string {
  if (!d) return '—';
  const dt = DateTime.fromJSDate(typeof d === 'string' ? new Date(d) : d, { zone });
  if (!dt.isValid) return '—';
  // the emails' own day format (domain/messages/format.ts); a deadline (end of its day) reads as its day
  const day = formatDay(dt.toISO()!, zone);
  return withTime && !(dt.hour === 23 && dt.minute === 59) ? `${day} ${dt.toFormat('HH:mm')}` : day;
}

/**
 * A slip's issue date. A slip dated later than now was issued with a notice that waits for the next
 * office opening (catch-up started in the evening): it says so instead of showing a future date bare.
 */
export function fmtIssued(d: Date | string, zone: string, now = Date.now()): string {
  const at = typeof d === 'string' ? Date.parse(d) : d.getTime();
  return at > now ? `${fmtDate(d, zone)}（随通知发出）` : fmtDate(d, zone);
}

export function stateName(s: string): string {
  return STATE_NAMES[s as AssignmentState] ?? s;
}

export const ROLE_NAMES: Record<string, string> = { LEAD: '牵头', CO: '配合', IMPLICIT: '属地落实' };

/** Who a notice not yet sent goes to (it holds roles until the directory resolves them to addresses). */
export const RECIPIENT_ROLE_NAMES: Record<RecipientRole, string> = {
  liaison: '联络员',
  leader: '分管负责人',
  office: '领导小组办公室',
  leadership: '领导小组',
};

/** A notice's recipients as a person reads them: addresses as they are, roles in Chinese. */
export function recipientsText(recipients: readonly string[]): string {
  return recipients.map((r) => (RECIPIENT_ROLE_NAMES as Record<string, string | undefined>)[r] ?? r).join('、');
}

/** Chinese names of the audit actions: the one registry is domain/audit-actions.ts. */
export const ACTION_NAMES: Record<AuditAction, string> & Record<string, string | undefined> = AUDIT_ACTION_LABELS;

/** Chinese names of the notice kinds: the one registry is domain/messages (KIND_LABELS, next to the templates). */
export const NOTICE_KIND_NAMES: Record<NoticeKind, string> & Record<string, string | undefined> = KIND_LABELS;

/** Chinese names of the unit kinds: the one registry is domain/units.ts. */
export const UNIT_KIND_NAMES: Record<UnitKind, string> & Record<string, string | undefined> = KIND_NAMES_OF_UNITS;

/** A Chinese label for any code that has one, or a plain 「未命名」 note instead of the raw code. */
function named(map: Record<string, string | undefined>, code: string): string {
  return map[code] ?? `其他（${code}）`;
}
export const actionName = (code: string): string => named(ACTION_NAMES, code);
export const noticeKindName = (code: string): string => named(NOTICE_KIND_NAMES, code);
export const unitKindName = (code: string): string => named(UNIT_KIND_NAMES, code);

/** Who did it, as a person reads it: 办公室 duban@…, 单位（办理链接）, 系统. */
export function actorName(actor: string): string {
  const i = actor.indexOf(':');
  const [kind, who] = i < 0 ? [actor, ''] : [actor.slice(0, i), actor.slice(i + 1)];
  switch (kind) {
    case 'office':
      return `办公室 ${who}`;
    case 'unit':
      return '责任单位（办理链接）';
    case 'link':
      return `未通过验证的链接（来自 ${who}）`;
    case 'cli':
      return '命令行';
    case 'system':
      return '系统';
    default:
      return actor;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A readable Chinese summary of an audit event's data: the fields people ask about (task, unit,
 * state change, period, reason, new unit, deadline, slip, link), each with its Chinese name and
 * codes translated; anything else stays in the raw JSON shown under it.
 */
export function auditSummary(data: unknown, zone: string): string {
  if (!isObj(data)) return '';
  const d = data;
  const out: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const when = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? fmtDate(v, zone) : str(v));
  if (typeof d.task === 'number') out.push(`任务(${d.task})`);
  if (typeof d.number === 'number') out.push(`任务(${d.number})`);
  if (str(d.unit)) out.push(str(d.unit)!);
  if (str(d.name) && !d.unit) out.push(str(d.name)!);
  if (typeof d.role === 'string' && ROLE_NAMES[d.role]) out.push(ROLE_NAMES[d.role]!);
  if (str(d.from) && str(d.to) && d.from !== d.to)
    out.push(`${stateName(d.from as string)} → ${stateName(d.to as string)}`);
  if (str(d.period)) out.push(`报告期 ${formatPeriod(d.period as string)}`);
  if (typeof d.percent === 'number') out.push(`进度 ${d.percent}%`);
  if (Array.isArray(d.indicatorValues) && d.indicatorValues.length)
    out.push(
      `指标 ${d.indicatorValues.map((v) => (isObj(v) ? `${String(v.code)}=${String(v.value)}` : '')).join('、')}`,
    );
  if (Array.isArray(d.evidenceLinks) && d.evidenceLinks.length) out.push(`佐证链接 ${d.evidenceLinks.length} 个`);
  if (str(d.toUnit)) out.push(`改派给 ${str(d.toUnit)}`);
  if (str(d.newDueAt)) out.push(`申请延至 ${when(d.newDueAt)}`);
  if (str(d.before) && str(d.after)) out.push(`完成时限 ${when(d.before)} → ${when(d.after)}`);
  if (str(d.kind) && NOTICE_KIND_NAMES[d.kind as string]) out.push(NOTICE_KIND_NAMES[d.kind as string]!);
  if (str(d.colour) && SLIP_NAMES[d.colour as string]) out.push(`${SLIP_NAMES[d.colour as string]}督办单`);
  if (str(d.slip)) out.push(`督办单 ${str(d.slip)}`);
  if (Array.isArray(d.recipients) && d.recipients.length) out.push(`收件人 ${d.recipients.join('、')}`);
  if (d.all === true) out.push('此前发出的全部链接');
  if (typeof d.items === 'number' && d.items) out.push(`逾期事项 ${d.items} 项`);
  if (typeof d.level === 'number') out.push(`第 ${d.level} 级`);
  if (isObj(d.schedule)) out.push(`${Object.keys(d.schedule).length} 条分工`);
  if (str(d.file)) out.push(`文件 ${str(d.file)}`);
  if (typeof d.code === 'string' && d.code in LINK_REFUSAL_REASONS)
    out.push(LINK_REFUSAL_REASONS[d.code as LinkRefusalCode]);
  if (typeof d.tasks === 'number') out.push(`${d.tasks} 项任务`);
  if (typeof d.assignments === 'number') out.push(`${d.assignments} 条分工`);
  if (str(d.reason)) out.push(`理由：${str(d.reason)}`);
  if (str(d.note)) out.push(`说明：${str(d.note)}`);
  if (str(d.error)) out.push(`原因：${str(d.error)}`);
  return out.join('；');
}

export const EXTENSION_STATUS_NAMES: Record<string, string> = {
  REQUESTED: '待审',
  APPROVED: '已同意',
  REJECTED: '已驳回',
};
export const SLIP_NAMES: Record<string, string> = { BLUE: '蓝色', ORANGE: '橙色', RED: '红色' };
/** Why a 督办单 closed (SupervisionSlip.closedBecause). */
export const SLIP_CLOSURE_NAMES: Record<string, string> = {
  COMPLETED: '任务已销号',
  CANCELLED: '分工已撤销或改派',
  EXTENDED: '延期获批，完成时限已调整',
};
/** A slip's 关闭 cell: when and why, or 未关闭. */
export function slipClosedText(s: { closedAt: Date | null; closedBecause?: string | null }, zone: string): string {
  if (!s.closedAt) return '未关闭';
  const why = s.closedBecause ? SLIP_CLOSURE_NAMES[s.closedBecause] : null;
  return `${fmtDate(s.closedAt, zone)}${why ? `（${why}）` : ''}`;
}
export const NOTICE_STATUS_NAMES: Record<string, string> = {
  PENDING: '待发',
  QUEUED: '排队中',
  SENT: '已发送',
  SKIPPED: '已跳过',
  FAILED: '发送失败',
  DEAD: '重试耗尽',
};

export function lightBadge(l: Light): SafeHtml {
  return html`<span class="light light-${l}" title="${LIGHT_LABELS[l]}"><span class="dot"></span>${LIGHT_LABELS[l]}</span>`;
}
