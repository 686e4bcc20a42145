import type { LintFinding } from '../../report/types.js';
import { bracketContent, splitTopLevel } from './discover-tokens.js';
import type { PyTestView, PyViewLine } from './discover-view.js';

/**
 * Does a Python test check a value? `assert` statements, `self.assert*`, `pytest.raises/warns`,
 * `assert_*` helpers (numpy, pandas, mock `assert_called_with`), and calls to a helper of the file
 * that itself asserts. Weak checks are `is not None`, bare truthiness of a name or attribute,
 * `isinstance` / `hasattr` / `callable`, a length only said to be non-zero (`len(xs) > 0`), `assertIsNotNone`, `assertIsInstance`. Mock
 * `assert_called()` without arguments checks a call, not a value. A predicate call (`assert is_valid(x)`) is a value check.
 *
 * | rule            | severity |
 * |-----------------|----------|
 * | no-assertion    | high     |
 * | weak-assertion  | medium   | (the verdict rejects it: its only checks are weak)
 * | call-check-only | medium   | (only mock `assert_called*()` without arguments: a flag)
 */

/** `call`: only that a mock was called (`assert_called_once()`), not with what. */
type Strength = 'value' | 'weak' | 'call';

const WEAK_CALL = /^(?:isinstance|hasattr|callable|bool|len|type)\(/;

/** The strength of a truth-tested expression (`assert <expr>`, `assertTrue(<expr>)`). */
function truthStrength(expr: string): Strength {
  let e = expr.trim();
  while (e.startsWith('not ')) e = e.slice(4).trim();
  if (/ is not None$/.test(e)) return 'weak';
  // a length only said to be non-zero: `len(xs) > 0`, `len(xs) >= 1`, `len(xs) != 0`
  if (/^len\(.*\)\s*(?:>\s*0|>=\s*1|!=\s*0)$/.test(e) && bracketContent(e, 3) !== undefined) return 'weak';
  if (WEAK_CALL.test(e) && bracketContent(e, e.indexOf('(')) !== undefined && e.endsWith(')')) return 'weak';
  if (/^[\w.]+(?:\[[^\]]*\])?$/.test(e)) return 'weak';
  return 'value';
}

