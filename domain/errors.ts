/**
 * The base of every error class the service defines, and the codes of domain/'s own errors. Pure:
 * domain/ imports it without depending on anything else; contracts/errors.ts re-exports it with the
 * codes of all layers and the type guard (`isDubangError`) callers match errors with.
 */

/**
 * An error of ours. `name` is the class's name (also the ApplicationFailure type when it crosses
 * Temporal); `code` is the stable constant from the registry (contracts/errors.ts `ErrorCodes`),
 * declared by every subclass as `static override readonly code`.
 */
export abstract class DubangError extends Error {
  /** overridden by every subclass with its code */
  static readonly code: string = '';
  readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = new.target.code;
  }
}

/** Codes of the error classes in domain/, keyed by class name (part of contracts/errors.ts `ErrorCodes`). */
export const DomainErrorCodes = {
  AssessmentInputError: 'ASSESSMENT_INPUT',
  CalendarError: 'CALENDAR',
  DirectoryError: 'DIRECTORY',
  LinkClaimsError: 'LINK_CLAIMS',
  MessageInputError: 'MESSAGE_INPUT',
  NoticePayloadError: 'NOTICE_PAYLOAD',
  PolicyError: 'POLICY',
} as const;
