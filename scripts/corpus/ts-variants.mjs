// Candidate test files of one corpus case from an upstream TypeScript/JavaScript test file, with
// the TypeScript compiler's parser (text edits by position: the rest of the file is left as it is).
//   original: keeps the imports, helpers and hooks and only the named `describe`/`it`/`test`
//     blocks (a kept describe keeps everything in it, loops generating tests included);
//   no-assertions: every statement of the kept blocks that calls `expect(...)`/`assert...` is removed;
//   expected-is-actual: `expect(A).toBe(B)` (toEqual, toStrictEqual, toMatchObject, toBeCloseTo)
//     becomes `expect(A).toBe(A)`, and `assert.equal(a, b)` (and its kin) `assert.equal(a, a)`.
// Returns undefined when a weak variant would change nothing.
import ts from 'typescript';

const TEST_ROOTS = new Set(['describe', 'it', 'test', 'suite', 'context']);
const EQUAL_MATCHERS = new Set(['toBe', 'toEqual', 'toStrictEqual', 'toMatchObject', 'toBeCloseTo', 'toMatch', 'toMatchInlineSnapshot']);
const ASSERT_EQUALS = new Set(['equal', 'strictEqual', 'deepEqual', 'deepStrictEqual', 'equals', 'eq', 'sameMembers']);

/** The identifier a call chain starts from (`test.each(t)("x", fn)` → `test`). */
function rootName(expr) {
  let e = expr;
  for (;;) {
    if (ts.isCallExpression(e)) e = e.expression;
    else if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else if (ts.isElementAccessExpression(e)) e = e.expression;
    else if (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    else break;
  }
  return ts.isIdentifier(e) ? e.text : undefined;
}

/** A `describe`/`it`/`test` call statement: its title (when literal) and its callback. */
function testCall(stmt) {
  if (!ts.isExpressionStatement(stmt)) return undefined;
  let call = stmt.expression;
  if (ts.isAwaitExpression(call)) call = call.expression;
  if (!ts.isCallExpression(call) || !TEST_ROOTS.has(rootName(call.expression) ?? '')) return undefined;
  const first = call.arguments[0];
  const title = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : undefined;
  const fn = [...call.arguments].reverse().find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
  const isDescribe = ['describe', 'suite', 'context'].includes(rootName(call.expression) ?? '');
  return { title, fn, isDescribe };
}

function bodyStatements(fn) {
  return fn && fn.body && ts.isBlock(fn.body) ? fn.body.statements : [];
}

/** Whether a describe holds (at any depth) a block named in `wanted`. */
function holdsWanted(statements, wanted) {
  return statements.some((s) => {
    const t = testCall(s);
    if (!t) return false;
    return (t.title !== undefined && wanted.has(t.title)) || (t.isDescribe && holdsWanted(bodyStatements(t.fn), wanted));
  });
}

/** Edits removing the test blocks not named; returns the kept blocks' callbacks. */
function select(statements, wanted, edits, sf) {
  const kept = [];
  for (const s of statements) {
    const t = testCall(s);
    if (!t) continue;
    if (t.title !== undefined && wanted.has(t.title)) {
      if (t.fn) kept.push(t.fn);
      continue;
    }
    if (t.isDescribe && holdsWanted(bodyStatements(t.fn), wanted)) {
      kept.push(...select(bodyStatements(t.fn), wanted, edits, sf));
      continue;
    }
    edits.push({ start: s.getFullStart(), end: s.getEnd(), text: '' });
  }
  return kept;
}

function callsAssertion(node) {
  let found = false;
  const visit = (n) => {
    if (found) return;
    if (ts.isCallExpression(n) && ['expect', 'assert'].includes(rootName(n.expression) ?? '') && (ts.isIdentifier(n.expression) ? ['expect', 'assert'].includes(n.expression.text) : true)) found = true;
    else if (!ts.isFunctionLike(n) || n === node) ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function weaken(fn, variant, edits, sf) {
  const visit = (n) => {
    if (variant === 'no-assertions' && ts.isExpressionStatement(n) && callsAssertion(n.expression)) {
      edits.push({ start: n.getStart(sf), end: n.getEnd(), text: '' });
      return;
    }
    if (variant === 'expected-is-actual' && ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const matcher = n.expression.name.text;
      const target = n.expression.expression;
      // expect(A).toBe(B): the matcher's object is the call expect(A) itself (no .not / .resolves in between).
      if (EQUAL_MATCHERS.has(matcher) && ts.isCallExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'expect' && target.arguments[0] && n.arguments[0]) {
        edits.push({ start: n.arguments[0].getStart(sf), end: n.arguments[0].getEnd(), text: target.arguments[0].getText(sf) });
      } else if (ASSERT_EQUALS.has(matcher) && rootName(n.expression) === 'assert' && n.arguments.length >= 2) {
        edits.push({ start: n.arguments[1].getStart(sf), end: n.arguments[1].getEnd(), text: n.arguments[0].getText(sf) });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(fn.body);
}

export function buildScriptVariant(text, fileName, variant, tests) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edits = [];
  const kept = select(sf.statements, new Set(tests), edits, sf);
  if (kept.length === 0) throw new Error(`none of ${JSON.stringify(tests)} found in ${fileName}`);
  if (variant !== 'original') {
    const before = edits.length;
    for (const fn of kept) weaken(fn, variant, edits, sf);
    if (edits.length === before) return undefined;
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
