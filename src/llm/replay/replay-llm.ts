import { TfError } from '../../errors.js';
import { excerptPrompt, fingerprintRequest } from '../fingerprint.js';
import { ZERO_USAGE, type LlmPort, type LlmRequest, type LlmResponse } from '../port.js';
import { parseJsonOutput } from '../structured-output.js';
import { readTranscript, type Transcript, type TranscriptEntry } from './transcript.js';

/**
 * Serves recorded replies. A request is matched by fingerprint (entries with the same fingerprint
 * are served in order, the last one repeating); with `"match": "sequence"` the nth request of a
 * purpose gets that purpose's nth entry. A request the transcript does not hold is REPLAY_MISS.
 */
export function createReplayLlm(source: string | Transcript, opts: { file?: string } = {}): LlmPort {
  const transcript = typeof source === 'string' ? readTranscript(source) : source;
  const file = typeof source === 'string' ? source : opts.file ?? '(in memory)';
  const servedByFingerprint = new Map<string, number>();
  const servedByPurpose = new Map<string, number>();

  function pick<T>(req: LlmRequest<T>, fingerprint: string): TranscriptEntry | undefined {
    if (transcript.match === 'sequence') {
      const n = servedByPurpose.get(req.purpose) ?? 0;
      servedByPurpose.set(req.purpose, n + 1);
      return transcript.entries.filter((e) => e.purpose === req.purpose)[n];
    }
    const same = transcript.entries.filter((e) => e.fingerprint === fingerprint);
    if (same.length === 0) return undefined;
    const n = servedByFingerprint.get(fingerprint) ?? 0;
    servedByFingerprint.set(fingerprint, n + 1);
    return same[Math.min(n, same.length - 1)];
  }

  return {
    provider: 'replay',
    model: transcript.model ?? 'replay',
    async complete<T>(req: LlmRequest<T>): Promise<LlmResponse<T>> {
      const fingerprint = fingerprintRequest(req);
      const entry = pick(req, fingerprint);
      if (!entry) {
        throw new TfError('REPLAY_MISS', `replay transcript holds no ${req.purpose} request like this one: "${excerptPrompt(req.prompt, 120)}"`, {
          details: { file, purpose: req.purpose, schemaName: req.schemaName, fingerprint, match: transcript.match, promptExcerpt: excerptPrompt(req.prompt, 400) },
          hint: 'the prompts, spec or diff changed since the transcript was recorded: record it again',
        });
      }
      const outcome = parseJsonOutput(entry.response, req.schema);
      if (!outcome.ok) {
        throw new TfError('LLM_INVALID_OUTPUT', `replayed ${req.purpose} reply does not fit ${req.schemaName}`, { details: { file, fingerprint, error: outcome.error } });
      }
      return { value: outcome.value, usage: entry.usage ?? { ...ZERO_USAGE, calls: 1 }, model: transcript.model ?? 'replay' };
    },
  };
}
