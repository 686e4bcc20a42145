import { mkdtemp, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfError } from '../../../errors.js';
import type { LanguageProfile, GraderInput, GraderResult } from '../../../languages/types.js';
import type { PreparedPackages } from '../../../languages/port.js';
import { pluginForProfile } from '../../../languages/registry.js';
import { parseGraderResult } from '../../../languages/grader-result.js';
import type { ExecResult, ExtraMount, SandboxPort } from '../../../sandbox/port.js';
import { SANDBOX_PATHS } from '../../../sandbox/port.js';
import { PART_LABEL } from '../../../sandbox/reuse-containers.js';

const INPUT_DIR = `${SANDBOX_PATHS.tools}/input`;
export const BASE_MOUNT = '/base';

export type { PreparedPackages };

export interface GraderRunInput {
  sandbox: SandboxPort;
  image: string;
  profile: LanguageProfile;
  headDir: string;
  baseDir?: string;
  /** Prepared dependencies: their mounts (under SANDBOX_PATHS.packages) and environment (NODE_PATH, PYTHONPATH). */
  deps?: PreparedPackages;
  input: Omit<GraderInput, 'baseDir'>;
  timeoutMs: number;
  runId: string;
  signal?: AbortSignal;
}

export interface GraderRunOutput {
  result: GraderResult;
  exec: ExecResult;
}

const RESULT_PATH = `${SANDBOX_PATHS.scratch}/result.json`;

function graderMounts(profile: LanguageProfile, inputDir: string, baseDir?: string, deps?: PreparedPackages): ExtraMount[] {
  const mounts: ExtraMount[] = [...pluginForProfile(profile).grader.mounts(), { hostPath: inputDir, containerPath: INPUT_DIR, readOnly: true }];
  if (baseDir) mounts.push({ hostPath: baseDir, containerPath: BASE_MOUNT, readOnly: true });
  if (deps) mounts.push(...deps.mounts);
  return mounts;
}

function graderCpus(profile: LanguageProfile): { nanoCpus?: number } {
  const cpus = pluginForProfile(profile).grader.cpus?.();
  return cpus === undefined ? {} : { nanoCpus: Math.round(cpus * 1e9) };
}

/**
 * Runs a language's grader over every candidate of that project: head runs, stability reruns,
 * per-test coverage, mutants and the base run all happen inside its container. A grader that splits
 * its work (Grader.parts) runs its parts side by side, each in its own container; the first one
 * merges them as the others end.
 */
export async function runGrader(opts: GraderRunInput): Promise<GraderRunOutput> {
  const inputDir = await mkdtemp(join(tmpdir(), 'tfactory-input-'));
  try {
    await chmod(inputDir, 0o755);
    const input: GraderInput = { ...opts.input, ...(opts.baseDir ? { baseDir: BASE_MOUNT } : {}) };
    await writeFile(join(inputDir, 'input.json'), JSON.stringify(input));
    const grader = pluginForProfile(opts.profile).grader;
    const paths = { input: `${INPUT_DIR}/input.json`, result: RESULT_PATH };
    const run = (cmd: string[], part?: number, timeoutMs = opts.timeoutMs): Promise<ExecResult> => opts.sandbox.run(
      {
        image: opts.image,
        workspace: opts.headDir,
        mounts: graderMounts(opts.profile, inputDir, opts.baseDir, opts.deps),
        limits: { timeoutMs, ...graderCpus(opts.profile) },
        // The part's label keeps each part in a container of its own (reuse-containers.ts).
        labels: { 'tfactory.run': opts.runId, 'tfactory.purpose': 'evaluate', ...(part !== undefined ? { [PART_LABEL]: String(part) } : {}) },
      },
      {
        cmd,
        env: { ...(opts.deps?.env ?? {}), ...grader.env(opts.input.seed), CI: 'true' },
        timeoutMs,
      },
      opts.signal,
    );
    const count = grader.parts?.count({ mutation: input.mutation, candidateFiles: input.candidateFiles }) ?? 1;
    if (!grader.parts || count < 2) {
      const exec = await run(grader.command(paths));
      return { result: parseGraderResult(resultOf(opts.profile, exec)), exec };
    }
    const parts = grader.parts;
    // Part 0 merges: it is told where the other parts' findings will appear in the input folder, and
    // each is put there (whole: written aside, then renamed) as its part ends, or `.failed` beside
    // it when the part failed, so that part 0 stops waiting and nothing is merged.
    // Part 0's time covers its part and then the merge, which may grade everything again in one run
    // (the parts disagreed): its own limit twice; a part that hangs is cut at its limit, `.failed`.
    const others = Array.from({ length: count - 1 }, (_, i) => `part-${i + 1}.json`);
    const first = run(parts.part(paths, 0, count, others.map((f) => `${INPUT_DIR}/${f}`)), 0, opts.timeoutMs * 2);
    const rest = others.map(async (file, i) => {
      try {
        const content = resultOf(opts.profile, await run(parts.part(paths, i + 1, count), i + 1));
        await writeFile(join(inputDir, `${file}.tmp`), content);
        await rename(join(inputDir, `${file}.tmp`), join(inputDir, file));
      } catch (e) {
        await writeFile(join(inputDir, `${file}.failed`), '');
        throw e;
      }
    });
    // Every part ends (or fails) before anything is thrown: none is left running.
    const settled = await Promise.allSettled([first, ...rest]);
    for (const one of settled) if (one.status === 'rejected') throw one.reason;
    const exec = await first;
    return { result: parseGraderResult(resultOf(opts.profile, exec)), exec };
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }
}

/** The grader's result file, or the failure that kept it from writing one. */
function resultOf(profile: LanguageProfile, exec: ExecResult): string {
  const file = exec.files.find((f) => f.path === 'result.json');
  if (!file) {
    throw new TfError('SANDBOX_FAILED', `the ${profile.language} grader ended without a result (${exec.endReason}, exit ${exec.exitCode ?? 'none'})`, {
      details: { exitCode: exec.exitCode, endReason: exec.endReason, stderr: exec.stderr.slice(-4000), stdout: exec.stdout.slice(-2000) },
    });
  }
  return file.content.toString('utf8');
}
