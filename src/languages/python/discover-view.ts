import { unmask, type PyLine, type PySource } from './discover-tokens.js';
import { qualify, readImports, type PyImports } from './imports.js';
import type { PyFileModel, PyTestUnit } from './discover.js';

/** One logical line as the rules see it. */
export interface PyViewLine {
  line: number;
  /** Names qualified through the imports, strings masked as `__sN__`. */
  code: string;
  /** Same, with string literals put back (for mitigations such as `patch("time.sleep")`). */
  plain: string;
}

/** A test function prepared for the rules: its own lines and the lines that can affect it. */
export interface PyTestView {
  unit: PyTestUnit;
  body: PyViewLine[];
  /** The test's decorators, its enclosing classes' decorators, and every non-test line of the file. */
  around: PyViewLine[];
  source: PySource;
  imports: PyImports;
  helpers: Map<string, PyViewLine[]>;
}

function toView(source: PySource, imports: PyImports, lines: PyLine[]): PyViewLine[] {
  return lines.map((l) => {
    const code = qualify(l.code, imports);
    return { line: l.line, code, plain: unmask(source, code) };
  });
}

export function viewTests(model: PyFileModel): PyTestView[] {
  const imports = readImports(model.context);
  const around = toView(model.source, imports, model.context);
  const helpers = new Map<string, PyViewLine[]>();
  for (const [name, lines] of model.helpers) helpers.set(name, toView(model.source, imports, lines));
  return model.tests.map((unit) => ({
    unit,
    body: toView(model.source, imports, unit.lines),
    around: [...toView(model.source, imports, unit.decorators), ...around],
    source: model.source,
    imports,
    helpers,
  }));
}
