/**
 * Error types shared by workflows, activities, the worker's retry policies and the callers. Compare
 * `.type` (ApplicationFailure) or `.name` against these, never `instanceof` (jest realms differ).
 */
export const ErrorType = {
  /** an input the assignment's current state does not allow (update validators, re-check in handlers) */
  InputRefused: 'InputRefused',
  /** the unit named in an input is not in the directory or not on the task */
  UnknownUnit: 'UnknownUnit',
  /** the assignment or task row the workflow points at is gone: retrying cannot help */
  MissingRow: 'MissingRow',
} as const;

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** Error types activities must never retry (wired into every proxy's retry policy). */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [ErrorType.InputRefused, ErrorType.UnknownUnit, ErrorType.MissingRow];
