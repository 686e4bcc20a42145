/**
 * How an OpenAI-compatible server is asked for JSON: `json_schema` (OpenAI, vLLM, recent Ollama),
 * `json_object` (JSON mode), or `none` (prompt only). Whatever the mode, the reply is checked by zod.
 */
export type JsonMode = 'json_schema' | 'json_object' | 'none';
