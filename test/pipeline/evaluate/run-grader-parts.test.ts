import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraderInput, LanguageProfile } from '../../../src/languages/types.js';
import { runGrader } from '../../../src/pipeline/stages/evaluate/run-grader.js';
import { PART_LABEL, reuseContainers } from '../../../src/sandbox/reuse-containers.js';
import type { ContainerSpec, ExecResult, ExecSpec, SandboxPort, SandboxSession } from '../../../src/sandbox/port.js';
import { pythonGrader } from '../../../src/languages/python/grader.js';

const PY: LanguageProfile = { language: 'python', framework: 'pytest', packageManager: 'pip', root: '', testDir: 'tests', layout: 'flat', testFileNamePattern: 'test_{module}.py', files: [] };
const MERGED = { tests: [], mutants: [], suiteCoveredChanged: {}, changedExecutable: {}, executions: 7, necessaryMs: 0, errors: ['merged'] };
const INPUT: Omit<GraderInput, 'baseDir'> = {
  projectRoot: '', candidateFiles: ['tests/test_a.py'], suiteFiles: [], changedRanges: {}, stabilityRuns: 3, seed: 1, perTestTimeoutMs: 1000, mutation: true, maxMutants: 10,
};

/**
 * A sandbox of sessions (what the evaluation gives runGrader, through reuseContainers): the parts'
 * commands answer with raw findings naming the part; the merge reads the part files from the
 * mounted input folder on the host, as the container would see them.
 */
function partsSandbox(opts: { failPart?: number; throwPart?: number } = {}) {
  const opened: ContainerSpec[] = [];
  const log: string[] = [];
  const seenAtMerge: string[] = [];
  const reply = (exec: ExecSpec, files: Array<{ path: string; content: string }>): ExecResult => ({
    exitCode: 0, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false, durationMs: 1, endReason: 'exited',
    files: files.map((f) => ({ path: f.path, content: Buffer.from(f.content) })),
  });
  const base: SandboxPort = {
    ping: async () => ({ reachable: true }),
    prepare: async () => ({ hostPath: '/x', cacheKey: 'k', cached: true }),
    run: async () => { throw new Error('every command is an exec in a session'); },
    openSession: async (spec): Promise<SandboxSession> => {
      const n = opened.push(spec) - 1;
      const input = spec.mounts?.find((m) => m.containerPath.endsWith('/input'));
      return {
        id: `s${n}`,
        clearScratch: async () => {},
        exec: async (exec) => {
          const part = exec.cmd.indexOf('--part');
          if (part >= 0) {
            const [k] = (exec.cmd[part + 1] ?? '').split('/');
            log.push(`start part ${k} in ${n}`);
            if (Number(k) === opts.throwPart) throw new Error(`container of part ${k} died`);
            await new Promise((r) => setTimeout(r, 20));
            log.push(`end part ${k}`);
            return reply(exec, Number(k) === opts.failPart ? [] : [{ path: 'result.json', content: JSON.stringify({ part: Number(k) }) }]);
          }
          const merge = exec.cmd.indexOf('--assemble');
          if (merge < 0) {
            log.push(`whole in ${n}`);
            return reply(exec, [{ path: 'result.json', content: JSON.stringify({ ...MERGED, errors: ['whole'] }) }]);
          }
          log.push(`assemble in ${n}`);
          for (const file of exec.cmd.slice(merge + 1)) {
            const host = join(input?.hostPath ?? '/nowhere', file.slice(file.lastIndexOf('/') + 1));
            seenAtMerge.push(existsSync(host) ? readFileSync(host, 'utf8') : `missing ${file}`);
          }
          return reply(exec, [{ path: 'result.json', content: JSON.stringify(MERGED) }]);
        },
        close: async () => {},
      };
    },
  };
  return { sandbox: reuseContainers(base), opened, log, seenAtMerge };
}

describe('a grader split in parts (Python)', () => {
  afterEach(() => vi.restoreAllMocks());
  const twoParts = (): void => { vi.spyOn(pythonGrader.parts as NonNullable<typeof pythonGrader.parts>, 'count').mockReturnValue(2); };

  it('asks for as many parts as the machine has cores, two at most, and only with mutation on', () => {
    expect(pythonGrader.parts?.count(INPUT)).toBe(Math.min(2, availableParallelism()));
    expect(pythonGrader.parts?.count({ ...INPUT, mutation: false })).toBe(1);
    expect(pythonGrader.parts?.count({ ...INPUT, candidateFiles: [] })).toBe(1);
  });

  it('runs the parts side by side, each in its own container, then merges them in the first', async () => {
    twoParts();
    const f = partsSandbox();
    const out = await runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT });
    expect(out.result.errors).toEqual(['merged']);
    expect(f.opened.map((s) => s.labels?.[PART_LABEL])).toEqual(['0', '1']);
    // Both started before either ended; the merge came after both, in part 0's container.
    expect(f.log.slice(0, 2).sort()).toEqual(['start part 0 in 0', 'start part 1 in 1']);
    expect(f.log.at(-1)).toBe('assemble in 0');
    expect(f.seenAtMerge).toEqual([JSON.stringify({ part: 0 }), JSON.stringify({ part: 1 })]);
  });

  it('says which grader ended without a result when a part writes none, and merges nothing', async () => {
    twoParts();
    const f = partsSandbox({ failPart: 1 });
    await expect(runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT }))
      .rejects.toThrow(/the python grader ended without a result \(exited, exit 0\)/);
    expect(f.log).not.toContain('assemble in 0');
  });

  it('waits for every part before it reports one whose container failed (none is left running)', async () => {
    twoParts();
    const f = partsSandbox({ throwPart: 1 });
    await expect(runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT }))
      .rejects.toThrow('container of part 1 died');
    expect(f.log).toContain('end part 0');
    expect(f.log).not.toContain('assemble in 0');
  });

  it('runs whole, in one container, when one part is asked for', async () => {
    vi.spyOn(pythonGrader.parts as NonNullable<typeof pythonGrader.parts>, 'count').mockReturnValue(1);
    const f = partsSandbox();
    const out = await runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT });
    expect(out.result.errors).toEqual(['whole']);
    expect(f.log).toEqual(['whole in 0']);
    expect(f.opened[0]?.labels?.[PART_LABEL]).toBeUndefined();
  });
});
