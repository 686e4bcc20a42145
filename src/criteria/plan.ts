import { z } from 'zod';
import type { PlanSummary, TaskContract } from './types.js';

/* Plans are written by coding agents in several shapes: every field is optional, a field of the
 * wrong type is dropped (`.catch`), and unknown fields pass through. */

const str = z.union([z.string(), z.number()]).transform(String).optional().catch(undefined);
const strList = z.array(z.string()).optional().catch(undefined);

const SubtaskSchema = z.looseObject({ id: str, description: str, status: str, files_to_modify: strList });

const PhaseSchema = z.looseObject({
  phase: str,
  id: str,
  name: str,
  status: str,
  files_to_modify: strList,
  subtasks: z.array(z.unknown()).optional().catch(undefined),
});

const PlanSchema = z.looseObject({
  feature: str,
  workflow_type: str,
  status: str,
  files_to_modify: strList,
  phases: z.array(z.unknown()).optional().catch(undefined),
});

function isDone(status: string | undefined): boolean {
  return status !== undefined && /^(completed?|done)$/i.test(status);
}

/** Summarise implementation_plan.json (or the plan part of task_contract.json); undefined if it is not an object. */
export function summarisePlan(json: unknown): PlanSummary | undefined {
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const plan = parsed.data;
  const files = new Set(plan.files_to_modify ?? []);
  const phases: PlanSummary['phases'] = [];
  (plan.phases ?? []).forEach((raw, i) => {
    const p = PhaseSchema.safeParse(raw);
    if (!p.success) return;
    const subtasks = (p.data.subtasks ?? []).flatMap((s) => {
      const r = SubtaskSchema.safeParse(s);
      return r.success ? [r.data] : [];
    });
    for (const f of p.data.files_to_modify ?? []) files.add(f);
    for (const s of subtasks) for (const f of s.files_to_modify ?? []) files.add(f);
    const status = p.data.status ?? (subtasks.length > 0 ? (subtasks.every((s) => isDone(s.status)) ? 'completed' : 'in_progress') : undefined);
    const name = p.data.name ?? p.data.id ?? `Phase ${p.data.phase ?? i + 1}`;
    phases.push({ name, ...(status ? { status } : {}), subtasks: subtasks.length });
  });
  return {
    ...(plan.feature ? { feature: plan.feature } : {}),
    ...(plan.workflow_type ? { workflowType: plan.workflow_type } : {}),
    ...(plan.status ? { status: plan.status } : {}),
    phases,
    filesToModify: [...files],
  };
}

const ContractBlockSchema = z.looseObject({
  lanes: z.array(z.string()).optional(),
  frameworks: z.record(z.string(), z.string()).optional(),
  coverage_target: z.number().min(0).max(1).optional(),
  mutation_scope: z.array(z.string()).optional(),
  ac_to_code_map: z.record(z.string(), z.array(z.string())).optional(),
});

/** The `tfactory` block of task_contract.json; invalid fields are left out and reported. */
export function readContract(json: unknown): { contract?: TaskContract; warnings: string[] } {
  if (typeof json !== 'object' || json === null || !('tfactory' in json)) return { warnings: [] };
  const block: unknown = (json as { tfactory: unknown }).tfactory;
  if (typeof block !== 'object' || block === null) return { warnings: ['task_contract.json: "tfactory" is not an object'] };
  const warnings: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    const schema = ContractBlockSchema.shape[key as keyof typeof ContractBlockSchema.shape];
    if (!schema) continue;
    const r = schema.safeParse(value);
    if (r.success) fields[key] = r.data;
    else warnings.push(`task_contract.json: tfactory.${key} ignored (${r.error.issues[0]?.message ?? 'invalid'})`);
  }
  const f = ContractBlockSchema.parse(fields);
  const contract: TaskContract = {
    ...(f.lanes ? { lanes: f.lanes } : {}),
    ...(f.frameworks ? { frameworks: f.frameworks } : {}),
    ...(f.coverage_target !== undefined ? { coverageTarget: f.coverage_target } : {}),
    ...(f.mutation_scope ? { mutationScope: f.mutation_scope } : {}),
    ...(f.ac_to_code_map ? { acToCodeMap: f.ac_to_code_map } : {}),
  };
  return { contract, warnings };
}
