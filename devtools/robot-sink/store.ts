/**
 * Reading what the robot sink kept (var/robots/messages.jsonl) for `dubang im list|show`, and the
 * units directory file the dev sink learns its robots from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MESSAGES_FILE, RobotSinkError, type RobotMessage } from './sink';

/** The `units` of a units directory file, as JSON (the sink needs only the robots' webhooks). */
export function readDirectoryJson(
  file: string,
): { robots?: { channel: string; webhook: string; secret?: string | null }[] }[] {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { units?: unknown };
    return Array.isArray(raw.units) ? (raw.units as ReturnType<typeof readDirectoryJson>) : [];
  } catch (e) {
    throw new RobotSinkError(`${file}: ${(e as Error).message}`);
  }
}

/** Every message the sink kept in `dir`, oldest first (a torn last line is skipped). */
export function readRobotMessages(dir: string): RobotMessage[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MESSAGES_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: RobotMessage[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as RobotMessage);
    } catch {
      // a line the sink was writing when it stopped
    }
  }
  return out;
}

/** One message by its id or a unique prefix of it. */
export function findRobotMessage(dir: string, id: string): RobotMessage {
  const hits = readRobotMessages(dir).filter((m) => m.id.startsWith(id));
  if (hits.length === 1) return hits[0]!;
  throw new RobotSinkError(
    hits.length ? `「${id}」对应 ${hits.length} 条消息，请写得更完整` : `没有编号为「${id}」的群机器人消息 (${dir})`,
  );
}
