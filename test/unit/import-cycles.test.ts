/**
 * The import graph of the repository's source has no cycles (issue 13). Every top-level source
 * folder is read (test/helpers/import-graph.ts `sourceFolders`: app, config, domain, workflows,
 * activities, infra, web, worker, cli, bench, and any folder added later). Type-only imports count
 * too: they erase at runtime, but a type cycle still ties the files together, and the next value
 * import along it would make a runtime cycle.
 */
import * as path from 'node:path';
import { findCycles, importGraph, relativeImports, sourceFolders, type ImportGraph } from '../helpers/import-graph';

const ROOT = path.join(__dirname, '..', '..');

const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('the cycle finder', () => {
  it('finds a three-file circle, a self-import and a two-file circle, and nothing in a tree', () => {
    const g = graphOf({
      'a.ts': ['b.ts'],
      'b.ts': ['c.ts', 'd.ts'],
      'c.ts': ['a.ts'],
      'd.ts': [],
      'e.ts': ['e.ts'],
      'f.ts': ['g.ts', 'd.ts'],
      'g.ts': ['f.ts'],
    });
    expect(findCycles(g).sort()).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts'], ['f.ts', 'g.ts']]);
    expect(findCycles(graphOf({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] }))).toEqual([]);
  });

  it('ignores edges to files outside the graph', () => {
    expect(findCycles(graphOf({ 'a.ts': ['x.ts'], 'b.ts': ['a.ts'] }))).toEqual([]);
  });

  it('reads value, type-only, re-export, dynamic and require imports, and skips packages', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "export type { D } from './d';",
      "const e = import('./e');",
      "const f = require('./f');",
      "import * as fs from 'node:fs';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(relativeImports(text).sort()).toEqual(['../b', './a', './c', './d', './e', './f']);
  });
});

describe('the repository', () => {
  it('reads every source folder', () => {
    const folders = sourceFolders(ROOT);
    for (const d of ['app', 'config', 'domain', 'workflows', 'activities', 'infra', 'web', 'worker', 'cli', 'bench'])
      expect(folders).toContain(d);
    expect(folders).not.toContain('test');
  });

  it('has no import cycle', () => {
    const graph = importGraph(ROOT, sourceFolders(ROOT));
    expect(graph.size).toBeGreaterThan(100);
    expect(findCycles(graph)).toEqual([]);
  });
});
