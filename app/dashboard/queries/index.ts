/**
 * Read models of the dashboard and the API: traffic lights per task and unit, unit and task pages,
 * an assignment's record and timeline, slips, notices and deliveries, indicator progress, the
 * audit log. Aggregates run as single SQL statements (one pass over the assignments, no N+1), so
 * pages stay fast with 100k assignments and 1M audit events (bench/dashboard.ts measures them).
 * Lists are paged; the audit log pages by id (keyset), never by OFFSET.
 *
 * One file per read model under app/dashboard/queries/; this index re-exports what importers use.
 */
export { closedStateSql, lightSql, type DashboardFilters, type LightCounts } from './sql';
export { overview, type Overview, type UnitLightRow } from './overview';
export { taskList, taskDetail, type TaskRow } from './tasks';
export { assignmentList, type AssignmentRow } from './assignments';
export { unitDetail, assignableUnits } from './units';
export { assignmentDetail } from './assignment-detail';
export { slipList, noticeList, reportList } from './records';
export { indicatorProgress, defaultIndicatorRules, type IndicatorProgress } from './indicators';
export { auditLog, type TimelineEvent } from './audit';
export { extensionList, pendingCompletionRequests } from './reviews';
