/** Shared plumbing for CLI commands: config and a database client that is always closed. */
import { loadConfig, type Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { createPrisma } from '../infra/db/client';

export function config(): Readonly<Config> {
  return loadConfig();
}

export async function withDb<T>(cfg: Config, fn: (db: PrismaClient) => Promise<T>): Promise<T> {
  const db = createPrisma(cfg.database.url);
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}
