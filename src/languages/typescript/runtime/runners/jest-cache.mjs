// Jest's transform cache, filled before the first candidate runs. Jest transforms every module a
// test loads (Babel, ts-jest) in its workers and keeps the result in its cache folder; the grader
// removes whatever a run added there (writable.mjs: a test could have planted a transform for the
// next run to load), so every run transformed the project's sources again: on luxon (jest 29,
// Babel) a run took 3.4–4.6 s with the cache emptied and 1.1 s with it kept.
//
// So before the head run, one jest run of the grader's own test file (next to the first candidate,
// named like it so that the project's testMatch takes it) loads the modules the candidates import,
// with no candidate's code in it: its transforms are the project's own, made by the project's
// transform from the instrumented sources (the same for every mutant: the switch is read when the
// code runs). What that run added to the cache folder stays; every later run is reset as before,
// so a transform a test rewrites is removed after its run and what a run adds goes. What the run
// left elsewhere (a file in /tmp, a process) is cleared as after any run. Native-ESM projects
// (jest's --experimental-vm-modules) are left as they are. Best effort: if the run fails, nothing
// else changes.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { assess, SCRATCH_DIR, snapshot } from '../guard.mjs';

const SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"\n]+)\1/gm;

/** The project files `candidates` (absolute paths) import by relative path, resolved, inside `projectDir`. */
export function importedModules(candidates, projectDir) {
  const out = new Set();
  for (const file of candidates) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), m[2]);
      const rel = target.slice(projectDir.length + 1);
      if (!target.startsWith(`${projectDir}/`) || /(?:^|\/)(?:node_modules|\.tfactory)(?:\/|$)/.test(rel)) continue;
      // a candidate, named with or without its extension
      if (candidates.some((c) => c === target || c.slice(0, c.length - extname(c).length) === target)) continue;
      out.add(target);
    }
  }
  return [...out].sort();
}

/** The grader's test file next to `candidate`, named as it is past its first dot (`x.test.ts` → `tfactory-transforms.test.ts`). */
export function warmupPath(candidate) {
  const name = basename(candidate);
  const dot = name.indexOf('.');
  const rest = dot > 0 ? name.slice(dot) : extname(name);
  return join(dirname(candidate), `tfactory-transforms${rest}`);
}

/**
 * Fills jest's transform cache (`runner`: the jest runner the head run uses, cold or warm) from the
 * modules `candidates` import. Returns a note when it could not (never throws).
 */
export async function fillJestCache({ runner, projectDir, candidates, limits }) {
  const jest = runner.cold ?? runner;
  if (jest.name !== 'jest' || (jest.install?.execArgv ?? []).length > 0 || candidates.length === 0) return undefined;
  const modules = importedModules(candidates, projectDir);
  if (modules.length === 0) return undefined;
  const file = warmupPath(candidates[0]);
  if (existsSync(file)) return undefined;
  const cacheDir = join(projectDir, '.tfactory', 'jest-cache');
  writeFileSync(file, [
    '// @ts-nocheck',
    '// TFactory: loads the modules the candidate tests import, so that jest transforms them once (removed after this run).',
    `const modules = ${JSON.stringify(modules)};`,
    "test('tfactory transforms', () => {",
    '  for (const m of modules) {',
    '    try { require(m); } catch { /* what it cannot load, the tests report */ }',
    '  }',
    '});',
    '',
  ].join('\n'));
  try {
    let out = await transformRun(runner, file, cacheDir, limits);
    // The warm jest could not run it (it did not start): the cold one does.
    if (out.warmFailed && runner.cold) out = await transformRun(runner.cold, file, cacheDir, limits);
    if (out.warmFailed || out.killedBy || out.failed) return `jest's transform cache could not be filled before the runs (${out.warmFailed ?? out.killedBy ?? out.failed}): every run transforms the sources again`;
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

/** One run of the grader's test file `file`; what it left is cleared as after any run, but for what it added to `cacheDir`. */
async function transformRun(runner, file, cacheDir, limits) {
  const before = snapshot(SCRATCH_DIR);
  let out;
  try {
    out = await runner.run({ files: [file], testTimeoutMs: limits.testTimeoutMs, stallMs: limits.testTimeoutMs + 2000, deadlineMs: 120_000 + limits.testTimeoutMs * 10 });
  } catch (e) {
    out = { killedBy: null, failed: String(e?.message ?? e) };
  }
  for (const pid of runner.keep?.() ?? []) before.pids.add(pid);
  assess(before, out, { spare: [cacheDir] });
  if (out.warmFailed || out.killedBy) runner.reset?.();
  return out;
}
