import type { CandidateFile } from '../pipeline/types.js';
import type { LintFinding } from '../report/types.js';
import type { SandboxPort } from '../sandbox/port.js';
import type { AcceptanceCriterion } from '../spec/types.js';
import { checkCriterionNumbers } from './criterion-check.js';
import { checkPythonAssertions, pythonAssertedText } from './python/assertions.js';
import { applyDiscoveredTests, discoverPythonFile } from './python/discover.js';
import { viewTests } from './python/discover-view.js';
import { runPythonGuard } from './python/guard.js';
import type { GuardItem } from './python/guard-schema.js';
import { lintPythonTest } from './python/lint.js';
import { checkPythonTautology } from './python/tautology.js';
import { checkTsAssertions, tsAssertedText } from './typescript/assertions.js';
import { discoverTsFile, syntaxErrorsOf } from './typescript/discover.js';
import { runTsGuard } from './typescript/guard.js';
import { lintTsTest } from './typescript/lint.js';
import { checkTsTautology } from './typescript/tautology.js';

/**
 * The static checks every candidate test file goes through, shared by the generator's guard and
 * the evaluator: discovery, flake lint, value assertions, tautology, criterion numbers (pure), and
 * the hallucination guard (in the sandbox, when one is given). Findings are per test function.
 * Decision: reject when any finding is high (a test's or the file's) or anything is hallucinated.
 */

export type { GuardItem };

export interface GuardDeps {
  sandbox: SandboxPort;
  /** Runner image (python or node) for the candidate's language. */
  image: string;
  /** Host path of the checkout, mounted read-only at /workspace. */
  workspace: string;
  /** Repo-relative project root inside the checkout ('' for the root). */
  projectRoot?: string;
  /** Extra environment for the guard process (e.g. PYTHONPATH of prepared deps). Never secrets. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Per-module import timeout of the Python guard. */
  importTimeoutMs?: number;
  signal?: AbortSignal;
}

export type GuardOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface StaticCheckDeps extends Omit<GuardDeps, 'sandbox'> {
  /** Without a sandbox the hallucination guard is skipped and discovery is the TS scanner's. */
  sandbox?: SandboxPort;
  /** Per-runner images, for a guard that sees both languages; `image` is used where absent. */
  images?: { python?: string; node?: string };
}

function guardDeps(deps: StaticCheckDeps, sandbox: SandboxPort, runner: 'python' | 'node'): GuardDeps {
  const { images, ...rest } = deps;
  return { ...rest, sandbox, image: images?.[runner] ?? deps.image };
}

export interface TestStaticResult {
  /** `<file>::<name>` */
  id: string;
  name: string;
  line: number;
  endLine: number;
  findings: LintFinding[];
  decision: 'keep' | 'reject';
}

export interface StaticCheckResult {
  file: string;
  /** Who found the test functions: Python's ast (in the sandbox), the TS compiler, or the TS scanner. */
  discovery: 'python-ast' | 'python-scanner' | 'typescript-ast';
  tests: TestStaticResult[];
  /** Findings about the whole file (syntax, no tests, hallucinated imports outside any test). */
  fileFindings: LintFinding[];
  guard: { hallucinated: GuardItem[]; unknown: GuardItem[] } | null;
  /** Why the guard could not give an answer (infrastructure), when it could not. */
  guardError?: string;
  decision: 'keep' | 'reject';
  reasons: string[];
}

interface Unit {
  name: string;
  line: number;
  endLine: number;
  findings: LintFinding[];
}

interface Analysis {
  discovery: StaticCheckResult['discovery'];
  units: Unit[];
  fileFindings: LintFinding[];
  guard: StaticCheckResult['guard'];
  guardError?: string;
}

function guardFindings(items: GuardItem[]): LintFinding[] {
  return items.map((h) => ({ rule: `hallucinated-${h.kind}`, severity: 'high', message: `${h.name} does not exist in the project${h.reason ? ` (${h.reason})` : ''}`, line: h.line }));
}

