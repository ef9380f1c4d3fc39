/**
 * The local robot sink: an HTTP server on loopback that speaks both group-robot webhooks as the real
 * services answer them, for development (`dubang dev up`), tests and `dubang im list|show`:
 *  - DingTalk `POST /robot/send?access_token=…[&timestamp=…&sign=…]`: a token with a secret needs
 *    a signature over a timestamp within an hour of now (errcode 310000 otherwise); an unknown token
 *    answers 300001;
 *  - WeCom `POST /cgi-bin/webhook/send?key=…`: an unknown key answers 93000;
 *  - both: at most `perWindow` (20) messages per robot in any `windowMs` (60 s), past which DingTalk
 *    answers 130101 (send too fast) and WeCom 45009 (api freq out of limit); markdown over the size
 *    limit (WeCom 4096 bytes, text 2048; DingTalk 20000) answers 40058 / 460101.
 * Every request is kept (accepted or not) in memory and, with `dir`, in `messages.jsonl`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../contracts/logger';
import { silentLogger } from '../../infra/logger';
import { dingtalkSign } from '../../infra/channels/sign';
import { isLoopbackHost } from '../mail/sink';
import { ErrorCodes, DubangError } from '../../contracts/errors';

export class RobotSinkError extends DubangError {
  static override readonly code = ErrorCodes.RobotSinkError;
}

/** The robots the sink knows: DingTalk tokens with their secret (null: unsigned), WeCom keys. */
export interface SinkRobots {
  dingtalk: Record<string, string | null>;
  wecom: string[];
}

/** One request as the sink kept it. */
export interface RobotMessage {
  /** sortable id */
  id: string;
  receivedAt: string;
  channel: 'dingtalk' | 'wecom';
  /** the token or key, shortened to its last 6 characters (the sink's files are not credentials) */
  robot: string;
  /** DingTalk's title; WeCom has none */
  title: string | null;
  /** the markdown (or text) as received */
  text: string;
  /** DingTalk at.atMobiles, WeCom mentioned_list */
  mentions: string[];
  accepted: boolean;
  /** the reply the sink gave */
  reply: { errcode: number; errmsg: string };
}

export interface RobotSinkOptions {
  host?: string;
  /** 0 = a random free port */
  port: number;
  robots: SinkRobots;
  /** folder for messages.jsonl (created if missing); omit to keep messages in memory only */
  dir?: string;
  perWindow?: number;
  windowMs?: number;
  logger?: Logger;
  clock?: () => number;
  /** keep at most this many messages in memory (default unlimited; the dev sink's live on disk) */
  maxInMemory?: number;
}

