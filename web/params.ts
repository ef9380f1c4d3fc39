/**
 * Query and path parameters of the pages and the API: parsed and bounded; a malformed one throws
 * QueryError naming it (the API answers 400 BAD_QUERY, the pages a 400 page).
 */
import { LIGHTS, type Light } from '../app/dashboard/lights';
import { ErrorCodes, DubangError } from '../contracts/errors';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type Query = Record<string, string | undefined>;

/** Parsed, bounded query parameters; a malformed one answers 400 naming it. */
export class QueryError extends DubangError {
  static override readonly code = ErrorCodes.QueryError;
}
export function uuidParam(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (!UUID.test(v)) throw new QueryError(`${name}: 应为 UUID`);
  return v;
}
export function lightParam(v: string | undefined): Light | undefined {
  if (!v) return undefined;
  if (!(LIGHTS as readonly string[]).includes(v)) throw new QueryError(`light: 应为 ${LIGHTS.join('、')} 之一`);
  return v as Light;
}
export function intParam(v: string | undefined, name: string, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) > max) throw new QueryError(`${name}: 应为 0 到 ${max} 的整数`);
  return Number(v);
}
export function strParam(
  v: string | undefined,
  name: string,
  re = /^[\w\u4e00-\u9fff().-]{1,100}$/u,
): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (!re.test(v)) throw new QueryError(`${name}: 格式不对`);
  return v;
}
export function enumParam(v: string | undefined, name: string, values: string[]): string | undefined {
  if (!v) return undefined;
  if (!values.includes(v)) throw new QueryError(`${name}: 应为 ${values.join('、')} 之一`);
  return v;
}
