import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GraderInput, GraderResult } from '../../../src/languages/types.js';
import { parseGraderResult } from '../../../src/languages/grader-result.js';
import { pythonRuntimeDir } from '../../../src/languages/python/runtime-path.js';

export const FIXTURE = join(import.meta.dirname, '../../../fixtures/eval/python-pricing');
export const PYTHON = '/usr/bin/python3';

/**
 * The engine's host tests need Debian's python3 with pytest and coverage (scripts/setup.sh installs
 * them on Debian as root). Missing locally: skip, loudly. Missing in CI (CI=true): a failure.
 */
export function requireHostPython(): boolean {
  let ok: boolean;
  try {
    execFileSync(PYTHON, ['-c', 'import pytest, coverage'], { stdio: 'pipe', timeout: 20_000 });
    ok = true;
  } catch {
    ok = false;
  }
  if (!ok) {
    const why = `${PYTHON} with pytest and coverage is missing (Debian: apt-get install python3-pytest python3-coverage python3-pytest-timeout python3-hypothesis python3-freezegun, or run scripts/setup.sh)`;
    if (process.env.CI === 'true') throw new Error(`CI=true: ${why}`);
    console.warn(`\n*** SKIPPING Python engine host tests: ${why} ***\n`);
  }
  return ok;
}
export const SOURCE = 'src/shop/pricing.py';

/** A fresh copy of head/ and base/ in a temp dir, with the candidate files written into both trees. */
export function stageFixture(): { dir: string; head: string; base: string; candidates: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tf-pyrt-'));
  const head = join(dir, 'head');
  const base = join(dir, 'base');
  cpSync(join(FIXTURE, 'head'), head, { recursive: true });
  cpSync(join(FIXTURE, 'base'), base, { recursive: true });
  const candidates: string[] = [];
  for (const name of readdirSync(join(FIXTURE, 'candidates')).sort()) {
    cpSync(join(FIXTURE, 'candidates', name), join(head, 'tests', name));
    cpSync(join(FIXTURE, 'candidates', name), join(base, 'tests', name));
    candidates.push(`tests/${name}`);
  }
  return { dir, head, base, candidates };
}

/** 1-based line number of the first line of `file` whose trimmed text is `text`. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.trim() === text);
  if (index < 0) throw new Error(`no line "${text}" in ${file}`);
  return index + 1;
}

/** Run the engine with the host's Python on `workspace` (in `env` when given); returns the validated result. */
export async function runGrader(dir: string, workspace: string, input: GraderInput, env?: NodeJS.ProcessEnv): Promise<{ result: GraderResult; stderr: string }> {
  const inputPath = join(dir, 'input.json');
  const outputPath = join(dir, 'result.json');
  writeFileSync(inputPath, JSON.stringify(input));
  const engine = join(pythonRuntimeDir(), 'tfactory_grader.py');
  const { stderr } = await promisify(execFile)(PYTHON, [engine, inputPath, outputPath, '--workspace', workspace], { timeout: 280_000, ...(env ? { env } : {}) });
  return { result: parseGraderResult(readFileSync(outputPath, 'utf8')), stderr };
}
