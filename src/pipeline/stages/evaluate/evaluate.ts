import type { AcceptanceCriterion } from '../../../spec/types.js';
import type { EvaluationSettings } from '../../../config/run-settings.js';
import type { LanguageProfile, RuntimeResult } from '../../../languages/types.js';
import type { LintFinding } from '../../../report/types.js';
import { describeError } from '../../../errors.js';
import { reuseContainers } from '../../../sandbox/reuse-containers.js';
import type { SandboxPort } from '../../../sandbox/port.js';
import type { CandidateFile, EvaluateResult, IngestResult, StageContext } from '../../types.js';
import { prepareEvalTrees } from './eval-tree.js';
import { runEngine, type PreparedEngineDeps } from './run-engine.js';
import { buildSignals } from './signals.js';
import { decideVerdict } from './verdict.js';
import { judgeRelevance } from './judge.js';
import { candidatesFor, changedRangesFor } from './select.js';
import { staticNameFor } from './match-names.js';

/** Per-test static findings of one candidate file (the shared static checks: lint, assertions, tautology, hallucination). */
export interface StaticCheckOutcome {
  tests: Array<{ id: string; name: string; findings: LintFinding[]; source: string; line?: number }>;
  fileFindings: LintFinding[];
}
export type StaticChecker = (candidate: CandidateFile, acs: AcceptanceCriterion[], ctx: { image: string; workspace: string; sandbox: SandboxPort }) => Promise<StaticCheckOutcome>;

/** What the evaluation does: the run's resolved `settings.evaluation` (config/run-settings.ts). */
export type EvaluateOptions = EvaluationSettings;

export interface EvaluateDeps {
  staticChecks: StaticChecker;
  /** Runner image for a profile (python → python runner; TS/JS → node runner). */
  imageFor: (profile: LanguageProfile) => Promise<string>;
  /**
   * Dependencies of a profile's project (npm ci / pip in the prepare step, or a local run's own
   * node_modules), mounted read-only; undefined when the project needs none. Throws PREPARE_FAILED.
   */
  depsFor?: (profile: LanguageProfile, headDir: string, ctx: StageContext) => Promise<PreparedEngineDeps | undefined>;
}


function engineTimeout(o: EvaluateOptions, tests: number): number {
  const perTest = o.perTestTimeoutMs * (o.stabilityRuns + 1 + (o.failToPass ? 1 : 0));
  const mutants = o.mutation ? o.maxMutants * o.perTestTimeoutMs : 0;
  return Math.min(60 * 60_000, 60_000 + Math.max(1, tests) * perTest + mutants);
}

function changedExcerpt(ingest: IngestResult, candidate: CandidateFile): string {
  const targets = ingest.diff.symbols.filter((s) => s.change !== 'deleted');
  return targets.map((s) => `${s.file}::${s.qualifiedName}\n  ${s.signature}`).join('\n').slice(0, 6000) || `(changed files: ${ingest.diff.files.map((f) => f.path).join(', ')}) ${candidate.path}`;
}

/**
 * The evaluate stage: grade every test function of every candidate. One container per language
 * project runs everything the engine measures; static checks and the judge add their signals; the
 * verdict rules decide. An infrastructure failure turns into `error` verdicts, never accepts.
 */
