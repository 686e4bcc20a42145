import type { LintFinding } from '../../report/types.js';
import { describeSides, shareInputs } from '../expected-sides.js';
import { EXPECTED_FROM_CODE } from '../static-check-types.js';
import { unmask } from './discover-tokens.js';
import type { PyTestView } from './discover-view.js';
import { comparedPairs } from './lint.js';

/**
 * Tautology: an assertion whose two sides are the same expression once simple local assignments
 * are resolved (`assert f(2) == f(2)`, `expected = f(x); assert f(x) == expected`). The expected
 * value is then computed by the code under test itself, so no bug can make it fail.
 * Severity: high (rejects). Different arguments on the two sides (`f(a) == f(b)`, idempotence
 * `f(f(x)) == f(x)`) are property checks, not tautologies, and are not reported.
 */

/** Right-hand sides of names assigned exactly once in the body (`name = expr`). */
function singleAssignments(view: PyTestView): Map<string, string> {
  const seen = new Map<string, string | null>();
  for (const l of view.body.slice(1)) {
    const m = /^(\w+)\s*(?::[^=]+)?=(?!=)\s*(.+)$/.exec(l.code);
    if (!m) continue;
    const name = m[1] as string;
    seen.set(name, seen.has(name) ? null : (m[2] as string).trim());
  }
  const out = new Map<string, string>();
  for (const [k, v] of seen) if (v !== null) out.set(k, v);
  return out;
}

function resolve(expr: string, assigns: Map<string, string>): string {
  let e = expr;
  for (let depth = 0; depth < 4; depth++) {
    const next = e.replace(/(?<![\w.])([A-Za-z_]\w*)(?!\s*=[^=])/g, (name: string) => {
      const rhs = assigns.get(name);
      if (rhs === undefined) return name;
      return /^[\w.]+(?:\(.*\))?$/.test(rhs) ? rhs : `(${rhs})`;
    });
    if (next === e) break;
    e = next;
  }
  let out = e.replace(/\s+/g, '');
  const approx = /^pytest\.approx\((.*)\)$/.exec(out);
  if (approx) out = approx[1] as string;
  while (/^\((.*)\)$/.test(out)) out = out.slice(1, -1);
  return out;
}

export function checkPythonTautology(view: PyTestView): LintFinding[] {
  const assigns = singleAssignments(view);
  for (const l of view.body.slice(1)) {
    for (const [a, b] of comparedPairs(l.code)) {
      const left = unmask(view.source, resolve(a, assigns));
      if (left === '' || left !== unmask(view.source, resolve(b, assigns))) continue;
      const callee = /([\w.]+)\(/.exec(left)?.[1];
      const what = callee ? `both sides call ${callee}(...) with the same arguments` : 'both sides are the same expression';
      return [{ rule: 'tautology', severity: 'high', message: `assertion cannot fail: ${what} (${unmask(view.source, l.code)})`, line: l.line }];
    }
  }
  return [];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'lambda', 'None', 'True', 'False', 'self', 'cls']);

/** Qualified names of what the file imports from the project (outside the standard library and test tooling). */
function projectNames(view: PyTestView): string[] {
  return [...view.imports.fromProject].map((n) => view.imports.aliases.get(n) ?? n);
}

/** The project functions `expr` calls: qualified imported names, and helpers of the file that call one (by their own name). */
function projectCalls(expr: string, view: PyTestView, project: string[], depth = 0): Set<string> {
  const out = new Set<string>();
  for (const m of expr.matchAll(/(?<![\w.])((?:self\.|cls\.)?[A-Za-z_][\w.]*)\s*\(/g)) {
    const callee = (m[1] as string).replace(/^(?:self|cls)\./, '');
    if (project.some((q) => callee === q || callee.startsWith(`${q}.`))) {
      out.add(callee);
      continue;
    }
    const helper = view.helpers.get(callee);
    if (helper && depth < 3 && helper.slice(1).some((l) => projectCalls(l.code, view, project, depth + 1).size > 0)) out.add(callee);
  }
  return out;
}

/** `expected-from-code` findings of one test (see the file's header). */
export function checkPythonExpectedFromCode(view: PyTestView): LintFinding[] {
  const project = projectNames(view);
  const assigns = singleAssignments(view);
  for (const l of view.body.slice(1)) {
    for (const [a, b] of comparedPairs(l.code)) {
      const [left, right] = [resolve(a, assigns), resolve(b, assigns)];
      const [callsLeft, callsRight] = [projectCalls(left, view, project), projectCalls(right, view, project)];
      if (callsLeft.size === 0 || callsRight.size === 0) continue;
      const onlyRight = [...callsRight].filter((c) => !callsLeft.has(c));
      const onlyLeft = [...callsLeft].filter((c) => !callsRight.has(c));
      if (onlyRight.length === 0 && onlyLeft.length === 0) continue; // the same function on both sides: a property check
      if (!shareInputs(left, right, KEYWORDS)) continue;
      return [{ rule: EXPECTED_FROM_CODE, severity: 'low', message: `${describeSides(onlyLeft, onlyRight)} on the same inputs (${unmask(view.source, l.code).slice(0, 160)})`, line: l.line }];
    }
  }
  return [];
}

