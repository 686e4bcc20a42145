import ts from 'typescript';
import type { LintFinding } from '../../report/types.js';
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
