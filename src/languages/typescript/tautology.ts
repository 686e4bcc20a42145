import ts from 'typescript';
import type { LintFinding } from '../../report/types.js';
import { describeSides, shareInputs } from '../expected-sides.js';
import { EXPECTED_FROM_CODE } from '../static-check-types.js';
import { collectTsChecks, localInitializers } from './assertions.js';
import type { TsFileModel, TsTestUnit } from './discover.js';

/**
 * Tautology: an equality check whose two sides are the same expression once the test's own
 * `const` locals are resolved (`expect(f(1)).toBe(f(1))`,
 * `const expected = f(x); expect(f(x)).toEqual(expected)`). Severity: high (rejects).
 * Different arguments on the two sides are property checks and are not reported.
 */

function render(expr: ts.Node, sf: ts.SourceFile, locals: Map<string, ts.Expression>, depth: number): string {
  if (ts.isIdentifier(expr)) {
    const init = locals.get(expr.text);
    const parent = expr.parent;
    const isName = parent && ((ts.isPropertyAccessExpression(parent) && parent.name === expr) || (ts.isPropertyAssignment(parent) && parent.name === expr));
    if (init && !isName && depth < 4) {
      const text = render(init, sf, locals, depth + 1);
      return /^[\w$.]+(?:\(.*\))?$/.test(text) ? text : `(${text})`;
    }
    return expr.text;
  }
  if (expr.getChildCount(sf) === 0) return expr.getText(sf);
  return expr
    .getChildren(sf)
    .map((c) => render(c, sf, locals, depth))
    .join('');
}

function normalise(text: string): string {
  let t = text.replace(/\s+/g, '');
  while (/^\((.*)\)$/.test(t)) t = t.slice(1, -1);
  return t;
}

export function checkTsTautology(model: TsFileModel, unit: TsTestUnit): LintFinding[] {
  const { sf } = model;
  const locals = localInitializers(unit);
  for (const check of collectTsChecks(model, unit)) {
    if (!check.actual || !check.expected) continue;
    const a = normalise(render(check.actual, sf, locals, 0));
    if (a === '' || a !== normalise(render(check.expected, sf, locals, 0))) continue;
    const callee = /([\w$.]+)\(/.exec(a)?.[1];
    const what = callee ? `both sides call ${callee}(...) with the same arguments` : 'both sides are the same expression';
    const line = sf.getLineAndCharacterOfPosition(check.node.getStart(sf)).line + 1;
    return [{ rule: 'tautology', severity: 'high', message: `assertion cannot fail: ${what} (${check.node.getText(sf).slice(0, 120)})`, line }];
  }
  return [];
}

/** Local names the file imports from its own project: relative paths and the usual source aliases (`@/`, `~/`, `#`). */
function projectImports(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause || st.importClause.isTypeOnly) continue;
    if (!/^(?:\.{1,2}\/|\/|@\/|~\/|#)/.test(st.moduleSpecifier.text)) continue;
    const clause = st.importClause;
    if (clause.name) names.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) if (!el.isTypeOnly) names.add(el.name.text);
  }
  return names;
}

/** Functions of the file (declarations and `const f = () => …`) by name, with their body's text. */
function fileFunctions(sf: ts.SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name && n.body) out.set(n.name.text, n.body.getText(sf));
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) {
      out.set(n.name.text, n.initializer.body.getText(sf));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The project functions `text` calls: imported ones (`f`, `ns.f`), and functions of the file that call one. */
function projectCallsIn(text: string, project: Set<string>, functions: Map<string, string>, depth = 0): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)(?:\.[\w$]+)*\s*(?:<[^<>()]*>)?\s*\(/g)) {
    const root = m[1] as string;
    if (project.has(root)) out.add(m[0].replace(/\s*(?:<[^<>()]*>)?\s*\($/, ''));
    else if (depth < 3 && functions.has(root) && projectCallsIn(functions.get(root) as string, project, functions, depth + 1).size > 0) out.add(root);
  }
  return out;
}

const NOT_INPUTS = new Set(['true', 'false', 'null', 'undefined', 'this', 'new', 'await', 'typeof', 'void', 'as', 'const']);

/**
 * Expected from code (low, `expected-from-code`): the two sides of an equality check call different
 * project functions (imported from the project, or functions of the file that call one) on shared
 * inputs: `expect(orderTotal(lines)).toBe(invoiceTotal(lines))`, `const expected = invoice(l).total`.
 * When the expected side runs the changed code it moves with every planted bug: the verdict rejects
 * it as an indirect tautology when no mutant ever made a check fail. An expected value computed by
 * the language (`reduce`, `Math.floor`) or by a function of the file that uses only that is
 * independent and not reported.
 */
export function checkTsExpectedFromCode(model: TsFileModel, unit: TsTestUnit): LintFinding[] {
  const { sf } = model;
  const project = projectImports(sf);
  if (project.size === 0) return [];
  const functions = fileFunctions(sf);
  const locals = localInitializers(unit);
  for (const check of collectTsChecks(model, unit)) {
    if (!check.actual || !check.expected) continue;
    const [actual, expected] = [render(check.actual, sf, locals, 0), render(check.expected, sf, locals, 0)];
    const [callsActual, callsExpected] = [projectCallsIn(actual, project, functions), projectCallsIn(expected, project, functions)];
    if (callsActual.size === 0 || callsExpected.size === 0) continue;
    const onlyExpected = [...callsExpected].filter((c) => !callsActual.has(c));
    const onlyActual = [...callsActual].filter((c) => !callsExpected.has(c));
    if (onlyExpected.length === 0 && onlyActual.length === 0) continue; // the same function on both sides: a property check
    if (!shareInputs(actual, expected, NOT_INPUTS)) continue;
    const line = sf.getLineAndCharacterOfPosition(check.node.getStart(sf)).line + 1;
    return [{ rule: EXPECTED_FROM_CODE, severity: 'low', message: `${describeSides(onlyActual, onlyExpected)} on the same inputs (${check.node.getText(sf).slice(0, 120)})`, line }];
  }
  return [];
}
