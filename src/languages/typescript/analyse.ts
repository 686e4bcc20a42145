import type { LintFinding } from '../../report/types.js';
import type { AcceptanceCriterion } from '../../criteria/types.js';
import type { CandidateFile } from '../candidate.js';
import type { GuardOutcome } from '../guard-output.js';
import { checkCriterionNumbers } from '../criterion-check.js';
import type { AnalysedTest, GuardDeps, StaticAnalysis } from '../static-check-types.js';
import { checkTsAssertions, tsAssertedText } from './assertions.js';
import { discoverTsFile, syntaxErrorsOf } from './discover.js';
import { runTsGuard, runTsGuardMany, type TsGuardOutput } from './guard.js';
import { lintTsTest } from './lint.js';
import { checkTsTampering } from './tamper.js';
import { checkTsExpectedFromCode, checkTsTautology } from './tautology.js';

/** The TS/JS static checks of one candidate: syntax, tampering with the grader (file level), discovery (TS compiler), lint, assertions, tautology, criterion numbers. */
export async function analyseTsCandidate(candidate: CandidateFile, acs: AcceptanceCriterion[], guardDeps: GuardDeps | undefined): Promise<StaticAnalysis> {
  return analyseWithGuard(candidate, acs, guardDeps ? await runTsGuard(candidate.path, candidate.content, guardDeps) : undefined);
}

/** The same checks for several candidates, their guard in one process. */
export async function analyseTsCandidates(items: Array<{ candidate: CandidateFile; acs: AcceptanceCriterion[] }>, guardDeps: GuardDeps | undefined): Promise<StaticAnalysis[]> {
  const guards = guardDeps ? await runTsGuardMany(items.map((i) => ({ path: i.candidate.path, content: i.candidate.content })), guardDeps) : undefined;
  return items.map((i) => analyseWithGuard(i.candidate, i.acs, guards?.get(i.candidate.path)));
}

function analyseWithGuard(candidate: CandidateFile, acs: AcceptanceCriterion[], out: GuardOutcome<TsGuardOutput> | undefined): StaticAnalysis {
  const model = discoverTsFile(candidate.path, candidate.content);
  const fileFindings: LintFinding[] = syntaxErrorsOf(candidate.path, candidate.content)
    .slice(0, 3)
    .map((e): LintFinding => ({ rule: 'syntax-error', severity: 'high', message: e.message, line: e.line }))
    .concat(checkTsTampering(model.sf));
  let guard: StaticAnalysis['guard'] = null;
  let guardError: string | undefined;
  if (out) {
    if (out.ok) guard = out.value;
    else guardError = out.error;
  }
  const units = model.tests.map((unit): AnalysedTest => ({
    name: unit.name,
    line: unit.line,
    endLine: unit.endLine,
    findings: [
      ...lintTsTest(model, unit),
      ...checkTsAssertions(model, unit),
      ...(checkTsTautology(model, unit).length > 0 ? checkTsTautology(model, unit) : checkTsExpectedFromCode(model, unit)),
      ...checkCriterionNumbers(tsAssertedText(model, unit), acs, unit.line, unit.name),
    ],
  }));
  return { discovery: 'typescript-ast', units, fileFindings, guard, ...(guardError === undefined ? {} : { guardError }) };
}
