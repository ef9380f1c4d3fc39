/**
 * One structured JSON logger for the app, the Temporal runtime, BullMQ and Fastify: pino, writing one
 * JSON object per line to stderr (stdout is reserved for CLI output). Every line carries
 * `level` (debug/info/warn/error, as a word), `time` (ISO 8601, UTC), `msg`, the bindings of the
 * logger (`service`, `component`, …) and the call's fields; an Error in any field becomes
 * `{ name, message, stack }`.
 *
 * Secrets never reach a line (docs/deploy.md#logs): fields named like a secret (`secret`, `password`,
 * `token`, `webhook`, `authorization`, `cookie`, at the top or one level down, and the request
 * headers Fastify logs) are censored by pino's `redact`, and a URL in any string field loses the
 * values of its credential parameters (a signed link's `t`, a robot's `access_token` / `key` /
 * `sign`), so a refused or failed unit-link request is logged without the link that opens the form.
 *
 * The call shape stays `logger.info(msg, fields)` (ours, not pino's `(fields, msg)`), so callers do
 * not depend on pino; the web server hands `logger.pino` to Fastify so its own lines share the
 * format and the destination.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Logger, LogLevel } from '../contracts/logger';

export const REDACTED = '[redacted]';

/** Field names whose values are secrets, wherever they sit (top level or one object down). */
const SECRET_FIELDS = ['secret', 'password', 'token', 'webhook', 'authorization', 'cookie'];
const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...['authorization', 'cookie', 'set-cookie'].flatMap((h) => [`req.headers.${h}`, `res.headers.${h}`]),
];

/** Query parameters that carry a credential: signed links (`t`), robots' webhooks and signatures. */
const CREDENTIAL_PARAMS = /([?&](?:t|token|access_token|key|sign|secret)=)[^&#\s"]*/gi;

/** A string with every credential parameter of the URLs in it censored (other text unchanged). */
export function scrubUrls(s: string): string {
  return s.includes('=') ? s.replace(CREDENTIAL_PARAMS, `$1${REDACTED}`) : s;
}

function serialise(v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: scrubUrls(v.message), stack: v.stack && scrubUrls(v.stack) };
  if (typeof v === 'string') return scrubUrls(v);
  // one level down too: Fastify's own lines carry the request as `req: { method, url, … }`
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? scrubUrls(x) : x]));
  return v;
}

function wrap(p: PinoLogger): Logger {
  // Fields first, as pino takes them; `undefined` fields would add nothing, so skip the object.
  const at = (l: LogLevel) => (msg: string, fields?: Record<string, unknown>) =>
    fields ? p[l](fields, scrubUrls(msg)) : p[l](scrubUrls(msg));
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(p.child(fields)),
    pino: p,
  };
}

/**
 * @param level the lowest level written
 * @param base fields on every line (e.g. `{ service: 'http' }`)
 * @param write where each line goes, without its newline (tests collect them); default: stderr
 */
export function createLogger(
  level: LogLevel = 'info',
  base: Record<string, unknown> = {},
  write?: (line: string) => void,
): Logger {
  // process.stderr itself, not pino.destination(2): sonic-boom's synchronous mode sleeps 100 ms and
  // retries when a pipe is full (EAGAIN), blocking the event loop long enough for BullMQ job locks
  // to lapse (test/integration/db-restart.test.ts saw duplicate emails from it); Node's own stream
  // buffers instead, as the logger always did.
  const destination: DestinationStream = write
    ? {
        write: (chunk: string) => {
          for (const line of chunk.split('\n')) if (line) write(line);
        },
      }
    : process.stderr;
  const p = pino(
    {
      level,
      // No pid/hostname of pino's own: the fields are ours (base); a multi-process run adds `pid` there.
      base: { ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Every Error, under any key, is serialised the one way below (pino's own `err` serializer would
      // add `type` and apply to `err` only).
      serializers: { err: (v: unknown) => v },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(obj)) out[k] = serialise(v);
          return out;
        },
      },
    },
    destination,
  );
  return wrap(p);
}

/** A logger that drops everything (for tests that assert on other outputs). */
export const silentLogger: Logger = createLogger('error', {}, () => undefined);
