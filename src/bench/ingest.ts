/**
 * npm run bench:ingest — the ingest stage on a real repository whose change touches BENCH_FILES
 * (default 5,000) Python files, plus one binary file, one file over the size cap and one name that
 * is not UTF-8: the whole stage (clone, checkout, diff, changed symbols, what is left out) and its
 * diff + symbols part, and side by side on the same diff the symbols read one file at a time (two
 * git processes a file, as ingest did before batching) for BENCH_NAIVE_FILES (default 300) files,
 * scaled per file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitPort } from '../git/create-git-port.js';
import { removeTree } from '../files/remove-tree.js';
import { listChangedSymbols } from '../languages/changed-symbols.js';
import { silentLogger } from '../logger.js';
import { DEFAULT_SETTINGS_ENV, resolveRunSettings } from '../config/run-settings.js';
import { createIngestStage } from '../pipeline/stages/ingest/ingest.js';
import { noSpecSelection } from '../criteria/select-spec.js';
import type { StageContext } from '../pipeline/types.js';
import type { SpecSelection } from '../criteria/types.js';
import { TfError } from '../errors.js';
import type { Run } from '../runs/types.js';

const FILES = Number(process.env.BENCH_FILES ?? 5000);
const NAIVE_FILES = Number(process.env.BENCH_NAIVE_FILES ?? 300);

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@tfactory.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

function module(i: number, changed: boolean): string {
  return `def f${i}(x):\n    return x + ${changed ? i + 1 : i}\n\n\nclass C${i}:\n    def m(self):\n        return ${i}\n`;
}

function buildRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfactory-bench-ingest-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  for (let i = 0; i < FILES; i++) {
    mkdirSync(join(dir, 'pkg', `d${i % 50}`), { recursive: true });
    writeFileSync(join(dir, 'pkg', `d${i % 50}`, `m${i}.py`), module(i, false));
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'base');
  git(dir, 'checkout', '--quiet', '-b', 'feature');
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'pkg', `d${i % 50}`, `m${i}.py`), module(i, true));
  writeFileSync(join(dir, 'logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
  writeFileSync(join(dir, 'generated.py'), `${'x = 1\n'.repeat(200_000)}`);
  writeFileSync(Buffer.from(`${dir}/caf\xe9.py`, 'latin1'), 'y = 2\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'feature');
  return dir;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

async function main(): Promise<void> {
  const t0 = process.hrtime.bigint();
  const repo = buildRepo();
  console.log(`repository: ${FILES} changed Python files + 3 awkward ones, built in ${seconds(t0).toFixed(1)} s`);
  const root = mkdtempSync(join(tmpdir(), 'tfactory-bench-ws-'));
  const port = createGitPort({ workspaceRoot: root });
  try {
    const request = { source: { kind: 'local' as const, repoPath: repo, baseRef: 'main', headRef: 'feature' }, trigger: { kind: 'cli' as const }, options: {}, settings: resolveRunSettings({ env: DEFAULT_SETTINGS_ENV }), idempotencyKey: 'bench' };
    const run = { id: 'bench-ingest', request, subjectKey: 's', status: 'running', stages: [], usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 }, resumes: 0, createdAt: 'c', updatedAt: 'u' } as unknown as Run;
    const ctx = { run, log: silentLogger(), signal: new AbortController().signal, ports: { git: port }, progress: () => undefined } as unknown as StageContext;
    const stage = createIngestStage({ selectSpec: async () => noSpecSelection(new TfError('SPEC_NOT_FOUND', 'no spec in the bench repository', { details: { looked: [] } })) as SpecSelection, detectLanguages: async () => [] });
    const t1 = process.hrtime.bigint();
    const prepared = await stage.run(ctx);
    const stageS = seconds(t1);
    const { diff } = prepared.result;

    const t2 = process.hrtime.bigint();
    const gitDiff = await port.diff(repo, 'main', 'feature');
    const batched = await listChangedSymbols(gitDiff, (sha, p) => port.readFileAt(repo, sha, p), (sha, paths) => port.readFilesAt!(repo, sha, paths));
    const partS = seconds(t2);

    const sample = { ...gitDiff, files: gitDiff.files.filter((f) => f.path.startsWith('pkg/')).slice(0, NAIVE_FILES) };
    const t3 = process.hrtime.bigint();
    await listChangedSymbols(sample, (sha, p) => port.readFileAt(repo, sha, p));
    const naivePerFile = seconds(t3) / sample.files.length;
    await prepared.release();

    console.log(`ingest stage, whole (clone, checkout, diff, symbols): ${stageS.toFixed(1)} s — ${diff.files.length} files kept, ${diff.symbols.length} changed symbols, ${diff.skipped?.length ?? 0} left out:`);
    for (const s of diff.skipped ?? []) console.log(`  ${s.note}`);
    console.log(`diff + changed symbols (batched reads): ${partS.toFixed(2)} s for ${gitDiff.files.length} files (${batched.length} symbols)`);
    console.log(`changed symbols one file at a time (two git processes a file): ${(naivePerFile * 1000).toFixed(1)} ms a file over ${sample.files.length} files → ${(naivePerFile * FILES).toFixed(1)} s for ${FILES} files`);
    console.log(`ratio, one at a time / batched diff + symbols: ${((naivePerFile * FILES) / partS).toFixed(1)}x`);
  } finally {
    await removeTree(root);
    await removeTree(repo);
  }
}

await main();
