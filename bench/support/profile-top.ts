/**
 * Summarises V8 CPU profiles (.cpuprofile, from `node --cpu-prof` or the notices benchmark's
 * `--cpu-prof DIR`): the functions with the most self time, and the time per package (node_modules
 * folder, or "app" for our own code), so a profile answers "where does the time go" without a GUI.
 *
 *   node dist/bench/support/profile-top.js <file.cpuprofile>… [--top 40]
 */
import * as fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function bucket(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (!url) return '(vm)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return 'app:' + (/\/(app|infra|domain|worker|bench|generated|config)\//.exec(url)?.[1] ?? 'other');
}

const files = process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'));
const topI = process.argv.indexOf('--top');
const top = topI > 0 ? Number(process.argv[topI + 1]) : 40;
for (const f of files) {
  const p = JSON.parse(fs.readFileSync(f, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, k) => {
    const dt = p.timeDeltas[k] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const name = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '')}:${n.callFrame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const b = ['(idle)', '(program)', '(garbage collector)'].includes(n.callFrame.functionName)
      ? n.callFrame.functionName
      : bucket(n.callFrame.url);
    pkg.set(b, (pkg.get(b) ?? 0) + us);
  }
  // for the hottest native frames (socket writes…), which package's code asked for them
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const caller = (id: number): string => {
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
      const b = bucket(byId.get(cur)!.callFrame.url);
      if (!b.startsWith('node:') && b !== '(vm)') return b;
    }
    return '?';
  };
  const native = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.url || ['(idle)', '(program)', '(garbage collector)', '(root)'].includes(n.callFrame.functionName))
      continue;
    const k = `${n.callFrame.functionName} ← ${caller(id)}`;
    native.set(k, (native.get(k) ?? 0) + us);
  }
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pc = (us: number) => ((100 * us) / total).toFixed(1).padStart(5) + '%';
  console.log(`\n${f}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('-- by package');
  for (const [k, v] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms(v)} ms ${pc(v)}  ${k}`);
  console.log('-- native frames by calling package');
  for (const [k, v] of [...native].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)} ms ${pc(v)}  ${k}`);
  console.log('-- by function (self)');
  for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms ${pc(v)}  ${k}`);
}
