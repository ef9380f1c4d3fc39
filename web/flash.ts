/**
 * Post/redirect/get: a form's result travels to the page it redirects to in a short-lived cookie
 * (`dubang_flash`, HttpOnly, 5 minutes, scoped to that page's path), so reloading the page shows it
 * again without posting again. Used by the unit form and the Office's assignment actions.
 */
import type { FormMessage } from './views/unit';

export const FLASH_COOKIE = 'dubang_flash';
/** a flash larger than this (a tampered cookie) is ignored */
export const MAX_FLASH_BYTES = 3600;

export interface Flash {
  message: FormMessage;
  values?: Record<string, string>;
}

export function encodeFlash(f: Flash): string {
  return Buffer.from(JSON.stringify(f), 'utf8').toString('base64url');
}

/** Reads a flash cookie; anything malformed is ignored (it is only ever shown to the one who holds it, escaped). */
export function decodeFlash(raw: string | undefined): Flash | null {
  if (!raw || raw.length > MAX_FLASH_BYTES) return null;
  try {
    const f = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Flash;
    if ((f.message?.kind !== 'ok' && f.message?.kind !== 'refused') || typeof f.message.text !== 'string') return null;
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.values ?? {})) if (typeof v === 'string') values[k] = v;
    return { message: { kind: f.message.kind, text: f.message.text.slice(0, 1000) }, values };
  } catch {
    return null;
  }
}
