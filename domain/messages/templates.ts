/**
 * What each notice kind says: one function per kind that turns the notice's data into a document
 * (subject, greeting, paragraphs, fields, items, what is asked and by when, the link). The renderer
 * (render.ts) turns a document into plain text, HTML and attachments, so both bodies always say the
 * same thing. Pure.
 *
 * The templates live in kinds/, one file per family of kinds (assignment and acknowledgement,
 * reports, deadlines and supervision, reviews and decisions, catch-up letters, the assessment,
 * alerts); the data they read is in input.ts. This module is their index and keeps the exports.
 */
import type { NoticeKind } from '../notices';
import { MessageInputError, type NoticeDoc, type NoticeMessageInput } from './input';
import { ALERT_TEMPLATES } from './kinds/alert';
import { ASSESSMENT_TEMPLATES } from './kinds/assessment';
import { ASSIGNMENT_TEMPLATES } from './kinds/assignment';
import { CATCHUP_TEMPLATES } from './kinds/catchup';
import { DEADLINE_TEMPLATES } from './kinds/deadline';
import type { Template } from './kinds/parts';
import { REPORT_TEMPLATES } from './kinds/report';
import { REVIEW_TEMPLATES } from './kinds/review';

export {
  KIND_LABELS,
  LINK_PLACEHOLDER,
  MessageInputError,
  type AssessmentMessage,
  type MessageItem,
  type MessageTask,
  type NoticeDoc,
  type NoticeMessageInput,
} from './input';
export { decisionOf, decisionPayload, type Decision } from './decision';
export { calendarDaysBetween } from './kinds/parts';
export { slipNumbersText } from './kinds/catchup';

// the index signature admits kinds added to NOTICE_KINDS by other work (assessment) before they are required
// im_message is not an email: domain/channels.ts writes it (renderChannelMarkdown)
const templates: Record<Exclude<NoticeKind, 'digest' | 'unit_letter' | 'im_message'>, Template> &
  Record<string, Template | undefined> = {
  ...ASSIGNMENT_TEMPLATES,
  ...REPORT_TEMPLATES,
  ...DEADLINE_TEMPLATES,
  ...REVIEW_TEMPLATES,
  ...CATCHUP_TEMPLATES,
  ...ASSESSMENT_TEMPLATES,
  ...ALERT_TEMPLATES,
};

/** The document for one notice (every kind but `digest`, which groups other notices: see renderDigest). */
export function noticeDoc(i: NoticeMessageInput): NoticeDoc {
  if (i.kind === 'digest') throw new MessageInputError('digest notices are rendered with renderDigest(entries)');
  if (i.kind === 'unit_letter') throw new MessageInputError('unit letters are rendered with renderUnitLetter(items)');
  const t = templates[i.kind];
  if (!t) throw new MessageInputError(`no template for notice kind ${i.kind}`);
  return t(i);
}
