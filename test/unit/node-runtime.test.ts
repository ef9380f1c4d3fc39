import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// semver is npm's own range grammar (installed with the toolchain; its types are not needed here).
const semver = jest.requireActual<{
  satisfies(v: string, range: string): boolean;
  valid(v: string): string | null;
  major(v: string): number;
}>('semver');
const ROOT = path.resolve(__dirname, '..', '..');
const pinned = fs.readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } }>;
};

/** A directory whose `node` reports the given version (enough for ensure-node.sh's check). */
function fakeNode(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-node-'));
  fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  return dir;
}

function ensureNode(env: Record<string, string>) {
  return spawnSync('bash', [path.join(ROOT, 'scripts', 'ensure-node.sh')], {
    env: { HOME: os.homedir(), ...env },
    encoding: 'utf8',
  });
}

describe('the pinned Node LTS', () => {
  it('is a maintained LTS release line that our own engines field accepts', () => {
    expect(semver.valid(pinned)).toBe(pinned);
    expect([22, 24]).toContain(semver.major(pinned));
    expect(semver.satisfies(pinned, pkg.engines.node)).toBe(true);
    // Node 20 is out of maintenance: our engines field says so to anyone who runs npm ci on it.
    expect(semver.satisfies('20.20.2', pkg.engines.node)).toBe(false);
  });

  it('satisfies the engines of every installed dependency, so npm ci prints no engine warning on it', () => {
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node && !semver.satisfies(pinned, p.engines.node))
      .map(([name, p]) => `${name} wants ${p.engines?.node}`);
    expect(refused).toEqual([]);
  });
});

describe('scripts/ensure-node.sh', () => {
  it("uses the machine's node when it is already the pinned major version, installing nothing", () => {
    const dir = fakeNode(`${semver.major(pinned)}.0.1`);
    const r = ensureNode({
      PATH: `${dir}:/usr/bin:/bin`,
      XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-cache-')),
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(dir);
  });

  it("uses the cached build of the pinned version when the machine's node is older", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-cache-'));
    const bin = path.join(cache, 'dubang', 'node', pinned, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'node'), '#!/bin/sh\n', { mode: 0o755 });
    const r = ensureNode({ PATH: `${fakeNode('20.20.2')}:/usr/bin:/bin`, XDG_CACHE_HOME: cache });
    expect(r.stdout.trim()).toBe(bin);
  });

  it('refuses a DUBANG_NODE_BIN without a node in it, naming the variable', () => {
    const r = ensureNode({ PATH: '/usr/bin:/bin', DUBANG_NODE_BIN: os.tmpdir() });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/DUBANG_NODE_BIN=.* holds no executable 'node'/);
  });
});