export async function evaluateCandidates(
  ctx: StageContext,
  ingest: IngestResult,
  candidates: CandidateFile[],
  options: EvaluateOptions,
  deps: EvaluateDeps,
): Promise<EvaluateResult> {
  const out: EvaluateResult = { tests: [], sources: {}, languages: {}, notes: [], stats: { containers: 0, executions: 0, necessaryMs: 0, mutants: 0, engineMs: 0 } };
  const acsById = new Map(ingest.spec.spec.acs.map((a) => [a.id, a]));
  // One container per distinct spec for the whole stage: the guards of all candidates share one.
  const sandbox = reuseContainers(ctx.ports.sandbox);
  const trees = await prepareEvalTrees({
    workspaceDir: ingest.workspaceDir,
    ...(options.failToPass ? { baseSha: ingest.diff.mergeBaseSha || ingest.baseSha } : {}),
    candidates,
    git: ctx.ports.git,
  });
  try {
    let done = 0;
    const total = candidates.length;
    for (const profile of ingest.profiles) {
      const mine = candidatesFor(profile, candidates);
      if (mine.length === 0) continue;
      const image = await deps.imageFor(profile);
      const statics = new Map<string, { candidate: CandidateFile; outcome: StaticCheckOutcome }>();
      for (const c of mine) {
        const acs = c.acIds.map((id) => acsById.get(id)).filter((a): a is AcceptanceCriterion => a !== undefined);
        statics.set(c.path, { candidate: c, outcome: await deps.staticChecks(c, acs, { image, workspace: trees.headDir, sandbox }) });
      }
      const changedRanges = changedRangesFor(ingest.diff, profile, mine);
      if (Object.keys(changedRanges).length === 0) out.notes.push(`No changed ${profile.language} source lines under ${profile.root || '.'}: coverage and mutation have nothing to measure.`);
      let result: RuntimeResult | undefined;
      let infra: string | undefined;
      const t0 = Date.now();
      try {
        const prepared = deps.depsFor ? await deps.depsFor(profile, trees.headDir, ctx) : undefined;
        const engine = await runEngine({
          sandbox, image, profile, headDir: trees.headDir,
          ...(trees.baseDir ? { baseDir: trees.baseDir } : {}),
          ...(prepared ? { deps: prepared } : {}),
          input: {
            projectRoot: profile.root, candidateFiles: mine.map((c) => c.path), suiteFiles: [], changedRanges,
            stabilityRuns: options.stabilityRuns, seed: options.seed, perTestTimeoutMs: options.perTestTimeoutMs,
            mutation: options.mutation, maxMutants: options.maxMutants,
          },
          timeoutMs: engineTimeout(options, mine.length * 4),
          runId: ctx.run.id,
          signal: ctx.signal,
        });
        result = engine.result;
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        infra = describeError(err);
        ctx.log.error({ err: infra, language: profile.language }, 'evaluation engine failed');
      }
      out.stats.engineMs += Date.now() - t0;
      if (result) {
        out.stats.executions += result.executions;
        out.stats.necessaryMs += result.necessaryMs;
        out.stats.mutants += result.mutants.length;
        for (const e of result.errors) out.notes.push(`${profile.language} engine: ${e}`);
      }
      for (const { candidate, outcome } of statics.values()) {
        const engineTests = result?.tests.filter((t) => t.file === candidate.path) ?? [];
        const staticNames = outcome.tests.map((t) => t.name);
        const matched = new Map(engineTests.map((t) => [t.name, staticNameFor(t.name, staticNames)]));
        const seenStatic = new Set(matched.values());
        // What the runner ran, plus what static discovery found that the runner never reported.
        const names = [...engineTests.map((t) => t.name), ...staticNames.filter((n) => !seenStatic.has(n))];
        if (names.length === 0) {
          out.tests.push({
            id: `${candidate.path}::(file)`, file: candidate.path, name: '(file)', verdict: infra ? 'error' : 'reject',
            reasons: [infra
              ? { code: 'infrastructure', text: `It could not be graded: ${infra}`, severity: 'error' }
              : { code: 'no-tests', text: 'The file contains no test function that the test runner would collect.', severity: 'reject' }],
            signals: { passes: null, stability: null, coverage: null, mutation: null, failToPass: null, lint: outcome.fileFindings, judge: null },
            acIds: candidate.acIds, ...(candidate.subtaskId ? { subtaskId: candidate.subtaskId } : {}), origin: candidate.origin,
          });
        }
        for (const name of names) {
          const id = `${candidate.path}::${name}`;
          const rt = engineTests.find((t) => t.name === name);
          const staticName = rt ? matched.get(name) : name;
          const st = outcome.tests.find((t) => t.name === staticName);
          const findings = [...outcome.fileFindings, ...(st?.findings ?? [])];
          const signals = rt && result ? buildSignals(rt, result) : { passes: null, stability: null, coverage: null, mutation: null, failToPass: null, lint: [], judge: null };
          signals.lint = findings;
          const infraErrors = infra ? [infra] : rt ? [] : [`the engine reported no result for this test${result?.errors.length ? ` (${result.errors.join('; ').slice(0, 300)})` : ''}`];
          if (options.judge && ctx.ports.llm && infraErrors.length === 0 && signals.passes?.ok) {
            const cited = candidate.acIds.map((a) => acsById.get(a)).filter((a): a is AcceptanceCriterion => a !== undefined);
            // A provided test that cites no AC is judged against the whole spec, not against nothing.
            const acs = cited.length > 0 ? cited : ingest.spec.spec.acs;
            try {
              const j = await judgeRelevance(ctx.ports.llm, { testId: id, testSource: st?.source ?? candidate.content, acs, changedCode: changedExcerpt(ingest, candidate) }, { signal: ctx.signal });
              signals.judge = j.judge;
            } catch (err) {
              if (ctx.signal.aborted) throw err;
              out.notes.push(`The relevance judge could not grade ${id}: ${describeError(err)}`);
            }
          }
          const { verdict, reasons } = decideVerdict({ signals, findings, infraErrors, mutationEnabled: options.mutation });
          out.tests.push({
            id, file: candidate.path, name, verdict, reasons, signals, acIds: candidate.acIds, ...(st?.line ? { line: st.line } : {}),
            ...(candidate.subtaskId ? { subtaskId: candidate.subtaskId } : {}), origin: candidate.origin,
          });
          out.sources[id] = st?.source ?? '';
          out.languages[id] = candidate.language;
        }
        done++;
        ctx.progress('evaluate', done, total);
      }
    }
  } finally {
    out.stats.containers = sandbox.containersStarted();
    await sandbox.close();
    await trees.dispose();
  }
  return out;
}