export interface RobotSink {
  host: string;
  port: number;
  /** the webhook a robot of the sink has (for tests and the demo directory) */
  url(channel: 'dingtalk' | 'wecom', token: string): string;
  /** every request kept since start or clear(), oldest first */
  messages(): RobotMessage[];
  /** the accepted ones */
  accepted(): RobotMessage[];
  /** resolves once at least `n` messages were accepted, or rejects after `timeoutMs` */
  waitFor(n: number, timeoutMs: number): Promise<RobotMessage[]>;
  clear(): void;
  /** an outage: stops listening (connections refused) until `resume()` */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export const MESSAGES_FILE = 'messages.jsonl';

const LIMITS = { dingtalk: 20000, wecom: { markdown: 4096, text: 2048 } };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startRobotSink(o: RobotSinkOptions): Promise<RobotSink> {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new RobotSinkError(`the robot sink only listens on loopback, not "${host}"`);
  const log = (o.logger ?? silentLogger).child({ component: 'robot-sink' });
  const perWindow = o.perWindow ?? 20;
  const windowMs = o.windowMs ?? 60_000;
  const clock = o.clock ?? Date.now;
  const dir = o.dir ? path.resolve(o.dir) : undefined;
  if (dir) fs.mkdirSync(dir, { recursive: true });
  let messages: RobotMessage[] = [];
  const sent = new Map<string, number[]>();
  let seq = 0;
  let waiters: { n: number; resolve: (m: RobotMessage[]) => void }[] = [];

  const rateFull = (robot: string, now: number): boolean => {
    const log = (sent.get(robot) ?? []).filter((t) => t > now - windowMs);
    sent.set(robot, log);
    if (log.length >= perWindow) return true;
    log.push(now);
    return false;
  };

  const keep = (m: Omit<RobotMessage, 'id' | 'receivedAt'>, now: number) => {
    const id = `${new Date(now).toISOString().replace(/[-:TZ.]/g, '')}-${(++seq).toString().padStart(6, '0')}`;
    const full: RobotMessage = { id, receivedAt: new Date(now).toISOString(), ...m };
    messages.push(full);
    if (messages.length > (o.maxInMemory ?? Infinity)) messages = messages.slice(-o.maxInMemory!);
    if (dir) fs.appendFileSync(path.join(dir, MESSAGES_FILE), JSON.stringify(full) + '\n');
    const count = messages.filter((x) => x.accepted).length;
    const ready = waiters.filter((w) => count >= w.n);
    waiters = waiters.filter((w) => count < w.n);
    for (const w of ready) w.resolve(messages.filter((x) => x.accepted));
  };

  /** The reply to one request, as the service would give it. */
  type Answer = Omit<RobotMessage, 'id' | 'receivedAt'> | { channel?: undefined; reply: RobotMessage['reply'] };
  function answer(url: URL, body: string, now: number): Answer {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { reply: { errcode: 40035, errmsg: 'invalid json' } };
    }
    if (url.pathname === '/robot/send') {
      const token = url.searchParams.get('access_token') ?? '';
      if (!(token in o.robots.dingtalk)) return { reply: { errcode: 300001, errmsg: 'token is not exist' } };
      const secret = o.robots.dingtalk[token];
      const md = (json.markdown ?? {}) as { title?: string; text?: string };
      const txt = (json.text ?? {}) as { content?: string };
      const at = ((json.at ?? {}) as { atMobiles?: string[] }).atMobiles ?? [];
      const base = {
        channel: 'dingtalk' as const,
        robot: token.slice(-6),
        title: md.title ?? null,
        text: md.text ?? txt.content ?? '',
        mentions: at,
      };
      const refuse = (errcode: number, errmsg: string) => ({ ...base, accepted: false, reply: { errcode, errmsg } });
      if (secret) {
        const ts = Number(url.searchParams.get('timestamp'));
        const sign = url.searchParams.get('sign') ?? '';
        if (!Number.isFinite(ts) || Math.abs(now - ts) > 3_600_000)
          return refuse(310000, 'sign not match, more: [timestamp is not within one hour of the server time]');
        if (!same(sign, dingtalkSign(ts, secret))) return refuse(310000, 'sign not match');
      }
      if (bytes(base.text) > LIMITS.dingtalk) return refuse(460101, 'message too long, exceed 20000 bytes');
      if (rateFull(`d:${token}`, now)) return refuse(130101, 'send too fast, exceed 20 times per minute');
      return { ...base, accepted: true, reply: { errcode: 0, errmsg: 'ok' } };
    }
    if (url.pathname === '/cgi-bin/webhook/send') {
      const key = url.searchParams.get('key') ?? '';
      if (!o.robots.wecom.includes(key)) return { reply: { errcode: 93000, errmsg: 'invalid webhook url' } };
      const type = json.msgtype === 'text' ? 'text' : 'markdown';
      const part = (json[type] ?? {}) as { content?: string; mentioned_list?: string[] };
      const base = {
        channel: 'wecom' as const,
        robot: key.slice(-6),
        title: null,
        text: part.content ?? '',
        mentions: part.mentioned_list ?? [...(part.content ?? '').matchAll(/<@([^>]+)>/g)].map((m) => m[1]!),
      };
      const refuse = (errcode: number, errmsg: string) => ({ ...base, accepted: false, reply: { errcode, errmsg } });
      if (bytes(base.text) > LIMITS.wecom[type])
        return refuse(40058, `${type}.content exceed max length ${LIMITS.wecom[type]}`);
      if (rateFull(`w:${key}`, now)) return refuse(45009, 'api freq out of limit');
      return { ...base, accepted: true, reply: { errcode: 0, errmsg: 'ok' } };
    }
    return { reply: { errcode: 404, errmsg: 'no such webhook' } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${host}`);
      const now = clock();
      const a: Answer =
        req.method === 'POST'
          ? answer(url, Buffer.concat(chunks).toString('utf8'), now)
          : { reply: { errcode: 405, errmsg: 'POST only' } };
      if (a.channel) keep(a, now);
      log.debug('robot request', { path: url.pathname, reply: a.reply });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.reply));
    });
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let port = o.port;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (err: Error) =>
        reject(new RobotSinkError(`the robot sink cannot listen on ${host}:${port}: ${err.message}`));
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  await listen();
  log.info('robot sink listening', { host, port, dir: dir ?? null });
  let closed = false;
  return {
    host,
    get port() {
      return port;
    },
    url: (channel, token) =>
      channel === 'dingtalk'
        ? `http://${host}:${port}/robot/send?access_token=${encodeURIComponent(token)}`
        : `http://${host}:${port}/cgi-bin/webhook/send?key=${encodeURIComponent(token)}`,
    messages: () => messages.slice(),
    accepted: () => messages.filter((m) => m.accepted),
    waitFor(n, timeoutMs) {
      const have = messages.filter((m) => m.accepted);
      if (have.length >= n) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const w = {
          n,
          resolve: (m: RobotMessage[]) => {
            clearTimeout(t);
            resolve(m);
          },
        };
        const t = setTimeout(() => {
          waiters = waiters.filter((x) => x !== w);
          reject(
            new RobotSinkError(
              `expected ${n} robot messages within ${timeoutMs} ms, got ${messages.filter((m) => m.accepted).length}`,
            ),
          );
        }, timeoutMs);
        waiters.push(w);
      });
    },
    clear() {
      messages = [];
      sent.clear();
    },
    pause: stop,
    resume: listen,
    async close() {
      if (closed) return;
      closed = true;
      if (server.listening) await stop();
    },
  };
}

/** The robots of a units directory file whose webhooks point at this sink's port (the demo robots). */
export function sinkRobotsOf(
  units: { robots?: { channel: string; webhook: string; secret?: string | null }[] }[],
  port: number,
): SinkRobots {
  const out: SinkRobots = { dingtalk: {}, wecom: [] };
  for (const r of units.flatMap((u) => u.robots ?? [])) {
    let url: URL;
    try {
      url = new URL(r.webhook);
    } catch {
      continue;
    }
    if (!isLoopbackHost(url.hostname) || Number(url.port) !== port) continue;
    if (r.channel === 'dingtalk') out.dingtalk[url.searchParams.get('access_token') ?? ''] = r.secret ?? null;
    else out.wecom.push(url.searchParams.get('key') ?? '');
  }
  return out;
}
