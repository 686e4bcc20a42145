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
  const timeouts: Record<string, number | undefined> = {};
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
          if (part < 0) {
            log.push(`whole in ${n}`);
            return reply(exec, [{ path: 'result.json', content: JSON.stringify({ ...MERGED, errors: ['whole'] }) }]);
          }
          const [k] = (exec.cmd[part + 1] ?? '').split('/');
          log.push(`start part ${k} in ${n}`);
          timeouts[k ?? '?'] = exec.timeoutMs;
          if (Number(k) === opts.throwPart) throw new Error(`container of part ${k} died`);
          // Part 1 takes longer than part 0's own work: part 0 waits for its findings, as the grader does.
          await new Promise((r) => setTimeout(r, Number(k) === 0 ? 5 : 40));
          const merge = exec.cmd.indexOf('--merge');
          if (merge >= 0) {
            const files = exec.cmd.slice(merge + 1).map((file) => join(input?.hostPath ?? '/nowhere', file.slice(file.lastIndexOf('/') + 1)));
            for (;;) {
              if (files.some((f) => existsSync(`${f}.failed`))) {
                log.push(`end part ${k}, unmerged`);
                return reply(exec, [{ path: 'result.json', content: JSON.stringify({ part: Number(k) }) }]);
              }
              if (files.every((f) => existsSync(f))) break;
              await new Promise((r) => setTimeout(r, 2));
            }
            seenAtMerge.push(...files.map((f) => readFileSync(f, 'utf8')));
            log.push(`end part ${k}, merged in ${n}`);
            return reply(exec, [{ path: 'result.json', content: JSON.stringify(MERGED) }]);
          }
          log.push(`end part ${k}`);
          return reply(exec, Number(k) === opts.failPart ? [] : [{ path: 'result.json', content: JSON.stringify({ part: Number(k) }) }]);
        },
        close: async () => {},
      };
    },
  };
  return { sandbox: reuseContainers(base), opened, log, seenAtMerge, timeouts };
}

describe('a grader split in parts (Python)', () => {
  afterEach(() => vi.restoreAllMocks());
  const twoParts = (): void => { vi.spyOn(pythonGrader.parts as NonNullable<typeof pythonGrader.parts>, 'count').mockReturnValue(2); };

  it('asks for as many parts as the machine has cores, two at most, and only with mutation on', () => {
    expect(pythonGrader.parts?.count(INPUT)).toBe(Math.min(2, availableParallelism()));
    expect(pythonGrader.parts?.count({ ...INPUT, mutation: false })).toBe(1);
    expect(pythonGrader.parts?.count({ ...INPUT, candidateFiles: [] })).toBe(1);
  });

  it('runs the parts side by side, each in its own container; the first merges the others\' findings as they end', async () => {
    twoParts();
    const f = partsSandbox();
    const out = await runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT });
    expect(out.result.errors).toEqual(['merged']);
    expect(f.opened.map((s) => s.labels?.[PART_LABEL])).toEqual(['0', '1']);
    // Both started before either ended; part 0 merged part 1's findings once they were there, in
    // its own container and command (no third one).
    expect(f.log.slice(0, 2).sort()).toEqual(['start part 0 in 0', 'start part 1 in 1']);
    expect(f.log.slice(2)).toEqual(['end part 1', 'end part 0, merged in 0']);
    expect(f.seenAtMerge).toEqual([JSON.stringify({ part: 1 })]);
    // Part 0's time covers its part and a merge that may grade everything again: twice a part's.
    expect(f.timeouts).toEqual({ 0: 120_000, 1: 60_000 });
  });

  it('says which grader ended without a result when a part writes none, and part 0 merges nothing', async () => {
    twoParts();
    const f = partsSandbox({ failPart: 1 });
    await expect(runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT }))
      .rejects.toThrow(/the python grader ended without a result \(exited, exit 0\)/);
    expect(f.log).toContain('end part 0, unmerged');
    expect(f.seenAtMerge).toEqual([]);
  });

  it('waits for every part before it reports one whose container failed (none is left running, part 0 stops waiting)', async () => {
    twoParts();
    const f = partsSandbox({ throwPart: 1 });
    await expect(runGrader({ sandbox: f.sandbox, image: 'runner:py', profile: PY, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1', input: INPUT }))
      .rejects.toThrow('container of part 1 died');
    expect(f.log).toContain('end part 0, unmerged');
    expect(f.seenAtMerge).toEqual([]);
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
