import { z } from 'zod';
import { posix } from 'node:path';
import { SANDBOX_PATHS } from '../sandbox/port.js';

/** One finding of a hallucination guard (Python or TS/JS): a module, imported name or attribute. */
export const guardItemSchema = z.object({
  name: z.string(),
  line: z.number().int(),
  kind: z.enum(['module', 'name', 'attribute']),
  reason: z.string().optional(),
});

export type GuardItem = z.infer<typeof guardItemSchema>;

/** What a guard finds in one file: names that do not exist in the project, and those it cannot tell. */
export const guardFindingsSchema = z.object({ hallucinated: z.array(guardItemSchema), unknown: z.array(guardItemSchema) });

export type GuardFindings = z.infer<typeof guardFindingsSchema>;

/** A batch guard's answer (the TS grader's too, GraderResult.guard): each file's `result` by its path under /workspace. */
export function guardBatchSchema<T extends z.ZodType>(result: T) {
  return z.object({ files: z.array(z.object({ path: z.string(), result })) });
}

/** What a guard run gives back: its parsed output, or why there is none (infrastructure). */
export type GuardOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** The last JSON line a guard script printed, validated by `schema`. */
export function parseGuardOutput<T>(result: { exitCode: number | null; stdout: string; stderr: string; endReason: string }, schema: z.ZodType<T>): GuardOutcome<T> {
  const line = result.stdout.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (result.exitCode !== 0 || line === undefined) {
    return { ok: false, error: `guard did not finish (${result.endReason}, exit ${String(result.exitCode)}): ${result.stderr.slice(-500)}` };
  }
  try {
    const parsed = schema.safeParse(JSON.parse(line));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: `guard output is invalid: ${parsed.error.message}` };
  } catch (err) {
    return { ok: false, error: `guard output is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A batch guard's answer split per file (by the file's path under /workspace); a missing file is an error. */
export function outcomesByPath<T>(
  files: Array<{ path: string }>,
  batch: GuardOutcome<{ files: Array<{ path: string; result: T }> }>,
): Map<string, GuardOutcome<T>> {
  const out = new Map<string, GuardOutcome<T>>();
  const byContainerPath = batch.ok ? new Map(batch.value.files.map((f) => [f.path, f.result])) : new Map<string, T>();
  for (const f of files) {
    if (!batch.ok) {
      out.set(f.path, batch);
      continue;
    }
    const value = byContainerPath.get(posix.join(SANDBOX_PATHS.workspace, f.path));
    out.set(f.path, value === undefined ? { ok: false, error: `guard gave no answer for ${f.path}` } : { ok: true, value });
  }
  return out;
}
