import { EXPECTED_FROM_CODE } from '../../../languages/static-check-types.js';
import type { GradedRun } from '../../../languages/types.js';
import type { TestSignals, Verdict, VerdictReason, LintFinding } from '../../../report/types.js';

/**
 * The verdict rules (README "Verdict rules"). Pure: signals in, verdict and plain-word reasons out.
 *
 * Reject: tampers with the grader (a static finding, or the grader's integrity check caught it);
 *         exhausts the sandbox (left a process running, a fork bomb, filled /tmp, out of memory);
 *         fails or errors on head; times out; flaky; hallucinated; no value assertion; only weak
 *         checks (not None, truthiness, isinstance, toBeDefined); tautology, direct (both sides the
 *         same expression) or indirect (the expected side is computed through project code that
 *         runs the changed lines, and no planted bug ever failed a check);
 *         covers none of the changed lines; kills no mutant while mutants exist on the lines it covers;
 *         a high-severity lint finding (unseeded randomness, real clock, network, secrets).
 * Flag:   every kill is a crash (the test notices the code blew up, not a wrong value), unless the
 *         change is that the code no longer raises (the test fails on base by the code's own error)
 *         and the test checks a value against an independent expected one;
 *         no mutant could be made on the lines it covers; a medium lint finding; the judge dissents.
 * Error:  an infrastructure failure kept us from grading it. Never an accept.
 * Accept: otherwise.
 */
export interface VerdictInput {
  signals: TestSignals;
  /** Findings of the static checks for this test function (lint, assertions, tautology, hallucination). */
  findings: LintFinding[];
  /** Infrastructure problems that concern this test (its file could not be graded, grader crash…). */
  infraErrors: string[];
  /** Whether mutation testing was on for this run. */
  mutationEnabled: boolean;
  /** Its run on the base code, when fail-to-pass was measured. */
  onBase?: GradedRun;
}

export interface VerdictOutput {
  verdict: Verdict;
  reasons: VerdictReason[];
}

const isHallucination = (rule: string): boolean => rule === 'hallucination' || rule.startsWith('hallucinated-');

/** The static rule's name, and the prefix of the run message an in-sandbox grader gives a test it caught tampering. */
const TAMPER = 'tampers-with-grader';
const TAMPER_PREFIX = 'tampers with the grader: ';
/** The reason code, and the prefix of the run message a grader gives a test that exhausted a resource. */
const RESOURCES = 'exhausts-resources';
const RESOURCE_PREFIX = 'resource limit: ';

/** `tampers with the grader: <what>` → `It tampers with the grader: <what><where>.` */
function tamperReason(message: string, where = ''): VerdictReason {
  const what = message.startsWith(TAMPER_PREFIX) ? message.slice(TAMPER_PREFIX.length) : message;
  return reason('reject', TAMPER, `It tampers with the grader: ${what.split('\n')[0]?.slice(0, 300)}${where}.`);
}

function reason(severity: VerdictReason['severity'], code: string, text: string): VerdictReason {
  return { code, text, severity };
}

function failureReason(s: TestSignals): VerdictReason | undefined {
  const p = s.passes;
  if (!p || p.ok) return undefined;
  // The graders write this prefix (a Python exception's message starts with its type's name); a
  // test that spells it in its own error only rejects itself, which it would be anyway.
  if (p.failureKind === 'error' && p.message?.startsWith(TAMPER_PREFIX)) return tamperReason(p.message);
  // The Python grader (forkrun.py) names what a test exhausted: its processes, /tmp, memory.
  if (p.failureKind === 'error' && p.message?.startsWith(RESOURCE_PREFIX)) {
    return reason('reject', RESOURCES, `It exhausts the sandbox: ${p.message.slice(RESOURCE_PREFIX.length).split('\n')[0]?.slice(0, 300)}.`);
  }
  const msg = p.message ? `: ${p.message.split('\n')[0]?.slice(0, 200)}` : '';
  switch (p.failureKind) {
    case 'timeout':
      return reason('reject', 'timeout', 'It did not finish within the time limit on the PR code and was killed.');
    case 'import':
    case 'collection':
      return reason('reject', 'does-not-load', `It cannot even be loaded on the PR code${msg}.`);
    case 'assertion':
      return reason('reject', 'fails-on-head', `It fails on the PR code: its expectation does not hold${msg}.`);
    default:
      return reason('reject', 'errors-on-head', `It raises an error on the PR code${msg}.`);
  }
}

