import ts from 'typescript';
import type { LintFinding } from '../../report/types.js';
import { walkNodes, type TsFileModel, type TsTestUnit } from './discover.js';

/**
 * Value checks of a TS/JS test: `expect(...)` followed by a matcher (vitest, jest, chai style),
 * `assert(...)` / `assert.*(...)` (node:assert, chai assert), and calls to a function of the file
 * that itself checks. `expect(x)` with no matcher checks nothing.
 * Weak checks: toBeDefined, toBeTruthy, toBeFalsy, toBeInstanceOf, toBeTypeOf,
 * not.toBeNull / not.toBeUndefined, chai ok / exist / a / an, assert(x) on a bare name, a weak
 * comparison compared with a boolean (`expect(typeof x === 'number').toBe(true)`), a length only
 * said to be non-zero (`toBeGreaterThan(0)` on `.length`, `not.toHaveLength(0)`).
 *
 * | rule            | severity |
 * |-----------------|----------|
 * | no-assertion    | high     |
 * | weak-assertion  | medium   | (the verdict rejects it: its only checks are weak)
 * | call-check-only | medium   | (only `toHaveBeenCalled()`: a flag)
 */

export interface TsCheck {
  node: ts.Node;
  /** `call`: only that a mock was called (`toHaveBeenCalled()`), not with what. */
  strength: 'value' | 'weak' | 'call';
  /** The value under test and the expected value, for equality checks. */
  actual?: ts.Expression;
  expected?: ts.Expression;
}

const CALL_MATCHERS = new Set(['toHaveBeenCalled', 'toBeCalled']);
const WEAK_MATCHERS = new Set(['toBeDefined', 'toBeTruthy', 'toBeFalsy', 'toBeInstanceOf', 'toBeTypeOf', 'ok', 'exist', 'a', 'an', 'instanceOf', 'instanceof']);
const WEAK_WHEN_NEGATED = new Set(['toBeNull', 'toBeUndefined', 'null', 'undefined']);
const EQUALITY = new Set(['toBe', 'toEqual', 'toStrictEqual', 'equal', 'equals', 'eql', 'deep.equal']);
const ASSERT_EQUALITY = new Set(['equal', 'strictEqual', 'deepEqual', 'deepStrictEqual', 'eq', 'sameMembers']);
const ASSERT_WEAK = new Set(['ok', 'isOk', 'exists', 'isDefined', 'isNotNull', 'isNotUndefined', 'instanceOf', 'isObject', 'isFunction', 'typeOf']);

/** The `expect(...)` call at the root of a matcher chain, and the names along the chain. */
function expectRoot(expr: ts.Expression): { call: ts.CallExpression; names: string[] } | undefined {
  const names: string[] = [];
  let cur: ts.Expression = expr;
  for (;;) {
    if (ts.isPropertyAccessExpression(cur)) {
      names.unshift(cur.name.text);
      cur = cur.expression;
    } else if (ts.isCallExpression(cur)) {
      const callee = cur.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? `${callee.expression.text}.${callee.name.text}` : '';
      if (/^(?:expect|expect\.soft|expect\.poll|chai\.expect)$/.test(name)) return names.length > 0 ? { call: cur, names } : undefined;
      cur = callee;
    } else if (ts.isNonNullExpression(cur) || ts.isParenthesizedExpression(cur) || ts.isAwaitExpression(cur)) {
      cur = cur.expression;
    } else {
      return undefined;
    }
  }
}

function truthStrength(expr: ts.Expression | undefined): 'value' | 'weak' {
  if (!expr) return 'weak';
  let e: ts.Expression = expr;
  while (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) e = e.operand;
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return 'weak';
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.InstanceOfKeyword) return 'weak';
    const nullish = (x: ts.Expression): boolean => x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
    if ((op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) && (nullish(e.right) || nullish(e.left))) return 'weak';
    if (ts.isTypeOfExpression(e.left) || ts.isTypeOfExpression(e.right)) return 'weak';
    if (nonZeroLength(e)) return 'weak';
  }
  return 'value';
}

const isLength = (e: ts.Expression | undefined): boolean => e !== undefined && ts.isPropertyAccessExpression(e) && e.name.text === 'length';
const numberIs = (e: ts.Expression | undefined, ...values: string[]): boolean => e !== undefined && ts.isNumericLiteral(e) && values.includes(e.text);

/**
 * A value matcher used as a weak check: `expect(typeof x === 'number').toBe(true)` (a weak
 * comparison turned into a boolean), a length only said to be non-zero
 * (`expect(xs.length).toBeGreaterThan(0)`, `expect(xs).not.toHaveLength(0)`).
 */
function weakMatcherUse(actual: ts.Expression | undefined, matcher: string, negated: boolean, arg: ts.Expression | undefined): boolean {
  if (!actual) return false;
  const boolArg = arg !== undefined && (arg.kind === ts.SyntaxKind.TrueKeyword || arg.kind === ts.SyntaxKind.FalseKeyword);
  if (boolArg && EQUALITY.has(matcher) && ts.isBinaryExpression(actual) && truthStrength(actual) === 'weak') return true;
  if (boolArg && EQUALITY.has(matcher) && ts.isBinaryExpression(actual) && nonZeroLength(actual)) return true;
  if (!negated && isLength(actual) && ((matcher === 'toBeGreaterThan' && numberIs(arg, '0')) || (matcher === 'toBeGreaterThanOrEqual' && numberIs(arg, '1')))) return true;
  if (negated && isLength(actual) && EQUALITY.has(matcher) && numberIs(arg, '0')) return true;
  return negated && matcher === 'toHaveLength' && numberIs(arg, '0');
}

