import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfError } from '../../../errors.js';
import type { LanguageProfile, GraderInput, GraderResult } from '../../../languages/types.js';
import type { PreparedPackages } from '../../../languages/port.js';
import { pluginForProfile } from '../../../languages/registry.js';
import { parseGraderResult } from '../../../languages/grader-result.js';
import type { ExecResult, ExtraMount, SandboxPort } from '../../../sandbox/port.js';
import { SANDBOX_PATHS } from '../../../sandbox/port.js';

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

function graderCommand(profile: LanguageProfile): string[] {
  return pluginForProfile(profile).grader.command({ input: `${INPUT_DIR}/input.json`, result: RESULT_PATH });
}

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
 * Runs a language's grader once, in ONE sandbox container, over every candidate of that
 * project: head runs, stability reruns, per-test coverage, mutants and the base run all happen inside.
 */
export async function runGrader(opts: GraderRunInput): Promise<GraderRunOutput> {
  const inputDir = await mkdtemp(join(tmpdir(), 'tfactory-input-'));
  try {
    await chmod(inputDir, 0o755);
    const input: GraderInput = { ...opts.input, ...(opts.baseDir ? { baseDir: BASE_MOUNT } : {}) };
    await writeFile(join(inputDir, 'input.json'), JSON.stringify(input));
    const exec = await opts.sandbox.run(
      {
        image: opts.image,
        workspace: opts.headDir,
        mounts: graderMounts(opts.profile, inputDir, opts.baseDir, opts.deps),
        limits: { timeoutMs: opts.timeoutMs, ...graderCpus(opts.profile) },
        labels: { 'tfactory.run': opts.runId, 'tfactory.purpose': 'evaluate' },
      },
      {
        cmd: graderCommand(opts.profile),
        env: { ...(opts.deps?.env ?? {}), ...pluginForProfile(opts.profile).grader.env(opts.input.seed), CI: 'true' },
        timeoutMs: opts.timeoutMs,
      },
      opts.signal,
    );
    const file = exec.files.find((f) => f.path === 'result.json');
    if (!file) {
      throw new TfError('SANDBOX_FAILED', `the ${opts.profile.language} grader ended without a result (${exec.endReason}, exit ${exec.exitCode ?? 'none'})`, {
        details: { exitCode: exec.exitCode, endReason: exec.endReason, stderr: exec.stderr.slice(-4000), stdout: exec.stdout.slice(-2000) },
      });
    }
    return { result: parseGraderResult(file.content.toString('utf8')), exec };
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }
}
