// Mutation operators of the in-sandbox TS/JS engine: which AST nodes on changed lines give which
// mutants. Each candidate says how to rewrite the node (`kind`) so instrument.mjs can emit a
// schema `(__tfM('M3') ? <mutated> : <original>)` without re-parsing.

const BINARY_SWAPS = {
  '<': ['<=', 'comparison-boundary'],
  '<=': ['<', 'comparison-boundary'],
  '>': ['>=', 'comparison-boundary'],
  '>=': ['>', 'comparison-boundary'],
  '===': ['!==', 'equality-negation'],
  '!==': ['===', 'equality-negation'],
  '==': ['!=', 'equality-negation'],
  '!=': ['==', 'equality-negation'],
  '+': ['-', 'arithmetic-swap'],
  '-': ['+', 'arithmetic-swap'],
  '*': ['/', 'arithmetic-swap'],
  '/': ['*', 'arithmetic-swap'],
  '%': ['*', 'arithmetic-swap'],
};

const LOGICAL_SWAPS = { '&&': '||', '||': '&&' };

function clip(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function isTypePosition(ts, node) {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isTypeNode(p) && !ts.isExpressionWithTypeArguments(p)) return true;
    if (ts.isStatement(p) || ts.isSourceFile(p)) return false;
  }
  return false;
}

/**
 * Whether `node` is what a two-parameter callback returns (`xs.sort((a, b) => a.at - b.at)`, or
 * `function (a, b) { return a - b; }` passed to a call): the shape of a comparator.
 */
function isComparatorResult(ts, node) {
  let at = node;
  while (at.parent && ts.isParenthesizedExpression(at.parent)) at = at.parent;
  let fn;
  if (at.parent && ts.isArrowFunction(at.parent) && at.parent.body === at) fn = at.parent;
  else if (at.parent && ts.isReturnStatement(at.parent) && at.parent.expression === at) {
    const block = at.parent.parent;
    fn = block && ts.isBlock(block) ? block.parent : undefined;
  }
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters.length !== 2) return false;
  let use = fn;
  while (use.parent && ts.isParenthesizedExpression(use.parent)) use = use.parent;
  const call = use.parent;
  return Boolean(call && (ts.isCallExpression(call) || ts.isNewExpression(call)) && call.arguments?.includes(use));
}

/**
 * The mutation candidates for one node (possibly none). `text(n)` gives the node's source text;
 * the caller has already checked the node is on a changed line inside a function body.
 */
export function mutantsForNode(ts, node, text) {
  const K = ts.SyntaxKind;
  const out = [];
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.getText();
    const swap = BINARY_SWAPS[op];
    if (swap) {
      out.push({ kind: 'binary', op, to: swap[0], operator: swap[1], description: `${clip(text(node))} → ${op} becomes ${swap[0]}` });
      // A comparator's difference counts by its sign alone, and `a + b` keeps that sign whenever both
      // sides are positive (the order survives): swapping the operands reverses the order.
      if (op === '-' && isComparatorResult(ts, node)) out.push({ kind: 'binary', op, to: 'r-', operator: 'operand-swap', description: `${clip(text(node))} → operands swapped` });
    } else if (LOGICAL_SWAPS[op]) {
      out.push({ kind: 'logical', op, to: LOGICAL_SWAPS[op], operator: 'logical-swap', description: `${clip(text(node))} → ${op} becomes ${LOGICAL_SWAPS[op]}` });
    }
  } else if (ts.isPrefixUnaryExpression(node) && node.operator === K.ExclamationToken) {
    out.push({ kind: 'unwrap-not', operator: 'negation-removal', description: `${clip(text(node))} → ${clip(text(node.operand))}` });
  } else if (node.kind === K.TrueKeyword || node.kind === K.FalseKeyword) {
    if (!isTypePosition(ts, node)) {
      const to = node.kind === K.TrueKeyword ? 'false' : 'true';
      out.push({ kind: 'replace', to, operator: 'boolean-literal', description: `${text(node)} → ${to}` });
    }
  } else if (ts.isNumericLiteral(node)) {
    const parent = node.parent;
    const keyLike = parent && (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isEnumMember(parent)) && parent.name === node;
    const value = Number(node.text);
    if (!keyLike && !isTypePosition(ts, node) && Number.isFinite(value)) {
      out.push({ kind: 'replace', to: String(value + 1), operator: 'constant-off-by-one', description: `${text(node)} → ${value + 1}` });
    }
  } else if (ts.isReturnStatement(node) && node.expression) {
    out.push({ kind: 'return-undefined', operator: 'return-value', description: `${clip(text(node))} → return undefined` });
  } else if (ts.isIfStatement(node)) {
    out.push({ kind: 'if-false', operator: 'branch-removal', description: `if (${clip(text(node.expression))}) → if (false)` });
  } else if (ts.isExpressionStatement(node) && !ts.isStringLiteral(node.expression)) {
    out.push({ kind: 'remove-statement', operator: 'statement-removal', description: `${clip(text(node))} → removed` });
  }
  return out;
}

/** Keep at most `max` candidates, spread evenly over the list so every changed region keeps some. */
export function selectMutants(candidates, max) {
  if (max <= 0) return [];
  if (candidates.length <= max) return candidates.slice();
  const step = candidates.length / max;
  const picked = [];
  for (let i = 0; i < max; i += 1) picked.push(candidates[Math.floor(i * step)]);
  return picked;
}