/** Whether the static findings alone reject a test, whatever it does when it runs. */
export function rejectedByStaticChecks(findings: LintFinding[]): boolean {
  return lintReasons(findings).some((r) => r.severity === 'reject');
}

/** Said of a test whose file the static checks rejected whole, graded once on head only (GraderInput.settledFiles). */
export const SETTLED_REASON: VerdictReason = {
  code: 'graded-no-further',
  text: 'The static checks already reject every test in its file, so it ran once on the PR code and no further (no reruns, mutants or base run).',
  severity: 'info',
};

function lintReasons(findings: LintFinding[]): VerdictReason[] {
  const out: VerdictReason[] = [];
  for (const f of findings) {
    const where = f.line ? ` (line ${f.line})` : '';
    if (f.rule === TAMPER) {
      out.push(tamperReason(f.message, where));
    } else if (isHallucination(f.rule)) {
      out.push(reason('reject', 'hallucinated', `It uses something that does not exist in the project: ${f.message}${where}.`));
    } else if (f.rule === 'no-assertion') {
      out.push(reason('reject', 'no-assertion', `It checks no value at all, so it cannot catch a wrong result${where}.`));
    } else if (f.rule === 'tautology') {
      out.push(reason('reject', 'tautology', `Its expected value is computed by the code under test itself, so it can never fail${where}.`));
    } else if (f.rule === 'weak-assertion') {
      out.push(reason('reject', 'weak-assertion', `Its only checks are weak (${f.message.replace(/^only weak checks \(([^)]*)\).*$/, '$1')}): a wrong value would still pass${where}.`));
    } else if (f.severity === 'high') {
      out.push(reason('reject', `lint:${f.rule}`, `${f.message}${where}.`));
    } else if (f.severity === 'medium') {
      out.push(reason('flag', `lint:${f.rule}`, `${f.message}${where}.`));
    }
  }
  return out;
}

/**
 * The criterion-number lint reads numbers literally: `apply_discount(200) == 180.0` checks "10% off
 * over 100" without spelling 100 or 10. When the test is shown to check the change itself (it fails
 * on base and kills a mutant by a value check), the lint is a hint, not a flag.
 */
function numberLintAsHint(findings: LintFinding[], s: TestSignals): LintFinding[] {
  const proven = s.failToPass === 'fail-to-pass' && (s.mutation?.killedByAssertion ?? 0) > 0;
  if (!proven) return findings;
  return findings.map((f) => (f.rule === 'criterion-number' && f.severity === 'medium' ? { ...f, severity: 'low' as const } : f));
}

/** Rules whose finding says the test checks no value of its own: the raise-fix exception never applies to it. */
const NO_INDEPENDENT_CHECK = new Set(['no-assertion', 'weak-assertion', 'tautology', EXPECTED_FROM_CODE]);

/**
 * Base errors that mean "the test could not even call the code there" (a function, export or
 * argument the PR adds), not "the code raised": a mutant crash then proves nothing about the fix.
 */
const MISSING_ON_BASE = /has no attribute|cannot import|No module named|is not defined|is not a function|is not a constructor|does not provide an export|unexpected keyword argument|positional argument|required (?:keyword-only )?argument/i;

/**
 * A real fix whose point is that the code no longer raises: on base the test fails by an error the
 * code raised (not a missing name), on the PR it passes, and it checks a value of its own. Mutants
 * of such a change make the code raise again, which is the very bug the PR fixes: a crash kill then
 * counts.
 */
