/**
 * What each notice kind says: one function per kind that turns the notice's data into a document
 * (subject, greeting, paragraphs, fields, items, what is asked and by when, the link). The renderer
 * (render.ts) turns a document into plain text, HTML and attachments, so both bodies always say the
 * same thing. Pure.
 */
import { NOTICE_KIND_LABELS, type NoticeKind } from '../notices';
import type { SlipColour, TaskKind } from '../model';
import { colourName, formatDate, formatDay, formatPeriod, localDate, ordinalCn } from './format';
import type { IcsEvent } from './ics';
import { DomainErrorCodes, DubangError } from '../errors';

/** Literal placeholder for the signed link when the caller has none; the web layer replaces it. */
export const LINK_PLACEHOLDER = '{{link}}';

/** Chinese names of the notice kinds, as a reader would call them: the registry's (domain/notices). */
export const KIND_LABELS: Record<NoticeKind, string> & Record<string, string | undefined> = NOTICE_KIND_LABELS;

/** The task a notice is about, as stored. */
export interface MessageTask {
  number: number;
  text: string;
  deadlinePhrase: string;
  /** the due instant in force (ISO), null for standing tasks */
  dueAt: string | null;
  kind: TaskKind;
  /** 牵头 / 配合 / bound by the plan rule */
  role?: 'LEAD' | 'CO' | 'IMPLICIT' | null;
  /** the plan's title, for the assignment notice (《关于…的实施方案》) */
  planTitle?: string | null;
}

/** One line of a catch-up or summary notice. */
export interface MessageItem {
  task: number;
  unit?: string;
  text?: string;
  dueAt?: string | null;
  overdueDays?: number;
  /** the colour the item's 督办 has reached (BLUE/ORANGE/RED) */
  slip?: string | null;
  /** the 督办单 issued for it, 督〔2026〕0001号 */
  slipNumber?: string | null;
  /** its assignment (catch-up items name it) */
  assignmentId?: string | null;
  /** the link that lets the reader act on this item (the unit's signed form link, the Office's page) */
  link?: string | null;
}

/** What an assessment notice shows (payload `assessment`, written by app/assessment/run.ts). */
export interface AssessmentMessage {
  year: number;
  /** 2025年度, or 2024—2025年度 for a July–June year (default `${year}年度`) */
  label?: string;
  /** the instant judged at (ISO); the end of the year for a closed year */
  asOf?: string;
  /** judged before the year's end (a mid-year snapshot) */
  interim?: boolean;
  /** every scored unit, best first */
  rows: { rank?: number; unit: string; score: number; grade: string }[];
  /** grade bands, highest first (for the distribution line); default: the grades the rows use */
  grades?: { grade: string; label: string }[];
  /** how many best and lagging units the summary table names (default 3 each, as the bulletin) */
  top?: number;
  lagging?: number;
  /** the 通报 draft (Markdown), quoted in the body */
  bulletin?: string | null;
  /** names of the attached files, listed in the body */
  files?: string[];
  /** the result's digest (sha256:…): the same digest means the same result */
  digest?: string | null;
}

/** Everything a notice message may show. Only ids and state come from the database; nothing here is read at render time. */
export interface NoticeMessageInput {
  kind: NoticeKind;
  /** the notice's idempotency key (not printed: the Message-ID header carries it, see render.ts) */
  key: string;
  /** IANA zone readers live in (Asia/Shanghai) */
  zone: string;
  /** when the message is rendered/sent (ISO); DTSTAMP of attachments, "as of" of summaries */
  issuedAt: string;
  /** the notice's moment (ISO) */
  noticeDueAt: string;
  /** the signed link to the recipient's form or the dashboard; LINK_PLACEHOLDER when absent */
  link?: string | null;
  /** who signs (the Office's name) */
  sender: string;
  /** the unit the notice concerns (责任单位), if any */
  unit?: string | null;
  /** assignment id, for stable calendar UIDs */
  assignmentId?: string | null;
  task?: MessageTask | null;
  slip?: { number: string; colour: SlipColour } | null;
  /** escalation step for chases (1 = first) */
  level?: number;
  /** reporting period, e.g. 2025Q3 */
  period?: string;
  /** what falls due (report or deadline), ISO; defaults to the task's due instant */
  dueAt?: string | null;
  /** by when the recipient is asked to act (ISO) */
  respondBy?: string | null;
  items?: MessageItem[];
  /** free text: a decision's reason, an extension's reason, an alert's cause */
  reason?: string | null;
  /** decision notices: what was decided (read a stored payload with decisionOf) */
  decision?: Decision | null;
  /** completion review: the evidence links the unit sent with its request */
  evidenceLinks?: string[];
  /** extension review: the date asked for */
  requestedDueAt?: string | null;
  /** assessment notices: the year's scores, best first, and the bulletin draft */
  assessment?: AssessmentMessage | null;
  /** an assignment notice sent again because the Office revoked the unit's links (the earlier ones no longer work) */
  reissued?: boolean;
  /** when the unit acknowledged the assignment (ISO), if it has: a re-sent notice does not ask it again */
  acknowledgedAt?: string | null;
  /** delivery-failure alerts: the message that failed */
  failure?: {
    kind: NoticeKind;
    key: string;
    subject?: string | null;
    recipients: string[];
    error: string;
    attempts: number;
    /** FAILED: permanent answer; DEAD: temporary failures until the retries ran out */
    status: 'FAILED' | 'DEAD';
  } | null;
}

