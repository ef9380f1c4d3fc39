/**
 * CLI output: human-readable text by default, JSON with --json. Commands return data and a
 * human renderer; only this module writes to stdout, so `--json` output is always clean.
 */
import type { Command } from 'commander';
import { ServiceError } from '@temporalio/client';
import { ErrorCodes, DubangError, isDubangError } from '../contracts/errors';

export interface CommandResult<T> {
  data: T;
  /** lines for people; omitted means a pretty-printed JSON dump */
  human?: (data: T) => string;
}

/** Thrown by commands for a failure the user can fix; printed without a stack trace. */
export class UserError extends DubangError {
  static override readonly code = ErrorCodes.UserError;
  constructor(
    message: string,
    /** structured details for --json (e.g. the list of problems with line numbers) */
    readonly details?: unknown,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function wantsJson(cmd: Command): boolean {
  return Boolean(cmd.optsWithGlobals().json);
}

export function print<T>(cmd: Command, result: CommandResult<T>): void {
  if (wantsJson(cmd)) {
    process.stdout.write(JSON.stringify(result.data, null, 2) + '\n');
  } else if (result.human) {
    const text = result.human(result.data);
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  } else {
    process.stdout.write(JSON.stringify(result.data, null, 2) + '\n');
  }
}

/**
 * The message for a Temporal call that failed because the server is down or not answering in time
 * (gRPC UNAVAILABLE or DEADLINE_EXCEEDED, as the SDK's ServiceError or the raw gRPC error), or null.
 */
export function temporalUnavailable(e: Error & { code?: unknown; details?: unknown; cause?: unknown }): string | null {
  const grpc = (e instanceof ServiceError ? e.cause : e) as { code?: unknown; details?: unknown } | undefined;
  const code = grpc?.code;
  if (code !== 14 && code !== 4) return null;
  const why =
    typeof grpc?.details === 'string' && grpc.details
      ? grpc.details
      : code === 14
        ? 'unavailable'
        : 'deadline exceeded';
  return `Temporal 服务器没有响应（${why}）。请用 dubang dev status 检查各服务的状态，恢复后重新执行本命令。`;
}

/** Wraps a command action: prints UserErrors cleanly (as JSON with --json) and sets the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    try {
      await fn(...args);
    } catch (err) {
      const e = err as Error & { details?: unknown; exitCode?: number };
      if (isDubangError(e, ErrorCodes.UserError) || isDubangError(e, ErrorCodes.ConfigError)) {
        if (wantsJson(cmd)) {
          process.stdout.write(JSON.stringify({ error: e.message, details: e.details ?? null }, null, 2) + '\n');
        } else {
          process.stderr.write(`错误: ${e.message}\n`);
        }
        process.exitCode = e.exitCode ?? 1;
      } else if (temporalUnavailable(e)) {
        // the server down or not answering: say so plainly (the stack of a gRPC call helps nobody)
        const message = temporalUnavailable(e)!;
        if (wantsJson(cmd)) process.stdout.write(JSON.stringify({ error: message, details: null }, null, 2) + '\n');
        else process.stderr.write(`错误: ${message}\n`);
        process.exitCode = 69;
      } else {
        process.stderr.write(`${e.stack ?? String(e)}\n`);
        process.exitCode = 70;
      }
    }
  };
}
