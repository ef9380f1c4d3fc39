/**
 * Plan import use case, shared by the CLI and the API: read → parse → validate → diff → apply, all
 * or nothing. Importing the same plan again changes nothing; a revised plan is applied as a diff
 * (new tasks and assignments start, removed ones are cancelled, never deleted).
 */
import * as path from 'node:path';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Config } from '../config';
import { parsePlanDocument, type ParseOptions, type PlanDocument } from '../domain/plan/parse';
import { summarisePlan, validatePlan, type PlanSummary, type ValidatedPlan } from '../domain/plan/validate';
import { diffPlan, isEmptyDiff, type PlanDiff } from '../domain/plan/diff';
import type { SourceIssue } from '../domain/model';
import { createResolver, directoryPlace, type UnitsDirectory } from '../domain/units';
import { planSourceOfBuffer, readPlanSource, type PlanFile } from './plan-source';
import { readDirectoryFile } from './units-file';
import { audit } from './audit';
import { closeSlips } from './slips';
import { followStoredPaths, snapshotOf, storedSnapshot } from './plan-revision';
import { cancelRemovedTasks, writeOutline } from './plan-outline';
import { loadDirectory, syncDirectoryTx } from './units';
import { ErrorCodes, DubangError } from '../contracts/errors';

/** A plan that cannot be read completely: every problem with its line, field and expectation. */
export class PlanInputError extends DubangError {
  static override readonly code = ErrorCodes.PlanInputError;
  constructor(
    readonly file: string,
    readonly issues: SourceIssue[],
  ) {
    super(
      `${file}: 无法导入, 共 ${issues.length} 处问题:\n` +
        issues.map((i) => `  第${i.line}行 [${i.field}] ${i.message}`).join('\n'),
    );
  }
}

export interface LoadedPlan {
  file: string;
  encoding: string;
  sha256: string;
  validated: ValidatedPlan;
  summary: PlanSummary;
  /** where unit names were resolved: the database directory or the config file */
  directorySource: 'database' | 'config';
}

/** Default plan id: the file name without extension (nanchang-quality-city-2024). */
export function defaultSlug(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.[^.]+$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'plan'
  );
}

/** The directory names resolve through: the database's once seeded, else config/units.json. */
export async function currentDirectory(
  cfg: Config,
  db?: PrismaClient,
): Promise<{ dir: UnitsDirectory; source: 'database' | 'config' }> {
  const fromDb = db ? await loadDirectory(db) : null;
  return fromDb ? { dir: fromDb, source: 'database' } : { dir: readDirectoryFile(cfg.unitsFile), source: 'config' };
}

/** How to read a plan file: forced layout, column mapping, default deadline, sheet, new units. */
export interface LoadOptions extends ParseOptions {
  /** list unknown units as units to create instead of refusing them */
  newUnits?: boolean;
}

export async function loadPlan(
  file: string,
  cfg: Config,
  dir: { dir: UnitsDirectory; source: 'database' | 'config' },
  opts: LoadOptions = {},
): Promise<LoadedPlan> {
  return loadPlanSource(file, await readPlanSource(file), cfg, dir, opts);
}

/** The same for bytes already in memory (an upload); `name` gives the format by its extension. */
export async function loadPlanBuffer(
  name: string,
  buf: Buffer,
  cfg: Config,
  dir: { dir: UnitsDirectory; source: 'database' | 'config' },
  opts: LoadOptions = {},
): Promise<LoadedPlan> {
  return loadPlanSource(name, await planSourceOfBuffer(buf, name), cfg, dir, opts);
}

/**
 * Parses and validates in one pass: structure, unit and phrase problems of a file come in one
 * report. A plan with structure problems is still validated as far as it was read.
 */
export function readLoadedPlan(
  file: string,
  doc: PlanDocument,
  cfg: Config,
  dir: { dir: UnitsDirectory; source: 'database' | 'config' },
  opts: LoadOptions = {},
) {
  const { plan, issues } = parsePlanDocument(doc, opts);
  const v = validatePlan(plan, {
    deadlinePhrases: cfg.deadlinePhrases,
    zone: cfg.timezone,
    units: createResolver(dir.dir),
    directoryName: dir.source === 'database' ? '单位名录（数据库）' : `单位名录 (${path.basename(cfg.unitsFile)})`,
    directoryPlace: directoryPlace(dir.dir),
    newUnits: opts.newUnits,
  });
  const all = [...issues, ...(v.ok ? [] : v.issues)].sort((a, b) => a.line - b.line);
  return { plan, issues: all, validated: v.ok ? v.value : null };
}

