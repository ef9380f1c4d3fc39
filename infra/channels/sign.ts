/**
 * DingTalk's 加签: HMAC-SHA256 over `timestamp + "\n" + secret` with the secret as key, base64,
 * then URL-encoded, appended to the webhook as `&timestamp=…&sign=…`. The robot sink checks the
 * same function (devtools/robot-sink), so the two cannot drift apart.
 */
import { createHmac } from 'node:crypto';

/** The signature (base64, not yet URL-encoded) of a timestamp in milliseconds. */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The webhook with the timestamp and its signature appended. */
export function signedDingtalkUrl(webhook: string, secret: string, timestampMs: number): string {
  const sep = webhook.includes('?') ? '&' : '?';
  return `${webhook}${sep}timestamp=${timestampMs}&sign=${encodeURIComponent(dingtalkSign(timestampMs, secret))}`;
}
