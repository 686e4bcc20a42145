import type { LintFinding } from '../../report/types.js';
import type { AcceptanceCriterion } from '../../criteria/types.js';
import type { CandidateFile } from '../candidate.js';
import type { GuardOutcome } from '../guard-output.js';
import { checkCriterionNumbers } from '../criterion-check.js';
import type { AnalysedTest, GuardDeps, StaticAnalysis } from '../static-check-types.js';
import { checkPythonAssertions, pythonAssertedText } from './assertions.js';
import { applyDiscoveredTests, discoverPythonFile } from './discover.js';
import { viewTests } from './discover-view.js';
import { runPythonGuard, runPythonGuardMany, type PythonGuardOutput } from './guard.js';
import { lintPythonTest } from './lint.js';
import { checkPythonTampering } from './tamper.js';
import { checkPythonExpectedFromCode, checkPythonTautology } from './tautology.js';

/**
 * The Python static checks of one candidate: discovery (Python's own `ast` through the guard when
 * a sandbox is given, else the scanner), tampering with the grader (file level), flake lint, value
 * assertions, tautology, criterion numbers.
 */
export async function analysePythonCandidate(candidate: CandidateFile, acs: AcceptanceCriterion[], guardDeps: GuardDeps | undefined): Promise<StaticAnalysis> {
  return analyseWithGuard(candidate, acs, guardDeps ? await runPythonGuard(candidate.path, candidate.content, guardDeps) : undefined);
}

/** The same checks for several candidates, their guard in one process. */
export async function analysePythonCandidates(items: Array<{ candidate: CandidateFile; acs: AcceptanceCriterion[] }>, guardDeps: GuardDeps | undefined): Promise<StaticAnalysis[]> {
  const guards = guardDeps ? await runPythonGuardMany(items.map((i) => ({ path: i.candidate.path, content: i.candidate.content })), guardDeps) : undefined;
  return items.map((i) => analyseWithGuard(i.candidate, i.acs, guards?.get(i.candidate.path)));
}

/** A direct tautology, else an expected side computed through project code (the verdict weighs the latter with the mutants). */
function tautologyFindings(view: ReturnType<typeof viewTests>[number]): LintFinding[] {
  const direct = checkPythonTautology(view);
  return direct.length > 0 ? direct : checkPythonExpectedFromCode(view);
}

function analyseWithGuard(candidate: CandidateFile, acs: AcceptanceCriterion[], out: GuardOutcome<PythonGuardOutput> | undefined): StaticAnalysis {
  let model = discoverPythonFile(candidate.content);
  const fileFindings: LintFinding[] = [...checkPythonTampering(model.source)];
  let guard: StaticAnalysis['guard'] = null;
  let guardError: string | undefined;
  let discovery: StaticAnalysis['discovery'] = 'python-scanner';
  if (out) {
    if (out.ok) {
      discovery = 'python-ast';
      if (out.value.syntaxError) {
        fileFindings.push({ rule: 'syntax-error', severity: 'high', message: out.value.syntaxError.message, line: out.value.syntaxError.line });
      } else {
        model = applyDiscoveredTests(model, out.value.tests);
      }
      guard = { hallucinated: out.value.hallucinated, unknown: out.value.unknown };
    } else {
      guardError = out.error;
    }
  }
  const units = viewTests(model).map((view): AnalysedTest => ({
    name: view.unit.name,
    line: view.unit.line,
    endLine: view.unit.endLine,
    findings: [
      ...lintPythonTest(view),
      ...checkPythonAssertions(view),
      ...tautologyFindings(view),
      ...checkCriterionNumbers(pythonAssertedText(view), acs, view.unit.line, view.unit.name),
    ],
  }));
  return { discovery, units, fileFindings, guard, ...(guardError === undefined ? {} : { guardError }) };
}
