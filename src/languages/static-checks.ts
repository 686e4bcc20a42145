import type { LintFinding } from '../report/types.js';
import type { SandboxPort } from '../sandbox/port.js';
import type { AcceptanceCriterion } from '../criteria/types.js';
import type { CandidateFile } from './candidate.js';
import type { GuardItem } from './guard-output.js';
import type { LanguagePlugin } from './port.js';
import { pluginFor } from './registry.js';
import type { GuardDeps, StaticAnalysis, StaticCheckDeps, StaticCheckOutcome, StaticCheckResult, TestStaticResult } from './static-check-types.js';

/**
 * The static checks every candidate test file goes through, shared by the generator's guard and
 * the evaluator: discovery, flake lint, value assertions, tautology, criterion numbers (pure), and
 * the hallucination guard (in the sandbox, when one is given), each by the candidate's language
 * plug-in. Findings are per test function.
 * Decision: reject when any finding is high (a test's or the file's) or anything is hallucinated.
 */

export type { GuardDeps, GuardItem, StaticCheckDeps, StaticCheckOutcome, StaticCheckResult, TestStaticResult };
export type { GuardOutcome } from './guard-output.js';

function guardFindings(items: GuardItem[]): LintFinding[] {
  return items.map((h) => ({ rule: `hallucinated-${h.kind}`, severity: 'high', message: `${h.name} does not exist in the project${h.reason ? ` (${h.reason})` : ''}`, line: h.line }));
}

/** The guard's deps for one plug-in: its runner's image when several are given. */
function guardDepsFor(deps: StaticCheckDeps, sandbox: SandboxPort | undefined, candidate: CandidateFile): GuardDeps | undefined {
  if (!sandbox) return undefined;
  const { images, ...rest } = deps;
  return { ...rest, sandbox, image: images?.[pluginFor(candidate.language).grader.runner] ?? deps.image };
}

/** The criteria a candidate cites (all given ones when it cites none of them). */
function citedCriteria(candidate: CandidateFile, acs: AcceptanceCriterion[]): AcceptanceCriterion[] {
  const cited = acs.filter((ac) => candidate.acIds.includes(ac.id));
  return cited.length > 0 ? cited : acs;
}

export async function runStaticChecks(candidate: CandidateFile, acs: AcceptanceCriterion[], deps: StaticCheckDeps): Promise<StaticCheckResult> {
  const criteria = citedCriteria(candidate, acs);
  return resultOf(candidate, await pluginFor(candidate.language).analyse(candidate, criteria, guardDepsFor(deps, deps.sandbox, candidate)));
}

/**
 * The static checks of several candidates (each with the criteria it is checked against): per
 * plug-in one call, so the hallucination guard of all of a language's files runs in one
 * process. Results in the order given.
 */
export async function runStaticChecksMany(items: Array<{ candidate: CandidateFile; acs: AcceptanceCriterion[] }>, deps: StaticCheckDeps): Promise<StaticCheckResult[]> {
  const results: StaticCheckResult[] = new Array<StaticCheckResult>(items.length);
  // By plug-in: TypeScript and JavaScript files share one.
  const byPlugin = new Map<LanguagePlugin, number[]>();
  items.forEach((item, i) => {
    const plugin = pluginFor(item.candidate.language);
    byPlugin.set(plugin, [...(byPlugin.get(plugin) ?? []), i]);
  });
  for (const [plugin, indexes] of byPlugin) {
    const mine = indexes.map((i) => items[i] as { candidate: CandidateFile; acs: AcceptanceCriterion[] });
    const first = mine[0] as { candidate: CandidateFile };
    const analyses = await plugin.analyseMany(
      mine.map((m) => ({ candidate: m.candidate, acs: citedCriteria(m.candidate, m.acs) })),
      guardDepsFor(deps, deps.sandbox, first.candidate),
    );
    indexes.forEach((at, k) => {
      results[at] = resultOf((mine[k] as { candidate: CandidateFile }).candidate, analyses[k] as StaticAnalysis);
    });
  }
  return results;
}

function resultOf(candidate: CandidateFile, a: StaticAnalysis): StaticCheckResult {
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
  reasons: string[];
  /** What the evaluate stage reads instead of checking the file again. */
  checks: StaticCheckOutcome;
}

/** All findings of a result as one list; a test's findings carry its name in the message. */
export function flattenFindings(result: StaticCheckResult): LintFinding[] {
  return [...result.fileFindings, ...result.tests.flatMap((t) => t.findings.map((f) => ({ ...f, message: `${t.name}: ${f.message}` })))];
}

/** The part of a static-check result that later stages read: findings, lines and each test's source. */
export function toCheckOutcome(result: StaticCheckResult, content: string): StaticCheckOutcome {
  const lines = content.split('\n');
  return {
    tests: result.tests.map((t) => ({ id: t.id, name: t.name, findings: t.findings, line: t.line, source: lines.slice(t.line - 1, t.endLine).join('\n') })),
    fileFindings: [
      ...result.fileFindings,
      ...(result.guardError ? [{ rule: 'guard-unavailable', severity: 'low' as const, message: `hallucination guard could not run: ${result.guardError}` }] : []),
    ],
  };
}

/** The generator's guard: reject on any high finding or hallucination, else keep with the checks' outcome. */
export function createGuardRunner(deps: StaticCheckDeps): (candidate: CandidateFile, acs: AcceptanceCriterion[]) => Promise<GuardVerdict> {
  return async (candidate, acs) => {
    const result = await runStaticChecks(candidate, acs, deps);
    const reasons = result.guardError ? [...result.reasons, `hallucination guard unavailable: ${result.guardError}`] : result.reasons;
    const fallback = reasons.length > 0 || result.decision === 'keep' ? [] : [flattenFindings(result).map((f) => f.message).join('; ') || 'rejected by the guards'];
    return { decision: result.decision, reasons: [...reasons, ...fallback], checks: toCheckOutcome(result, candidate.content) };
  };
}