function loadPlanSource(
  file: string,
  src: PlanFile,
  cfg: Config,
  dir: { dir: UnitsDirectory; source: 'database' | 'config' },
  opts: LoadOptions,
): LoadedPlan {
  const r = readLoadedPlan(file, src.doc, cfg, dir, opts);
  if (r.issues.length || !r.validated) throw new PlanInputError(file, r.issues);
  return {
    file,
    encoding: src.encoding,
    sha256: src.sha256,
    validated: r.validated,
    summary: summarisePlan(r.validated),
    directorySource: dir.source,
  };
}

export interface ImportResult {
  planId: string;
  slug: string;
  created: boolean;
  /** false when the same plan was imported again */
  changed: boolean;
  revision: number;
  diff: PlanDiff;
  summary: PlanSummary;
  /** units created for this plan (`--new-units`): no contacts yet; groups without members */
  newUnits: { name: string; group: boolean }[];
}

/**
 * Applies a loaded plan in one transaction (serialised per plan with an advisory lock). With
 * `dryRun`, computes the diff and changes nothing.
 */
export async function importPlan(
  db: PrismaClient,
  loaded: LoadedPlan,
  opts: { slug: string; actor: string; dryRun?: boolean; seedDirectory?: UnitsDirectory },
): Promise<ImportResult> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'plan:' + opts.slug}))`;
      if (opts.seedDirectory && (await tx.unit.count()) === 0)
        await syncDirectoryTx(tx, opts.seedDirectory, opts.actor);
      const existing = await tx.plan.findUnique({ where: { slug: opts.slug } });
      const before = existing ? await storedSnapshot(tx, existing.id) : { tasks: [], assignments: [] };
      // a revision follows each task by its path (a plan numbered per section); refused when ambiguous
      const paired = existing ? await followStoredPaths(tx, existing.id, loaded.validated) : null;
      if (paired && !paired.ok) throw new PlanInputError(loaded.file, paired.issues);
      const v = paired?.plan ?? loaded.validated;
      const diff = diffPlan(before, snapshotOf(v));
      const newUnits = v.newUnits.map((u) => ({ name: u.create, group: u.group }));
      const base = { slug: opts.slug, created: !existing, diff, summary: loaded.summary, newUnits };
      // Units the plan names that the directory lacks (`--new-units`): created without contacts, so
      // `units list` and the dashboard show them as incomplete and supervision waits for contacts.
      if (!opts.dryRun) {
        for (const u of v.newUnits) {
          if (await tx.unit.findUnique({ where: { name: u.create } })) continue;
          const row = await tx.unit.create({ data: { name: u.create, kind: u.group ? 'GROUP' : 'OTHER' } });
          await audit(tx, {
            actor: opts.actor,
            action: 'unit.created',
            entityType: 'Unit',
            entityId: row.id,
            unitId: row.id,
            data: {
              plan: opts.slug,
              name: u.create,
              asWritten: u.name,
              group: u.group,
              lines: u.lines,
              reason: '方案导入 --new-units：尚无联系人',
            },
          });
        }
      }
      if (existing && isEmptyDiff(diff) && !v.newUnits.length)
        return { ...base, planId: existing.id, changed: false, revision: existing.revision };
      if (opts.dryRun)
        return { ...base, planId: existing?.id ?? '', changed: true, revision: (existing?.revision ?? 0) + 1 };

      const plan = existing
        ? await tx.plan.update({
            where: { id: existing.id },
            data: {
              title: v.plan.title,
              sourceName: path.basename(loaded.file),
              sourceSha256: loaded.sha256,
              revision: { increment: 1 },
            },
          })
        : await tx.plan.create({
            data: {
              slug: opts.slug,
              title: v.plan.title,
              sourceName: path.basename(loaded.file),
              sourceSha256: loaded.sha256,
            },
          });

      const sectionIds = await writeOutline(tx, plan.id, v.plan);

      const touched = new Set([...diff.added, ...diff.changed.map((c) => c.number)]);
      const units = new Map((await tx.unit.findMany({ select: { id: true, name: true } })).map((u) => [u.name, u.id]));
      const now = new Date();
      const work = v.tasks.filter((t) => !existing || touched.has(t.number));
      const taskRows = new Map<number, string>();
      for (const t of work) {
        const data = {
          text: t.text,
          sectionId: sectionIds.get(t.section)!,
          subsectionId: t.subsection ? sectionIds.get(t.subsection)! : null,
          unitsText: t.unitsText,
          units: t.units,
          deadlinePhrase: t.deadlinePhrase,
          dueAt: t.dueAt ? new Date(t.dueAt) : null,
          kind: t.kind,
          cadence: t.cadence ?? null,
          path: t.path,
          sourceLine: t.line,
          cancelledAt: null,
        };
        const row = await tx.task.upsert({
          where: { planId_number: { planId: plan.id, number: t.number } },
          create: { planId: plan.id, number: t.number, ...data },
          update: data,
          select: { id: true },
        });
        taskRows.set(t.number, row.id);
      }
      // Assignments of the touched tasks: one read, batched inserts, updates only where something moved.
      const prevRows = await tx.assignment.findMany({ where: { taskId: { in: [...taskRows.values()] } } });
      const prevByKey = new Map(prevRows.map((a) => [`${a.taskId}/${a.unitId}`, a]));
      const dueOf = new Map(work.map((t) => [t.number, t.dueAt ? new Date(t.dueAt) : null]));
      const toCreate: Prisma.AssignmentCreateManyInput[] = [];
      const wanted = new Set<string>();
      for (const a of v.assignments) {
        const taskId = taskRows.get(a.task);
        if (!taskId) continue;
        const unitId = units.get(a.unit)!;
        const due = dueOf.get(a.task) ?? null;
        wanted.add(`${taskId}/${unitId}`);
        const prev = prevByKey.get(`${taskId}/${unitId}`);
        if (!prev) {
          toCreate.push({
            taskId,
            unitId,
            role: a.role,
            ordinal: a.ordinal,
            viaGroup: a.viaGroup,
            dueAt: due,
            originalDueAt: due,
            state: 'ASSIGNED',
          });
          continue;
        }
        const dueChanged = (prev.originalDueAt?.getTime() ?? null) !== (due?.getTime() ?? null);
        // An approved extension (dueAt moved past the original) survives a re-planned deadline unless the new one is later.
        const extended =
          prev.dueAt !== null && prev.originalDueAt !== null && prev.dueAt.getTime() !== prev.originalDueAt.getTime();
        const moved =
          prev.role !== a.role ||
          prev.ordinal !== a.ordinal ||
          prev.viaGroup !== a.viaGroup ||
          prev.cancelledAt !== null ||
          dueChanged;
        if (!moved) continue;
        await tx.assignment.update({
          where: { id: prev.id },
          data: {
            role: a.role,
            ordinal: a.ordinal,
            viaGroup: a.viaGroup,
            ...(prev.cancelledAt ? { cancelledAt: null, state: 'ASSIGNED' } : {}),
            ...(dueChanged
              ? { originalDueAt: due, dueAt: extended && due && prev.dueAt! > due ? prev.dueAt : due }
              : {}),
          },
        });
        if (dueChanged) {
          await audit(tx, {
            actor: opts.actor,
            action: 'assignment.retimed',
            entityType: 'Assignment',
            entityId: prev.id,
            planId: plan.id,
            taskId,
            assignmentId: prev.id,
            unitId,
            data: { task: a.task, before: prev.originalDueAt, after: due },
          });
        }
      }
      const created = toCreate.length
        ? await tx.assignment.createManyAndReturn({
            data: toCreate,
            select: { id: true, taskId: true, unitId: true, role: true },
          })
        : [];
      if (existing && created.length) {
        const numberOf = new Map([...taskRows].map(([n, id]) => [id, n]));
        await tx.auditEvent.createMany({
          data: created.map((c) => ({
            actor: opts.actor,
            action: 'assignment.created',
            entityType: 'Assignment',
            entityId: c.id,
            planId: plan.id,
            taskId: c.taskId,
            assignmentId: c.id,
            unitId: c.unitId,
            data: { task: numberOf.get(c.taskId), role: c.role },
          })),
        });
      }
      for (const d of prevRows.filter((a) => a.cancelledAt === null && !wanted.has(`${a.taskId}/${a.unitId}`))) {
        await tx.assignment.update({ where: { id: d.id }, data: { cancelledAt: now, state: 'CANCELLED' } });
        await audit(tx, {
          actor: opts.actor,
          action: 'assignment.cancelled',
          entityType: 'Assignment',
          entityId: d.id,
          planId: plan.id,
          taskId: d.taskId,
          assignmentId: d.id,
          unitId: d.unitId,
          data: { reason: '修订后的方案不再列出该单位' },
        });
        await closeSlips(tx, {
          assignmentId: d.id,
          because: 'CANCELLED',
          at: now,
          actor: opts.actor,
          planId: plan.id,
          taskId: d.taskId,
          unitId: d.unitId,
          detail: { by: 'plan.revised', reason: '修订后的方案不再列出该单位' },
        });
      }
      if (existing)
        await cancelRemovedTasks(tx, { planId: plan.id, numbers: diff.removed, at: now, actor: opts.actor });
      await audit(tx, {
        actor: opts.actor,
        action: existing ? 'plan.revised' : 'plan.imported',
        entityType: 'Plan',
        entityId: plan.id,
        planId: plan.id,
        data: {
          file: path.basename(loaded.file),
          sha256: loaded.sha256,
          encoding: loaded.encoding,
          revision: plan.revision,
          summary: loaded.summary,
          diff: existing ? diff : { added: diff.added.length },
        },
      });
      return { ...base, planId: plan.id, changed: true, revision: plan.revision };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
