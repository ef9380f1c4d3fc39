/**
 * The Office's decisions on one assignment (approve/reject completion and extensions, reassign,
 * cancel), shared by the dashboard's forms and the JSON API. They go to the lifecycle through the
 * TaskActions port; the lifecycle's refusal reason comes back as is.
 */
import type { LifecycleInputType } from '../domain/lifecycle';
import type { WebContext } from './context';
import type { WebSession } from './sessions';
import { parseNote, UnitInputError } from './unit-input';
import { isDubangError } from '../contracts/errors';
import { lifecycleRefusal } from './unit-actions';

export const OFFICE_ACTIONS: readonly LifecycleInputType[] = [
  'approveCompletion',
  'rejectCompletion',
  'approveExtension',
  'rejectExtension',
  'reassign',
  'cancel',
];

export interface ActionOutcome {
  status: number;
  message: string;
  code?: string;
  result?: unknown;
}

const DONE: Record<string, string> = {
  approveCompletion: '已同意销号。',
  rejectCompletion: '已退回销号申请。',
  approveExtension: '已同意延期。',
  rejectExtension: '已驳回延期申请。',
  reassign: '已改派。',
  cancel: '已撤销该任务分工。',
};

export async function officeAct(
  ctx: WebContext,
  session: WebSession,
  assignmentId: string,
  type: string,
  body: Record<string, unknown>,
): Promise<ActionOutcome> {
  if (!(OFFICE_ACTIONS as readonly string[]).includes(type))
    return { status: 404, message: `没有「${type.slice(0, 40)}」这项操作`, code: 'NOT_FOUND' };
  const a = await ctx.db.assignment.findUnique({
    where: { id: assignmentId },
    include: { task: { select: { number: true, plan: { select: { slug: true } } } } },
  });
  if (!a) return { status: 404, message: '没有这项任务分工', code: 'NOT_FOUND' };
  const fields: Record<string, unknown> = {};
  try {
    const needsReason =
      type === 'rejectCompletion' || type === 'rejectExtension' || type === 'reassign' || type === 'cancel';
    const reason = parseNote(body, 'reason', '理由', needsReason);
    if (reason) fields.reason = reason;
    if (type === 'reassign') fields.toUnit = parseNote(body, 'toUnit', '新的责任单位', true).slice(0, 100);
  } catch (err) {
    if (isDubangError(err, UnitInputError)) return { status: 422, message: err.message, code: 'INVALID_INPUT' };
    throw err;
  }
  try {
    const result = await ctx.tasks.apply({
      planSlug: a.task.plan.slug,
      task: a.task.number,
      type: type as LifecycleInputType,
      args: { unit: a.unitId, actor: `office:${session.email}`, ...fields },
    });
    return { status: 200, message: DONE[type] ?? '已办理。', result };
  } catch (err) {
    const r = lifecycleRefusal(err, 'office');
    if (!r) throw err;
    return { status: r.status, message: r.text, code: r.code };
  }
}
