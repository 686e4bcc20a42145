// Static discovery of test names in a test file (describe/it/test calls with a literal title),
// used when a candidate file cannot even be loaded, so each of its tests still gets a verdict.
const TEST_CALLS = new Set(['it', 'test']);
const SUITE_CALLS = new Set(['describe', 'suite']);

function calleeName(ts, expr) {
  let e = expr;
  while (ts.isPropertyAccessExpression(e)) e = e.expression;
  if (!ts.isIdentifier(e)) return undefined;
  if (expr !== e && ts.isPropertyAccessExpression(expr) && ['skip', 'todo'].includes(expr.name.text)) return undefined;
  return e.text;
}

/** Full names (as arrays of titles) of the tests a file declares with literal titles. */
export function discoverTestNames(ts, fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node, prefix) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const name = calleeName(ts, node.expression);
      const title = node.arguments[0];
      const literal = title && (ts.isStringLiteral(title) || ts.isNoSubstitutionTemplateLiteral(title)) ? title.text : undefined;
      if (literal !== undefined && name && TEST_CALLS.has(name)) {
        out.push([...prefix, literal]);
        return;
      }
      if (literal !== undefined && name && SUITE_CALLS.has(name)) {
        ts.forEachChild(node, (c) => visit(c, [...prefix, literal]));
        return;
      }
    }
    ts.forEachChild(node, (c) => visit(c, prefix));
  };
  visit(sf, []);
  return out;
}
