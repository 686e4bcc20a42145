import { z } from 'zod';
import { TfError } from '../errors.js';
import { guardBatchSchema, guardFindingsSchema } from './guard-output.js';
import type { GraderResult } from './types.js';

const lineMap = z.record(z.string(), z.array(z.number().int().nonnegative()));

const runSchema = z.object({
  outcome: z.enum(['passed', 'failed', 'error', 'timeout', 'skipped']),
  failureKind: z.enum(['assertion', 'error', 'import', 'collection', 'timeout']).optional(),
  message: z.string().optional(),
  durationMs: z.number().nonnegative(),
});

const testSchema = z.object({
  id: z.string().min(1),
  file: z.string(),
  name: z.string(),
  runs: z.array(runSchema),
  coveredChanged: lineMap,
  mutants: z.object({
    killed: z.array(z.object({ mutant: z.string(), by: z.enum(['assertion', 'crash', 'timeout']) })),
    survived: z.array(z.string()),
    notReached: z.array(z.string()),
  }),
  onBase: runSchema.optional(),
  settled: z.literal(true).optional(),
});

const mutantSchema = z.object({
  id: z.string().min(1),
  file: z.string(),
  line: z.number().int().positive(),
  operator: z.string(),
  description: z.string(),
  coveredBy: z.array(z.string()),
});

/** The GraderResult an in-sandbox grader (Python or TypeScript) writes. */
export const graderResultSchema = z.object({
  tests: z.array(testSchema),
  mutants: z.array(mutantSchema),
  suiteCoveredChanged: lineMap,
  changedExecutable: lineMap,
  executions: z.number().int().nonnegative(),
  necessaryMs: z.number().nonnegative(),
  mutationMs: z.number().nonnegative().optional(),
  phasesMs: z.record(z.string(), z.number().nonnegative()).optional(),
  errors: z.array(z.string()),
  guard: z.union([
    guardBatchSchema(guardFindingsSchema),
    z.object({ error: z.string() }),
  ]).optional(),
});

type Parsed = z.infer<typeof graderResultSchema>;

/** Drop keys whose value is undefined (zod's optional output allows them; our types do not). */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withoutUndefined(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)])) as T;
  }
  return value;
}

/**
 * Parse and validate a grader's result JSON. Anything malformed throws TfError
 * RESULT_PARSE_FAILED with the validation issues and a snippet of the text as evidence.
 */
export function parseGraderResult(json: string): GraderResult {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new TfError('RESULT_PARSE_FAILED', 'grader result is not JSON', {
      details: { format: 'GraderResult', snippet: json.slice(0, 400), reason: err instanceof Error ? err.message : String(err) },
      cause: err,
    });
  }
  const parsed = graderResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TfError('RESULT_PARSE_FAILED', 'grader result failed validation', {
      details: {
        format: 'GraderResult',
        issues: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`),
        snippet: json.slice(0, 400),
      },
    });
  }
  const result: Parsed = parsed.data;
  const typed: GraderResult = withoutUndefined(result) as GraderResult;
  return typed;
}
