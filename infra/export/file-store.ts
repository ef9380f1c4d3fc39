/**
 * The FileStore port (contracts/mail.ts) in PostgreSQL: table "StoredFile", one row per key,
 * written once (ON CONFLICT DO NOTHING) and read by the mail worker at send time. The exports are
 * small (the real plan's assessment: about 60 KB in all), far below what bytea handles well; a
 * deployment that mails large files can put an S3-compatible store behind the same port.
 */
import { createHash } from 'node:crypto';
import type { Sql } from '../../contracts/sql';
import type { FileStore, StoredFile } from '../../contracts/mail';

export function createPostgresFileStore(sql: Sql): FileStore {
  return {
    async put(key: string, f: StoredFile): Promise<void> {
      await sql(
        `INSERT INTO "StoredFile" (key, filename, "contentType", content, "sizeBytes", sha256) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
        [
          key,
          f.filename,
          f.contentType,
          f.content,
          f.content.length,
          createHash('sha256').update(f.content).digest('hex'),
        ],
      );
    },
    async get(key: string): Promise<StoredFile | null> {
      const [row] = await sql<{ filename: string; contentType: string; content: Uint8Array }>(
        `SELECT filename, "contentType", content FROM "StoredFile" WHERE key = $1`,
        [key],
      );
      return row ? { filename: row.filename, contentType: row.contentType, content: Buffer.from(row.content) } : null;
    },
  };
}
