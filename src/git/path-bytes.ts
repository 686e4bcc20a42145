/**
 * File names as git stores them: bytes. A name that is valid UTF-8 is a plain string; one that is
 * not is carried in git's own C-quoted form (`"caf\351.py"`, as `git diff --stat` prints it), which
 * `gitPathBytes` turns back into the exact bytes for the filesystem and git.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 34: '"', 92: '\\' };

/** Git's C-style quoting of a name's bytes (every byte outside printable ASCII as `\ooo`). */
export function quoteGitPath(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    const esc = ESCAPES[b];
    if (esc !== undefined) out += `\\${esc}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** The bytes a C-quoted name stands for (`"a\303\251"` → `a` 0xC3 0xA9); an unquoted name is taken as UTF-8. */
export function unquoteGitPathBytes(raw: string): Buffer {
  const s = raw.trim();
  if (!(s.startsWith('"') && s.endsWith('"') && s.length >= 2)) return Buffer.from(s, 'utf8');
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };
  for (let i = 1; i < s.length - 1; i++) {
    const ch = s[i] as string;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = s[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8) & 0xff);
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

/** A name's bytes as TFactory carries it: UTF-8 text when it is UTF-8, else git's quoted form (`notUtf8`). */
export function decodeGitPath(bytes: Uint8Array): { path: string; notUtf8: boolean } {
  try {
    return { path: UTF8.decode(bytes), notUtf8: false };
  } catch {
    return { path: quoteGitPath(bytes), notUtf8: true };
  }
}

/** The exact bytes of a changed file's name (for fs calls and git), whichever form `path` is in. */
export function gitPathBytes(path: string, notUtf8: boolean | undefined): Buffer {
  return notUtf8 ? unquoteGitPathBytes(path) : Buffer.from(path, 'utf8');
}
