import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Transpiled {
  /** Root of the transpiled tree (same layout as the repo, `.ts` → `.js`). */
  dir: string;
  /** Where the transpiled form of a repo-relative `.ts` file is. */
  pathOf(repoRelativeTs: string): string;
  files: string[];
  cleanup(): void;
}

/**
 * Transpiles the given `.ts` entry files and every file they import relatively (imports already end
 * in `.js`) into a temp folder that a plain `node` child process can run: Node 20 cannot strip types
 * and tsx is not installed. `node_modules` is a symlink to the repo's, so packages resolve as usual.
 */
export function transpileForChild(entries: string[], root: string = REPO_ROOT): Transpiled {
  const dir = mkdtempSync(join(tmpdir(), 'tf-transpiled-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const queue = entries.map((e) => resolve(root, e));
  const done = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
    });
    const target = join(dir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
    for (const imp of ts.preProcessFile(source, true, true).importedFiles) {
      if (!imp.fileName.startsWith('.')) continue;
      const dep = resolve(dirname(file), imp.fileName.replace(/\.js$/, '.ts'));
      if (existsSync(dep) && !done.has(dep)) queue.push(dep);
    }
  }
  return {
    dir,
    files: [...done].map((f) => relative(root, f)),
    pathOf: (rel) => join(dir, rel).replace(/\.ts$/, '.js'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
