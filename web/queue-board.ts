/**
 * The queue dashboard (bull-board) for the notice queue, mounted by the HTTP server inside an
 * Office-only scope. Loaded lazily: @bull-board/fastify pulls in ESM-only dependencies that Node
 * 20.19+ loads natively but jest's CommonJS runtime cannot, so nothing imports it at module load.
 */
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export function queueBoardMounter(queues: Queue[]): (scope: FastifyInstance, prefix: string) => Promise<void> {
  return async (scope, prefix) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
    const { BullMQAdapter } =
      require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
    const { FastifyAdapter } = require('@bull-board/fastify') as typeof import('@bull-board/fastify');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const adapter = new FastifyAdapter();
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: '督办通知队列' } },
    });
    adapter.setBasePath(prefix);
    await scope.register(adapter.registerPlugin() as never, { prefix });
  };
}