/** `xs.length > 0`, `xs.length >= 1`, `xs.length !== 0`. */
function nonZeroLength(e: ts.BinaryExpression): boolean {
  const op = e.operatorToken.kind;
  if (!isLength(e.left)) return false;
  if (op === ts.SyntaxKind.GreaterThanToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) return numberIs(e.right, '0');
  return op === ts.SyntaxKind.GreaterThanEqualsToken && numberIs(e.right, '1');
}

function checkOf(node: ts.Node): TsCheck | undefined {
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const root = expectRoot(node.expression);
    if (root) {
      const matcher = root.names[root.names.length - 1] as string;
      const negated = root.names.includes('not');
      const weak = WEAK_MATCHERS.has(matcher) || (negated && WEAK_WHEN_NEGATED.has(matcher)) || weakMatcherUse(root.call.arguments[0], matcher, negated, node.arguments[0]);
      const equality = !negated && EQUALITY.has(matcher);
      return {
        node,
        strength: !negated && CALL_MATCHERS.has(matcher) ? 'call' : weak ? 'weak' : 'value',
        ...(equality && root.call.arguments[0] ? { actual: root.call.arguments[0] } : {}),
        ...(equality && node.arguments[0] ? { expected: node.arguments[0] } : {}),
      };
    }
    const callee = node.expression;
    if (ts.isIdentifier(callee.expression) && callee.expression.text === 'assert') {
      const method = callee.name.text;
      if (ASSERT_WEAK.has(method)) return { node, strength: method === 'ok' || method === 'isOk' ? truthStrength(node.arguments[0]) : 'weak' };
      const eq = ASSERT_EQUALITY.has(method);
      return {
        node,
        strength: 'value',
        ...(eq && node.arguments[0] ? { actual: node.arguments[0] } : {}),
        ...(eq && node.arguments[1] ? { expected: node.arguments[1] } : {}),
      };
    }
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'assert') {
    return { node, strength: truthStrength(node.arguments[0]) };
  }
  // chai property assertions: expect(x).to.be.true;
  if (ts.isExpressionStatement(node) && ts.isPropertyAccessExpression(node.expression)) {
    const root = expectRoot(node.expression);
    if (root) return { node, strength: WEAK_MATCHERS.has(root.names[root.names.length - 1] as string) ? 'weak' : 'value' };
  }
  return undefined;
}

/** Functions of the file (declarations and `const f = () => …`) that contain a value check. */
function checkingHelpers(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const hasCheck = (body: ts.Node): boolean => {
    let yes = false;
    walkNodes(body, (n) => {
      if (!yes && checkOf(n)?.strength === 'value') yes = true;
    });
    return yes;
  };
  walkNodes(sf, (n) => {
    if (ts.isFunctionDeclaration(n) && n.name && n.body && hasCheck(n.body)) names.add(n.name.text);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer)) && hasCheck(n.initializer.body)) {
      names.add(n.name.text);
    }
  });
  return names;
}

export function collectTsChecks(model: TsFileModel, unit: TsTestUnit): TsCheck[] {
  if (!unit.body) return [];
  const helpers = checkingHelpers(model.sf);
  const out: TsCheck[] = [];
  walkNodes(unit.body, (n) => {
    const check = checkOf(n);
    if (check) out.push(check);
    else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && helpers.has(n.expression.text)) out.push({ node: n, strength: 'value' });
  });
  return out;
}

export function checkTsAssertions(model: TsFileModel, unit: TsTestUnit): LintFinding[] {
  if (!unit.body) return [];
  const checks = collectTsChecks(model, unit);
  if (checks.length === 0) {
    return [{ rule: 'no-assertion', severity: 'high', message: 'checks no value: no expect(...).matcher or assert call', line: unit.line }];
  }
  if (!checks.some((c) => c.strength === 'value') && checks.some((c) => c.strength === 'call')) {
    return [{ rule: 'call-check-only', severity: 'medium', message: 'only checks that a mock was called (toHaveBeenCalled), not with what: a wrong value would still pass', line: unit.line }];
  }
  if (!checks.some((c) => c.strength === 'value')) {
    return [{ rule: 'weak-assertion', severity: 'medium', message: 'only weak checks (toBeDefined, truthiness, instanceof): a wrong value would still pass', line: unit.line }];
  }
  return [];
}

/** `const x = …` declarations inside the test: name → initializer. */
export function localInitializers(unit: TsTestUnit): Map<string, ts.Expression> {
  const out = new Map<string, ts.Expression>();
  const dupes = new Set<string>();
  if (!unit.body) return out;
  walkNodes(unit.body, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      if (out.has(n.name.text)) dupes.add(n.name.text);
      out.set(n.name.text, n.initializer);
    }
  });
  for (const d of dupes) out.delete(d);
  return out;
}

/** Text the checks rest on: the checks, the locals they use (transitively) and `.each` tables. */
export function tsAssertedText(model: TsFileModel, unit: TsTestUnit): string {
  const { sf } = model;
  const locals = localInitializers(unit);
  const parts: string[] = [];
  const seen = new Set<string>();
  const queue: ts.Node[] = collectTsChecks(model, unit).map((c) => c.node);
  while (queue.length > 0) {
    const node = queue.shift() as ts.Node;
    parts.push(node.getText(sf));
    walkNodes(node, (n) => {
      if (ts.isIdentifier(n) && locals.has(n.text) && !seen.has(n.text)) {
        seen.add(n.text);
        queue.push(locals.get(n.text) as ts.Expression);
      }
    });
  }
  return [...parts, ...unit.tables.map((t) => t.getText(sf))].join('\n');
}
