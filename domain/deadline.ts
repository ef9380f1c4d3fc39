/**
 * Deadline phrases (完成时限) → due instants. Pure. The configured table (config/deadline-phrases.json)
 * is looked up first, so it can add or override phrases; otherwise the phrase is read by a small
 * grammar of the ways plans write dates (docs/plan-formats.md#完成时限). Nothing is guessed: a phrase
 * neither knows is null, and the caller refuses it with its line.
 */
import { DateTime } from 'luxon';
import type { TaskKind } from './model';

/** One row of the deadline-phrase table (config/deadline-phrases.json). */
export interface DeadlinePhraseRule {
  phrase: string;
  kind: TaskKind;
  /** YYYY-MM-DD in the plan's zone; required for `deadline`, absent for `standing` */
  due?: string;
}

/** How often a recurring standing task (每年, 每季度, 每月) reports. */
export type Cadence = 'year' | 'quarter' | 'month';

export interface InterpretedDeadline {
  phrase: string;
  kind: TaskKind;
  /** for recurring phrases (每年…): the reporting cadence; absent otherwise */
  cadence?: Cadence;
  /** YYYY-MM-DD, or null for standing tasks */
  dueDate: string | null;
  /** the end of the due date in `zone` as an ISO instant with offset, or null */
  dueAt: string | null;
}

/** Normalises a phrase for lookup only: trims, and folds full-width digits to ASCII. The text kept is the original. */
export function phraseKey(phrase: string): string {
  return phrase.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/**
 * Interprets a phrase, or returns null when the table does not know it (the caller reports the
 * line; we never guess). The due instant is 23:59:59.999 of the due date in `zone`.
 */
export function interpretDeadline(
  phrase: string,
  table: readonly DeadlinePhraseRule[],
  zone: string,
): InterpretedDeadline | null {
  const key = phraseKey(phrase);
  const rule = table.find((r) => phraseKey(r.phrase) === key);
  if (!rule) return grammarDeadline(phrase, zone);
  if (rule.kind === 'standing' || !rule.due) return { phrase, kind: 'standing', dueDate: null, dueAt: null };
  const end = DateTime.fromISO(rule.due, { zone }).endOf('day');
  if (!end.isValid) throw new Error(`deadline table: ${rule.phrase} has an invalid due date ${rule.due}`);
  return { phrase, kind: 'deadline', dueDate: rule.due, dueAt: end.toISO()! };
}

/** The written forms the grammar reads, for messages. */
export const DEADLINE_FORMS =
  'YYYY年前、YYYY年底前、YYYY年M月底前、YYYY年M月D日前、YYYY年上半年/下半年、YYYY年第N季度、长期、持续推进、常态化、每年/每季度/每月';

const STANDING = /^(?:长期|长期坚持|长期推进|持续推进|持续开展|持续|常态化|常态化推进|常态化开展)$/;
// The whole phrase names the cadence (with at most a reporting word after it); a recurring phrase
// that also names a day (每月10日前, 每季度末, 每年12月底前) is not read: the report due day is the
// policy's (config/policy.json kinds.standing.cadences), and guessing it from the phrase would be silent.
const REPORTING_WORD = '(?:报送|报告|调度|开展|推进)?(?:一次)?';
const RECURRING: [RegExp, Cadence][] = [
  [new RegExp(`^每年(?:度)?${REPORTING_WORD}$`), 'year'],
  [new RegExp(`^每个?季度${REPORTING_WORD}$`), 'quarter'],
  [new RegExp(`^每个?月${REPORTING_WORD}$`), 'month'],
];

/** For a recurring phrase the grammar does not read (每月10日前): what to write instead; null for other phrases. */
export function recurringHint(phrase: string): string | null {
  const k = phraseKey(phrase).replace(/\s+/g, '');
  if (!/^每(?:半?年|个?季度|个?月|周|旬)/.test(k)) return null;
  return '周期性时限只写 每年、每季度 或 每月：各期报告的报送日由督办规则确定（config/policy.json 的 kinds.standing.cadences，每月为次月第5个工作日），不从短语中读取';
}
const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

/** The due date a dated phrase names (YYYY-MM-DD), or null. */
function datedPhrase(k: string, zone: string): DateTime | null {
  let m = /^(\d{4})年(?:前|底前|底|年底前|内|年内|末|年末)$/.exec(k);
  if (m) return DateTime.fromObject({ year: +m[1]!, month: 12, day: 31 }, { zone });
  m = /^(\d{4})年(\d{1,2})月(?:底前|底|末|末前|份|内)?$/.exec(k);
  if (m) {
    const d = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: 1 }, { zone });
    return d.isValid ? d.endOf('month') : null;
  }
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日(?:前|之前)?$/.exec(k);
  if (m) return DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }, { zone });
  m = /^(\d{4})年(上|下)半年(?:前|底前|末|内)?$/.exec(k);
  if (m)
    return DateTime.fromObject({ year: +m[1]!, month: m[2] === '上' ? 6 : 12, day: m[2] === '上' ? 30 : 31 }, { zone });
  // 第N季度 is the end of that quarter; 三季度前 (before it, or by its end?) is ambiguous and not read.
  m = /^(\d{4})年第?([一二三四1-4])季度(?:末|底|内|底前|末前)?$/.exec(k);
  if (m) return DateTime.fromObject({ year: +m[1]!, month: QUARTER[m[2]!]! * 3, day: 1 }, { zone }).endOf('month');
  return null;
}

/** Reads a phrase by the grammar; null when it is none of the forms in DEADLINE_FORMS. */
export function grammarDeadline(phrase: string, zone: string): InterpretedDeadline | null {
  const k = phraseKey(phrase)
    .replace(/\s+/g, '')
    .replace(/[。.，,；;]$/, '');
  if (STANDING.test(k)) return { phrase, kind: 'standing', dueDate: null, dueAt: null };
  for (const [re, cadence] of RECURRING)
    if (re.test(k)) return { phrase, kind: 'standing', cadence, dueDate: null, dueAt: null };
  const d = datedPhrase(k, zone);
  if (!d || !d.isValid) return null;
  return { phrase, kind: 'deadline', dueDate: d.toISODate()!, dueAt: d.endOf('day').toISO()! };
}
