/**
 * The IM channel port: how the notice use cases send one message to one group robot and ask the
 * per-robot limiter for a slot. infra/channels/ implements both (HTTP to the webhook, Redis);
 * errors cross this boundary as RobotSendError so the use cases never see HTTP details. Types only,
 * plus the error class.
 */
import type { ChannelMarkdown, RobotChannel } from '../domain/channels';
import { ErrorCodes, DubangError } from './errors';

/** A robot with its credentials, as the sender needs it. Never logged. */
export interface RobotTarget {
  id: string;
  channel: RobotChannel;
  webhook: string;
  secret: string | null;
  /** DingTalk: mobiles to @ (sent as at.atMobiles too) */
  atMobiles: string[];
}

/** What the service answered to a message it accepted: its errcode 0 reply, as text. */
export interface RobotReply {
  /** e.g. `{"errcode":0,"errmsg":"ok"}` */
  reply: string;
}

/**
 * A message the service did not take. `kind`: `permanent` (the robot refused for good: a wrong
 * secret, keywords, an invalid webhook; retrying only repeats it), `rate` (send too fast: back off
 * and retry), `temporary` (no answer, 5xx: retry; `ambiguous` when the request may have arrived).
 * The message never contains the webhook URL or the secret.
 */
export class RobotSendError extends DubangError {
  static override readonly code = ErrorCodes.RobotSendError;
  constructor(
    message: string,
    readonly kind: 'permanent' | 'rate' | 'temporary',
    readonly ambiguous: boolean,
    /** the service's errcode, if it answered */
    readonly errcode?: number,
  ) {
    super(message);
  }
}

/** Sends one message to one robot. */
export interface RobotSender {
  send(robot: RobotTarget, message: ChannelMarkdown): Promise<RobotReply>;
}

/**
 * The per-robot rate limit, shared by every worker process: `take` a slot now, or learn when the
 * next one opens; `coolDown` after the service said "too fast"; `lock` serialises the sends of one
 * robot (so the messages waiting past the rate are merged once, by one job).
 */
export interface RobotLimiter {
  /** a slot now (and how many are left in the window after it), or when the next one opens */
  take(robotId: string, nowMs: number): Promise<{ ok: true; remaining: number } | { ok: false; retryAtMs: number }>;
  coolDown(robotId: string, untilMs: number): Promise<void>;
  lock<T>(robotId: string, fn: () => Promise<T>): Promise<T>;
}
