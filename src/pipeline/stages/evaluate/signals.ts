import type { GraderResult, GradedTest, GradedRun } from '../../../languages/types.js';
import type { TestSignals, FailureKind } from '../../../report/types.js';

/** Turns what the in-sandbox grader measured for one test into the report's signals. */
export function buildSignals(test: GradedTest, result: GraderResult): TestSignals {
  return {
    passes: passesSignal(test.runs[0]),
    stability: stabilitySignal(test.runs),
    coverage: coverageSignal(test, result),
    mutation: mutationSignal(test),
    failToPass: failToPassSignal(test),
    lint: [],
    judge: null,
  };
}

function passesSignal(first: GradedRun | undefined): TestSignals['passes'] {
  if (!first) return null;
  if (first.outcome === 'passed') return { ok: true };
  const kind: FailureKind = first.outcome === 'timeout' ? 'timeout' : (first.failureKind ?? (first.outcome === 'failed' ? 'assertion' : 'error'));
  return { ok: false, failureKind: kind, ...(first.message ? { message: first.message } : {}) };
}

function stabilitySignal(runs: GradedRun[]): TestSignals['stability'] {
  const counted = runs.filter((r) => r.outcome !== 'skipped');
  if (counted.length === 0) return null;
  const passed = counted.filter((r) => r.outcome === 'passed').length;
  return { runs: counted.length, passed, flaky: passed > 0 && passed < counted.length };
}

function countLines(m: Record<string, number[]>): number {
  return Object.values(m).reduce((n, lines) => n + lines.length, 0);
}

function coverageSignal(test: GradedTest, result: GraderResult): TestSignals['coverage'] {
  const changedTotal = countLines(result.changedExecutable);
  const covered = test.coveredChanged;
  let adds: boolean | null = null;
  if (Object.keys(result.suiteCoveredChanged).length > 0 || countLines(covered) > 0) {
    adds = Object.entries(covered).some(([file, lines]) => {
      const suite = new Set(result.suiteCoveredChanged[file] ?? []);
      return lines.some((l) => !suite.has(l));
    });
  }
  return { changedLinesCovered: covered, coveredCount: countLines(covered), changedTotal, addsOverSuite: adds };
}

function mutationSignal(test: GradedTest): TestSignals['mutation'] {
  const m = test.mutants;
  const killed = m.killed.length;
  const killedByAssertion = m.killed.filter((k) => k.by === 'assertion').length;
  return {
    killed,
    killedByAssertion,
    killedByCrash: killed - killedByAssertion,
    survived: m.survived.length,
    notReached: m.notReached.length,
    total: killed + m.survived.length + m.notReached.length,
  };
}

function failToPassSignal(test: GradedTest): TestSignals['failToPass'] {
  const head = test.runs[0];
  if (!test.onBase || !head) return 'not-run';
  const baseOk = test.onBase.outcome === 'passed';
  const headOk = head.outcome === 'passed';
  if (!baseOk && headOk) return 'fail-to-pass';
  if (baseOk && headOk) return 'pass-to-pass';
  if (!baseOk && !headOk) return 'fail-both';
  return 'not-run';
}