/** An Office decision on a unit's request, as a decision notice states it. */
export interface Decision {
  subject: 'completion' | 'extension';
  approved: boolean;
  /** an approved extension: the new due instant (ISO) */
  newDueAt?: string | null;
}

/** The lifecycle's audit actions of the four decisions, and what each one decided. */
const DECISION_ACTIONS: Record<string, Omit<Decision, 'newDueAt'>> = {
  'completion.approved': { subject: 'completion', approved: true },
  'completion.rejected': { subject: 'completion', approved: false },
  'extension.approved': { subject: 'extension', approved: true },
  'extension.rejected': { subject: 'extension', approved: false },
};

/**
 * A decision notice's `decision` as stored in its payload, in either form: the object written since
 * the decision contract was fixed (`{ action, subject, approved, newDueAt }`), or the bare audit
 * action (`'completion.approved'`) that lifecycles recorded before, whose new due instant is the
 * payload's `dueAt`. Null when it is neither (the template then refuses to render).
 */
export function decisionOf(value: unknown, dueAt?: string | null): Decision | null {
  if (typeof value === 'string') {
    const d = DECISION_ACTIONS[value];
    return d ? { ...d, ...(d.subject === 'extension' && d.approved ? { newDueAt: dueAt ?? null } : {}) } : null;
  }
  if (value && typeof value === 'object') {
    const v = value as { action?: unknown; subject?: unknown; approved?: unknown; newDueAt?: unknown };
    if ((v.subject === 'completion' || v.subject === 'extension') && typeof v.approved === 'boolean') {
      return { subject: v.subject, approved: v.approved, ...(typeof v.newDueAt === 'string' ? { newDueAt: v.newDueAt } : {}) };
    }
    if (typeof v.action === 'string') return decisionOf(v.action, typeof v.newDueAt === 'string' ? v.newDueAt : dueAt);
  }
  return null;
}

/** The payload form of a decision taken by `action` (an audit action), for the notice the unit gets. */
export function decisionPayload(action: string, dueAt: string | null | undefined): (Decision & { action: string }) | null {
  const d = decisionOf(action, dueAt);
  return d ? { action, ...d } : null;
}

/** A document: what the message says, before it becomes text or HTML. */
export interface NoticeDoc {
  subject: string;
  /** heading of the body */
  title: string;
  greeting: string;
  paragraphs: string[];
  fields: [label: string, value: string][];
  /** a table; `links[k]`, when given, is row k's own action link (shown as `linkLabel`) */
  items?: { columns: string[]; rows: string[][]; links?: (string | null)[]; linkLabel?: string };
  /** what is asked and by when */
  ask?: string;
  action?: { label: string; href: string };
  slip?: { number: string; colour: SlipColour } | null;
  ics?: { filename: string; event: IcsEvent };
  /** a document quoted in full after everything else (the assessment's 通报 draft), Markdown headings allowed */
  appendix?: { title: string; lines: string[] };
}

export class MessageInputError extends DubangError {
  static override readonly code = DomainErrorCodes.MessageInputError;
}

function need<T>(v: T | null | undefined, what: string, kind: NoticeKind): T {
  if (v === null || v === undefined) throw new MessageInputError(`${kind} notice: ${what} is required to render it`);
  return v;
}

/** Whole calendar days from `from` to `to` in `zone` (0 if `to` is not later). */
export function calendarDaysBetween(from: string, to: string, zone: string): number {
  // whole local dates, compared as UTC midnights: exact whatever the zone's offsets do in between
  const ms = Date.parse(`${localDate(to, zone)}T00:00:00Z`) - Date.parse(`${localDate(from, zone)}T00:00:00Z`);
  return Math.max(0, Math.round(ms / 86_400_000));
}

const ROLE_TEXT = { LEAD: '牵头单位', CO: '配合单位', IMPLICIT: '责任单位' } as const;

function taskName(t: MessageTask): string {
  return `督办任务(${t.number})`;
}

