/**
 * Core domain types shared by the parser, the importer, the policy engine, workflows and scoring.
 * Pure data: no I/O, no clock. Instants cross module boundaries as ISO-8601 strings with an
 * offset (workflow payloads are JSON), or as epoch milliseconds where arithmetic is needed.
 */

/** `deadline` tasks have a due instant; `standing` (长期) tasks never complete and run in yearly cycles. */
export type TaskKind = 'deadline' | 'standing';

/** 牵头 (first unit listed), 配合 (the others), or bound by a plan rule without being listed. */
export type AssignmentRole = 'LEAD' | 'CO' | 'IMPLICIT';

/** Every assignment role, in the order they are listed (the Prisma enum AssignmentRole). */
export const ASSIGNMENT_ROLES: readonly AssignmentRole[] = ['LEAD', 'CO', 'IMPLICIT'];

export type AssignmentState =
  | 'ASSIGNED'
  | 'ACKNOWLEDGED'
  | 'IN_PROGRESS'
  | 'EXTENSION_REQUESTED'
  | 'COMPLETION_REQUESTED'
  | 'COMPLETED'
  | 'ONGOING'
  | 'CANCELLED';

export type SlipColour = 'BLUE' | 'ORANGE' | 'RED';

/** A section heading of the annex: level 1 is (一)…(十一), level 2 is 1./2./3. below it (deeper levels in other plans). */
export interface ParsedSection {
  /** "一" for level 1, "一.1" for level 2, "一.1.2" below */
  key: string;
  level: number;
  /** 1-based position among its siblings */
  ordinal: number;
  /** the heading text without its number, e.g. 探索质量效益型发展新路径 */
  title: string;
  /** the key of the parent section (null for level 1) */
  parentKey: string | null;
  /** 1-based line in the source file */
  line: number;
}

/** One numbered task of the annex, exactly as written. */
export interface ParsedTask {
  /** the task's number in 督办 (unique in the plan): the plan's own number when it numbers tasks once, else the position */
  number: number;
  /** the task's identity in the plan: its number when numbered once ("12"), else section key and number ("二.1/3") */
  path: string;
  /** the number as the plan writes it ("12", "3"), or "" for an unnumbered row */
  label: string;
  /** how many of `units` (from the first) lead: 1 when the first listed unit leads, more for 牵头单位：A、B */
  leads: number;
  /** key of the level-1 section, e.g. "一" */
  section: string;
  /** key of the level-2 section, e.g. "一.1", or null where the section has no second level */
  subsection: string | null;
  /** the task text without its "(n)" prefix, punctuation kept exactly */
  text: string;
  /** the 责任单位 cell as written, rule bracket included */
  unitsText: string;
  /** unit names in order, split on 、，, but never inside brackets; rule brackets removed */
  units: string[];
  /** the 完成时限 cell as written, e.g. 2025年前 */
  deadlinePhrase: string;
  /** 1-based line of the task text */
  line: number;
  /** 1-based lines of the units and deadline cells */
  unitsLine: number;
  deadlineLine: number;
}

/** A rule the plan states once, e.g. the bracket in task (1). */
export interface ParsedRule {
  kind: 'IMPLICIT_UNITS';
  /** the bracket as written, e.g. [以下责任单位中均包括各县(区)人民政府、开发区管委会,湾里管理局,不再列出] */
  text: string;
  /** the rule binds tasks numbered from here on */
  fromTask: number;
  /** unit names the rule binds, in order */
  units: string[];
  line: number;
}

/** A numeric target from the plan's main goals (主要目标). */
export interface ParsedIndicator {
  /** I01, I02 … in order of appearance */
  code: string;
  /** the goal line it belongs to, e.g. 经济发展质量效益持续增强 */
  goal: string;
  /** e.g. 数字经济核心产业增加值占GDP比重 */
  name: string;
  /** the target as written, e.g. 达到10%以上 */
  targetText: string;
  targetValue: number;
  /** %, 分, 件, 个, 项, 家, or "" for an index */
  unit: string;
  /** gte for 以上 / 稳定在 …以上, eq otherwise */
  comparator: 'gte' | 'eq';
  targetYear: number;
  line: number;
}

/** The shapes a plan's task list can have (docs/plan-formats.md). */
export type PlanLayout = 'annex-table' | 'tab-table' | 'pipe-table' | 'labelled' | 'inline' | 'sheet' | 'word-table';
export const PLAN_LAYOUTS: readonly PlanLayout[] = [
  'annex-table',
  'tab-table',
  'pipe-table',
  'labelled',
  'inline',
  'sheet',
  'word-table',
];

/** The whole plan as read from its published text. */
export interface ParsedPlan {
  title: string;
  layout: PlanLayout;
  /** who issued the plan (南昌市人民政府), from its 文件头 or 印发 line; null when it says neither */
  issuer: string | null;
  sections: ParsedSection[];
  tasks: ParsedTask[];
  rules: ParsedRule[];
  indicators: ParsedIndicator[];
}

/** A problem found while reading a document: where, which field, what was expected. */
export interface SourceIssue {
  line: number;
  field: string;
  message: string;
}
