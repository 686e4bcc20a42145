/**
 * How an OpenAI-compatible server is asked for JSON: `json_schema` (OpenAI, vLLM, recent Ollama),
 * `json_object` (JSON mode), or `none` (prompt only). Whatever the mode, the reply is checked by zod.
 */
export const JSON_MODES = ['json_schema', 'json_object', 'none'] as const;
export type JsonMode = (typeof JSON_MODES)[number];
