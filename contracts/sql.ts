/**
 * The SQL port of the notice use cases and the file store: one function that runs one parameterised
 * statement. The composition root passes a `pg` pool (app/notices/sql.ts sqlFromPg); tests may pass
 * the Prisma client (sqlFromPrisma): same statements.
 */

/** Runs one statement with $1… parameters and returns its rows. */
export type Sql = <T = Record<string, unknown>>(text: string, params: unknown[]) => Promise<T[]>;
