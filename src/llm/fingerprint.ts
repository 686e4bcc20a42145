import { createHash } from 'node:crypto';
import type { LlmRequest } from './port.js';

/** Line endings unified, trailing spaces and surrounding blank lines dropped: cosmetic drift must not miss a replay. */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** sha256 of the normalised request: system + sharedContext + prompt + schemaName. */
export function fingerprintRequest(req: Pick<LlmRequest<unknown>, 'system' | 'sharedContext' | 'prompt' | 'schemaName'>): string {
  const normalised = JSON.stringify({
    system: normaliseText(req.system),
    sharedContext: req.sharedContext.map(normaliseText),
    prompt: normaliseText(req.prompt),
    schemaName: req.schemaName,
  });
  return createHash('sha256').update(normalised).digest('hex');
}

/** A short, single-line excerpt of the prompt for error messages and transcripts. */
export function excerptPrompt(prompt: string, max = 160): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
