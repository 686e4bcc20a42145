import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitPort } from '../../../src/git/create-git-port.js';
import type { ChangedFile } from '../../../src/git/types.js';
import { silentLogger } from '../../../src/logger.js';
import { createIngestStage } from '../../../src/pipeline/stages/ingest/ingest.js';
import { MAX_CHANGED_FILE_BYTES, partitionChangedFiles } from '../../../src/pipeline/stages/ingest/skip-files.js';
import type { IngestResult, StageContext } from '../../../src/pipeline/types.js';
import type { Run } from '../../../src/runs/types.js';
import type { SandboxPort } from '../../../src/sandbox/port.js';
import type { TestRepo } from '../../fakes/repos.js';
import { makeAwkwardRepo, TOO_DEEP, TOO_LONG_PART } from '../../git/awkward-names.js';
import { localSource, makeRequest } from '../../runs/fixtures/requests.js';
import { fakePorts, SPEC } from '../pipeline-fakes.js';

const SKIPPED = 'skipped (not parsed, mutated or tested).';

describe('ingest on a real repository with awkward names, binary, large and special files', () => {
  let repo: TestRepo;
  let root: string;
  let result: IngestResult;
  let detected: string[] = [];
  let specPaths: string[] = [];

  beforeAll(async () => {
    repo = makeAwkwardRepo();
    root = mkdtempSync(join(tmpdir(), 'tfactory-ingest-ws-'));
    const git = createGitPort({ workspaceRoot: root, log: silentLogger() });
    const request = makeRequest({ source: { ...localSource(repo.dir), baseRef: 'main', headRef: 'feature' } });
    const run: Run = { id: 'names-run', request, subjectKey: 's', status: 'running', stages: [], usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 }, resumes: 0, createdAt: 'c', updatedAt: 'u' };
    const ctx: StageContext = { run, log: silentLogger(), signal: new AbortController().signal, ports: { ...fakePorts(), git, sandbox: {} as SandboxPort }, progress: () => undefined };
    const stage = createIngestStage({
      selectSpec: async (input) => {
        specPaths = input.changedPaths ?? [];
        return SPEC;
      },
      detectLanguages: async (_dir, paths) => {
        detected = paths;
        return [];
      },
    });
    const prepared = await stage.run(ctx);
    result = prepared.result;
    await prepared.release();
  });
  afterAll(() => {
    repo.cleanup();
    execFileSync('rm', ['-rf', '--', root]);
  });

  it('keeps the files the later stages can read, with their changed symbols, and the run goes on', () => {
    expect(result.diff.files.map((f) => f.path).sort()).toEqual(['src/calc.py', 'src/naïve.py', 'src/new\nline.py', 'src/tab\there.py']);
    expect(detected.sort()).toEqual(['src/calc.py', 'src/naïve.py', 'src/new\nline.py', 'src/tab\there.py']);
    expect(result.diff.symbols.map((s) => `${s.file}:${s.change}:${s.qualifiedName}`).sort()).toEqual(['src/calc.py:added:sub', 'src/naïve.py:added:f']);
  });

  it('leaves out the rest with one note each: the file, why, and for a size the size and the cap', () => {
    const notes = new Map((result.diff.skipped ?? []).map((s) => [s.reason === 'name-too-long' ? s.reason + s.path.slice(0, 6) : s.path, s]));
    expect(notes.get('"src/caf\\351.py"')?.note).toBe(`"src/caf\\351.py": the file name is not UTF-8 (shown in git's quoted form); ${SKIPPED}`);
    expect(notes.get('src/big.py')?.note).toBe(`src/big.py: 1.2 MB (1200000 bytes), over the 1.0 MB cap for a changed file; ${SKIPPED}`);
    expect(notes.get('src/logo.bin')?.note).toBe(`src/logo.bin: a binary file; ${SKIPPED}`);
    expect(notes.get('src/link.py')?.note).toBe(`src/link.py: a symbolic link; ${SKIPPED}`);
    expect(notes.get('vendor/lib')?.note).toBe(`vendor/lib: a submodule; ${SKIPPED}`);
    expect(notes.get('name-too-longsrc/mm')?.note).toMatch(/^src\/m+…m+\.py: a name part of 303 bytes \(the limit is 255\); skipped/);
    expect(notes.get(`name-too-long${TOO_DEEP.slice(0, 6)}`)?.note).toMatch(/: a path of \d{4} bytes in the checkout \(the limit is 4095\); skipped/);
    expect(result.diff.skipped).toHaveLength(7);
  });

  it('still looks for the spec among every changed file whose name is text', () => {
    expect(specPaths).toContain('src/big.py');
    expect(specPaths).toContain(TOO_LONG_PART);
    expect(specPaths).not.toContain('"src/caf\\351.py"');
  });
});

describe('partitionChangedFiles', () => {
  const file = (path: string, extra: Partial<ChangedFile> = {}): ChangedFile => ({ path, change: 'modified', addedRanges: [{ start: 1, end: 1 }], removedRanges: [], binary: false, ...extra });

  it('keeps a file at the cap and leaves out one a byte over it', () => {
    const { kept, skipped } = partitionChangedFiles([file('a.py', { size: MAX_CHANGED_FILE_BYTES }), file('b.py', { size: MAX_CHANGED_FILE_BYTES + 1 })], '/ws');
    expect(kept.map((f) => f.path)).toEqual(['a.py']);
    expect(skipped).toEqual([{ path: 'b.py', reason: 'too-large', note: `b.py: 1.0 MB (1000001 bytes), over the 1.0 MB cap for a changed file; ${SKIPPED}` }]);
  });

  it('takes another cap, and a deleted file is judged by its size at base', () => {
    const { skipped } = partitionChangedFiles([file('gone.py', { change: 'deleted', size: 5_000 }), file('small.py', { size: 10 })], '/ws', 4_096);
    expect(skipped).toEqual([{ path: 'gone.py', reason: 'too-large', note: `gone.py: 5.0 kB (5000 bytes), over the 4.1 kB cap for a changed file; ${SKIPPED}` }]);
  });
});
