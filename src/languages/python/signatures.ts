/** Signatures of a Python module's top-level definitions (and class methods, constants), without bodies: what a test may call. */
export function pythonSignatures(content: string): string[] {
  const lines = content.split('\n');
  const out: string[] = [];
  let inClass = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\S/.test(line) && !/^(class|def|async\s+def|@)/.test(line)) inClass = false;
    const top = /^(?:async\s+)?def\s+\w+|^class\s+\w+/.test(line);
    const method = inClass && /^\s{2,8}(?:async\s+)?def\s+(?:__init__|[A-Za-z]\w*)\s*\(/.test(line);
    const constant = /^[A-Z][A-Z0-9_]*\s*(?::[^=]+)?=/.test(line);
    if (top || method) {
      let sig = line;
      let j = i;
      while (!/:\s*(#.*)?$/.test(sig.trimEnd()) && j + 1 < lines.length && j - i < 8) sig += `\n${lines[++j] as string}`;
      out.push(sig.replace(/:\s*(#.*)?$/, ':') + (top && line.startsWith('class') ? '' : ' ...'));
      if (line.startsWith('class')) inClass = true;
      else if (top) inClass = false;
      i = j;
    } else if (constant && !inClass) {
      out.push(line.length > 160 ? `${line.slice(0, 160)}…` : line);
    }
  }
  return out;
}
