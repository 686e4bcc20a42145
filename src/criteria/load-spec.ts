import { createHash } from 'node:crypto';
import { TfError } from '../errors.js';
import { assignIds } from './assign-ids.js';
import { summariseAgentOsTasks } from './agent-os-tasks.js';
import type { SpecCandidate } from './locate-specs.js';
import { parseAcsFromMarkdown, SPEC_FILE_OPTIONS, type RawAc } from './parse-acs.js';
import { readContract, summarisePlan } from './plan.js';
import { readOptionalRepoFile, readRepoFile } from './read-repo-file.js';
import type { PlanSummary, SpecSnapshot, TaskContract } from './types.js';

export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Title: `> Spec: X` (Agent OS), else the first H1, else the fallback. */
export function readTitle(text: string, fallback: string): string {
  const agentOs = /^>\s*Spec:\s*(.+?)\s*$/im.exec(text)?.[1];
  const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(text)?.[1];
  return agentOs ?? h1 ?? fallback;
}

async function readJson(dir: string, rel: string, warnings: string[]): Promise<unknown> {
  const text = await readOptionalRepoFile(dir, rel, warnings);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    warnings.push(`${rel}: not valid JSON (${err instanceof Error ? err.message : String(err)}); ignored`);
    return undefined;
  }
}

async function readAifactoryExtras(dir: string, c: SpecCandidate, warnings: string[]): Promise<{ plan?: PlanSummary; contract?: TaskContract }> {
  const planJson = await readJson(dir, `${c.folder}/implementation_plan.json`, warnings);
  const contractJson = await readJson(dir, `${c.folder}/task_contract.json`, warnings);
  const fromPlan = planJson === undefined ? undefined : summarisePlan(planJson);
  const fromContract = contractJson === undefined ? undefined : summarisePlan(contractJson);
  // The contract is a superset of the plan: use its phases when the plan file is absent.
  const plan = fromPlan ?? (fromContract && fromContract.phases.length > 0 ? fromContract : undefined);
  if (planJson !== undefined && !fromPlan) warnings.push(`${c.folder}/implementation_plan.json: not an object; ignored`);
  const { contract, warnings: contractWarnings } = readContract(contractJson);
  warnings.push(...contractWarnings);
  return { ...(plan ? { plan } : {}), ...(contract ? { contract } : {}) };
}

/** ACs of an Agent OS spec: its expected-deliverable / acceptance sections, then sub-specs/tests.md. */
async function readAgentOsAcs(dir: string, c: SpecCandidate, specText: string, warnings: string[]): Promise<RawAc[]> {
  const acs = parseAcsFromMarkdown(specText, c.specPath, SPEC_FILE_OPTIONS);
  const testsPath = `${c.folder}/sub-specs/tests.md`;
  const tests = await readOptionalRepoFile(dir, testsPath, warnings);
  if (tests !== undefined) {
    acs.push(...parseAcsFromMarkdown(tests, testsPath, {
      section: (h) => /test coverage|acceptance/i.test(h),
      exclude: (h) => /mock/i.test(h),
      fallback: 'whole',
    }));
  }
  return acs;
}

/** Read a spec folder into a snapshot: ACs with ids and source lines, plan, contract. */
export async function loadSpec(dir: string, c: SpecCandidate, commitSha?: string): Promise<SpecSnapshot> {
  const text = await readRepoFile(dir, c.specPath);
  if (text === undefined) {
    throw new TfError('SPEC_INVALID', `${c.specPath} could not be read`, { details: { path: c.specPath } });
  }
  const warnings: string[] = [];
  let raw: RawAc[];
  let extras: { plan?: PlanSummary; contract?: TaskContract } = {};
  if (c.kind === 'aifactory') {
    raw = parseAcsFromMarkdown(text, c.specPath, SPEC_FILE_OPTIONS);
    extras = await readAifactoryExtras(dir, c, warnings);
  } else {
    raw = await readAgentOsAcs(dir, c, text, warnings);
    const tasks = await readOptionalRepoFile(dir, `${c.folder}/tasks.md`, warnings);
    const plan = tasks === undefined ? undefined : summariseAgentOsTasks(tasks);
    if (plan) extras = { plan };
  }
  if (raw.length === 0) warnings.push(`${c.specPath}: no acceptance criteria found (looked for an Acceptance Criteria / Requirements / Expected Deliverable section, AC#n tags, Gherkin scenarios, "shall" sentences)`);
  return {
    kind: c.kind,
    id: c.id,
    title: readTitle(text, c.id),
    path: c.specPath,
    ...(commitSha ? { commitSha } : {}),
    contentHash: hashText(text),
    acs: assignIds(raw),
    ...extras,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
