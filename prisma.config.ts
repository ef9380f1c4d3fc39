import { defineConfig } from 'prisma/config';

// Prisma CLI configuration. The database URL comes from DATABASE_URL (the same key config/ reads).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/dubang' },
});
