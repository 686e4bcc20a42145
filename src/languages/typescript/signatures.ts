/** Exported declarations of a TS/JS module without bodies (classes with their public members): what a test may call. */
export function tsSignatures(content: string): string[] {
  const lines = content.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!/^export\s/.test(line)) continue;
    if (/^export\s+(?:declare\s+)?(?:interface|type|enum)\s/.test(line)) {
      const block = takeBlock(lines, i, 25);
      out.push(block.text);
      i = block.end;
      continue;
    }
    let sig = line;
    let j = i;
    while (!/[{;]\s*$|=>/.test(sig) && j + 1 < lines.length && j - i < 8) sig += `\n${lines[++j] as string}`;
    out.push(sig.replace(/\s*\{\s*$/, '').trimEnd() + (/\bclass\b/.test(line) ? ' {' : ''));
    if (/\bclass\b/.test(line)) {
      const block = takeBlock(lines, i, 400);
      for (let k = j + 1; k < block.end; k++) {
        const member = lines[k] as string;
        if (/^\s{2,4}(?:public\s+|static\s+|async\s+|readonly\s+|get\s+|set\s+)*(?:constructor|[a-zA-Z]\w*)\s*[(<:]/.test(member) && !/^\s*(?:private|protected|#)/.test(member) && !/^\s*(if|for|while|switch|return)\b/.test(member)) {
          out.push(member.replace(/\s*\{\s*$/, '').trimEnd());
        }
      }
      out.push('}');
      i = block.end;
    } else {
      i = j;
    }
  }
  return out;
}

/** Lines from `start` until the braces opened there close (or `max` lines). */
function takeBlock(lines: string[], start: number, max: number): { text: string; end: number } {
  let depth = 0;
  let opened = false;
  let end = start;
  for (let k = start; k < lines.length && k - start < max; k++) {
    const line = lines[k] as string;
    for (const ch of line) {
      if (ch === '{') {
        depth++;
        opened = true;
      } else if (ch === '}') depth--;
    }
    end = k;
    if ((opened && depth <= 0) || (!opened && /;\s*$/.test(line))) break;
  }
  return { text: lines.slice(start, end + 1).join('\n'), end };
}
