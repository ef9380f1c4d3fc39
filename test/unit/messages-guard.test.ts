/** The send-time guard: which notices are no longer worth sending, and why (shown to the Office). */
import { staleReason, type GuardAssignment, type GuardNotice } from '../../domain/notices';
import { isValidAddress } from '../../app/notices/recipients';
import { senderName } from '../../app/notices/deliver-notice';

const DUE = '2025-12-31T23:59:59.999+08:00';
const open: GuardAssignment = {
  state: 'ASSIGNED',
  cancelledAt: null,
  acknowledgedAt: null,
  dueAt: new Date(DUE),
  taskCancelledAt: null,
  reportedPeriods: [],
};
const n = (kind: string, payload: GuardNotice['payload'] = {}): GuardNotice => ({ kind, status: 'QUEUED', payload });

test.each<[string, GuardNotice, Partial<GuardAssignment>, string | null]>([
  ['open ack reminder goes out', n('ack_reminder'), {}, null],
  [
    'acknowledged: ack reminder stale',
    n('ack_reminder'),
    { state: 'ACKNOWLEDGED', acknowledgedAt: new Date() },
    '任务已签收',
  ],
  ['acknowledged: ack escalation stale', n('ack_escalation'), { state: 'IN_PROGRESS' }, '任务已签收'],
  [
    'report already in',
    n('report_chase', { period: '2025Q4' }),
    { state: 'IN_PROGRESS', reportedPeriods: ['2025Q4'] },
    '该期进展报告已报送',
  ],
  [
    'other period reported only',
    n('report_reminder', { period: '2026Q1' }),
    { state: 'IN_PROGRESS', reportedPeriods: ['2025Q4'] },
    null,
  ],
  ['deadline unchanged', n('deadline_reminder', { dueAt: DUE }), {}, null],
  [
    'extension approved moved the deadline',
    n('deadline_reminder', { dueAt: DUE }),
    { dueAt: new Date('2026-06-30T15:59:59.999Z') },
    '完成时限已调整（延期已批准）',
  ],
  [
    'supervision on the old deadline',
    n('supervision', { dueAt: DUE }),
    { dueAt: new Date('2026-06-30T15:59:59.999Z') },
    '完成时限已调整（延期已批准）',
  ],
  ['completed task: reminders stale', n('deadline_reminder', { dueAt: DUE }), { state: 'COMPLETED' }, '任务已销号'],
  ['completed task: the decision still goes out', n('decision'), { state: 'COMPLETED' }, null],
  ['cancelled assignment', n('assignment'), { state: 'CANCELLED', cancelledAt: new Date() }, '任务已取消'],
  [
    'task cancelled by a plan revision',
    n('report_reminder', { period: '2025Q4' }),
    { taskCancelledAt: new Date() },
    '任务已取消',
  ],
  ['completion review after the decision', n('completion_review'), { state: 'COMPLETED' }, '任务已销号'],
  ['completion review rejected meanwhile', n('completion_review'), { state: 'IN_PROGRESS' }, '销号申请已处理'],
  ['completion review pending', n('completion_review'), { state: 'COMPLETION_REQUESTED' }, null],
  ['extension review decided', n('extension_review'), { state: 'IN_PROGRESS' }, '延期申请已处理'],
  ['failure alert ignores the assignment', n('delivery_failure'), { state: 'CANCELLED' }, null],
])('%s', (_name, notice, change, reason) => {
  expect(staleReason(notice, { ...open, ...change })).toBe(reason);
});

test('a notice cancelled in the database is stale whatever the assignment says', () => {
  expect(staleReason({ ...n('assignment'), status: 'SKIPPED' }, open)).toBe('通知已取消');
});

test('notices without an assignment (summaries) always go out', () => {
  expect(staleReason(n('catchup_summary'), null)).toBeNull();
});

test.each([
  ['liaison@bureau.example', true],
  ['张三@单位.中国', true],
  ['not an address', false],
  ['a@b', false],
  ['<a@b.cn>', false],
  ['', false],
])('address %s valid: %s', (a, ok) => expect(isValidAddress(a)).toBe(ok));

test('the signature is the From display name', () => {
  expect(senderName('南昌市质量强市领导小组办公室 <duban@office.nanchang.example>')).toBe(
    '南昌市质量强市领导小组办公室',
  );
  expect(senderName('"督办 办公室" <a@b.cn>')).toBe('督办 办公室');
  expect(senderName('a@b.cn')).toBe('a@b.cn');
});
