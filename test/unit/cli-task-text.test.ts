/** `dubang task show` and the task verbs as a person reads them: Chinese dates, roles, kinds; no instants or codes. */
import { taskInputText, taskViewText } from '../../cli/task-text';
import type { TaskView } from '../../app/tasks';

const view: TaskView = {
  plan: 'p',
  task: 3,
  text: '实施重点产业专利导航计划。',
  kind: 'deadline',
  deadlinePhrase: '2025年前',
  dueAt: '2025-12-31T15:59:59.999Z',
  workflowId: 'wf',
  workflowStatus: 'RUNNING',
  assignments: [
    {
      unit: '市市场监管局',
      role: 'LEAD',
      state: 'ACKNOWLEDGED',
      overdue: true,
      dueAt: '2025-12-31T15:59:59.999Z',
      originalDueAt: '2025-12-31T15:59:59.999Z',
    },
    {
      unit: '南昌县人民政府',
      role: 'IMPLICIT',
      state: 'ASSIGNED',
      overdue: false,
      dueAt: '2026-06-30T15:59:59.999Z',
      originalDueAt: '2025-12-31T15:59:59.999Z',
    },
  ],
  upcoming: [
    {
      kind: 'supervision',
      at: '2026-12-22T09:00:00.000+08:00',
      nominalAt: '2026-12-22T09:00:00.000+08:00',
      task: 3,
      unit: '市市场监管局',
      to: ['office', 'leader', 'leadership'],
      slip: 'RED',
    },
  ],
  nextWakeAt: null,
};

it('task show: dates in Chinese in the zone, roles, states, kinds and recipients in Chinese', () => {
  const t = taskViewText(view, 'Asia/Shanghai');
  expect(t.split('\n')).toEqual([
    '任务(3) 完成时限：2025年前（2025年12月31日（星期三））  督办流程：运行中',
    '实施重点产业专利导航计划。',
    '  市市场监管局（牵头） 已签收 逾期',
    '  南昌县人民政府（属地落实） 已交办 延期至2026年6月30日（星期二）',
    '即将发出的通知：',
    '  2026年12月22日（星期二） 09:00 督办通知 市市场监管局 → 领导小组办公室、分管负责人、领导小组（红色督办单）',
  ]);
  expect(t).not.toMatch(/\d{4}-\d{2}-\d{2}T|RUNNING|LEAD|IMPLICIT|supervision|leader\b|RED/);
});

it('a task verb says what happened with the deadline in Chinese', () => {
  expect(
    taskInputText(
      'acknowledge',
      { task: 9, unit: '市市场监管局', state: 'ACKNOWLEDGED', dueAt: '2025-12-31T15:59:59.999Z' },
      'Asia/Shanghai',
    ),
  ).toBe('任务(9) 市市场监管局：签收完成，当前状态「已签收」，完成时限 2025年12月31日（星期三）');
});
