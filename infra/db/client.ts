/**
 * The Prisma client, over `pg` through the driver adapter (no native query engine: the query
 * compiler runs in-process). `$disconnect()` closes the adapter's pool.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { pgConnectionConfig } from './url';

export interface CreatePrismaOptions {
  /** pool size (pg default 10) */
  max?: number;
}

/**
 * A PrismaClient on `url` (postgresql://user@host:port/db). The caller owns it and must call
 * `$disconnect()`; only composition roots (worker/, cli/, test helpers) should build one.
 */
export function createPrisma(url: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const schema = new URL(url).searchParams.get('schema') ?? undefined;
  const adapter = new PrismaPg(
    { ...pgConnectionConfig(url), ...(opts.max ? { max: opts.max } : {}) },
    schema ? { schema } : undefined,
  );
  return new PrismaClient({ adapter });
}
