import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates request bodies against GitHub's OpenAPI description (@octokit/openapi, api.github.com):
 * the operation is found by method and path template, its JSON request body schema is checked with ajv.
 */

interface Operation {
  template: string;
  regex: RegExp;
  literals: number;
  bodySchema: Record<string, unknown> | null;
  bodyRequired: boolean;
}

interface Spec {
  paths: Record<string, Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> } }>>;
  components: Record<string, unknown>;
}

let loaded: { spec: Spec; byMethod: Map<string, Operation[]>; ajv: Ajv; validators: Map<string, ValidateFunction> } | null = null;

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@octokit/openapi/package.json'));
  const spec = JSON.parse(readFileSync(join(dir, 'generated', 'api.github.com.json'), 'utf8')) as Spec;
  const byMethod = new Map<string, Operation[]>();
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || op === null || method === 'parameters') continue;
      const segments = template.split('/').filter(Boolean);
      const pattern = segments.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/');
      const content = op.requestBody?.content?.['application/json'];
      const entry: Operation = {
        template,
        regex: new RegExp(`^/${pattern}/?$`),
        literals: segments.filter((s) => !s.startsWith('{')).length,
        bodySchema: content?.schema ?? null,
        bodyRequired: op.requestBody?.required === true,
      };
      const key = method.toUpperCase();
      byMethod.set(key, [...(byMethod.get(key) ?? []), entry]);
    }
  }
  for (const list of byMethod.values()) list.sort((a, b) => b.literals - a.literals);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  loaded = { spec, byMethod, ajv, validators: new Map() };
  return loaded;
}

/** The operation's path template for a concrete request path (query string ignored), or undefined. */
export function findOperationTemplate(method: string, path: string): string | undefined {
  return findOperation(method, path)?.template;
}

function findOperation(method: string, path: string): Operation | undefined {
  const pathname = path.split('?')[0] ?? path;
  return load().byMethod.get(method.toUpperCase())?.find((op) => op.regex.test(pathname));
}

/** Problems with a request body; an empty list means it is valid. */
export function validateGithubRequest(method: string, path: string, rawBody: string | undefined): string[] {
  const op = findOperation(method, path);
  if (!op) return [`${method} ${path}: no such operation in GitHub's OpenAPI description`];
  const text = rawBody ?? '';
  if (text.trim() === '') return op.bodyRequired ? [`${method} ${op.template}: a request body is required`] : [];
  if (!op.bodySchema) return [`${method} ${op.template}: the operation takes no JSON body`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${method} ${op.template}: the body is not JSON`];
  }
  const state = load();
  const key = `${method.toUpperCase()} ${op.template}`;
  let validate = state.validators.get(key);
  if (!validate) {
    validate = state.ajv.compile({ ...op.bodySchema, components: state.spec.components });
    state.validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`);
}