function deadlineText(t: MessageTask, zone: string): string {
  if (t.kind === 'standing' || !t.dueAt) return `${t.deadlinePhrase}（长期任务，持续推进）`;
  return `${t.deadlinePhrase}（${formatDay(t.dueAt, zone)}）`;
}

function taskFields(i: NoticeMessageInput, t: MessageTask): [string, string][] {
  const f: [string, string][] = [['任务内容', t.text]];
  if (i.unit) f.push(['责任单位', t.role ? `${i.unit}（${ROLE_TEXT[t.role]}）` : i.unit]);
  f.push(['完成时限', deadlineText(t, i.zone)]);
  return f;
}

function linkOf(i: NoticeMessageInput): string {
  return i.link ?? LINK_PLACEHOLDER;
}

function deadlineIcs(i: NoticeMessageInput, t: MessageTask, dueAt: string): NoticeDoc['ics'] {
  return {
    filename: `督办任务${t.number}-完成时限.ics`,
    event: {
      uid: `deadline-${i.assignmentId ?? i.key}@dubang`,
      date: localDate(dueAt, i.zone),
      summary: `${taskName(t)}完成时限${i.unit ? `（${i.unit}）` : ''}`,
      description: `${t.text}\n完成时限：${deadlineText(t, i.zone)}\n办理链接：${linkOf(i)}`,
      issuedAt: i.issuedAt,
      url: i.link ?? null,
    },
  };
}

function reportIcs(i: NoticeMessageInput, t: MessageTask, period: string, dueAt: string): NoticeDoc['ics'] {
  return {
    filename: `督办任务${t.number}-${period}报告.ics`,
    event: {
      uid: `report-${i.assignmentId ?? i.key}-${period}@dubang`,
      date: localDate(dueAt, i.zone),
      summary: `报送${taskName(t)}${formatPeriod(period)}进展报告`,
      description: `${t.text}\n报送截止：${formatDate(dueAt, i.zone)}\n填报链接：${linkOf(i)}`,
      issuedAt: i.issuedAt,
      url: i.link ?? null,
    },
  };
}

function respondBy(i: NoticeMessageInput): string | null {
  return i.respondBy ? formatDate(i.respondBy, i.zone) : null;
}

const SLIP_WORDS: Record<string, string> = { BLUE: '蓝色', ORANGE: '橙色', RED: '红色' };

/** An item's 督办单 cell: 督〔2026〕0001号（红色）, or the colour alone when no slip was issued for it. */
function itemSlip(it: MessageItem): string {
  const colour = it.slip ? SLIP_WORDS[it.slip] ?? null : null;
  if (it.slipNumber) return colour ? `${it.slipNumber}（${colour}）` : it.slipNumber;
  return it.slip ? colour ?? it.slip : '';
}

function itemRows(i: NoticeMessageInput, withUnit: boolean, linkLabel?: string): NonNullable<NoticeDoc['items']> {
  const items = i.items ?? [];
  const columns = ['任务', ...(withUnit ? ['责任单位'] : []), '任务内容', '完成时限', '逾期天数', '督办单'];
  const links = linkLabel && items.some((it) => it.link) ? { links: items.map((it) => it.link ?? null), linkLabel } : {};
  return { columns, rows: itemCells(i, items, withUnit), ...links };
}

function itemCells(i: NoticeMessageInput, items: MessageItem[], withUnit: boolean): string[][] {
  return items.map((it) => [
    `(${it.task})`,
    ...(withUnit ? [it.unit ?? ''] : []),
    it.text ?? '',
    it.dueAt ? formatDate(it.dueAt, i.zone) : '长期',
    it.overdueDays !== undefined ? `${it.overdueDays}天` : '',
    itemSlip(it),
  ]);
}

/**
 * The 督办单 a catch-up notice's items cite: their numbers in order, and how a sentence names them
 * (红色督办单5份, or 督办单3份（红色1份、橙色2份）when the colours differ).
 */
function citedSlips(items: MessageItem[]): { numbers: string[]; phrase: string } {
  const numbers: string[] = [];
  const count = new Map<string, number>();
  for (const it of items) {
    if (!it.slipNumber || numbers.includes(it.slipNumber)) continue;
    numbers.push(it.slipNumber);
    const c = it.slip && SLIP_WORDS[it.slip] ? it.slip : '';
    count.set(c, (count.get(c) ?? 0) + 1);
  }
  const k = numbers.length;
  const colours = ['RED', 'ORANGE', 'BLUE'].filter((c) => count.has(c));
  const phrase =
    colours.length === 1 && count.get(colours[0]!) === k
      ? `${SLIP_WORDS[colours[0]!]}督办单${k}份`
      : `督办单${k}份${colours.length ? `（${colours.map((c) => `${SLIP_WORDS[c]}${count.get(c)}份`).join('、')}）` : ''}`;
  return { numbers, phrase };
}

