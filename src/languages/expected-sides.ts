/**
 * The language-neutral part of the `expected-from-code` finding (python/tautology.ts,
 * typescript/tautology.ts): whether the two sides of a check share an input, and how to name the
 * project code that computes them.
 */

/** The argument lists of the calls in `expr`, whitespace removed. */
export function callArguments(expr: string): Set<string> {
  const out = new Set<string>();
  for (const m of expr.matchAll(/[\w$]\s*\(/g)) {
    let depth = 0;
    const start = (m.index ?? 0) + m[0].length;
    for (let i = start - 1; i < expr.length; i++) {
      const c = expr[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      if (depth === 0) {
        const args = expr.slice(start, i).replace(/\s+/g, '');
        if (args) out.add(args);
        break;
      }
    }
  }
  return out;
}

/** Whether two expressions share an input: a name or string they both use (not called), or a whole argument list. */
export function shareInputs(a: string, b: string, notInputs: ReadonlySet<string>): boolean {
  const names = (e: string): Set<string> => {
    const out = new Set<string>();
    for (const m of e.matchAll(/(?<![\w$.])([A-Za-z_$][\w$.]*|__s\d+__|'[^']*'|"[^"]*")(?![\w$.]*\s*\()/g)) if (!notInputs.has(m[1] as string)) out.add(m[1] as string);
    return out;
  };
  const inA = names(a);
  if ([...names(b)].some((x) => inA.has(x))) return true;
  const argsA = callArguments(a);
  return [...callArguments(b)].some((x) => argsA.has(x));
}

/** `invoice_total(...) computes the expected side`: the first project function only the expected side calls (by convention the second operand, `assert actual == expected`, `assertEqual(first, second)`, `expect(actual).toBe(expected)`). */
export function describeSides(onlyActual: string[], onlyExpected: string[]): string {
  return `${onlyExpected[0] ?? onlyActual[0]}(...) computes the expected side`;
}
