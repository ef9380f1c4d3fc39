/**
 * The assessment email through the real pipeline (PostgreSQL, Redis/BullMQ, the mail processor,
 * nodemailer, the SMTP sink): the files named in the payload are attached at send time, byte for
 * byte, the bulletin is in both bodies, it goes to the Office and leadership; a payload naming a
 * file outside the var dir (directly or through a symlink) is refused: nothing of it is mailed,
 * the notice is FAILED with the reason, and the Office is told.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import ExcelJS from 'exceljs';
import { loadConfig } from '../../config';
import { loadAssessmentConfig } from '../../config/assessment';
import { runAssessment, submitAssessmentNotice, type AssessmentRun } from '../../app/assessment/run';
import { storeAssessmentFiles } from '../../activities/assessment';
import { sqlFromPrisma } from '../../app/notices/sql';
import { createPostgresFileStore } from '../../infra/export/file-store';
import { noticeKey } from '../../domain/notices';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { silentLogger } from '../../infra/logger';
import { createRedis } from '../../infra/queue/redis';
import { createNoticeQueue, type NoticeJobData } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { startMailWorker, type MailWorker } from '../../worker/mail-main';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  closePipeline,
  eventually,
  LEADERSHIP_EMAIL,
  OFFICE_EMAIL,
  parse,
  seed,
  uniquePrefix,
} from './notify-support/fixture';
import { SHEETS } from '../../app/assessment/export-xlsx';

const POLICY = { attempts: 2, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
const prefix = uniquePrefix('assess-mail');
const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-var-'));
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-outside-'));
const config = loadConfig({ ...process.env, DUBANG_VAR_DIR: varDir });

let db: TestDatabase;
let sink: MailSink;
let redis: Redis;
let queue: Queue<NoticeJobData>;
let port: ReturnType<typeof createQueueNotificationPort>;
let worker: MailWorker;
let run: AssessmentRun;

beforeAll(async () => {
  [db, sink] = await Promise.all([createTestDatabase(), startMailSink({ port: 0 })]);
  redis = createRedis(config.redis.url, 'producer', silentLogger);
  queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
  port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy: POLICY });
  await seed(db.prisma, { tasks: 2, units: 3 });
  run = await runAssessment(db.prisma, {
    year: 2025,
    now: Date.now(),
    zone: config.timezone,
    config: loadAssessmentConfig(config),
    isWorkday: () => true,
  });
  worker = await startMailWorker({
    config,
    logger: silentLogger,
    databaseUrl: db.url,
    prefix,
    smtp: { host: sink.host, port: sink.port, timeoutMs: 3000, poolSize: 1 },
    jobPolicy: POLICY,
    concurrency: 2,
    ratePerSecond: 1000,
  });
}, 60_000);

afterAll(async () => {
  await closePipeline({ worker, queue, redis, sink, db });
  fs.rmSync(varDir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

beforeEach(() => sink.clear());

test('the email carries the XLSX and CSVs read from the database file store, the bulletin, to the Office and leadership', async () => {
  const store = createPostgresFileStore(sqlFromPrisma(db.prisma));
  const files = await storeAssessmentFiles(store, run);
  const stored = async (key: string) => (await store.get(key))!.content;
  const sent = await submitAssessmentNotice(port, run, files, { top: 3, lagging: 3 });
  const [m] = await sink.waitFor(1, 15_000);
  expect(m!.to.sort()).toEqual([LEADERSHIP_EMAIL, OFFICE_EMAIL].sort());
  const mail = await parse(m!);
  expect(mail.subject).toBe('【年度考核】2025年度质量强市建设重点工作任务考核结果');
  expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
    ['assessment-2025.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['assessment-2025-summary.csv', 'text/csv'],
    ['assessment-2025-deductions.csv', 'text/csv'],
    ['assessment-2025-bulletin.md', 'text/markdown'],
  ]);
  const xlsx = mail.attachments[0]!.content;
  expect(xlsx.equals(await stored(files.xlsx))).toBe(true);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name).slice(0, 3)).toEqual([SHEETS.summary, SHEETS.deductions, SHEETS.tasks]);
  expect(mail.attachments[1]!.content.equals(await stored(files.summaryCsv))).toBe(true);
  // nothing was written to the var dir: a mail worker on another machine sends the same email
  expect(fs.existsSync(path.join(varDir, 'assessments'))).toBe(false);
  // the bulletin, quoted: its title and its closing lines, in the text and (escaped) in the HTML
  const bulletinLines = run.bulletin.trim().split('\n');
  expect(mail.text).toContain(bulletinLines[0]!.replace(/^#\s*/, ''));
  const totals = bulletinLines.find((l) => l.startsWith('　　本年度共有'))!;
  expect(totals).toContain('个责任单位参加考核');
  expect(mail.text).toContain(totals);
  expect(mail.html).toContain('关于2025年度质量强市建设重点工作任务落实情况的通报');
  const d = await eventually(
    'delivery',
    () => db.prisma.delivery.findUnique({ where: { noticeId: sent.noticeId } }),
    (x) => x?.status === 'SENT',
  );
  expect(d!.attempts).toBe(1);
});

test('a payload naming a local file (outside or inside the var dir, or through a symlink) is refused and the Office told', async () => {
  const secret = path.join(outside, 'secret.txt');
  fs.writeFileSync(secret, 'not for mailing');
  fs.mkdirSync(path.join(varDir, 'links'), { recursive: true });
  const link = path.join(varDir, 'links', 'innocent.csv');
  fs.symlinkSync(secret, link);
  const submitted: { noticeId: string; created: boolean }[] = [];
  for (const [tag, p] of [
    ['direct', secret],
    ['symlink', link],
    ['dotdot', `${varDir}/assessments/../../${path.basename(outside)}/secret.txt`],
  ] as const) {
    const scope = `assessment-test-${tag}`;
    submitted.push(
      await port.submit({
        key: noticeKey(scope, 'assessment', Date.parse('2025-12-31T16:00:00Z')),
        kind: 'assessment',
        assignmentId: null,
        scope,
        dueAt: new Date().toISOString(),
        slipId: null,
        payload: {
          to: ['office', 'leadership'],
          assessment: { year: 2025, rows: [] },
          attachments: [{ filename: 'x.csv', path: p, contentType: 'text/csv' }],
        },
      }),
    );
  }
  const failed = await eventually(
    'refused',
    () => Promise.all(submitted.map((s) => db.prisma.notice.findUniqueOrThrow({ where: { id: s.noticeId } }))),
    (ns) => ns.every((n) => n.status === 'FAILED'),
  );
  for (const n of failed)
    expect(n.statusReason).toMatch(/指向本机文件路径（.*），已拒绝：附件只从数据库中的文件存储读取/);
  // only the three alerts to the Office arrive; nothing carries the file
  const mails = await sink.waitFor(3, 15_000);
  await new Promise((r) => setTimeout(r, 300));
  expect(sink.received()).toHaveLength(3);
  for (const m of sink.received()) {
    expect(m.to).toEqual([OFFICE_EMAIL]);
    expect(m.raw.toString('latin1')).not.toContain('not for mailing');
    expect((await parse(m)).subject).toMatch(/^【投递失败】年度考核结果未能送达/);
  }
  expect(mails.length).toBe(3);
});