/** Strengths of the checks on one line (empty when the line checks nothing). */
function lineChecks(code: string, helpers: ReadonlySet<string>): Strength[] {
  const out: Strength[] = [];
  const stmt = /^assert (.+)$/.exec(code);
  if (stmt) out.push(truthStrength(splitTopLevel(stmt[1] as string, ',')[0] as string));
  for (const m of code.matchAll(/\bself\.(assert\w*|fail\w+)(\()/g)) {
    const method = m[1] as string;
    const args = splitTopLevel(bracketContent(code, (m.index ?? 0) + m[0].length - 1) ?? '', ',');
    if (/^assert(?:IsNotNone|IsInstance|NotIsInstance)$/.test(method)) out.push('weak');
    else if (/^assert(?:True|False|_)$/.test(method)) out.push(truthStrength(args[0] ?? ''));
    else if (/^assertGreater(?:Equal)?$/.test(method) && /^len\(/.test(args[0]?.trim() ?? '')) out.push(truthStrength(`${args[0]?.trim()} ${method === 'assertGreater' ? '>' : '>='} ${args[1]?.trim()}`));
    else if (method.startsWith('assert')) out.push('value');
  }
  if (/\bpytest\.(?:raises|warns|deprecated_call)\(/.test(code)) out.push('value');
  for (const m of code.matchAll(/\.(assert_\w+)\((\s*\))?/g)) {
    const weakMock = /^assert_(?:called|called_once|not_called|awaited|awaited_once|not_awaited)$/.test(m[1] as string);
    out.push(weakMock ? 'call' : 'value');
  }
  if (/(?<![\w.])assert_\w+\(/.test(code)) out.push('value');
  // a helper of the file: a function, or a method of the test's class called on self / cls
  for (const m of code.matchAll(/(?<![\w.])(?:(?:self|cls)\.)?(\w+)\(/g)) if (helpers.has(m[1] as string)) out.push('value');
  return out;
}

/** Helpers of the file (non-test functions and methods) that contain a value check, directly or through another such helper. */
function assertingHelpers(view: PyTestView): Set<string> {
  const names = new Set<string>();
  for (let grown = true; grown; ) {
    grown = false;
    for (const [name, lines] of view.helpers) {
      if (names.has(name) || name === 'setUp' || name === 'setUpClass') continue;
      if (lines.slice(1).some((l) => lineChecks(l.code, names).includes('value'))) {
        names.add(name);
        grown = true;
      }
    }
  }
  return names;
}

export function checkPythonAssertions(view: PyTestView): LintFinding[] {
  const helpers = assertingHelpers(view);
  const strengths = view.body.slice(1).flatMap((l) => lineChecks(l.code, helpers));
  if (view.body[0] && /:\s*assert /.test(view.body[0].code)) strengths.push(...lineChecks(view.body[0].code.replace(/^.*?\):\s*/, ''), helpers));
  const line = view.unit.line;
  if (strengths.length === 0) {
    return [{ rule: 'no-assertion', severity: 'high', message: 'checks no value: no assert, self.assert*, pytest.raises or assert_* call', line }];
  }
  if (!strengths.includes('value') && strengths.includes('call')) {
    return [{ rule: 'call-check-only', severity: 'medium', message: 'only checks that a mock was called (assert_called, assert_called_once), not with what: a wrong value would still pass', line }];
  }
  if (!strengths.includes('value')) {
    return [{ rule: 'weak-assertion', severity: 'medium', message: 'only weak checks (is not None, truthiness, isinstance): a wrong value would still pass', line }];
  }
  return [];
}

/** Lines that check something, plus the lines right under a `with pytest.raises(...)`. */
export function assertionLines(view: PyTestView): PyViewLine[] {
  const helpers = assertingHelpers(view);
  const out: PyViewLine[] = [];
  view.body.forEach((l, i) => {
    if (lineChecks(l.code, helpers).length > 0) {
      out.push(l);
      const next = view.body[i + 1];
      if (/^(?:async )?with .*\b(?:pytest\.raises|pytest\.warns|self\.assertRaises\w*)\(/.test(l.code) && next) out.push(next);
    }
  });
  return out;
}

/** Local single-name assignments of the test body: name → right-hand side (masked code). */
export function localAssignments(view: PyTestView): Map<string, PyViewLine> {
  const out = new Map<string, PyViewLine>();
  for (const l of view.body.slice(1)) {
    const m = /^([\w, ]+?)\s*(?::[^=]+)?=(?!=)\s*(.+)$/.exec(l.code);
    if (!m) continue;
    for (const name of (m[1] as string).split(',').map((s) => s.trim()).filter(Boolean)) out.set(name, l);
  }
  return out;
}

/**
 * Everything a test's checks rest on, as plain text: the check lines, the local assignments they
 * use (transitively) and the test's parametrize decorators. Used by the criterion check.
 */
export function pythonAssertedText(view: PyTestView): string {
  const assigns = localAssignments(view);
  const lines = assertionLines(view);
  const seen = new Set<PyViewLine>(lines);
  const queue = [...lines];
  while (queue.length > 0) {
    const l = queue.shift() as PyViewLine;
    for (const m of l.code.matchAll(/(?<![\w.])([A-Za-z_]\w*)/g)) {
      const def = assigns.get(m[1] as string);
      if (def && !seen.has(def)) {
        seen.add(def);
        queue.push(def);
      }
    }
  }
  const params = view.around.filter((l) => /\bparametrize\(/.test(l.code) && view.unit.decorators.some((d) => d.line === l.line));
  return [...seen, ...params].map((l) => l.plain).join('\n');
}
