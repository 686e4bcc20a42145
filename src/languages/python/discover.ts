import { scanPython, type PyLine, type PySource } from './discover-tokens.js';

/**
 * Test discovery for Python in pure TypeScript (the fallback when Python's own `ast` is not run in
 * the sandbox): module-level `def test*`, `test*` methods of `Test*` classes and of
 * `unittest.TestCase` subclasses (pytest's default collection rules), nested test classes too.
 */

export interface PyTestUnit {
  /** `Class::method` or `test_name`. */
  name: string;
  /** 1-based line of the `def` (decorators excluded). */
  line: number;
  endLine: number;
  /** The `def` line and the body. */
  lines: PyLine[];
  /** Decorators of the function and of its enclosing classes. */
  decorators: PyLine[];
}

export interface PyFileModel {
  source: PySource;
  tests: PyTestUnit[];
  /** Lines outside any test function (imports, fixtures, helpers, setUp, class bodies). */
  context: PyLine[];
  /** Helper functions (non-test defs) by name, body included: a call to one may hold assertions. */
  helpers: Map<string, PyLine[]>;
}

const DEF = /^(?:async )?def (\w+)\s*\(/;
const CLASS = /^class (\w+)\s*(?:\((.*)\))?\s*:/;
const TESTCASE_BASE = /\b(?:\w+\.)?(?:\w*TestCase|TestCase\w*)\b/;

interface Block {
  kind: 'class' | 'def';
  indent: number;
  name: string;
  isTestClass: boolean;
  decorators: PyLine[];
}

/** Index just past the block that starts at `start` (lines indented deeper than it). */
function blockEnd(lines: PyLine[], start: number): number {
  const head = lines[start] as PyLine;
  let j = start + 1;
  while (j < lines.length && (lines[j] as PyLine).indent > head.indent) j++;
  return j;
}

function leadingDecorators(lines: PyLine[], index: number): PyLine[] {
  const out: PyLine[] = [];
  const head = lines[index] as PyLine;
  for (let k = index - 1; k >= 0; k--) {
    const l = lines[k] as PyLine;
    if (l.indent !== head.indent || !l.code.startsWith('@')) break;
    out.unshift(l);
  }
  return out;
}

/** Remove `tail` from the end of `list` when it is there (a test's decorators are not context). */
function dropTail(list: PyLine[], tail: PyLine[]): void {
  if (tail.length > 0 && tail.every((t, k) => list[list.length - tail.length + k] === t)) list.splice(list.length - tail.length);
}

export function discoverPythonFile(text: string): PyFileModel {
  const source = scanPython(text);
  const { lines } = source;
  const tests: PyTestUnit[] = [];
  const context: PyLine[] = [];
  const helpers = new Map<string, PyLine[]>();
  const stack: Block[] = [];
  const testClasses = new Set<string>();

  let i = 0;
  while (i < lines.length) {
    const l = lines[i] as PyLine;
    while (stack.length > 0 && (stack[stack.length - 1] as Block).indent >= l.indent) stack.pop();
    const top = stack[stack.length - 1];
    const cls = CLASS.exec(l.code);
    if (cls) {
      const name = cls[1] as string;
      const bases = cls[2] ?? '';
      const inTestScope = stack.every((b) => b.kind === 'class' && b.isTestClass);
      const baseIsTest = TESTCASE_BASE.test(bases) || bases.split(',').some((b) => testClasses.has(b.trim()));
      const isTestClass = inTestScope && (name.startsWith('Test') || baseIsTest);
      if (isTestClass) testClasses.add(name);
      const decorators = leadingDecorators(lines, i);
      if (isTestClass) dropTail(context, decorators);
      stack.push({ kind: 'class', indent: l.indent, name, isTestClass, decorators });
      context.push(l);
      i++;
      continue;
    }
    const def = DEF.exec(l.code);
    if (def) {
      const name = def[1] as string;
      const end = blockEnd(lines, i);
      const body = lines.slice(i, end);
      const atModule = stack.length === 0;
      const inTestClass = top?.kind === 'class' && stack.every((b) => b.kind === 'class' && b.isTestClass);
      if ((atModule || inTestClass) && name.startsWith('test')) {
        const classes = stack.map((b) => b.name);
        const own = leadingDecorators(lines, i);
        dropTail(context, own);
        tests.push({
          name: [...classes, name].join('::'),
          line: l.line,
          endLine: (body[body.length - 1] as PyLine).endLine,
          lines: body,
          decorators: [...stack.flatMap((b) => b.decorators), ...own],
        });
      } else {
        if (!helpers.has(name)) helpers.set(name, body);
        context.push(...body);
      }
      i = end;
      continue;
    }
    context.push(l);
    i++;
  }
  return { source, tests, context, helpers };
}

/** Restrict a model's tests to the names and line ranges found by Python's own `ast`. */
export function applyDiscoveredTests(model: PyFileModel, found: Array<{ name: string; line: number; endLine: number }>): PyFileModel {
  const byName = new Map(model.tests.map((t) => [t.name, t]));
  const tests = found.map((f): PyTestUnit => {
    const known = byName.get(f.name);
    if (known) return known;
    const inRange = model.source.lines.filter((l) => l.line >= f.line && l.endLine <= f.endLine);
    return { name: f.name, line: f.line, endLine: f.endLine, lines: inRange, decorators: [] };
  });
  return { ...model, tests };
}
