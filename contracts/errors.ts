/**
 * Error types and codes shared by every layer: the workflows' retry policies, activities, use cases,
 * adapters and the CLI. Imports only domain/.
 *
 * - Every error class of ours extends `DubangError` (domain/errors.ts): its `name` is the class
 *   name and its `code` is the constant below.
 * - Match errors with `isDubangError(err, ErrorCodes.X)` (or with the class, to narrow to it), never
 *   with `instanceof` (jest realms and the Temporal sandbox each have their own classes) nor with a
 *   `.name === '…'` literal. The guard accepts the error itself, a copy from another realm, its
 *   serialized form (`{ name, code }`) and a Temporal ApplicationFailure (`type` = the class name).
 * - `ErrorType` lists the ApplicationFailure types that cross Temporal; their strings are in
 *   recorded workflow histories and must never change.
 */
import { DomainErrorCodes, DubangError } from '../domain/errors';

export { DubangError, DomainErrorCodes };

/** The stable code of every error class, keyed by class name (a unit test pins each class to its entry). */
export const ErrorCodes = {
  ...DomainErrorCodes,
  // config/
  ConfigError: 'CONFIG',
  HolidayOverrideError: 'HOLIDAY_OVERRIDE',
  // app/
  AssessmentScheduleError: 'ASSESSMENT_SCHEDULE',
  AttachmentError: 'ATTACHMENT',
  ChannelRateLimited: 'CHANNEL_RATE_LIMITED',
  ContactInputError: 'CONTACT_INPUT',
  MailSendError: 'MAIL_SEND',
  PermanentDeliveryError: 'DELIVERY_PERMANENT',
  PlanInputError: 'PLAN_INPUT',
  SuperviseError: 'SUPERVISE',
  TaskInputRefused: 'TASK_INPUT_REFUSED',
  TaskNotSupervised: 'TASK_NOT_SUPERVISED',
  TransientDeliveryError: 'DELIVERY_TRANSIENT',
  // adapters (infra/, the web layer, the dev tooling)
  BackupError: 'BACKUP',
  DevError: 'DEV_STACK',
  MailSinkError: 'MAIL_SINK',
  MailSinkTimeoutError: 'MAIL_SINK_TIMEOUT',
  MailStoreError: 'MAIL_STORE',
  MigrationError: 'MIGRATION',
  PasswordPolicyError: 'PASSWORD_POLICY',
  PlanSourceError: 'PLAN_SOURCE',
  QueryError: 'QUERY',
  RedisConfigError: 'REDIS_CONFIG',
  RobotSendError: 'ROBOT_SEND',
  RobotSinkError: 'ROBOT_SINK',
  SendTimeoutError: 'SEND_TIMEOUT',
  UnitInputError: 'UNIT_INPUT',
  UnitsFileError: 'UNITS_FILE',
  // cli/
  UserError: 'USER',
} as const;

export type ErrorName = keyof typeof ErrorCodes;
export type ErrorCode = (typeof ErrorCodes)[ErrorName];

/** Each error class's name as a constant (`ErrorNames.X === 'X'`): the `type` a Temporal failure carries. */
export const ErrorNames = Object.fromEntries(Object.keys(ErrorCodes).map((n) => [n, n])) as {
  readonly [N in ErrorName]: N;
};

const NAME_OF: ReadonlyMap<string, string> = new Map(Object.entries(ErrorCodes).map(([name, code]) => [code, name]));

/** Whether `v` is one of the codes above (e.g. to keep them out of an HTTP answer's `code`). */
export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && NAME_OF.has(v);
}

/** The ApplicationFailure types the workflows and activities exchange (recorded in histories: never rename). */
export const ErrorType = {
  /** an input the assignment's current state does not allow (update validators, re-check in handlers) */
  InputRefused: 'InputRefused',
  /** the unit named in an input is not in the directory or not on the task */
  UnknownUnit: 'UnknownUnit',
  /** the assignment or task row the workflow points at is gone: retrying cannot help */
  MissingRow: 'MissingRow',
  /** the annual assessment's input (a year not begun, a malformed as-of) fails the same way every time */
  AssessmentInput: ErrorNames.AssessmentInputError,
} as const;

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** The error types activities must never retry: the one list every workflow's retry policy uses. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = Object.values(ErrorType);

/**
 * What an error matched by code carries (matched by class, it narrows to the class). An
 * ApplicationFailure stands for the error by its `type`: it has no `code` of its own.
 */
export interface ErrorLike<C extends ErrorCode = ErrorCode> {
  readonly name: string;
  readonly message: string;
  readonly code: C;
}

/** An error class of ours (its static `code` and name identify it; its prototype gives the narrowed type). */
export interface DubangErrorClass<E extends DubangError = DubangError> {
  readonly code: string;
  readonly name: string;
  readonly prototype: E;
}

/**
 * Whether `err` is the error of that code (or class): by its `code`, or by its name as `name` or as
 * an ApplicationFailure's `type`. Realm-, serialization- and Temporal-safe; never `instanceof`.
 */
export function isDubangError<E extends DubangError>(err: unknown, of: DubangErrorClass<E>): err is E;
export function isDubangError<T, C extends ErrorCode>(err: T, of: C): err is T & ErrorLike<C>;
export function isDubangError(err: unknown, of: ErrorCode | DubangErrorClass): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = typeof of === 'string' ? of : of.code;
  const name = NAME_OF.get(code) ?? (typeof of === 'string' ? undefined : of.name);
  const e = err as { code?: unknown; name?: unknown; type?: unknown };
  if (e.code === code) return true;
  return name !== undefined && (e.name === name || e.type === name);
}

/**
 * A unique-constraint violation from the Prisma client (code P2002): the row already exists, which
 * for an idempotent write (an outbox insert, a slip, an audit event) means "already done".
 */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'P2002';
}
