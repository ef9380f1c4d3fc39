/**
 * The annual assessment on the real Temporal server, with the real plan imported into PostgreSQL
 * (supervised, its 交办通知 delivered, since it took effect),
 * notices through BullMQ on Redis and the mail processor into the SMTP sink:
 *  - `annualAssessment` for 2025 gives exactly what `runAssessment` computes directly (same digest);
 *  - running it twice submits one notice and one email, which carries the XLSX and the bulletin;
 *  - the Temporal Schedule: created from config (cron, zone, short catch-up window, overlap SKIP),
 *    updated in place on a second ensure, fires next on 20 Dec 09:00 Asia/Shanghai, and a trigger
 *    starts a run that assesses the scheduled time's year as of the scheduled time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../config';
import { loadAssessmentConfig } from '../../config/assessment';
import { currentDirectory, importPlan, loadPlan } from '../../app/plan-import';
import { officialWorkdays, runAssessment } from '../../app/assessment/run';
import {
  describeAssessmentSchedule,
  ensureAssessmentSchedule,
  triggerAssessmentSchedule,
} from '../../app/assessment/schedule';
import { createAssessmentActivities } from '../../activities/assessment';
import type { AnnualAssessmentInput, AnnualAssessmentSummary } from '../../contracts/assessment';
import { readDirectoryFile } from '../../app/units-file';
import { silentLogger } from '../../infra/logger';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { SHEETS } from '../../app/assessment/export-xlsx';
import { createPostgresFileStore } from '../../infra/export/file-store';
import { sqlFromPrisma } from '../../app/notices/sql';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { superviseAllDelivered } from '../helpers/delivered';
import { REAL_PLAN } from '../helpers/paths';
import { parse, uniquePrefix } from '../integration/notify-support/fixture';
import { startTestWorker, temporalServer, workflowBundle, type TemporalServer, type TestWorker } from './temporal-env';

const ZONE = 'Asia/Shanghai';
const SLUG = 'nanchang-quality-city-2024';
const tag = `${process.pid}-${Date.now().toString(36)}`;
const taskQueue = `assessment-test-${tag}`;
const prefix = uniquePrefix('assess-wf');
const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-var-'));
const cfg = loadConfig({ ...process.env, DUBANG_VAR_DIR: varDir });
const assessment = loadAssessmentConfig(cfg);
const isWorkday = officialWorkdays(ZONE);

let db: TestDatabase;
let server: TemporalServer;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let mail: MailWorker;
let worker: TestWorker;
let client: Client;

beforeAll(async () => {
  [db, server, sink] = await Promise.all([
    createTestDatabase(),
    temporalServer(),
    startMailSink({ port: 0 }),
    workflowBundle(),
  ]);
  const loaded = await loadPlan(REAL_PLAN, cfg, await currentDirectory(cfg, db.prisma));
  await importPlan(db.prisma, loaded, { slug: SLUG, actor: 'test', seedDirectory: readDirectoryFile(cfg.unitsFile) });
  // the assessment judges only what a delivered notice asked: supervised, and every 交办通知 delivered, since the plan took effect
  await superviseAllDelivered(db.prisma, {
    from: new Date('2024-04-10T10:00:00+08:00'),
    sent: new Date('2024-04-10T10:05:00+08:00'),
  });
  redis = createRedis(cfg.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
  const policy = { attempts: 2, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
  const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy });
  mail = await startMailWorker({
    config: cfg,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 5000, poolSize: 1 },
    jobPolicy: policy,
    concurrency: 2,
    ratePerSecond: 1000,
  });
  worker = await startTestWorker({
    server,
    taskQueue,
    activities: createAssessmentActivities({
      db: db.prisma,
      notifications: port,
      logger: silentLogger,
      zone: ZONE,
      config: assessment,
      files: createPostgresFileStore(sqlFromPrisma(db.prisma)),
      isWorkday,
    }),
  });
  client = worker.client;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await mail?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis?.disconnect();
  await sink?.close();
  await db?.drop();
  await server?.stop();
  fs.rmSync(varDir, { recursive: true, force: true });
});

const stored = async (key: string): Promise<Buffer> =>
  Buffer.from((await db.prisma.storedFile.findUniqueOrThrow({ where: { key } })).content);

const assess = (input: AnnualAssessmentInput, id: string): Promise<AnnualAssessmentSummary> =>
  client.workflow.execute('annualAssessment', {
    taskQueue,
    workflowId: `${id}-${tag}`,
    args: [input],
    workflowExecutionTimeout: '2m',
  });

describe('annualAssessment for 2025 on the real plan', () => {
  let first: AnnualAssessmentSummary;

  test('returns what runAssessment computes directly, with its files in the database file store', async () => {
    first = await assess({ year: 2025 }, 'assess-2025-a');
    const direct = await runAssessment(db.prisma, {
      year: 2025,
      now: Date.now(),
      zone: ZONE,
      config: assessment,
      isWorkday,
    });
    expect(first.digest).toBe(direct.digest);
    expect(first).toMatchObject({
      year: 2025,
      label: '2025年度',
      asOf: direct.result.asOf,
      interim: false,
      units: direct.result.units.length,
      grades: direct.result.totals.grades,
    });
    expect(first.units).toBeGreaterThan(30);
    expect(first.notice.created).toBe(true);
    expect(first.files.xlsx).toBe(
      `assessments/2025/${first.digest.slice('sha256:'.length, 'sha256:'.length + 16)}/assessment-2025.xlsx`,
    );
    const json = JSON.parse((await stored(first.files.json)).toString('utf8')) as { digest: string; units: unknown[] };
    // nothing of it on the worker's disk: another machine's mail worker must be able to attach it
    expect(fs.existsSync(path.join(varDir, 'assessments'))).toBe(false);
    expect([json.digest, json.units.length]).toEqual([direct.digest, direct.result.units.length]);
  });

  test('a second run submits nothing new; one email arrives with the XLSX attached and the bulletin in its body', async () => {
    const again = await assess({ year: 2025 }, 'assess-2025-b');
    expect(again.digest).toBe(first.digest);
    expect(again.notice).toEqual({ ...first.notice, created: false });
    expect(await db.prisma.notice.count({ where: { kind: 'assessment' } })).toBe(1);

    const [m] = await sink.waitFor(1, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.received()).toHaveLength(1);
    expect(m!.to.sort()).toEqual([
      'deputy@leaders.nanchang.example',
      'duban@office.nanchang.example',
      'office@office.nanchang.example',
      'vice-mayor@leaders.nanchang.example',
    ]);
    const parsed = await parse(m!);
    expect(parsed.subject).toBe('【年度考核】2025年度质量强市建设重点工作任务考核结果');
    const xlsx = parsed.attachments.find((a) => a.filename === 'assessment-2025.xlsx')!;
    expect(xlsx.content.equals(await stored(first.files.xlsx))).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.content as unknown as ArrayBuffer);
    expect(wb.getWorksheet(SHEETS.summary)!.rowCount).toBe(3 + first.units);
    const bulletin = (await stored(first.files.bulletin)).toString('utf8');
    const lagging = bulletin.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lagging.length).toBe(3);
    for (const line of ['关于2025年度质量强市建设重点工作任务落实情况的通报', ...lagging])
      expect(parsed.text).toContain(line);
  });

  test('a year that has not begun fails at once, without retries', async () => {
    const year = DateTime.now().setZone(ZONE).year + 2;
    const err = await assess({ year }, 'assess-future').catch((e: Error) => e);
    expect((err as Error).name).toBe('WorkflowFailedError');
    const cause = (err as { cause?: { cause?: { type?: string; message: string } } }).cause?.cause;
    expect(cause?.type).toBe('AssessmentInputError');
    expect(cause?.message).toContain(`${year} 考核年度从 ${year}-01-01 开始`);
  });
});

describe('the Temporal Schedule', () => {
  const scheduleId = `dubang-annual-assessment-${tag}`;
  afterAll(() =>
    client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined),
  );

  test('is created from config, updated in place, fires next on 20 Dec 09:00 Shanghai; a trigger runs this year as of its scheduled time', async () => {
    const sc = { taskQueue, schedule: assessment.schedule, scheduleId };
    expect(await ensureAssessmentSchedule(client, sc)).toEqual({ scheduleId, action: 'created' });
    expect(await ensureAssessmentSchedule(client, sc)).toEqual({ scheduleId, action: 'updated' });
    const v = (await describeAssessmentSchedule(client, scheduleId))!;
    expect(v).toMatchObject({
      cron: '0 9 20 12 *',
      timezone: 'Asia/Shanghai',
      catchupWindowMs: 24 * 3600 * 1000,
      overlap: 'SKIP',
      paused: false,
      workflowType: 'annualAssessment',
      taskQueue,
    });
    const now = DateTime.now().setZone(ZONE);
    let next = DateTime.fromObject({ year: now.year, month: 12, day: 20, hour: 9 }, { zone: ZONE });
    if (next <= now) next = next.plus({ years: 1 });
    expect(v.nextRuns.slice(0, 2)).toEqual([next.toUTC().toISO(), next.plus({ years: 1 }).toUTC().toISO()]);
    expect(await describeAssessmentSchedule(client, `${scheduleId}-missing`)).toBeNull();

    sink.clear();
    const run = await triggerAssessmentSchedule(client, scheduleId, 10_000);
    expect(run).not.toBeNull();
    const summary = (await client.workflow.getHandle(run!.workflowId).result()) as AnnualAssessmentSummary;
    const scheduledAt = DateTime.fromISO(run!.scheduledAt).setZone(ZONE);
    // the year and the as-of instant come from the run's scheduled time (the TemporalScheduledStartTime
    // search attribute, which keeps whole seconds), not from when the worker happened to run it
    const nominal = Math.floor(Date.parse(run!.scheduledAt) / 1000) * 1000;
    expect(summary).toMatchObject({ year: scheduledAt.year, interim: true, asOf: new Date(nominal).toISOString() });
    expect((await describeAssessmentSchedule(client, scheduleId))!.recentRuns.map((r) => r.workflowId)).toEqual([
      run!.workflowId,
    ]);
  }, 60_000);
});