function fixesARaise(input: VerdictInput): boolean {
  const base = input.onBase;
  if (input.signals.failToPass !== 'fail-to-pass' || !base || base.outcome === 'passed' || base.failureKind !== 'error') return false;
  if (MISSING_ON_BASE.test(base.message ?? '')) return false;
  return !input.findings.some((f) => NO_INDEPENDENT_CHECK.has(f.rule));
}

function coverageAndMutationReasons(input: VerdictInput): VerdictReason[] {
  const { signals: s, mutationEnabled } = input;
  const out: VerdictReason[] = [];
  if (s.coverage && s.coverage.changedTotal > 0 && s.coverage.coveredCount === 0) {
    out.push(reason('reject', 'covers-no-changed-line', 'It does not execute any of the changed lines, so it says nothing about this change.'));
    return out;
  }
  if (!mutationEnabled) return out;
  const m = s.mutation;
  if (!m) return out;
  const onItsLines = m.killed + m.survived;
  const computed = input.findings.find((f) => f.rule === EXPECTED_FROM_CODE);
  if (computed && onItsLines > 0 && m.killedByAssertion === 0) {
    out.push(reason('reject', 'indirect-tautology',
      `Its expected value is computed through code that runs the changed lines (${computed.message}${computed.line ? `, line ${computed.line}` : ''}): it moved with every planted bug, and none ever made a check fail.`));
  }
  if (onItsLines === 0) {
    out.push(reason('flag', 'no-mutants', 'No mutant could be made on the changed lines it runs, so its strength could not be measured.'));
  } else if (m.killed === 0) {
    out.push(reason('reject', 'kills-no-mutant',
      `All ${m.survived} deliberate bug${m.survived === 1 ? '' : 's'} planted in the changed lines it runs went unnoticed: it would not catch a real one.`));
  } else if (m.killedByAssertion === 0 && fixesARaise(input)) {
    out.push(reason('info', 'kills-by-raising-again',
      `The change makes the code stop raising (it fails on base with ${input.onBase?.message?.split('\n')[0]?.slice(0, 120) ?? 'an error'}); its ${m.killed} planted bug${m.killed === 1 ? '' : 's'} make${m.killed === 1 ? 's' : ''} it raise again, and it checks the value itself.`));
  } else if (m.killedByAssertion === 0) {
    out.push(reason('flag', 'kills-only-by-crash',
      `It noticed ${m.killed} planted bug${m.killed === 1 ? '' : 's'} only because the code crashed, never by checking a computed value.`));
  }
  return out;
}

export function decideVerdict(input: VerdictInput): VerdictOutput {
  const { signals: s } = input;
  if (input.infraErrors.length > 0) {
    return { verdict: 'error', reasons: input.infraErrors.map((e) => reason('error', 'infrastructure', `It could not be graded: ${e}`)) };
  }
  const reasons: VerdictReason[] = [];
  const failed = failureReason(s);
  if (failed) reasons.push(failed);
  if (!failed && s.stability?.flaky) {
    reasons.push(reason('reject', 'flaky', `It is unstable: it passed ${s.stability.passed} of ${s.stability.runs} identical runs.`));
  }
  reasons.push(...lintReasons(numberLintAsHint(input.findings, s)));
  if (!failed) reasons.push(...coverageAndMutationReasons(input));
  if (s.judge && !s.judge.relevant) {
    reasons.push(reason('flag', 'judge-dissents', `The relevance judge doubts it tests the acceptance criteria (${s.judge.votes} of ${s.judge.of} votes for)${s.judge.rationale ? `: ${s.judge.rationale}` : ''}.`));
  }
  if (s.failToPass === 'fail-to-pass') {
    reasons.push(reason('info', 'fail-to-pass', 'It fails on the base code and passes on the PR: it checks the change itself.'));
  }
  const verdict: Verdict = reasons.some((r) => r.severity === 'reject') ? 'reject' : reasons.some((r) => r.severity === 'flag') ? 'flag' : 'accept';
  return { verdict, reasons };
}
