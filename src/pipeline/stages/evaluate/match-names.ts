/**
 * Static discovery names a test as written (`test_total`, `adds %i`, `Cart > adds $n`); the runner
 * names what it ran (`test_total[3]`, `adds 1`, `Cart > adds 2`). These match one to the other.
 */
/** A static name's parts: literal text and placeholders (`%s`, `$name`, `$#`, `${…}` with its braces balanced). */
function templateParts(name: string): Array<{ literal: string } | { placeholder: string }> {
  const parts: Array<{ literal: string } | { placeholder: string }> = [];
  let text = '';
  let i = 0;
  while (i < name.length) {
    if (name.startsWith('${', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < name.length; j += 1) {
        if (name[j] === '{') depth += 1;
        else if (name[j] === '}' && --depth === 0) break;
      }
      if (j < name.length) {
        parts.push({ literal: text }, { placeholder: name.slice(i, j + 1) });
        text = '';
        i = j + 1;
        continue;
      }
    }
    const token = /^(%[sdifjoO#%]|\$[A-Za-z_][\w.]*|\$#)/.exec(name.slice(i))?.[1];
    if (token) {
      if (token === '%%') text += '%';
      else {
        parts.push({ literal: text }, { placeholder: token });
        text = '';
      }
      i += token.length;
      continue;
    }
    text += name[i];
    i += 1;
  }
  parts.push({ literal: text });
  return parts;
}

function templateRegex(name: string): RegExp | undefined {
  // A hostile file's name must not make matching slow: lazy wildcards between literals are polynomial in their count.
  if (name.length > 1000) return undefined;
  const parts = templateParts(name);
  const placeholders = parts.filter((p) => 'placeholder' in p).length;
  if (placeholders === 0 || placeholders > 8) return undefined;
  const body = parts.map((p) => ('placeholder' in p ? '.*?' : p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

export function staticNameFor(runtimeName: string, staticNames: string[]): string | undefined {
  if (staticNames.includes(runtimeName)) return runtimeName;
  const unparametrized = runtimeName.replace(/\[.*\]$/, '');
  if (unparametrized !== runtimeName && staticNames.includes(unparametrized)) return unparametrized;
  return staticNames.find((s) => templateRegex(s)?.test(runtimeName));
}
