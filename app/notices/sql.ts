/**
 * The notice use cases' database access on the send path: plain parameterised SQL through one
 * function. Every email costs three statements (load, claim, record; coalesced across concurrent
 * jobs, see batch.ts); through Prisma's client
 * each costs about twice the CPU of the same statement on `pg` (measured: 0.57 vs 0.24 ms for the
 * load), which on a small machine halves the pipeline's throughput. The composition root passes
 * a `pg` pool (sqlFromPg); tests may pass the Prisma client (sqlFromPrisma): same statements.
 */
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Sql } from '../../contracts/sql';

/** What sqlFromPg needs of a `pg` Pool or Client. */
interface PgQueryable {
  query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Over a `pg` Pool or Client. Statements run as named prepared statements: parsed and planned once
 * per connection instead of on every call. Planning the notice load (seven joins) costs more
 * server CPU than running it (measured: 1.1 ms a call unprepared, 0.44 ms prepared). The send
 * path's texts are a small fixed set; past `maxPrepared` distinct texts the rest run unnamed, so a
 * caller building texts dynamically cannot grow every connection's statement cache without bound.
 */
export function sqlFromPg(pg: PgQueryable, maxPrepared = 100): Sql {
  const names = new Map<string, string>();
  return async <T>(text: string, params: unknown[]) => {
    let name = names.get(text);
    if (name === undefined && names.size < maxPrepared) {
      // named after the text: two sqlFromPg over one pool cannot give one name two texts
      name = `dubang_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return (await pg.query(name ? { name, text, values: params } : { text, values: params })).rows as T[];
  };
}

/** Over the Prisma client. */
export function sqlFromPrisma(prisma: Pick<PrismaClient, '$queryRawUnsafe'>): Sql {
  return <T>(text: string, params: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...params);
}
