/**
 * Notice messages: pure rendering of every notice kind into a Chinese subject, plain-text and HTML
 * bodies, and ICS attachments. The signed link is a parameter (`link`); without one the
 * LINK_PLACEHOLDER is rendered for the web layer to replace.
 */
export {
  renderNotice,
  renderDigest,
  renderUnitLetter,
  renderCentralLetter,
  type RenderedMessage,
  type MessageAttachment,
  type DigestInput,
} from './render';
export {
  letterRows,
  letterRowsOf,
  letterSummary,
  LETTER_ROLE_TEXT,
  type LetterRow,
  type UnitLetterInput,
} from './letter';
export { centralLetterRows, type CentralLetterRow, type CentralLetterInput } from './central-letter';
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
export { buildIcs, buildIcsCalendar, icsEscape, icsFold, type IcsEvent } from './ics';
export { escapeHtml, formatDate, formatDay, formatPeriod, colourName } from './format';