/**
 * Slip numbers as a reader would cite them: one number as it is; numbers of one year that follow
 * one another as a range (督〔2026〕0001号至督〔2026〕0045号); otherwise listed with 、, or null when
 * more than `max` would have to be listed (the table names each one).
 */
export function slipNumbersText(numbers: string[], max = 10): string | null {
  if (numbers.length <= 1) return numbers[0] ?? null;
  const parsed = numbers.map((n) => /^督〔(\d{4})〕(\d+)号$/.exec(n)).map((m) => (m ? { year: Number(m[1]), seq: Number(m[2]) } : null));
  if (parsed.every((p) => p !== null)) {
    const ps = parsed.map((p, k) => ({ ...p!, text: numbers[k]! })).sort((a, b) => a.year - b.year || a.seq - b.seq);
    if (ps.every((p, k) => k === 0 || (p.year === ps[0]!.year && p.seq === ps[k - 1]!.seq + 1))) return `${ps[0]!.text}至${ps[ps.length - 1]!.text}`;
  }
  return numbers.length <= max ? numbers.join('、') : null;
}

type Template = (i: NoticeMessageInput) => NoticeDoc;

const scoreText = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, ''));

/**
 * The annual assessment's email: the distribution of grades, a table of the best units (top grades,
 * highest scores) and the lagging ones (lower grades, lowest scores first), exactly as the bulletin
 * picks them, the list of attached exports, and the 通报 draft quoted in full for the Office to edit.
 */
function assessmentDoc(i: NoticeMessageInput, a: AssessmentMessage): NoticeDoc {
  const label = a.label ?? `${a.year}年度`;
  // a closed year is judged at the first instant of the next year: the reader's "as of" is the day before
  const asOfDay = a.asOf ? formatDay(new Date(Date.parse(a.asOf) - 1).toISOString(), i.zone) : null;
  const ranked = a.rows.map((r, k) => ({ ...r, rank: r.rank ?? k + 1 }));
  const bands = a.grades?.length ? a.grades : [...new Set(ranked.map((r) => r.grade))].sort().map((grade) => ({ grade, label: '' }));
  // as the bulletin: the two highest bands are "good", the others "lagging" (A/B on the national scale when not given)
  const good = new Set(a.grades?.length ? a.grades.slice(0, 2).map((b) => b.grade) : ['A', 'B']);
  const best = ranked.filter((r) => good.has(r.grade)).slice(0, a.top ?? 3);
  const lagging = ranked.filter((r) => !good.has(r.grade)).reverse().slice(0, a.lagging ?? 3);
  const count = (g: string) => ranked.filter((r) => r.grade === g).length;
  const distribution = bands.map((b) => `${b.grade}等${b.label ? `（${b.label}）` : ''}${count(b.grade)}个`).join('，');
  const interim = a.interim && asOfDay ? `（截至${asOfDay}）` : '';
  const title = `${label}质量强市建设重点工作任务考核结果${interim}`;
  const row = (kind: string, r: (typeof ranked)[number]) => [kind, String(r.rank), r.unit, scoreText(r.score), r.grade];
  const fields: [string, string][] = [['考核年度', label]];
  if (asOfDay) fields.push(['基准时点', `${asOfDay}${a.interim ? '（阶段性结果）' : ''}`]);
  fields.push(['参评单位', `${ranked.length}个`], ['等次分布', distribution || '无']);
  if (a.files?.length) fields.push(['附件', a.files.join('、')]);
  if (a.digest) fields.push(['结果校验码', a.digest.replace(/^sha256:/, '').slice(0, 16)]);
  const bulletin = a.bulletin ? a.bulletin.replace(/\n+$/, '').split('\n') : [];
  return {
    subject: `【年度考核】${title}`,
    title,
    greeting: '市质量强市领导小组各位领导，领导小组办公室：',
    paragraphs: [
      `${label}质量强市建设重点工作任务考核评估已完成${asOfDay ? `（基准时点${asOfDay}）` : ''}，共对${ranked.length}个责任单位评分，其中${distribution || '无参评单位'}。` +
        `表现较好和工作滞后的单位见下表${a.files?.length ? '；考核汇总表、扣分明细见附件' : ''}${bulletin.length ? '；通报草稿附后' : ''}。`,
    ],
    fields,
    ...(best.length || lagging.length
      ? { items: { columns: ['类别', '排名', '责任单位', '得分', '等次'], rows: [...best.map((r) => row('表现较好', r)), ...lagging.map((r) => row('工作滞后', r))] } }
      : {}),
    ask: bulletin.length ? '通报草稿请审阅修改后按程序印发。' : '请审阅考核结果。',
    ...(i.link ? { action: { label: '打开督办看板', href: i.link } } : {}),
    ...(bulletin.length ? { appendix: { title: '通报草稿', lines: bulletin } } : {}),
  };
}

