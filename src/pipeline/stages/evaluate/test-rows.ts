import type { StaticCheckOutcome } from '../../../languages/static-check-types.js';
import type { GraderResult, GradedTest } from '../../../languages/types.js';
import type { LintFinding, ReportTest, TestSignals } from '../../../report/types.js';
import type { CandidateFile } from '../../types.js';
import { staticNameFor } from './match-names.js';
import { buildSignals } from './signals.js';
import { rejectedByStaticChecks } from './verdict.js';

/** One test function of a candidate, with everything its verdict depends on except the judge. */
export interface TestRow {
  id: string;
  name: string;
  /** What the grader measured, when it reported this test. */
  measured?: GradedTest;
  /** Its static view (findings, line, source), when static discovery found it. */
  statics?: StaticCheckOutcome['tests'][number];
  findings: LintFinding[];
  signals: TestSignals;
  /** Why it could not be graded (its project's grader failed, or reported nothing for it). */
  infraErrors: string[];
  /** Run once on head only: its file's static checks reject every test (GraderInput.settledFiles). */
  settled?: true;
}

const NO_SIGNALS: TestSignals = { passes: null, stability: null, coverage: null, mutation: null, failToPass: null, lint: [], judge: null };

/**
 * Matches what the runner ran with what static discovery found, by name (parametrised and
 * templated names included): every test either side knows gets a row. A test the runner never
 * reported gets an infrastructure reason, never a pass.
 */
export function buildTestRows(candidate: CandidateFile, outcome: StaticCheckOutcome, result: GraderResult | undefined, infra: string | undefined, settledFiles: ReadonlySet<string> = new Set()): TestRow[] {
  const measured = result?.tests.filter((t) => t.file === candidate.path) ?? [];
  const staticNames = outcome.tests.map((t) => t.name);
  const matched = new Map(measured.map((t) => [t.name, staticNameFor(t.name, staticNames)]));
  const seenStatic = new Set(matched.values());
  const names = [...measured.map((t) => t.name), ...staticNames.filter((n) => !seenStatic.has(n))];
  return names.map((name) => {
    const rt = measured.find((t) => t.name === name);
    const staticName = rt ? matched.get(name) : name;
    const st = outcome.tests.find((t) => t.name === staticName);
    const findings = [...outcome.fileFindings, ...(st?.findings ?? [])];
    let signals: TestSignals = { ...(rt && result ? buildSignals(rt, result) : NO_SIGNALS), lint: findings };
    const infraErrors = infra ? [infra] : rt ? projectImportFailure(candidate, signals) : [`the grader reported no result for this test${result?.errors.length ? ` (${result.errors.join('; ').slice(0, 300)})` : ''}`];
    // Graded once on head only: nothing beyond head was measured, and that is only right for a test
    // its static checks reject (a test they did not find, in a file settled on what they did, is not).
    const settled = rt?.settled === true;
    if (settled) {
      signals = { ...signals, stability: null, mutation: null, failToPass: 'not-run' };
      if (!settledFiles.has(candidate.path) || !rejectedByStaticChecks(findings)) {
        infraErrors.push('the grader ran it on the PR code only, as if its static checks rejected it, which they do not: run the evaluation again');
      }
    }
    return { id: `${candidate.path}::${name}`, name, ...(rt ? { measured: rt } : {}), ...(st ? { statics: st } : {}), findings, signals, infraErrors, ...(settled ? { settled: true as const } : {}) };
  });
}

/** The report line of a candidate refused before grading: its path leads through a link the PR committed. */
export function refusedRow(candidate: CandidateFile, why: string): ReportTest {
  return {
    id: `${candidate.path}::(file)`, file: candidate.path, name: '(file)', verdict: 'reject',
    reasons: [{ code: 'unsafe-path', text: `It was refused before running: ${why}.`, severity: 'reject' }],
    signals: { ...NO_SIGNALS },
    acIds: candidate.acIds, ...(candidate.subtaskId ? { subtaskId: candidate.subtaskId } : {}), origin: candidate.origin,
  };
}

/** The report line of a file in which no test was found: rejected, or an error when it could not be graded at all. */
export function fileRow(candidate: CandidateFile, outcome: StaticCheckOutcome, infra: string | undefined): ReportTest {
  return {
    id: `${candidate.path}::(file)`, file: candidate.path, name: '(file)', verdict: infra ? 'error' : 'reject',
    reasons: [infra
      ? { code: 'infrastructure', text: `It could not be graded: ${infra}`, severity: 'error' }
      : { code: 'no-tests', text: 'The file contains no test function that the test runner would collect.', severity: 'reject' }],
    signals: { ...NO_SIGNALS, lint: outcome.fileFindings },
    acIds: candidate.acIds, ...(candidate.subtaskId ? { subtaskId: candidate.subtaskId } : {}), origin: candidate.origin,
  };
}

/**
 * A test that cannot be loaded because the PROJECT's own code imports a module that is not there
 * (a generated `_version.py`, a compiled extension, a build step TFactory does not run) says nothing
 * about the test: that is an infrastructure reason (`error`, never an accept), not a reject. The
 * module counts as the project's when the test file never names it; a module the test itself
 * imports stays the test's fault (and the hallucination guard's business).
 */
export function projectImportFailure(candidate: CandidateFile, signals: TestSignals): string[] {
  const p = signals.passes;
  if (!p || p.ok || p.failureKind !== 'import' || !p.message) return [];
  const missing = /No module named '([\w.]+)'|Cannot find module '([^']+)'/.exec(p.message);
  const name = missing?.[1] ?? missing?.[2];
  if (!name) return [];
  const last = name.split(/[./]/).filter(Boolean).pop() ?? name;
  if (candidate.content.includes(last)) return [];
  return [`the project's own code could not be loaded in the sandbox (${p.message.split('\n')[0]?.slice(0, 200)}): it may need a build or install step that TFactory does not run, such as a generated _version.py or a compiled extension`];
}
