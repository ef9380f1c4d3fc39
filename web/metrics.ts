/**
 * Prometheus text helpers and the metrics that need clients the HTTP server does not own: the
 * notice queue's depth and age (BullMQ) and workflow counts (Temporal). The composition root
 * passes them to the server as `metrics`.
 */
import type { Queue } from 'bullmq';
import type { Client } from '@temporalio/client';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** One sample line: name{label="value",…} value */
export function promLine(name: string, labels: Record<string, string>, value: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${l.length ? `{${l.join(',')}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

/** Depth per job state and the age of the oldest waiting job, per queue. */
export async function queueMetrics(queues: Queue[], now = Date.now()): Promise<string> {
  const out = ['# HELP dubang_queue_jobs Jobs in the queue by state.', '# TYPE dubang_queue_jobs gauge'];
  const ages = [
    '# HELP dubang_queue_oldest_waiting_seconds Age of the oldest job waiting to run (0 when none).',
    '# TYPE dubang_queue_oldest_waiting_seconds gauge',
  ];
  for (const q of queues) {
    const counts = await q.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'failed',
      'completed',
      'prioritized',
      'waiting-children',
    );
    for (const [state, n] of Object.entries(counts))
      out.push(promLine('dubang_queue_jobs', { queue: q.name, state }, n));
    const [oldest] = await q.getWaiting(0, 0);
    ages.push(
      promLine(
        'dubang_queue_oldest_waiting_seconds',
        { queue: q.name },
        oldest ? Math.max(0, (now - oldest.timestamp - (oldest.opts.delay ?? 0)) / 1000) : 0,
      ),
    );
  }
  return [...out, ...ages].join('\n') + '\n';
}

/** Lifecycle workflow executions by status (Temporal visibility counts). */
export async function workflowMetrics(client: Client, workflowType = 'taskLifecycle'): Promise<string> {
  const out = ['# HELP dubang_workflows Workflow executions by status.', '# TYPE dubang_workflows gauge'];
  for (const status of ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut']) {
    const r = await client.workflow.count(`WorkflowType = '${workflowType}' AND ExecutionStatus = '${status}'`);
    out.push(promLine('dubang_workflows', { type: workflowType, status: status.toLowerCase() }, r.count));
  }
  return out.join('\n') + '\n';
}
