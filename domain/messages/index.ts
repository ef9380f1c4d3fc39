/**
 * Notice messages: pure rendering of every notice kind into a Chinese subject, plain-text and HTML
 * bodies, and ICS attachments. The signed link is a parameter (`link`); without one the
 * LINK_PLACEHOLDER is rendered for the web layer to replace.
 */
export { renderNotice, renderDigest, type RenderedMessage, type MessageAttachment, type DigestInput } from './render';
export {
  KIND_LABELS,
  LINK_PLACEHOLDER,
  MessageInputError,
  calendarDaysBetween,
  decisionOf,
  decisionPayload,
  noticeDoc,
  type NoticeMessageInput,
  type MessageTask,
  type MessageItem,
  type NoticeDoc,
  type AssessmentMessage,
  type Decision,
} from './templates';
export { buildIcs, icsEscape, icsFold, type IcsEvent } from './ics';
export { escapeHtml, formatDate, formatDay, formatPeriod, colourName } from './format';
