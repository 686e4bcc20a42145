import { z } from 'zod';

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates an already-parsed value against the request's schema; the error is fit to quote to the model. */
export function validateOutput<T>(value: unknown, schema: z.ZodType<T>): ParseOutcome<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: formatIssues(parsed.error) };
}

/** Parses model text as JSON (tolerating a ```json fence or prose around one object) then validates it. */
export function parseJsonOutput<T>(text: string, schema: z.ZodType<T>): ParseOutcome<T> {
  const candidate = extractJson(text);
  if (candidate === undefined) return { ok: false, error: 'the reply holds no JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (err) {
    return { ok: false, error: `the reply is not valid JSON: ${(err as Error).message}` };
  }
  return validateOutput(value, schema);
}

export function extractJson(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed;
  const fence = /```(?:json)?\s*\n([\s\S]*?)\n?```/.exec(trimmed);
  if (fence?.[1] !== undefined) return fence[1].trim();
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : undefined;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => `- ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

/** JSON Schema of a zod schema, for a forced tool call or `response_format`. */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema: _drop, ...rest } = json;
  return rest;
}
