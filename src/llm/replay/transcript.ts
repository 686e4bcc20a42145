import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { TfError } from '../../errors.js';

const usageSchema = z.object({
  calls: z.number().int().nonnegative(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheWriteTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});

export const transcriptEntrySchema = z.object({
  purpose: z.enum(['plan', 'generate', 'judge', 'repair']),
  /** sha256 of the normalised request (see fingerprintRequest). */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  schemaName: z.string().optional(),
  /** For people reading the transcript and for miss messages. */
  promptExcerpt: z.string().optional(),
  /** Characters of the request: cacheable prefix (system + shared blocks) and the request-specific prompt. */
  chars: z.object({ system: z.number().int(), shared: z.number().int(), prompt: z.number().int() }).optional(),
  /** The model's reply: JSON text of the value. */
  response: z.string(),
  usage: usageSchema.optional(),
});

export const transcriptSchema = z.object({
  version: z.literal(1),
  /** `fingerprint` (default): exact requests. `sequence`: the nth request of a purpose gets the nth entry of it. */
  match: z.enum(['fingerprint', 'sequence']).default('fingerprint'),
  provider: z.string().optional(),
  model: z.string().optional(),
  recordedAt: z.string().optional(),
  entries: z.array(transcriptEntrySchema),
});

export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;
export type Transcript = z.infer<typeof transcriptSchema>;

export function readTranscript(file: string): Transcript {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TfError('CONFIG_INVALID', `replay transcript ${file} could not be read`, { details: { file }, hint: 'pass --llm replay:<path to a transcript JSON>', cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new TfError('CONFIG_INVALID', `replay transcript ${file} is not JSON`, { details: { file }, cause });
  }
  const parsed = transcriptSchema.safeParse(json);
  if (!parsed.success) {
    throw new TfError('CONFIG_INVALID', `replay transcript ${file} is malformed`, { details: { file, issues: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`) } });
  }
  return parsed.data;
}

export function writeTranscript(file: string, transcript: Transcript): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(transcript, null, 2)}\n`);
}
