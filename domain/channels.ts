/**
 * Group robots (群机器人) as pure data: the channels, what a robot receives, and the markdown of a
 * message as each service takes it, fitted to the service's size limit. No I/O: signing and sending
 * are infra/channels/, deciding who gets what is app/notices/channels.ts. docs/channels.md.
 */
export const ROBOT_CHANNELS = ['dingtalk', 'wecom'] as const;
export type RobotChannel = (typeof ROBOT_CHANNELS)[number];

/** What a person calls each channel. */
export const ROBOT_CHANNEL_NAMES: Record<RobotChannel, string> = { dingtalk: '钉钉', wecom: '企业微信' };

/**
 * What a robot receives: `letter`, a short summary of each unit letter (督办函) with the workspace
 * link; `slips`, the daily summary of open red and orange 督办单 (for the Office and leadership).
 */
export const ROBOT_KINDS = ['letter', 'slips'] as const;
export type RobotKind = (typeof ROBOT_KINDS)[number];
export const ROBOT_KIND_NAMES: Record<RobotKind, string> = {
  letter: '督办函摘要',
  slips: '每日红橙督办单汇总',
};

/** A robot as the units directory writes it (config/units.json `robots`, the CSV's `robots` column). */
export interface DirectoryRobot {
  channel: RobotChannel;
  /** the webhook URL, with its access_token (DingTalk) or key (WeCom): a credential */
  webhook: string;
  /** DingTalk 加签 secret (SEC…); absent: unsigned */
  secret?: string | null;
  /** what it receives; absent: the default for the unit's kind (defaultRobotKinds) */
  kinds?: RobotKind[];
  /** DingTalk: mobiles to @ */
  atMobiles?: string[];
  /** WeCom: userids to mention as <@userid> */
  mentions?: string[];
}

/** The Office and the leadership get the daily slip summary; every other unit its letters' summaries. */
export function defaultRobotKinds(unitKind: string): RobotKind[] {
  return unitKind === 'OFFICE' || unitKind === 'LEADERSHIP' ? ['slips'] : ['letter'];
}

/**
 * The services' size limits of one markdown message, in UTF-8 bytes: WeCom 4096 (its text messages
 * 2048), DingTalk 20000.
 */
export const MARKDOWN_LIMIT_BYTES: Record<RobotChannel, number> = { dingtalk: 20000, wecom: 4096 };

/** At most this many messages per robot per minute (both services). */
export const ROBOT_MESSAGES_PER_MINUTE = 20;

/** One IM message before it is written for a channel. */
export interface ImMessage {
  /** the first line, e.g. 【督办函】市市场监管局：任务交办20项、逾期督办21项 */
  title: string;
  /** body lines, in order; the ones that do not fit are counted in the 「…及另外N项」 line */
  lines: string[];
  /** the link at the end (本单位督办事项, the Office's slip list), if any */
  link?: { text: string; url: string } | null;
  /** lines that always stay (the formal letter went by email) */
  footer?: string[];
}

/**
 * A webhook as a page, the audit log or an export without credentials shows it: the host and path,
 * the token's last 4 characters. Recognisable (isMaskedWebhook), so a directory exported this way
 * and imported again keeps the stored robot (app/units.ts restoreMaskedRobots).
 */
export function maskWebhook(webhook: string): string {
  try {
    const url = new URL(webhook);
    const token = url.searchParams.get('access_token') ?? url.searchParams.get('key') ?? '';
    return `${url.origin}${url.pathname}?…${token.slice(-4)}`;
  } catch {
    return '…';
  }
}

/** Whether a webhook is maskWebhook's form (a stand-in for the stored one), not a usable address. */
export function isMaskedWebhook(webhook: string): boolean {
  return /^https?:\/\/[^?#\s]+\?…[^&=?#\s]{0,4}$/.test(webhook);
}

/** A secret as an export without credentials writes it: set, but not shown. */
export const MASKED_SECRET = '***';

/** A robot with its webhook and secret masked (a directory exported without credentials). */
export function maskRobot(r: DirectoryRobot): DirectoryRobot {
  return { ...r, webhook: maskWebhook(r.webhook), ...(r.secret ? { secret: MASKED_SECRET } : {}) };
}

/** The message as the service takes it: DingTalk's title and text, WeCom's content. */
export interface ChannelMarkdown {
  title: string;
  text: string;
}

const bytes = (s: string): number => new TextEncoder().encode(s).length;

/** The longest prefix of `s` within `max` UTF-8 bytes, cut between characters (never inside one). */
export function cutToBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const b = bytes(ch);
    if (used + b > max - 3) break; // room for the ellipsis (3 bytes)
    out += ch;
    used += b;
  }
  return `${out}…`;
}

function mentionLine(channel: RobotChannel, mentions: readonly string[]): string | null {
  if (!mentions.length) return null;
  return channel === 'dingtalk' ? mentions.map((m) => `@${m}`).join(' ') : mentions.map((m) => `<@${m}>`).join(' ');
}

/** `[text](url)` with the characters markdown would misread in the text escaped. */
const mdLink = (text: string, url: string) =>
  `[${text.replace(/[[\]]/g, '')}](${url.replace(/[()\s]/g, encodeURIComponent)})`;

/**
 * Writes a message as markdown for a channel, within its size limit: body lines that do not fit are
 * left out and counted in one line 「…及另外N项，详见邮件/工作台」; the title, the link, the footer and
 * the mentions always stay (a line too long on its own is cut between characters).
 */
export function renderChannelMarkdown(
  channel: RobotChannel,
  m: ImMessage,
  mentions: readonly string[] = [],
  limit = MARKDOWN_LIMIT_BYTES[channel],
): ChannelMarkdown {
  const head = channel === 'dingtalk' ? `#### ${m.title}` : `**${m.title}**`;
  const tail = [
    ...(m.link ? [mdLink(m.link.text, m.link.url)] : []),
    ...(m.footer ?? []).map((f) => `> ${f}`),
    ...(mentionLine(channel, mentions) ? [mentionLine(channel, mentions)!] : []),
  ];
  const join = (body: string[]) => [head, ...body, ...tail].join('\n\n');
  const lines = m.lines.map((l) => cutToBytes(l, Math.floor(limit / 4)));
  let kept = lines.length;
  const withMore = (k: number) =>
    k < lines.length ? [...lines.slice(0, k), `…及另外${lines.length - k}项，详见邮件/工作台`] : lines;
  while (kept > 0 && bytes(join(withMore(kept))) > limit) kept--;
  let text = join(withMore(kept));
  if (bytes(text) > limit) text = cutToBytes(text, limit);
  return { title: cutToBytes(m.title, 256), text };
}

/**
 * Several messages waiting for one robot past its rate, as one summary: each becomes a line (its
 * title, linked when it has a link); the footers are kept once.
 */
export function mergeImMessages(messages: readonly ImMessage[]): ImMessage {
  if (messages.length === 1) return messages[0]!;
  const footer = [...new Set(messages.flatMap((m) => m.footer ?? []))];
  return {
    title: `【督办消息汇总】共${messages.length}条（发送频率已达上限，合并发送）`,
    lines: messages.map((m) => (m.link ? mdLink(m.title, m.link.url) : m.title)),
    link: null,
    footer,
  };
}
