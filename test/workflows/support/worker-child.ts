/**
 * A Temporal worker in its own process, for the restart tests: the parent SIGKILLs it (no drain, no
 * goodbye to the server, exactly a crashed worker) and starts another, which replays the workflows
 * from their histories. The workflow code is the bundle the parent built once (T_BUNDLE, a file);
 * notices go to the outbox (Notice rows) of the test database. Settings come from T_* variables.
 */
import { NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { createLifecycleActivities } from '../../../activities/lifecycle';
import { createPrisma } from '../../../infra/db/client';
import { silentLogger } from '../../../infra/logger';
import { createOutboxNotificationPort } from '../../../infra/outbox';

async function run(): Promise<void> {
  const env = process.env;
  // Quiet core logs; SIGTERM is handled below (the parent normally SIGKILLs).
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const db = createPrisma(env.T_DB_URL!, { max: 4 });
  const connection = await NativeConnection.connect({ address: env.T_TEMPORAL! });
  const worker = await Worker.create({
    connection,
    taskQueue: env.T_TASK_QUEUE!,
    workflowBundle: { codePath: env.T_BUNDLE! },
    activities: createLifecycleActivities({
      db,
      notifications: createOutboxNotificationPort(db),
      logger: silentLogger,
      zone: env.T_ZONE ?? 'Asia/Shanghai',
    }),
    // A workflow task parked on a dead worker's sticky queue moves to the shared queue after this
    // (default 10 s): the next worker gets it sooner, which only keeps the test short.
    stickyQueueScheduleToStartTimeout: '1s',
  });
  const running = worker.run();
  process.send?.('ready');
  process.on('SIGTERM', () => {
    worker.shutdown();
    void running.finally(async () => {
      await db.$disconnect();
      await connection.close();
      process.exit(0);
    });
  });
  await running;
}

run().catch((err) => {
  process.stderr.write(String((err as Error)?.stack ?? err) + '\n');
  process.exit(1);
});
