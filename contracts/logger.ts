/**
 * The logging port: what use cases, activities and adapters call. infra/logger.ts implements it over
 * pino; the call shape is `logger.info(msg, fields)` (ours, not pino's `(fields, msg)`), so callers
 * never depend on pino itself.
 */
import type { Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** The pino instance behind this logger (for Fastify's `loggerInstance`). */
  readonly pino: PinoLogger;
}
