import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One module of the graph: repo-relative path (posix) and the src/ files it imports. */
export interface ModuleNode {
  path: string;
  imports: string[];
  /** String literals, template literal parts and regular expression literals of the file (module specifiers excluded), with their 1-based line. */
  literals: Array<{ kind: 'string' | 'regex'; text: string; line: number }>;
}

function listTsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listTsFiles(p));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** `./x.js` from `src/a/b.ts` → `src/a/x.ts` (our ESM sources import their own .ts files by .js). */
function resolveSpecifier(from: string, spec: string, known: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, posix.join(base, 'index.ts')]) if (known.has(candidate)) return candidate;
  return undefined;
}

/** Static imports, re-exports and dynamic `import('…')` of every src/**\/*.ts file, type-only ones included. */
export function readImportGraph(repoRoot: string, srcDir = 'src'): ModuleNode[] {
  const files = listTsFiles(join(repoRoot, srcDir)).map((f) => relative(repoRoot, f).split(sep).join('/'));
  const known = new Set(files);
  return files.map((path) => {
    const text = readFileSync(join(repoRoot, path), 'utf8');
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const imports = new Set<string>();
    const literals: ModuleNode['literals'] = [];
    const lineOf = (node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const add = (spec: ts.Expression | undefined): void => {
      if (spec && ts.isStringLiteralLike(spec)) {
        const target = resolveSpecifier(path, spec.text, known);
        if (target) imports.add(target);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
      else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal as ts.Expression);
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
        const p = node.parent;
        const specifier = ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p) || (ts.isLiteralTypeNode(p) && ts.isImportTypeNode(p.parent)) || (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword);
        if (!specifier) literals.push({ kind: 'string', text: node.text, line: lineOf(node) });
      } else if (ts.isRegularExpressionLiteral(node)) {
        literals.push({ kind: 'regex', text: node.text, line: lineOf(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    return { path, imports: [...imports].sort(), literals };
  });
}

/** Every elementary cycle found by a depth-first search (one per back edge), as a path that ends where it starts. */
export function findCycles(nodes: ModuleNode[]): string[][] {
  const edges = new Map(nodes.map((n) => [n.path, n.imports]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (path: string): void => {
    state.set(path, 'open');
    stack.push(path);
    for (const next of edges.get(path) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, 'done');
  };
  for (const n of nodes) if (!state.has(n.path)) visit(n.path);
  return cycles;
}

export const REPO_ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
