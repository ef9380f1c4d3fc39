/**
 * The code's structure, measured (issue 13's before/after figures): source files over 400 lines,
 * the longest functions, the import edges that cross from one top-level folder to another, and
 * import cycles. Reads the source folders of a checkout (test/helpers/import-graph.ts: the same
 * files and graph as the cycle test); runs nothing.
 *
 *   npm run build && npm run bench -- structure [--root DIR] [--top 10] [--json]
 *
 * --root measures another checkout (a `git worktree add` of an older commit, say) with this code.
 * A function is a declaration, method, function expression or arrow function; its length is the
 * lines from its first to its last, nested functions included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { findCycles, importGraph, sourceFolders } from '../test/helpers/import-graph';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const LONG_FILE = 400;

interface FunctionLength {
  file: string;
  name: string;
  lines: number;
}

/** The name a function is known by: its own, the variable or property it is assigned to, or `(anonymous)`. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

function functionLengths(file: string, text: string): FunctionLength[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: FunctionLength[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node)
    ) {
      if (node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        out.push({ file, name: nameOf(node), lines: last - first + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function main(): void {
  const root = path.resolve(arg('--root') ?? process.cwd());
  const top = Number(arg('--top') ?? 10);
  const folders = sourceFolders(root);
  const graph = importGraph(root, folders);
  const files = [...graph.keys()].sort();
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
  const lineCount = (t: string) => t.split('\n').length - (t.endsWith('\n') ? 1 : 0);
  const longFiles = files
    .map((f) => ({ file: f, lines: lineCount(texts.get(f)!) }))
    .filter((f) => f.lines > LONG_FILE)
    .sort((a, b) => b.lines - a.lines);
  const functions = files
    .flatMap((f) => functionLengths(f, texts.get(f)!))
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  const folderOf = (f: string) => f.split('/')[0]!;
  let edges = 0;
  let crossing = 0;
  for (const [from, targets] of graph)
    for (const to of targets) {
      if (!graph.has(to)) continue;
      edges += 1;
      if (folderOf(from) !== folderOf(to)) crossing += 1;
    }
  const cycles = findCycles(graph);
  const result = {
    root,
    files: files.length,
    longFiles,
    longestFunctions: functions.slice(0, top),
    functionsOver80: functions.filter((f) => f.lines > 80).length,
    importEdges: edges,
    crossingEdges: crossing,
    cycles,
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const out: string[] = [];
  out.push(`source files: ${files.length} (${folders.join(', ')})`);
  out.push(`files over ${LONG_FILE} lines: ${longFiles.length}`);
  for (const f of longFiles) out.push(`  ${String(f.lines).padStart(5)}  ${f.file}`);
  out.push(`functions over 80 lines: ${result.functionsOver80}; the ${top} longest:`);
  for (const f of result.longestFunctions) out.push(`  ${String(f.lines).padStart(5)}  ${f.name}  (${f.file})`);
  out.push(`import edges: ${edges}, crossing folders: ${crossing}`);
  out.push(`import cycles: ${cycles.length}`);
  for (const c of cycles) out.push(`  ${c.join(' → ')}`);
  process.stdout.write(out.join('\n') + '\n');
}

main();