const unitGreeting = (i: NoticeMessageInput) => `${i.unit ?? '各有关单位'}：`;
const OFFICE_GREETING = `市质量强市领导小组办公室：`;

// the index signature admits kinds added to NOTICE_KINDS by other work (assessment) before they are required
const templates: Record<Exclude<NoticeKind, 'digest'>, Template> & Record<string, Template | undefined> = {
  assignment: (i) => {
    const t = need(i.task, 'task', i.kind);
    const basis = t.planTitle ? `根据《${t.planTitle}》重点工作任务分工` : '根据重点工作任务分工';
    const role = t.role ? ROLE_TEXT[t.role] : '责任单位';
    const by = respondBy(i);
    return {
      subject: `【任务交办】关于落实${taskName(t)}的通知`,
      title: `关于落实${taskName(t)}的通知`,
      greeting: unitGreeting(i),
      paragraphs: [
        `${basis}，贵单位为第(${t.number})项任务的${role}。现将任务交办如下，请认真组织落实。`,
        // re-sent after the Office revoked the links: say so, so the unit uses this link and not an old one
        ...(i.reissued ? ['此前发给贵单位的本任务办理链接已停止使用，现重新发送本通知，请使用本邮件中的新链接办理。'] : []),
      ],
      fields: [
        ...taskFields(i, t),
        ['进展报送', t.kind === 'standing' ? '每季度结束后10日内报送进展，每年12月10日前报送年度总结' : '每季度结束后10日内报送进展情况'],
      ],
      ...(i.acknowledgedAt
        ? { ask: `贵单位已于${formatDate(i.acknowledgedAt, i.zone)}签收本任务，无需再次签收；请通过下方链接报送进展或办理其他事项。`, action: { label: '办理任务', href: linkOf(i) } }
        : { ask: by ? `请于${by}前通过下方链接签收任务。` : '请在收到本通知后通过下方链接签收任务。', action: { label: '签收任务', href: linkOf(i) } }),
      ...(t.dueAt ? { ics: deadlineIcs(i, t, t.dueAt) } : {}),
    };
  },

  ack_reminder: (i) => {
    const t = need(i.task, 'task', i.kind);
    return {
      subject: `【签收提醒】${taskName(t)}尚未签收`,
      title: `关于签收${taskName(t)}的提醒`,
      greeting: unitGreeting(i),
      paragraphs: [`交办贵单位的${taskName(t)}至今尚未签收。请尽快签收，并安排专人负责落实。`],
      fields: taskFields(i, t),
      ask: respondBy(i) ? `请于${respondBy(i)}前签收。` : '请尽快签收。',
      action: { label: '签收任务', href: linkOf(i) },
    };
  },

  ack_escalation: (i) => {
    const t = need(i.task, 'task', i.kind);
    const unit = i.unit ?? '贵单位';
    return {
      subject: `【签收催告】${unit}尚未签收${taskName(t)}`,
      title: `关于${unit}未签收${taskName(t)}的催告`,
      greeting: `${unit}分管负责同志：`,
      paragraphs: [`${taskName(t)}交办后，经提醒${unit}仍未签收。请您督促本单位联络员尽快签收，并组织落实。`],
      fields: taskFields(i, t),
      ask: respondBy(i) ? `请于${respondBy(i)}前完成签收。` : '请督促尽快完成签收。',
      action: { label: '查看并签收任务', href: linkOf(i) },
    };
  },

  report_reminder: (i) => {
    const t = need(i.task, 'task', i.kind);
    const period = need(i.period, 'period', i.kind);
    const due = need(i.dueAt, 'dueAt (report due)', i.kind);
    const p = formatPeriod(period);
    return {
      subject: `【报告提醒】${taskName(t)}${p}进展报告将于${formatDay(due, i.zone)}到期`,
      title: `关于报送${taskName(t)}${p}进展报告的提醒`,
      greeting: unitGreeting(i),
      paragraphs: [`${taskName(t)}${p}进展报告应于${formatDate(due, i.zone)}前报送，目前尚未收到。请按时填报工作进展、完成比例及相关佐证材料。`],
      fields: [...taskFields(i, t), ['报告期', p], ['报送截止', formatDate(due, i.zone)]],
      ask: `请于${formatDate(due, i.zone)}前通过下方链接填报。`,
      action: { label: '填报进展报告', href: linkOf(i) },
      ics: reportIcs(i, t, period, due),
    };
  },

  report_chase: (i) => {
    const t = need(i.task, 'task', i.kind);
    const period = need(i.period, 'period', i.kind);
    const due = need(i.dueAt, 'dueAt (report due)', i.kind);
    const p = formatPeriod(period);
    const level = i.level ?? 1;
    const days = calendarDaysBetween(due, i.issuedAt, i.zone);
    const late = days > 0 ? `现已逾期${days}天` : '现已逾期';
    const unit = i.unit ?? '贵单位';
    const nth = level > 1 ? `（第${ordinalCn(level)}次催办）` : '';
    const by = respondBy(i);
    const base = `${taskName(t)}${p}进展报告应于${formatDate(due, i.zone)}前报送，${late}，仍未收到。`;
    const byLevel =
      level >= 3
        ? { greeting: OFFICE_GREETING, text: `${unit}${base}已两次催办，请办公室跟进督促。`, ask: '请跟进督促该单位补报。' }
        : level === 2
          ? { greeting: `${unit}分管负责同志：`, text: `${base}经催办仍未报送，请您督促本单位尽快补报。`, ask: by ? `请于${by}前补报。` : '请尽快补报。' }
          : { greeting: unitGreeting(i), text: base, ask: by ? `请于${by}前补报。` : '请尽快补报。' };
    return {
      subject: `【催办】${taskName(t)}${p}进展报告逾期未报${nth}`,
      title: `关于${taskName(t)}${p}进展报告的催办通知${nth}`,
      greeting: byLevel.greeting,
      paragraphs: [byLevel.text],
      fields: [...taskFields(i, t), ['报告期', p], ['报送截止', formatDate(due, i.zone)], ['逾期天数', `${days}天`]],
      ask: byLevel.ask,
      action: { label: level >= 3 ? '查看任务' : '补报进展报告', href: linkOf(i) },
    };
  },

  deadline_reminder: (i) => {
    const t = need(i.task, 'task', i.kind);
    const due = need(i.dueAt ?? t.dueAt, 'dueAt (deadline)', i.kind);
    const days = calendarDaysBetween(i.issuedAt, due, i.zone);
    const over = calendarDaysBetween(due, i.issuedAt, i.zone);
    // sent late (workers were down past the deadline): say so instead of "due today"
    const left = days > 0 ? `距到期还有${days}天` : over > 0 ? `已逾期${over}天` : '今天到期';
    return {
      subject: `【到期提醒】关于${taskName(t)}即将到期的提醒`,
      title: `关于${taskName(t)}即将到期的提醒`,
      greeting: unitGreeting(i),
      paragraphs: [
        `${taskName(t)}的完成时限为${formatDate(due, i.zone)}，${left}。请抓紧推进。`,
        '已完成的，请通过下方链接申请销号；确需延期的，请在到期前提出延期申请并说明理由。',
      ],
      fields: [...taskFields(i, t), ['剩余天数', `${days}天`]],
      ask: `请于${formatDate(due, i.zone)}前完成并申请销号。`,
      action: { label: '办理任务', href: linkOf(i) },
      ics: deadlineIcs(i, t, due),
    };
  },

  supervision: (i) => {
    const t = need(i.task, 'task', i.kind);
    const slip = need(i.slip, 'slip', i.kind);
    const due = i.dueAt ?? t.dueAt;
    const unit = i.unit ?? '贵单位';
    const colour = colourName(slip.colour);
    const days = due ? calendarDaysBetween(due, i.issuedAt, i.zone) : 0;
    const by = respondBy(i);
    const dueText = due ? formatDate(due, i.zone) : t.deadlinePhrase;
    const paragraphs =
      slip.colour === 'BLUE'
        ? [`${taskName(t)}将于${dueText}到期，目前尚无进展。现发出蓝色督办单（${slip.number}），请${unit}抓紧推进。`]
        : slip.colour === 'ORANGE'
          ? [`${taskName(t)}的完成时限为${dueText}，现已逾期${days}天，仍未完成。现发出橙色督办单（${slip.number}），请${unit}报送整改措施和预计完成时间。`]
          : [
              `${taskName(t)}已逾期${days}天，经督办仍未完成，已报市质量强市领导小组。现发出红色督办单（${slip.number}），请${unit}主要负责同志高度重视，书面说明情况。`,
              '逾期仍未整改的，将按规定进行约谈，并在年度考核中扣分。',
            ];
    const fields: [string, string][] = [['督办单编号', slip.number], ['督办等级', `${colour}督办`], ...taskFields(i, t)];
    if (slip.colour !== 'BLUE') fields.push(['逾期天数', `${days}天`]);
    return {
      subject: `【${colour}督办】${slip.number} 关于${taskName(t)}的督办通知`,
      title: `督办通知（${colour}督办单 ${slip.number}）`,
      greeting: unitGreeting(i),
      paragraphs,
      fields,
      ask: by ? `请于${by}前通过下方链接报送办理情况。` : '请尽快通过下方链接报送办理情况。',
      action: { label: '报送办理情况', href: linkOf(i) },
      slip,
    };
  },

  completion_review: (i) => {
    const t = need(i.task, 'task', i.kind);
    const unit = i.unit ?? '责任单位';
    const by = respondBy(i);
    return {
      subject: `【销号审核】${unit}申请${taskName(t)}销号`,
      title: `关于${unit}申请${taskName(t)}销号的审核提醒`,
      greeting: OFFICE_GREETING,
      paragraphs: [`${unit}已申请${taskName(t)}销号，等待办公室审核。`, ...(i.reason ? [`完成情况说明：${i.reason}`] : [])],
      fields: [...taskFields(i, t), ...(i.evidenceLinks?.length ? ([['佐证材料', i.evidenceLinks.join('\n')]] as [string, string][]) : [])],
      ask: by ? `请于${by}前完成审核。` : '请及时审核。',
      action: { label: '审核销号申请', href: linkOf(i) },
    };
  },

  extension_review: (i) => {
    const t = need(i.task, 'task', i.kind);
    const unit = i.unit ?? '责任单位';
    const requested = need(i.requestedDueAt, 'requestedDueAt', i.kind);
    const by = respondBy(i);
    const from = t.dueAt ? formatDate(t.dueAt, i.zone) : t.deadlinePhrase;
    return {
      subject: `【延期审核】${unit}申请${taskName(t)}延期至${formatDay(requested, i.zone)}`,
      title: `关于${unit}申请${taskName(t)}延期的审核提醒`,
      greeting: OFFICE_GREETING,
      paragraphs: [`${unit}申请将${taskName(t)}的完成时限由${from}延期至${formatDate(requested, i.zone)}。`, ...(i.reason ? [`申请理由：${i.reason}`] : [])],
      fields: [...taskFields(i, t), ['申请延期至', formatDate(requested, i.zone)]],
      ask: by ? `请于${by}前完成审核。` : '请在原完成时限前完成审核。',
      action: { label: '审核延期申请', href: linkOf(i) },
    };
  },

  decision: (i) => {
    const t = need(i.task, 'task', i.kind);
    const d = need(i.decision, 'decision', i.kind);
    const what = d.subject === 'completion' ? '销号申请' : '延期申请';
    let result: string;
    let para: string;
    if (d.subject === 'completion') {
      result = d.approved ? '已通过' : '未通过';
      para = d.approved ? `贵单位${taskName(t)}的销号申请已经办公室审核通过，该任务已销号。` : `贵单位${taskName(t)}的销号申请未通过审核，请按审核意见继续办理后重新申请。`;
    } else if (d.approved) {
      const nd = need(d.newDueAt, 'decision.newDueAt', i.kind);
      result = `已批准，完成时限调整为${formatDay(nd, i.zone)}`;
      para = `贵单位${taskName(t)}的延期申请已获批准，完成时限调整为${formatDate(nd, i.zone)}。`;
    } else {
      result = '未获批准';
      para = `贵单位${taskName(t)}的延期申请未获批准，完成时限不变，请按原时限完成。`;
    }
    const newDue = d.subject === 'extension' && d.approved && d.newDueAt ? d.newDueAt : null;
    return {
      subject: `【审核结果】${taskName(t)}${what}${result}`,
      title: `${taskName(t)}${what}审核结果`,
      greeting: unitGreeting(i),
      paragraphs: [para, ...(i.reason ? [`审核意见：${i.reason}`] : [])],
      fields: taskFields(i, newDue ? { ...t, dueAt: newDue } : t),
      action: { label: '查看任务', href: linkOf(i) },
      ...(newDue ? { ics: deadlineIcs(i, { ...t, dueAt: newDue }, newDue) } : {}),
    };
  },

  catchup_unit: (i) => {
    const items = i.items ?? [];
    const n = items.length;
    const by = respondBy(i);
    const { numbers, phrase } = citedSlips(items);
    const k = numbers.length;
    const cited = slipNumbersText(numbers);
    const one = k === 1 ? items.find((it) => it.slipNumber === numbers[0]) : undefined;
    const oneColour = one?.slip ? SLIP_WORDS[one.slip] ?? '' : '';
    // every item overdue with a slip: "上述"; some missing reports among them: "其中…"
    const slipText =
      k === 0
        ? ''
        : k === 1
          ? `${n === 1 ? '现' : '对其中已超过完成时限的任务，现'}发出${oneColour}督办单（${numbers[0]}）。`
          : `${k === n ? `现对上述${k}项任务一并` : `对其中已超过完成时限的${k}项任务，现一并`}发出${phrase}，编号见下表。`;
    const red = items.some((it) => it.slipNumber && it.slip === 'RED');
    // every item carries its own form link (the unit acts item by item); a letter composed without
    // them (no link signer) keeps the one link it was given
    const table = itemRows(i, false, '办理链接');
    const perItem = (table.links ?? []).some(Boolean);
    return {
      subject: `【逾期汇总】${i.unit ?? '贵单位'}共有${n}项督办事项已逾期${k ? `，已发出督办单${k}份` : ''}`,
      title: '逾期督办事项汇总通知',
      greeting: unitGreeting(i),
      paragraphs: [
        `截至${formatDay(i.issuedAt, i.zone)}，贵单位负责的以下${n}项督办事项已超过完成时限或有进展报告未报送。${slipText}`,
        ...(red ? ['红色督办单所列事项逾期已久，请主要负责同志高度重视，书面说明情况；逾期仍未整改的，将按规定进行约谈，并在年度考核中扣分。'] : []),
        perItem
          ? '请逐项核实，通过每项任务后的办理链接办理：已完成的请申请销号，未完成的请报送进展情况和预计完成时间。'
          : '请逐项核实：已完成的请申请销号，未完成的请报送进展情况和预计完成时间。',
      ],
      fields: cited ? [['督办单编号', cited]] : [],
      items: table,
      ask: by ? `请于${by}前逐项报送。` : '请尽快逐项报送。',
      ...(perItem ? {} : { action: { label: '逐项办理', href: linkOf(i) } }),
    };
  },

  catchup_summary: (i) => {
    const items = i.items ?? [];
    const units = new Set(items.map((it) => it.unit).filter(Boolean)).size;
    const { numbers, phrase } = citedSlips(items);
    const k = numbers.length;
    const cited = slipNumbersText(numbers);
    const slipText = k ? `，并对${k === items.length ? `上述${k}项` : `其中已超过完成时限的${k}项`}发出${phrase}${cited ? `，编号${cited}` : ''}；` : '，';
    return {
      subject: `【督办汇总】逾期事项${items.length}项，涉及${units}个单位${k ? `，已发出督办单${k}份` : ''}`,
      title: '逾期督办事项汇总',
      greeting: OFFICE_GREETING,
      paragraphs: [
        `截至${formatDay(i.issuedAt, i.zone)}，共有${items.length}项督办事项已逾期，涉及${units}个单位。已分别向各责任单位发出逾期汇总通知${slipText}不再逐项补发历史提醒。明细如下。`,
      ],
      fields: [],
      items: itemRows(i, true, '查看分工'),
      action: { label: '打开督办看板', href: linkOf(i) },
    };
  },

  assessment: (i) => assessmentDoc(i, need(i.assessment, 'assessment', i.kind)),

  delivery_failure: (i) => {
    const f = need(i.failure, 'failure', i.kind);
    const to = f.recipients.join('、') || '（无有效地址）';
    const how = f.status === 'DEAD' ? `经${f.attempts}次尝试仍未送达` : '被邮件服务器拒收';
    return {
      subject: `【投递失败】${KIND_LABELS[f.kind]}未能送达${f.recipients[0] ?? ''}`,
      title: '督办邮件投递失败提醒',
      greeting: OFFICE_GREETING,
      paragraphs: [
        `一封${KIND_LABELS[f.kind]}${f.subject ? `（${f.subject}）` : ''}${how}。`,
        f.status === 'DEAD' ? '系统已停止自动重试。' : '该邮件不会自动重发。',
        '请核实收件地址并在单位名录中更正，必要时通过电话等方式通知对方。',
      ],
      fields: [
        ['收件人', to],
        ['服务器答复', f.error],
        ['尝试次数', String(f.attempts)],
        ['通知编号', f.key],
        ...(i.unit ? ([['责任单位', i.unit]] as [string, string][]) : []),
        ...(i.task ? ([['任务', `${taskName(i.task)} ${i.task.text}`]] as [string, string][]) : []),
      ],
    };
  },
};

/** The document for one notice (every kind but `digest`, which groups other notices: see renderDigest). */
export function noticeDoc(i: NoticeMessageInput): NoticeDoc {
  if (i.kind === 'digest') throw new MessageInputError('digest notices are rendered with renderDigest(entries)');
  const t = templates[i.kind];
  if (!t) throw new MessageInputError(`no template for notice kind ${i.kind}`);
  return t(i);
}
