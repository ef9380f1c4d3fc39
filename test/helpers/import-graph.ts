/**
 * The repository's import graph, read with the TypeScript compiler's own pre-processor
 * (`ts.preProcessFile`: static imports and re-exports, `import type`, `import()` and `require()`),
 * and the cycles in it (strongly connected components, Tarjan). Used by test/unit/import-cycles.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** file (relative to the root, `/`-separated) → the repository files it imports */
export type ImportGraph = Map<string, string[]>;

/** Top-level folders that are not source: tests, build output, generated code, runtime data. */
export const NOT_SOURCE = new Set([
  'node_modules',
  'dist',
  'generated',
  'var',
  'coverage',
  'test',
  'prisma',
  'docs',
  'bin',
  'scripts',
]);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every top-level source folder: each folder of `root` holding .ts files, but NOT_SOURCE and dot folders. */
export function sourceFolders(root: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_SOURCE.has(e.name))
    .map((e) => e.name)
    .filter((d) => tsFiles(path.join(root, d)).length > 0)
    .sort();
}

/** The relative import specifiers of one file's text (packages are left out: they cannot close a cycle). */
export function relativeImports(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Resolves a specifier like the compiler (module resolution "node"): `x.ts`, then `x/index.ts`. */
function resolve(root: string, from: string, spec: string): string | null {
  const base = path.resolve(root, path.dirname(from), spec.replace(/\.js$/, ''));
  for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(c)) return path.relative(root, c).split(path.sep).join('/');
  }
  return null;
}

export function importGraph(root: string, folders: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of folders.flatMap((d) => tsFiles(path.join(root, d)))) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const targets = relativeImports(fs.readFileSync(file, 'utf8'))
      .map((s) => resolve(root, rel, s))
      .filter((t): t is string => t !== null);
    graph.set(rel, [...new Set(targets)]);
  }
  return graph;
}

/**
 * The cycles of a graph: each strongly connected component of more than one file, or a file that
 * imports itself, as its sorted file list. Empty when the graph is acyclic.
 */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  // iterative Tarjan: the graph has hundreds of files, recursion depth is no concern, but loops read plainly
  const visit = (start: string) => {
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.v) ?? [];
      if (top.i < edges.length) {
        const w = edges[top.i++]!;
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(top.v)!));
      if (low.get(top.v) === index.get(top.v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.v);
        if (component.length > 1 || edges.includes(top.v)) cycles.push(component.sort());
      }
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
