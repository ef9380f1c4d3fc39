/**
 * The demo directory's group robots (config/units.json) point at the dev robot sink on a fixed port
 * (127.0.0.1:2626), which a benchmark must neither need nor disturb. A benchmark starts a robot sink
 * of its own on a free port and reads the directory with every demo robot pointed at it, so the IM
 * messages of a storm are delivered (and rate-limited, 20 a minute per robot) as in production
 * instead of retrying against a closed port for hours and keeping the storm from draining.
 */
import { readDirectoryFile } from '../../app/units-file';
import { startRobotSink, sinkRobotsOf, type RobotSink } from '../../devtools/robot-sink/sink';
import type { UnitsDirectory } from '../../domain/units';

export interface BenchDirectory {
  dir: UnitsDirectory;
  robots: RobotSink;
}

/** The units directory of `file`, its loopback robots moved to a robot sink started here. */
export async function benchDirectory(file: string): Promise<BenchDirectory> {
  const dir = readDirectoryFile(file);
  const loopback = (webhook: string) => {
    const u = new URL(webhook);
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost' ? u : null;
  };
  const demoPorts = new Set(dir.units.flatMap((u) => (u.robots ?? []).flatMap((r) => loopback(r.webhook)?.port ?? [])));
  if (demoPorts.size > 1) throw new Error(`${file}: demo robots on more than one port (${[...demoPorts].join(', ')})`);
  const demoPort = Number([...demoPorts][0] ?? 0);
  const robots = await startRobotSink({ port: 0, robots: sinkRobotsOf(dir.units, demoPort), maxInMemory: 10_000 });
  const moved: UnitsDirectory = {
    ...dir,
    units: dir.units.map((u) =>
      u.robots
        ? {
            ...u,
            robots: u.robots.map((r) => {
              const url = loopback(r.webhook);
              if (!url) return r;
              url.port = String(robots.port);
              return { ...r, webhook: url.toString() };
            }),
          }
        : u,
    ),
  };
  return { dir: moved, robots };
}
