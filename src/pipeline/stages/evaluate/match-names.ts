/**
 * Static discovery names a test as written (`test_total`, `adds %i`, `Cart > adds $n`); the runner
 * names what it ran (`test_total[3]`, `adds 1`, `Cart > adds 2`). These match one to the other.
 */
function templateRegex(name: string): RegExp {
  const parts = name.split(/(%[sdifjoO#%]|\$[A-Za-z_][\w.]*|\$#)/);
  const body = parts
    .map((p, i) => (i % 2 === 1 ? (p === '%%' ? '%' : '.+?') : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function staticNameFor(runtimeName: string, staticNames: string[]): string | undefined {
  if (staticNames.includes(runtimeName)) return runtimeName;
  const unparametrized = runtimeName.replace(/\[.*\]$/, '');
  if (unparametrized !== runtimeName && staticNames.includes(unparametrized)) return unparametrized;
  return staticNames.find((s) => /%[sdifjoO#]|\$[A-Za-z_#]/.test(s) && templateRegex(s).test(runtimeName));
}