async function analysePython(candidate: CandidateFile, acs: AcceptanceCriterion[], deps: StaticCheckDeps): Promise<Analysis> {
  let model = discoverPythonFile(candidate.content);
  const fileFindings: LintFinding[] = [];
  let guard: Analysis['guard'] = null;
  let guardError: string | undefined;
  let discovery: Analysis['discovery'] = 'python-scanner';
  if (deps.sandbox) {
    const out = await runPythonGuard(candidate.path, candidate.content, guardDeps(deps, deps.sandbox, 'python'));
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
  const units = viewTests(model).map((view): Unit => ({
    name: view.unit.name,
    line: view.unit.line,
    endLine: view.unit.endLine,
    findings: [
      ...lintPythonTest(view),
      ...checkPythonAssertions(view),
      ...checkPythonTautology(view),
      ...checkCriterionNumbers(pythonAssertedText(view), acs, view.unit.line),
    ],
  }));
  return { discovery, units, fileFindings, guard, ...(guardError === undefined ? {} : { guardError }) };
}

async function analyseTs(candidate: CandidateFile, acs: AcceptanceCriterion[], deps: StaticCheckDeps): Promise<Analysis> {
  const model = discoverTsFile(candidate.path, candidate.content);
  const fileFindings: LintFinding[] = syntaxErrorsOf(candidate.path, candidate.content)
    .slice(0, 3)
    .map((e) => ({ rule: 'syntax-error', severity: 'high', message: e.message, line: e.line }));
  let guard: Analysis['guard'] = null;
  let guardError: string | undefined;
  if (deps.sandbox) {
    const out = await runTsGuard(candidate.path, candidate.content, guardDeps(deps, deps.sandbox, 'node'));
    if (out.ok) guard = out.value;
    else guardError = out.error;
  }
  const units = model.tests.map((unit): Unit => ({
    name: unit.name,
    line: unit.line,
    endLine: unit.endLine,
    findings: [
      ...lintTsTest(model, unit),
      ...checkTsAssertions(model, unit),
      ...checkTsTautology(model, unit),
      ...checkCriterionNumbers(tsAssertedText(model, unit), acs, unit.line),
    ],
  }));
  return { discovery: 'typescript-ast', units, fileFindings, guard, ...(guardError === undefined ? {} : { guardError }) };
}

/** The criteria a candidate cites (all given ones when it cites none of them). */
function citedCriteria(candidate: CandidateFile, acs: AcceptanceCriterion[]): AcceptanceCriterion[] {
  const cited = acs.filter((ac) => candidate.acIds.includes(ac.id));
  return cited.length > 0 ? cited : acs;
}

export async function runStaticChecks(candidate: CandidateFile, acs: AcceptanceCriterion[], deps: StaticCheckDeps): Promise<StaticCheckResult> {
  const criteria = citedCriteria(candidate, acs);
  const a = candidate.language === 'python' ? await analysePython(candidate, criteria, deps) : await analyseTs(candidate, criteria, deps);
  const fileFindings = [...a.fileFindings];
  const units = a.units.map((u) => ({ ...u, findings: [...u.findings] }));
  for (const f of guardFindings(a.guard?.hallucinated ?? [])) {
    const owner = units.find((u) => f.line !== undefined && f.line >= u.line && f.line <= u.endLine);
    (owner ? owner.findings : fileFindings).push(f);
  }
  if (units.length === 0 && !fileFindings.some((f) => f.rule === 'syntax-error')) {
    fileFindings.push({ rule: 'no-tests', severity: 'high', message: 'no test function found in the file', line: 1 });
  }
  const fileRejects = fileFindings.some((f) => f.severity === 'high');
  const tests: TestStaticResult[] = units.map((u) => ({
    id: `${candidate.path}::${u.name}`,
    name: u.name,
    line: u.line,
    endLine: u.endLine,
    findings: u.findings,
    decision: fileRejects || u.findings.some((f) => f.severity === 'high') ? 'reject' : 'keep',
  }));
  const reasons = [
    ...fileFindings.filter((f) => f.severity === 'high').map((f) => `${candidate.path}:${f.line ?? 1}: ${f.rule}: ${f.message}`),
    ...tests.flatMap((t) => t.findings.filter((f) => f.severity === 'high').map((f) => `${t.name}: ${f.rule}: ${f.message}`)),
  ];
  const reject = reasons.length > 0 || (a.guard?.hallucinated.length ?? 0) > 0;
  return {
    file: candidate.path,
    discovery: a.discovery,
    tests,
    fileFindings,
    guard: a.guard,
    ...(a.guardError === undefined ? {} : { guardError: a.guardError }),
    decision: reject ? 'reject' : 'keep',
    reasons,
  };
}

export interface GuardVerdict {
  decision: 'keep' | 'reject';
  findings: LintFinding[];
  reasons: string[];
}

/** All findings of a result as one list; a test's findings carry its name in the message. */
export function flattenFindings(result: StaticCheckResult): LintFinding[] {
  return [...result.fileFindings, ...result.tests.flatMap((t) => t.findings.map((f) => ({ ...f, message: `${t.name}: ${f.message}` })))];
}

/** The generator's guard: reject on any high finding or hallucination, else keep with the findings. */
export function createGuardRunner(deps: StaticCheckDeps): (candidate: CandidateFile, acs: AcceptanceCriterion[]) => Promise<GuardVerdict> {
  return async (candidate, acs) => {
    const result = await runStaticChecks(candidate, acs, deps);
    const reasons = result.guardError ? [...result.reasons, `hallucination guard unavailable: ${result.guardError}`] : result.reasons;
    return { decision: result.decision, findings: flattenFindings(result), reasons };
  };
}
