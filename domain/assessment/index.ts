/** The annual assessment (年度考核): scoring, calendars and the bulletin draft. Pure. */
export * from './types';
export { assess, citationText, gradeOf, judgedDue, periodName } from './score';
export {
  assessmentWindow,
  yearLabel,
  reportPeriodsDue,
  workdayDeadline,
  weekdaysOnly,
  AssessmentInputError,
  type ReportPeriod,
  type YearWindow,
} from './calendar';
export { renderBulletin, mainReasons, type BulletinOptions } from './bulletin';
