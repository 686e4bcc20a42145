import { describe, expect, it } from 'vitest';
import type { GraderGuard } from '../../../src/languages/static-check-types.js';
import { runTsGuardMany } from '../../../src/languages/typescript/guard.js';
import type { ContainerSpec, ExecResult, ExecSpec, SandboxPort } from '../../../src/sandbox/port.js';

/**
 * The static checks' TS/JS guard takes the grader's own run of it (GuardDeps.batch, from
 * GraderResult.guard) when that answers for every file, and then starts no container; otherwise,
 * and when the grader gave none, it runs in its own container as before.
 */
describe('the TS guard given the grader\'s answer', () => {
  const files = [{ path: 'test/a.test.ts', content: 'a' }, { path: 'test/b.test.ts', content: 'b' }];
  const answer = (paths: string[]): GraderGuard => ({
    files: paths.map((p) => ({ path: `/workspace/${p}`, result: { hallucinated: p.includes('a.') ? [{ name: '../src/x:y', line: 2, kind: 'name' as const }] : [], unknown: [] } })),
  });
  /** A sandbox that records its runs and answers as the guard's container would (nothing found). */
  const sandbox = (runs: string[][]): SandboxPort => ({
    ping: () => Promise.reject(new Error('not used')),
    openSession: () => Promise.reject(new Error('not used')),
    prepare: () => Promise.reject(new Error('not used')),
    run: (_c: ContainerSpec, exec: ExecSpec): Promise<ExecResult> => {
      runs.push(exec.cmd);
      const stdout = JSON.stringify({ files: files.map((f) => ({ path: `/workspace/${f.path}`, result: { hallucinated: [], unknown: [] } })) });
      return Promise.resolve({ exitCode: 0, stdout, stderr: '', stdoutTruncated: false, stderrTruncated: false, durationMs: 1, endReason: 'exited', files: [] });
    },
  });

  it('takes a complete answer from the grader and runs no container', async () => {
    const runs: string[][] = [];
    const out = await runTsGuardMany(files, { sandbox: sandbox(runs), image: 'img', workspace: '/host/ws', batch: Promise.resolve(answer(files.map((f) => f.path))) });
    expect(runs).toEqual([]);
    expect(out.get('test/a.test.ts')).toEqual({ ok: true, value: { hallucinated: [{ name: '../src/x:y', line: 2, kind: 'name' }], unknown: [] } });
    expect(out.get('test/b.test.ts')).toEqual({ ok: true, value: { hallucinated: [], unknown: [] } });
  });

  it('runs its own container when the grader answered for some files only, gave an error, or gave nothing', async () => {
    for (const batch of [answer(['test/a.test.ts']), { error: 'the guard failed in the grader' }, undefined]) {
      const runs: string[][] = [];
      const out = await runTsGuardMany(files, { sandbox: sandbox(runs), image: 'img', workspace: '/host/ws', batch: Promise.resolve(batch) });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toContain('--batch');
      expect(out.get('test/a.test.ts')).toEqual({ ok: true, value: { hallucinated: [], unknown: [] } });
    }
  });
});
