import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph, REPO_ROOT, type ModuleNode } from './import-graph.js';

/**
 * The architecture's rules (DESIGN.md, habit 12), read off the import graph of src/:
 * - no import cycle anywhere in src/;
 * - src/languages/ never imports from src/pipeline/ (the pipeline depends on the languages, not back);
 * - src/pipeline/, src/wiring/ and src/git/ hold no language literal: they ask the registry.
 */

const LANGUAGE_NAME = /^(?:python|typescript|javascript)$/i;
/** `.py`, `foo.ts`, `${stem}.tsx`: a string naming a source extension. */
const EXTENSION = /(?:^|[\w}/-])\.(?:pyi?|[cm]?tsx?|[cm]?jsx?)$|^\.(?:pyi?|[cm]?tsx?|[cm]?jsx?)$/;
/** A regular expression testing a source extension (`/\.py$/`, `/\.[cm]?[jt]sx?$/`). */
const EXTENSION_TEST = /\\\.(?:pyi?|[cm]?tsx?|[cm]?jsx?)\b|\\\.\[cm\]|\[jt\]s/;
const LANGUAGE_FREE = ['src/pipeline/', 'src/wiring/', 'src/git/'];

/** Language literals of the files under the language-free folders, as `path:line: text`. */
function findLanguageLiterals(graph: ModuleNode[]): string[] {
  const out: string[] = [];
  for (const node of graph.filter((n) => LANGUAGE_FREE.some((dir) => n.path.startsWith(dir)))) {
    for (const lit of node.literals) {
      const hit = lit.kind === 'string' ? LANGUAGE_NAME.test(lit.text) || EXTENSION.test(lit.text) : EXTENSION_TEST.test(lit.text);
      if (hit) out.push(`${node.path}:${lit.line}: ${lit.kind === 'regex' ? lit.text : JSON.stringify(lit.text)}`);
    }
  }
  return out;
}

/** Imports from src/languages/ into src/pipeline/, as `from -> to`. */
function findLanguageToPipelineImports(graph: ModuleNode[]): string[] {
  return graph
    .filter((n) => n.path.startsWith('src/languages/'))
    .flatMap((n) => n.imports.filter((to) => to.startsWith('src/pipeline/')).map((to) => `${n.path} -> ${to}`));
}

describe('architecture boundaries of src/', () => {
  const graph = readImportGraph(REPO_ROOT);

  it('reads the whole of src/', () => {
    expect(graph.length).toBeGreaterThan(100);
    expect(graph.some((n) => n.path === 'src/languages/registry.ts')).toBe(true);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('keeps src/languages/ free of imports from src/pipeline/', () => {
    expect(findLanguageToPipelineImports(graph)).toEqual([]);
  });

  it('keeps language names and source extensions out of src/pipeline/, src/wiring/ and src/git/', () => {
    expect(findLanguageLiterals(graph)).toEqual([]);
  });

  it('catches each kind of violation (the rules can fail)', () => {
    const fake: ModuleNode[] = [
      { path: 'src/a.ts', imports: ['src/b.ts'], literals: [] },
      { path: 'src/b.ts', imports: ['src/c.ts'], literals: [] },
      { path: 'src/c.ts', imports: ['src/a.ts'], literals: [] },
      { path: 'src/languages/x.ts', imports: ['src/pipeline/types.ts'], literals: [] },
      {
        path: 'src/pipeline/y.ts',
        imports: [],
        literals: [
          { kind: 'string', text: 'python', line: 1 },
          { kind: 'string', text: '.ts', line: 2 },
          { kind: 'string', text: 'tests/test_x.py', line: 3 },
          { kind: 'regex', text: '/\\.[cm]?[jt]sx?$/', line: 4 },
          { kind: 'string', text: 'a plain message', line: 5 },
        ],
      },
    ];
    expect(findCycles(fake).map((c) => c.join(' -> '))).toEqual(['src/a.ts -> src/b.ts -> src/c.ts -> src/a.ts']);
    expect(findLanguageToPipelineImports(fake)).toEqual(['src/languages/x.ts -> src/pipeline/types.ts']);
    expect(findLanguageLiterals(fake)).toEqual(['src/pipeline/y.ts:1: "python"', 'src/pipeline/y.ts:2: ".ts"', 'src/pipeline/y.ts:3: "tests/test_x.py"', 'src/pipeline/y.ts:4: /\\.[cm]?[jt]sx?$/']);
  });
});
