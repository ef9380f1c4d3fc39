/**
 * The notice use cases' database access on the send path: plain parameterised SQL through one
 * function. Every email costs three statements (load, claim, record); through Prisma's client
 * each costs about twice the CPU of the same statement on `pg` (measured: 0.57 vs 0.24 ms for the
 * load), which on a small machine halves the pipeline's throughput. The composition root passes
 * a `pg` pool (sqlFromPg); tests may pass the Prisma client (sqlFromPrisma): same statements.
 */
import type { PrismaClient } from '../../generated/prisma/client';

/** Runs one statement with $1… parameters and returns its rows. */
export type Sql = <T = Record<string, unknown>>(text: string, params: unknown[]) => Promise<T[]>;

/** Over a `pg` Pool or Client. */
export function sqlFromPg(pg: { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }): Sql {
  return async <T>(text: string, params: unknown[]) => (await pg.query(text, params)).rows as T[];
}

/** Over the Prisma client. */
export function sqlFromPrisma(prisma: Pick<PrismaClient, '$queryRawUnsafe'>): Sql {
  return <T>(text: string, params: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...params);
}
